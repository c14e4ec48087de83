//! Voided windows: what a void takes out, only as the editor saw it, restoring it exactly, on two
//! nodes, and a voided reader's next vote.

use super::*;

/// Five readers of a two-answer poll at seconds 100 to 500; the window [200, 400) holds b and c.
async fn five_readers(engine: &dyn DeskEngine, allow_change: bool) -> (Store, TimeWindow) {
    let rules = PollDefinition {
        max_choices: 2,
        allow_change,
        ..poll()
    };
    let store = engine.open(&[&rules]).await;
    let script: [(&str, &[&str], i64); 5] = [
        ("a", &["ja"], 100),
        ("b", &["ja", "nee"], 200),
        ("c", &["nee"], 399),
        ("d", &["weet-niet"], 400),
        ("e", &["ja"], 500),
    ];
    for (voter, choices, at) in script {
        assert_eq!(
            store
                .record_vote(vote_at(voter, choices, at))
                .await
                .unwrap(),
            VoteOutcome::Recorded
        );
    }
    (
        store,
        TimeWindow {
            from: 200,
            until: 400,
        },
    )
}

pub async fn voiding_a_window_takes_its_votes_out_of_the_standing(engine: &dyn DeskEngine) {
    let (store, window) = five_readers(engine, false).await;
    let preview = store.preview_void("deepseek", window).await.unwrap();
    assert_eq!(
        preview,
        VoidPreview {
            ballots: 2,
            counts: vec![("ja".into(), 1), ("nee".into(), 2)],
        }
    );
    assert_eq!(
        counts(&store).await,
        (vec![3, 2, 1], 5),
        "the preview changed nothing"
    );

    let voided = void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 1_000),
    )
    .await
    .unwrap();
    assert_eq!(voided.ballots, 2);
    assert_eq!(voided.poll_id, "deepseek");
    assert_eq!(voided.window, window);
    assert_eq!(
        (voided.voided_by.as_str(), voided.voided_at),
        ("anna", 1_000)
    );
    assert_eq!(voided.restored, None);

    let standing = counts(&store).await;
    assert_eq!(standing, (vec![2, 0, 1], 3));
    let (ballots, recount) = recount_counted(engine, &KEYS).await;
    assert_eq!(
        (recount, ballots),
        standing,
        "the running counts match the ballots"
    );
    assert_eq!(
        engine.count("SELECT COUNT(*) FROM ballot").await,
        5,
        "voided ballots are kept"
    );
    assert_eq!(
        store
            .preview_void("deepseek", window)
            .await
            .unwrap()
            .ballots,
        0,
        "nothing left to void"
    );
    assert_eq!(
        store.voided_windows(Some("deepseek")).await.unwrap(),
        vec![voided.clone()]
    );
    assert_eq!(store.voided_windows(Some("andere")).await.unwrap(), vec![]);
    assert!(
        store
            .void_window(
                "bestaat-niet",
                window,
                1,
                &on_deepseek(AuditAction::Void, 1_001)
            )
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_void_changes_nothing_unless_the_window_holds_what_the_editor_saw(
    engine: &dyn DeskEngine,
) {
    let (store, window) = five_readers(engine, false).await;
    let before = counts(&store).await;
    let seen = store
        .preview_void("deepseek", window)
        .await
        .unwrap()
        .ballots;
    assert_eq!(seen, 2);
    // A reader who votes in the window after the preview (cast at its last second).
    assert_eq!(
        store.record_vote(vote_at("f", &["ja"], 399)).await.unwrap(),
        VoteOutcome::Recorded
    );
    let after_vote = counts(&store).await;
    assert_eq!(
        store
            .void_window(
                "deepseek",
                window,
                seen,
                &on_deepseek(AuditAction::Void, 1_000)
            )
            .await
            .unwrap(),
        Some(VoidOutcome::NotAsSeen { ballots: 3 }),
        "the window holds three now"
    );
    let empty = TimeWindow {
        from: 10_000,
        until: 20_000,
    };
    assert_eq!(
        store
            .void_window("deepseek", empty, 0, &on_deepseek(AuditAction::Void, 1_001))
            .await
            .unwrap(),
        Some(VoidOutcome::NotAsSeen { ballots: 0 }),
        "an empty window is not stored"
    );
    assert_eq!(counts(&store).await, after_vote, "nothing voided");
    assert_ne!(after_vote, before);
    assert_eq!(store.voided_windows(None).await.unwrap(), vec![]);
    assert!(
        store
            .audit_log(None, 10)
            .await
            .unwrap()
            .iter()
            .all(|entry| entry.action != AuditAction::Void),
        "nothing logged"
    );
    // The same confirmation sent twice: the second finds the window voided.
    let voided = void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 1_002),
    )
    .await
    .unwrap();
    assert_eq!(voided.ballots, 3);
    assert_eq!(
        store
            .void_window(
                "deepseek",
                window,
                3,
                &on_deepseek(AuditAction::Void, 1_003)
            )
            .await
            .unwrap(),
        Some(VoidOutcome::NotAsSeen { ballots: 0 })
    );
    assert_eq!(store.voided_windows(None).await.unwrap(), vec![voided]);
}

pub async fn restoring_a_window_puts_its_votes_back_exactly(engine: &dyn DeskEngine) {
    let (store, window) = five_readers(engine, false).await;
    let before = counts(&store).await;
    let voided = void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 1_000),
    )
    .await
    .unwrap();
    assert_ne!(counts(&store).await, before);

    let restore = audit(AuditAction::Restore, Some("deepseek"), "bert", 2_000);
    let restored = store
        .restore_window(voided.id, &restore)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(restored.restored, Some(("bert".into(), 2_000)));
    assert_eq!(restored.ballots, 2);
    assert_eq!(counts(&store).await, before);
    let (ballots, recount) = recount_counted(engine, &KEYS).await;
    assert_eq!((recount, ballots), before);

    assert_eq!(
        store.restore_window(voided.id, &restore).await.unwrap(),
        None,
        "restored once only"
    );
    assert_eq!(counts(&store).await, before);
    assert_eq!(store.restore_window(9_999, &restore).await.unwrap(), None);
    assert_eq!(
        store.voided_windows(None).await.unwrap(),
        vec![restored],
        "restored ones too"
    );
}

pub async fn ballots_cast_on_two_nodes_are_voided_and_restored_exactly(engine: &dyn DeskEngine) {
    let nodes = [engine.open(&[&poll()]).await, engine.open(&[&poll()]).await];
    let mut attempts = Vec::new();
    for i in 0..100 {
        let node = nodes[i % 2].clone();
        let choice = KEYS[i % 3];
        attempts.push(tokio::spawn(async move {
            node.record_vote(vote_at(&format!("lezer-{i}"), &[choice], 1_000 + i as i64))
                .await
        }));
    }
    for attempt in attempts {
        assert_eq!(attempt.await.unwrap().unwrap(), VoteOutcome::Recorded);
    }
    let before = counts(&nodes[0]).await;

    let window = TimeWindow {
        from: 1_020,
        until: 1_070,
    };
    let voided = void_as_previewed(
        &nodes[0],
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 5_000),
    )
    .await
    .unwrap();
    assert_eq!(voided.ballots, 50, "both nodes' ballots in the window");
    let (ballots, recount) = recount_counted(engine, &KEYS).await;
    assert_eq!(ballots, 50);
    for node in &nodes {
        assert_eq!(counts(node).await, (recount.clone(), 50));
    }

    nodes[1]
        .restore_window(voided.id, &on_deepseek(AuditAction::Restore, 6_000))
        .await
        .unwrap()
        .unwrap();
    for node in &nodes {
        assert_eq!(counts(node).await, before);
    }
}

pub async fn a_reader_whose_vote_was_voided_cannot_vote_again(engine: &dyn DeskEngine) {
    let (store, window) = five_readers(engine, false).await;
    void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 1_000),
    )
    .await;
    let after_void = counts(&store).await;
    assert_eq!(
        store
            .record_vote(vote_at("c", &["ja"], 1_100))
            .await
            .unwrap(),
        VoteOutcome::AlreadyVoted
    );
    assert_eq!(counts(&store).await, after_void);
}

pub async fn a_reader_whose_vote_was_voided_cannot_change_it(engine: &dyn DeskEngine) {
    let (store, window) = five_readers(engine, true).await;
    let voided = void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, 1_000),
    )
    .await
    .unwrap();
    let after_void = counts(&store).await;

    assert_eq!(
        store
            .record_vote(vote_at("c", &["weet-niet"], 1_100))
            .await
            .unwrap(),
        VoteOutcome::AlreadyVoted,
        "a voided ballot cannot be changed"
    );
    assert_eq!(counts(&store).await, after_void);
    let own = store
        .tally("deepseek", Some("c"))
        .await
        .unwrap()
        .own_choices;
    assert_eq!(own, vec!["nee"], "the ballot stays as it was voided");
    assert_eq!(
        store
            .record_vote(vote_at("a", &["nee"], 1_100))
            .await
            .unwrap(),
        VoteOutcome::Changed,
        "readers outside the window still may"
    );

    store
        .restore_window(voided.id, &on_deepseek(AuditAction::Restore, 2_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(counts(&store).await, (vec![2, 3, 1], 5));
    let (ballots, recount) = recount_counted(engine, &KEYS).await;
    assert_eq!((recount, ballots), (vec![2, 3, 1], 5));
}
