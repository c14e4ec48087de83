//! Voter ids removed a while after a poll closed, and nothing else with them.

use super::*;

pub async fn voter_ids_of_a_long_closed_poll_are_removed_and_nothing_else(engine: &dyn DeskEngine) {
    // Five readers of a poll that closes at second 1.000, two readers of one that stays open.
    let closes = Moment::brussels_from_unix(1_000);
    let closing = PollDefinition {
        max_choices: 2,
        closes: Some(closes),
        ..poll()
    };
    let store = engine.open(&[&closing, &other_poll()]).await;
    let script: [(&str, &[&str], i64); 5] = [
        ("a", &["ja"], 100),
        ("b", &["ja", "nee"], 200),
        ("c", &["nee"], 399),
        ("d", &["weet-niet"], 400),
        ("e", &["ja"], 500),
    ];
    for (voter, choices, at) in script {
        let outcome = store
            .record_vote(vote_at(voter, choices, at))
            .await
            .unwrap();
        assert_eq!(outcome, VoteOutcome::Recorded);
    }
    for voter in ["a", "f"] {
        let vote = NewVote {
            poll_id: "andere".into(),
            ..vote_at(voter, &["nee"], 300)
        };
        assert_eq!(
            store.record_vote(vote).await.unwrap(),
            VoteOutcome::Recorded
        );
    }
    let window = TimeWindow {
        from: 200,
        until: 400,
    };
    void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 600),
    )
    .await
    .unwrap();
    let standing = counts(&store).await;
    let recount = recount_counted(engine, &KEYS).await;
    let voided = "SELECT COUNT(*) FROM ballot WHERE voided_window IS NOT NULL";
    let all_choices = "SELECT COUNT(*) FROM ballot_choice";
    let (voided_before, choices_before) =
        (engine.count(voided).await, engine.count(all_choices).await);
    assert_eq!((voided_before, kept_ids(engine, "deepseek").await), (2, 5));

    let at = 1_000 + 30 * 86_400;
    assert_eq!(
        store
            .forget_voters("deepseek", 999, at, "stembus", removed_detail)
            .await
            .unwrap(),
        0,
        "closed after the moment given: kept"
    );
    assert_eq!(
        store
            .forget_voters("andere", at, at, "stembus", removed_detail)
            .await
            .unwrap(),
        0,
        "a poll still open is left alone"
    );
    assert_eq!(
        store
            .forget_voters("bestaat-niet", at, at, "stembus", removed_detail)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .forget_voters("deepseek", 1_000, at, "stembus", removed_detail)
            .await
            .unwrap(),
        5
    );

    assert_eq!(kept_ids(engine, "deepseek").await, 0, "every id removed");
    assert_eq!(
        kept_ids(engine, "andere").await,
        2,
        "the open poll keeps its ids"
    );
    assert_eq!(counts(&store).await, standing, "the counts stay");
    assert_eq!(
        recount_counted(engine, &KEYS).await,
        recount,
        "the answers stay"
    );
    assert_eq!(
        engine.count(voided).await,
        voided_before,
        "voided marks stay"
    );
    assert_eq!(engine.count(all_choices).await, choices_before);
    assert_eq!(
        engine.count("SELECT COUNT(*) FROM ballot").await,
        7,
        "every ballot stays"
    );
    let tally = store.tally("deepseek", Some("a")).await.unwrap();
    assert!(
        tally.own_choices.is_empty(),
        "no ballot is found by its old id"
    );
    assert_eq!(
        store.record_vote(vote_at("a", &["nee"], at)).await.unwrap(),
        VoteOutcome::Closed
    );
    let again = NewVote {
        poll_id: "andere".into(),
        ..vote_at("a", &["ja"], 400)
    };
    assert_eq!(
        store.record_vote(again).await.unwrap(),
        VoteOutcome::AlreadyVoted,
        "where ids are kept a second vote is still refused"
    );

    assert_eq!(
        store
            .forget_voters("deepseek", at, at + 3_600, "stembus", removed_detail)
            .await
            .unwrap(),
        0,
        "a second pass finds nothing left"
    );
    let forgotten: Vec<AuditEntry> = store
        .audit_log(Some("deepseek"), 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == AuditAction::VotersForgotten)
        .collect();
    assert_eq!(
        forgotten,
        vec![AuditEntry {
            at,
            editor: "stembus".into(),
            action: AuditAction::VotersForgotten,
            poll_id: Some("deepseek".into()),
            detail: "5 verwijderd".into(),
        }],
        "one entry, for the pass that removed ids"
    );
}

pub async fn the_desk_closing_moment_decides_when_voter_ids_go(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap();
    assert_eq!(
        store
            .forget_voters("deepseek", 10_000, 10_000, "stembus", removed_detail)
            .await
            .unwrap(),
        0,
        "the file's poll never closes"
    );
    change(&store, OverrideChange::Closes(Some(1_000)), 1_000).await;
    assert_eq!(
        store
            .forget_voters("deepseek", 10_000, 10_000, "stembus", removed_detail)
            .await
            .unwrap(),
        1,
        "closed at the desk"
    );
}

pub async fn every_closed_poll_with_voter_ids_is_found_also_one_the_content_no_longer_has(
    engine: &dyn DeskEngine,
) {
    let closing = PollDefinition {
        closes: Some(Moment::brussels_from_unix(1_000)),
        ..poll()
    };
    let store = engine.open(&[&closing, &other_poll()]).await;
    store.record_vote(vote_at("a", &["ja"], 100)).await.unwrap();
    let elsewhere = NewVote {
        poll_id: "andere".into(),
        ..vote_at("b", &["nee"], 100)
    };
    store.record_vote(elsewhere).await.unwrap();
    // The newsroom removes the article: no content serves the poll any more, its ballots stay.
    store.sync_polls(&[other_poll()]).await.unwrap();
    assert!(
        store
            .polls_with_voter_ids_closed_before(999)
            .await
            .unwrap()
            .is_empty(),
        "not closed by then"
    );
    assert_eq!(
        store
            .polls_with_voter_ids_closed_before(1_000)
            .await
            .unwrap(),
        ["deepseek"],
        "closed, and out of the content: found all the same; the open poll is not"
    );
    store
        .forget_voters("deepseek", 1_000, 2_000, "stembus", removed_detail)
        .await
        .unwrap();
    assert!(
        store
            .polls_with_voter_ids_closed_before(1_000)
            .await
            .unwrap()
            .is_empty(),
        "its ids are gone"
    );
}
