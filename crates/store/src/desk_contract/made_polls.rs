//! Polls made in the desk: made, edited before and after the first vote (in Dutch and French),
//! archived, and their voter ids.

use super::*;

fn answer(key: &str, label: &str) -> PollOption {
    PollOption {
        key: key.into(),
        label: label.into(),
    }
}

/// The desk-made poll "deepseek" as `made_polls` lists it.
async fn made_deepseek(store: &Store) -> MadePoll {
    store
        .made_polls()
        .await
        .unwrap()
        .into_iter()
        .find(|made| made.definition.id == "deepseek")
        .unwrap()
}

/// Every audit line of `action`, of any poll.
async fn lines_of(store: &Store, action: AuditAction) -> Vec<AuditEntry> {
    store
        .audit_log(None, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == action)
        .collect()
}

pub async fn a_poll_made_in_the_desk_is_stored_and_listed_newest_first(engine: &dyn DeskEngine) {
    let store = engine.open(&[&other_poll()]).await;
    let second = PollDefinition {
        id: "tweede".into(),
        options: vec![answer("a", "A"), answer("b", "B")],
        opens: None,
        closes: None,
        max_choices: 2,
        allow_change: true,
        ..made()
    };

    assert!(create(&store, &made(), 100).await);
    assert!(create(&store, &second, 200).await);

    let listed = store.made_polls().await.unwrap();
    assert_eq!(
        listed,
        vec![
            MadePoll {
                definition: second,
                created: ("anna".into(), 200),
                archived: None,
                clarified: false,
            },
            MadePoll {
                definition: made(),
                created: ("anna".into(), 100),
                archived: None,
                clarified: false,
            },
        ],
        "newest first, the file's poll not among them"
    );
    assert_eq!(
        store.audit_log(Some("deepseek"), 10).await.unwrap(),
        vec![audit(
            AuditAction::PollCreated,
            Some("deepseek"),
            "anna",
            100
        )]
    );
    let tally = store.tally("deepseek", None).await.unwrap();
    assert_eq!(
        tally
            .counts
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        KEYS,
        "its answers in their order"
    );
}

pub async fn a_poll_is_never_made_under_an_id_in_use(engine: &dyn DeskEngine) {
    let store = engine.open(&[&other_poll()]).await;
    let archived = PollDefinition {
        id: "tweede".into(),
        ..made()
    };
    assert!(create(&store, &made(), 100).await);
    assert!(create(&store, &archived, 110).await);
    let entry = audit(AuditAction::Archived, Some("tweede"), "anna", 120);
    assert!(store.set_archived("tweede", true, &entry).await.unwrap());
    let listed = store.made_polls().await.unwrap();

    for (id, whose) in [
        ("andere", "a content file's"),
        ("deepseek", "a desk poll's"),
        ("tweede", "an archived desk poll's"),
    ] {
        let claim = PollDefinition {
            id: id.into(),
            question: "Dubbel?".into(),
            options: vec![answer("x", "X")],
            ..made()
        };
        assert!(!create(&store, &claim, 200).await, "{whose} id");
    }

    assert_eq!(store.made_polls().await.unwrap(), listed, "nothing changed");
    assert_eq!(lines_of(&store, AuditAction::PollCreated).await.len(), 2);
    assert_eq!(engine.count("SELECT COUNT(*) FROM poll").await, 3);
    assert_eq!(
        engine.count("SELECT COUNT(*) FROM poll_option").await,
        9,
        "no answer added"
    );
    assert_eq!(
        engine
            .count("SELECT COUNT(*) FROM poll WHERE key = 'andere' AND origin = 'file'")
            .await,
        1,
        "the file's poll stays the file's"
    );
}

pub async fn a_content_file_claiming_a_desk_polls_id_leaves_it_alone(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap(),
        VoteOutcome::Recorded
    );
    let from_file = PollDefinition {
        question: "Uit het bestand?".into(),
        options: vec![answer("nee", "Nee"), answer("anders", "Anders")],
        opens: None,
        closes: None,
        max_choices: 2,
        show_results: ResultsVisibility::AfterVote,
        ..poll()
    };

    store
        .sync_polls(std::slice::from_ref(&from_file))
        .await
        .unwrap();
    store.shut_down().await;
    drop(store);
    let store = engine.open(&[&from_file]).await;

    let kept = made_deepseek(&store).await;
    assert_eq!(kept.definition, made(), "the desk's poll as it was");
    assert_eq!(counts(&store).await, (vec![1, 0, 0], 1));
    assert_eq!(
        store
            .record_vote(vote_at("b", &["anders"], 100))
            .await
            .unwrap(),
        VoteOutcome::UnknownChoice,
        "the file's answers are not taken"
    );
    assert_eq!(
        store
            .record_vote(vote_at("b", &["nee"], 1_000_000))
            .await
            .unwrap(),
        VoteOutcome::Closed,
        "the desk's closing moment holds"
    );
}

pub async fn a_vote_on_a_desk_poll_is_counted_under_its_rules(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    let timed = PollDefinition {
        opens: Some(Moment::brussels_from_unix(1_000)),
        closes: Some(Moment::brussels_from_unix(2_000)),
        max_choices: 2,
        ..made()
    };
    assert!(create(&store, &timed, 10).await);

    let script: [(&str, &[&str], i64, VoteOutcome); 6] = [
        ("a", &["ja"], 999, VoteOutcome::Closed),
        (
            "a",
            &["ja", "nee", "weet-niet"],
            1_500,
            VoteOutcome::WrongChoiceCount,
        ),
        ("a", &["misschien"], 1_500, VoteOutcome::UnknownChoice),
        ("a", &["ja", "nee"], 1_500, VoteOutcome::Recorded),
        ("b", &["weet-niet"], 1_999, VoteOutcome::Recorded),
        ("c", &["ja"], 2_000, VoteOutcome::Closed),
    ];
    for (voter, choices, at, expected) in script {
        let outcome = store
            .record_vote(vote_at(voter, choices, at))
            .await
            .unwrap();
        assert_eq!(outcome, expected, "{voter} {choices:?} at {at}");
    }
    assert_eq!(
        store
            .record_vote(vote_at("a", &["ja"], 1_600))
            .await
            .unwrap(),
        VoteOutcome::AlreadyVoted
    );
    assert_eq!(counts(&store).await, (vec![1, 1, 1], 2));
    assert_eq!(recount_counted(engine, &KEYS).await, (2, vec![1, 1, 1]));
}

pub async fn an_edit_before_the_first_vote_may_change_everything(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    let edited = PollDefinition {
        question: "Opnieuw gemaakt?".into(),
        options: vec![
            answer("weet-niet", "Geen idee"),
            answer("misschien", "Misschien"),
            answer("ja", "JA"),
        ],
        opens: Some(Moment::brussels_from_unix(500)),
        closes: None,
        max_choices: 2,
        allow_change: true,
        show_results: ResultsVisibility::AfterVote,
        ..made()
    };

    assert_eq!(edit(&store, &edited, 20).await, PollEdit::Edited);

    assert_eq!(
        made_deepseek(&store).await,
        MadePoll {
            definition: edited.clone(),
            created: ("anna".into(), 10),
            archived: None,
            clarified: false,
        }
    );
    assert_eq!(
        lines_of(&store, AuditAction::PollEdited).await,
        vec![AuditEntry {
            at: 20,
            editor: "bert".into(),
            action: AuditAction::PollEdited,
            poll_id: Some("deepseek".into()),
            detail: describe_edit(&made(), &edited),
        }]
    );
    assert_eq!(
        store
            .record_vote(vote_at("a", &["nee"], 600))
            .await
            .unwrap(),
        VoteOutcome::UnknownChoice,
        "a removed answer is not taken"
    );
    assert_eq!(
        store
            .record_vote(vote_at("a", &["misschien"], 499))
            .await
            .unwrap(),
        VoteOutcome::Closed,
        "the new opening moment holds"
    );

    // An answer removed and added again before the first vote is an answer like any other.
    let mut again = edited.clone();
    again.options.push(answer("nee", "Toch nee"));
    assert_eq!(edit(&store, &again, 30).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, again);
    assert_eq!(
        store
            .record_vote(vote_at("a", &["misschien", "nee"], 600))
            .await
            .unwrap(),
        VoteOutcome::Recorded
    );
    let tally = store.tally("deepseek", None).await.unwrap();
    assert_eq!(
        tally.counts,
        vec![
            ("weet-niet".into(), 0),
            ("misschien".into(), 1),
            ("ja".into(), 0),
            ("nee".into(), 1)
        ]
    );
}

pub async fn after_the_first_vote_only_the_wording_and_closing_may_change(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    for (voter, choice) in [("a", "ja"), ("b", "nee")] {
        assert_eq!(
            store
                .record_vote(vote_at(voter, &[choice], 100))
                .await
                .unwrap(),
            VoteOutcome::Recorded
        );
    }

    let later = PollDefinition {
        closes: Some(Moment::brussels_from_unix(2_000_000)),
        show_results: ResultsVisibility::AfterVote,
        ..made()
    };
    assert_eq!(edit(&store, &later, 200).await, PollEdit::Edited);
    assert!(
        !made_deepseek(&store).await.clarified,
        "a new closing moment is no rewording"
    );

    let mut reworded = later.clone();
    reworded.question = "Gemaakt, echt?".into();
    reworded.options[0].label = "Ja, zeker".into();
    assert_eq!(edit(&store, &reworded, 300).await, PollEdit::Edited);
    let stored = made_deepseek(&store).await;
    assert_eq!((&stored.definition, stored.clarified), (&reworded, true));
    assert_eq!(counts(&store).await, (vec![1, 1, 0], 2), "the votes stay");
    assert_eq!(
        store
            .tally("deepseek", Some("a"))
            .await
            .unwrap()
            .own_choices,
        vec!["ja"]
    );

    let mut added = reworded.clone();
    added.options.push(answer("misschien", "Misschien"));
    let mut removed = reworded.clone();
    removed.options.pop();
    let mut reordered = reworded.clone();
    reordered.options.swap(0, 1);
    let mut rekeyed = reworded.clone();
    rekeyed.options[2].key = "geen-idee".into();
    let locked = [
        ("an added answer", added),
        ("a removed answer", removed),
        ("reordered answers", reordered),
        ("a changed answer key", rekeyed),
        (
            "more answers to pick",
            PollDefinition {
                max_choices: 2,
                ..reworded.clone()
            },
        ),
        (
            "another opening moment",
            PollDefinition {
                opens: None,
                ..reworded.clone()
            },
        ),
        (
            "changing votes allowed",
            PollDefinition {
                allow_change: true,
                ..reworded.clone()
            },
        ),
    ];
    for (what, poll) in locked {
        assert_eq!(
            edit(&store, &poll, 400).await,
            PollEdit::AnswersLocked,
            "{what}"
        );
    }
    assert_eq!(
        edit(&store, &reworded, 500).await,
        PollEdit::Unchanged,
        "the same poll again"
    );

    assert_eq!(made_deepseek(&store).await, stored, "nothing changed");
    assert_eq!(
        lines_of(&store, AuditAction::PollEdited)
            .await
            .iter()
            .map(|line| line.at)
            .collect::<Vec<_>>(),
        vec![300, 200],
        "an audit line for each edit that took effect, none for the others"
    );
    assert_eq!(counts(&store).await, (vec![1, 1, 0], 2));
}

pub async fn a_voided_ballot_locks_the_answers_too(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap();
    let window = TimeWindow {
        from: 0,
        until: 1_000,
    };
    void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 200),
    )
    .await
    .unwrap();
    let mut fewer = made();
    fewer.options.pop();
    assert_eq!(edit(&store, &fewer, 300).await, PollEdit::AnswersLocked);
}

/// `made()` with its question and answers in French too.
fn made_in_two_languages() -> PollDefinition {
    PollDefinition {
        french: Some(french(
            "Fait ?",
            [
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", "Je ne sais pas"),
            ],
        )),
        ..made()
    }
}

fn french(question: &str, labels: [(&str, &str); 3]) -> PollTranslation {
    PollTranslation {
        question: question.into(),
        labels: labels
            .into_iter()
            .map(|(key, label)| (key.to_string(), label.to_string()))
            .collect(),
    }
}

pub async fn a_poll_in_dutch_and_french_is_stored_and_read_back_with_both(engine: &dyn DeskEngine) {
    let mut from_file = other_poll();
    from_file.french = Some(french(
        "D'un fichier ?",
        [("ja", "Oui"), ("nee", "Non"), ("weet-niet", "?")],
    ));
    let store = engine.open(&[&from_file]).await;
    let two = made_in_two_languages();
    assert_eq!(two.french_problem(), None);

    assert!(create(&store, &two, 10).await);
    assert_eq!(made_deepseek(&store).await.definition, two);
    assert_eq!(
        store
            .record_vote(vote_at("a", &["nee"], 100))
            .await
            .unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(
        counts(&store).await,
        (vec![0, 1, 0], 1),
        "one tally, by the answers' keys"
    );
    store.shut_down().await;
    drop(store);

    let store = engine.open(&[&from_file]).await;
    let stored = made_deepseek(&store).await;
    assert_eq!(stored.definition, two, "kept over a restart");
    assert_eq!(
        stored
            .definition
            .in_language(Language::French)
            .map(|french| french.question),
        Some("Fait ?".to_string())
    );
    assert_eq!(
        engine
            .count(
                "SELECT COUNT(*) FROM poll p JOIN poll_option o ON o.poll_id = p.id
                 WHERE p.origin = 'file'
                   AND (p.french_question IS NOT NULL OR o.french_label IS NOT NULL)"
            )
            .await,
        0,
        "a content file's French stays in its file"
    );
}

pub async fn after_the_first_vote_a_french_rewording_is_a_correction(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made_in_two_languages(), 10).await);
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap(),
        VoteOutcome::Recorded
    );

    let mut reworded = made_in_two_languages();
    if let Some(french) = reworded.french.as_mut() {
        french
            .labels
            .insert("weet-niet".into(), "Aucune idée".into());
    }
    assert_eq!(edit(&store, &reworded, 200).await, PollEdit::Edited);
    let stored = made_deepseek(&store).await;
    assert_eq!((&stored.definition, stored.clarified), (&reworded, true));
    assert_eq!(
        lines_of(&store, AuditAction::PollEdited).await.len(),
        1,
        "audited as a Dutch rewording is"
    );
    assert_eq!(counts(&store).await, (vec![1, 0, 0], 1), "the vote stays");

    let mut question = reworded.clone();
    if let Some(french) = question.french.as_mut() {
        french.question = "Vraiment fait ?".into();
    }
    assert_eq!(edit(&store, &question, 300).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, question);
    assert_eq!(
        edit(&store, &question, 400).await,
        PollEdit::Unchanged,
        "the same French again"
    );
    assert_eq!(lines_of(&store, AuditAction::PollEdited).await.len(), 2);
}

pub async fn french_texts_are_removed_and_added_by_an_edit(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made_in_two_languages(), 10).await);

    assert_eq!(edit(&store, &made(), 100).await, PollEdit::Edited);
    let stored = made_deepseek(&store).await;
    assert_eq!((&stored.definition, stored.clarified), (&made(), false));
    assert_eq!(
        engine
            .count(
                "SELECT COUNT(*) FROM poll p JOIN poll_option o ON o.poll_id = p.id
                 WHERE p.french_question IS NOT NULL OR o.french_label IS NOT NULL"
            )
            .await,
        0,
        "no French text is left behind"
    );

    // After the first vote French may still be added: no reader read a French wording before.
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 200)).await.unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(
        edit(&store, &made_in_two_languages(), 300).await,
        PollEdit::Edited
    );
    let stored = made_deepseek(&store).await;
    assert_eq!(
        (&stored.definition, stored.clarified),
        (&made_in_two_languages(), false)
    );
    // Removing it now takes away a wording readers may have voted on.
    assert_eq!(edit(&store, &made(), 400).await, PollEdit::Edited);
    let stored = made_deepseek(&store).await;
    assert_eq!((&stored.definition, stored.clarified), (&made(), true));
    assert_eq!(counts(&store).await, (vec![1, 0, 0], 1));
}

pub async fn an_edit_replaces_the_desk_overrides(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    change(&store, OverrideChange::Closes(Some(500)), 100).await;
    change(
        &store,
        OverrideChange::ShowResults(ResultsVisibility::AfterClose),
        110,
    )
    .await;
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 600)).await.unwrap(),
        VoteOutcome::Closed
    );

    let longer = PollDefinition {
        closes: Some(Moment::brussels_from_unix(2_000_000)),
        ..made()
    };
    assert_eq!(edit(&store, &longer, 200).await, PollEdit::Edited);

    assert_eq!(
        store.overrides().await.unwrap(),
        vec![],
        "the edit says what holds"
    );
    assert_eq!(made_deepseek(&store).await.definition, longer);
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 600)).await.unwrap(),
        VoteOutcome::Recorded,
        "the desk's closing moment is gone"
    );
}

pub async fn a_file_poll_or_an_unknown_id_is_not_edited_or_archived(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    let reworded = PollDefinition {
        question: "Anders?".into(),
        ..poll()
    };
    let unknown = PollDefinition {
        id: "bestaat-niet".into(),
        ..made()
    };

    assert_eq!(edit(&store, &reworded, 10).await, PollEdit::UnknownPoll);
    assert_eq!(edit(&store, &unknown, 10).await, PollEdit::UnknownPoll);
    assert!(!archive(&store, true, 20).await, "a file's poll");
    let entry = audit(AuditAction::Archived, Some("bestaat-niet"), "anna", 20);
    assert!(
        !store
            .set_archived("bestaat-niet", true, &entry)
            .await
            .unwrap()
    );

    assert_eq!(store.made_polls().await.unwrap(), vec![]);
    assert_eq!(store.audit_log(None, 10).await.unwrap(), vec![]);
    assert_eq!(
        engine
            .count("SELECT COUNT(*) FROM poll WHERE question = 'Schade?' AND archived_at IS NULL")
            .await,
        1
    );
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 30)).await.unwrap(),
        VoteOutcome::Recorded
    );
}

pub async fn an_archived_poll_takes_no_votes_and_keeps_its_ballots(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap();

    assert!(archive(&store, true, 200).await);
    assert_eq!(
        made_deepseek(&store).await.archived,
        Some(("anna".into(), 200))
    );
    assert_eq!(
        store
            .record_vote(vote_at("b", &["nee"], 300))
            .await
            .unwrap(),
        VoteOutcome::UnknownPoll
    );
    let (outcome, tally) = store
        .record_vote_and_tally(vote_at("c", &["nee"], 300))
        .await
        .unwrap();
    assert_eq!((outcome, tally), (VoteOutcome::UnknownPoll, None));
    assert_eq!(
        counts(&store).await,
        (vec![1, 0, 0], 1),
        "the standing stays"
    );
    assert_eq!(engine.count("SELECT COUNT(*) FROM ballot").await, 1);
    assert!(!archive(&store, true, 400).await, "archived already");

    assert!(archive(&store, false, 500).await);
    assert_eq!(made_deepseek(&store).await.archived, None);
    assert!(!archive(&store, false, 600).await, "on the site already");
    assert_eq!(
        store
            .record_vote(vote_at("b", &["nee"], 700))
            .await
            .unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(counts(&store).await, (vec![1, 1, 0], 2));
    let lines: Vec<(AuditAction, i64)> = store
        .audit_log(Some("deepseek"), 10)
        .await
        .unwrap()
        .iter()
        .map(|line| (line.action, line.at))
        .collect();
    assert_eq!(
        lines,
        vec![
            (AuditAction::Unarchived, 500),
            (AuditAction::Archived, 200),
            (AuditAction::PollCreated, 10)
        ]
    );
}

pub async fn voter_ids_of_a_closed_desk_poll_are_removed(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    let closing = PollDefinition {
        closes: Some(Moment::brussels_from_unix(1_000)),
        ..made()
    };
    assert!(create(&store, &closing, 10).await);
    for (voter, at) in [("a", 100), ("b", 200)] {
        store
            .record_vote(vote_at(voter, &["ja"], at))
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .forget_voters("deepseek", 999, 2_000, "stembus", removed_detail)
            .await
            .unwrap(),
        0,
        "closed after the moment given"
    );

    assert_eq!(
        store
            .forget_voters("deepseek", 1_000, 2_000, "stembus", removed_detail)
            .await
            .unwrap(),
        2
    );
    assert_eq!(kept_ids(engine, "deepseek").await, 0);
    assert_eq!(counts(&store).await, (vec![2, 0, 0], 2), "the counts stay");
    assert_eq!(
        lines_of(&store, AuditAction::VotersForgotten).await.len(),
        1
    );
}

/// The poll "deepseek" as served right now (its overrides laid over it), as the edit form shows it.
async fn served_deepseek(store: &Store) -> PollDefinition {
    let overrides = store
        .overrides()
        .await
        .unwrap()
        .into_iter()
        .find(|(id, _)| id == "deepseek")
        .map(|(_, overrides)| overrides)
        .unwrap_or_default();
    let mut served = made_deepseek(store).await.definition;
    crate::made::apply_overrides(&mut served, &overrides);
    served
}

pub async fn clearing_a_desk_close_in_the_edit_form_reopens_the_poll_and_is_logged(
    engine: &dyn DeskEngine,
) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    // "Nu sluiten" at second 100: the edit form now shows Sluit filled in with it.
    change(&store, OverrideChange::Closes(Some(100)), 100).await;
    let shown = served_deepseek(&store).await;
    assert_eq!(
        edit(&store, &shown, 150).await,
        PollEdit::Unchanged,
        "saving the form as shown changes nothing"
    );

    // The editor clears Sluit: the form sends the poll's own values, which differ from what holds.
    assert_eq!(edit(&store, &made(), 200).await, PollEdit::Edited);
    assert_eq!(
        lines_of(&store, AuditAction::PollEdited).await.len(),
        1,
        "the reopening is logged"
    );
    assert_eq!(store.overrides().await.unwrap(), vec![]);
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 300)).await.unwrap(),
        VoteOutcome::Recorded,
        "the poll is open again, as the editor asked"
    );
}

pub async fn an_edit_over_a_change_the_editor_did_not_see_is_refused(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    // Anna opens the edit form: it shows the poll open.
    let seen = crate::made::fingerprint(&served_deepseek(&store).await);
    // Bert clicks "Nu sluiten" meanwhile.
    change(&store, OverrideChange::Closes(Some(100)), 100).await;

    // Anna saves a small wording fix, with the poll's closing moment as her form showed it.
    let reworded = PollDefinition {
        question: "Gemaakt, echt?".into(),
        ..made()
    };
    let as_seen = |poll: PollDefinition, seen: String| {
        let store = &store;
        async move {
            store
                .edit_poll(&poll, Some(&seen), "anna", 200, describe_edit)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        as_seen(reworded.clone(), seen.clone()).await,
        PollEdit::NotAsSeen
    );
    assert_eq!(
        made_deepseek(&store).await.definition,
        made(),
        "nothing written"
    );
    assert!(lines_of(&store, AuditAction::PollEdited).await.is_empty());
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 300)).await.unwrap(),
        VoteOutcome::Closed,
        "the poll stays closed"
    );

    // With the form loaded again (Sluit filled in), the same fix is stored and the poll stays shut.
    let shown = served_deepseek(&store).await;
    let fresh = crate::made::fingerprint(&shown);
    let reworded = PollDefinition {
        question: "Gemaakt, echt?".into(),
        ..shown
    };
    assert_eq!(as_seen(reworded.clone(), fresh).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, reworded);
    assert_eq!(
        store.record_vote(vote_at("b", &["ja"], 300)).await.unwrap(),
        VoteOutcome::Closed
    );
}

/// The desk-made poll in Dutch and French, "Oui" and "Non" the French of "JA" and "NEE", and
/// three readers who voted "JA".
async fn in_two_languages_with_three_votes_for_ja(
    engine: &dyn DeskEngine,
) -> (Store, PollDefinition) {
    let store = engine.open(&[]).await;
    let in_two = PollDefinition {
        french: Some(french(
            "Créé ?",
            [
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", "Je ne sais pas"),
            ],
        )),
        ..made()
    };
    assert!(create(&store, &in_two, 10).await);
    for voter in ["a", "b", "c"] {
        store
            .record_vote(vote_at(voter, &["ja"], 100))
            .await
            .unwrap();
    }
    (store, in_two)
}

pub async fn after_the_first_vote_an_answer_may_not_take_anothers_words_with_a_full_stop(
    engine: &dyn DeskEngine,
) {
    let (store, in_two) = in_two_languages_with_three_votes_for_ja(engine).await;

    let mut swapped = in_two.clone();
    swapped.options[0].label = "Nee.".into();
    swapped.options[1].label = "Ja.".into();
    assert_eq!(edit(&store, &swapped, 200).await, PollEdit::AnswersLocked);
    let swapped_in_french = PollDefinition {
        french: Some(french(
            "Créé ?",
            [
                ("ja", "Non !"),
                ("nee", "Öui"),
                ("weet-niet", "Je ne sais pas"),
            ],
        )),
        ..in_two.clone()
    };
    assert_eq!(
        edit(&store, &swapped_in_french, 200).await,
        PollEdit::AnswersLocked
    );
    assert_eq!(made_deepseek(&store).await.definition, in_two);
    assert_eq!(
        counts(&store).await,
        (vec![3, 0, 0], 3),
        "the votes stay with Ja"
    );

    // A full stop added to an answer's own words is still a clarification.
    let mut clarified = in_two.clone();
    clarified.options[0].label = "Ja.".into();
    assert_eq!(edit(&store, &clarified, 300).await, PollEdit::Edited);
}

pub async fn french_removed_after_the_first_vote_and_added_back_swapped_is_refused(
    engine: &dyn DeskEngine,
) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made_in_two_languages(), 10).await);
    for voter in ["a", "b"] {
        store
            .record_vote(vote_at(voter, &["ja"], 100))
            .await
            .unwrap();
    }
    store
        .record_vote(vote_at("c", &["nee"], 100))
        .await
        .unwrap();

    // Every French field emptied: still a correction, and the French readers voted on is kept.
    assert_eq!(edit(&store, &made(), 200).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, made());
    // An edit of the Dutch meanwhile keeps it too.
    let mut reworded = made();
    reworded.question = "Echt gemaakt?".into();
    assert_eq!(edit(&store, &reworded, 250).await, PollEdit::Edited);
    // French added back with "Oui" and "Non" traded would move the French votes.
    let swapped = PollDefinition {
        french: Some(french(
            "Fait ?",
            [
                ("ja", "Non"),
                ("nee", "Oui"),
                ("weet-niet", "Je ne sais pas"),
            ],
        )),
        ..reworded.clone()
    };
    assert_eq!(edit(&store, &swapped, 300).await, PollEdit::AnswersLocked);
    let stored = made_deepseek(&store).await;
    assert_eq!(stored.definition, reworded, "still without French");
    assert_eq!(
        stored.definition.in_language(Language::French),
        None,
        "kept labels are no French of the poll"
    );
    assert_eq!(counts(&store).await, (vec![2, 1, 0], 3));

    // Added back in its own words, or reworded, it is taken.
    let back = PollDefinition {
        french: Some(french(
            "Fait ?",
            [
                ("ja", "Oui"),
                ("nee", "Non, pas du tout"),
                ("weet-niet", "Je ne sais pas"),
            ],
        )),
        ..reworded.clone()
    };
    assert_eq!(edit(&store, &back, 400).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, back);
}

pub async fn after_the_first_vote_no_answer_takes_words_another_had_however_many_edits_between(
    engine: &dyn DeskEngine,
) {
    let (store, in_two) = in_two_languages_with_three_votes_for_ja(engine).await;

    // Ja → "Zeker": a clarification, taken.
    let mut clarified = in_two.clone();
    clarified.options[0].label = "Zeker".into();
    assert_eq!(edit(&store, &clarified, 200).await, PollEdit::Edited);
    // Nee → "Ja": no answer reads "Ja" now, but three readers voted on those words for another.
    let mut takes_ja = clarified.clone();
    takes_ja.options[1].label = "ja".into();
    assert_eq!(edit(&store, &takes_ja, 300).await, PollEdit::AnswersLocked);
    // The same in French, over an edit that gave "Oui" up two edits earlier.
    let mut oui_given_up = clarified.clone();
    oui_given_up.french = Some(french(
        "Créé ?",
        [
            ("ja", "Certes"),
            ("nee", "Non"),
            ("weet-niet", "Je ne sais pas"),
        ],
    ));
    assert_eq!(edit(&store, &oui_given_up, 400).await, PollEdit::Edited);
    let mut reworded = oui_given_up.clone();
    reworded.question = "Echt gemaakt?".into();
    assert_eq!(edit(&store, &reworded, 450).await, PollEdit::Edited);
    let mut takes_oui = reworded.clone();
    takes_oui.french = Some(french(
        "Créé ?",
        [
            ("ja", "Certes"),
            ("nee", "Oui !"),
            ("weet-niet", "Je ne sais pas"),
        ],
    ));
    assert_eq!(edit(&store, &takes_oui, 500).await, PollEdit::AnswersLocked);
    assert_eq!(made_deepseek(&store).await.definition, reworded);
    assert_eq!(
        counts(&store).await,
        (vec![3, 0, 0], 3),
        "the votes stay with Ja"
    );

    // An answer may take its own earlier words back, in either language.
    let mut own_again = reworded.clone();
    own_again.options[0].label = "Ja.".into();
    own_again.french = Some(french(
        "Créé ?",
        [
            ("ja", "Oui"),
            ("nee", "Non"),
            ("weet-niet", "Je ne sais pas"),
        ],
    ));
    assert_eq!(edit(&store, &own_again, 600).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, own_again);
}

pub async fn before_the_first_vote_earlier_words_bind_no_answer(engine: &dyn DeskEngine) {
    let store = engine.open(&[]).await;
    assert!(create(&store, &made(), 10).await);
    // Reworded before anyone voted: no reader chose under "JA".
    let mut reworded = made();
    reworded.options[0].label = "Zeker".into();
    assert_eq!(edit(&store, &reworded, 20).await, PollEdit::Edited);
    store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap();
    // So another answer may take it after the first vote.
    let mut takes_ja = reworded.clone();
    takes_ja.options[1].label = "JA".into();
    assert_eq!(edit(&store, &takes_ja, 200).await, PollEdit::Edited);
    assert_eq!(made_deepseek(&store).await.definition, takes_ja);
}
