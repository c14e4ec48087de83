//! What the desk reads of the past: the activity series per minute and hour, and the audit log.

use super::*;

pub async fn activity_series_count_only_counted_ballots_per_minute_and_hour(
    engine: &dyn DeskEngine,
) {
    let hour = 1_737_936_000;
    let store = engine.open(&[&poll()]).await;
    let script: [(&str, &str, i64); 5] = [
        ("a", "ja", hour + 5),
        ("b", "nee", hour + 59),
        ("c", "ja", hour + 60),
        ("d", "weet-niet", hour + 61),
        ("e", "ja", hour + 3_600 + 1),
    ];
    for (voter, choice, at) in script {
        store
            .record_vote(vote_at(voter, &[choice], at))
            .await
            .unwrap();
    }
    assert_eq!(
        store.ballots_per_minute("deepseek").await.unwrap(),
        vec![(hour, 2), (hour + 60, 2), (hour + 3_600, 1)]
    );
    assert_eq!(store.ballots_since("deepseek", hour + 59).await.unwrap(), 4);
    assert_eq!(store.ballots_since("deepseek", hour + 62).await.unwrap(), 1);
    assert_eq!(store.ballots_since("andere", hour).await.unwrap(), 0);
    assert_eq!(
        store.choices_per_hour("deepseek").await.unwrap(),
        vec![
            (hour, "ja".into(), 2),
            (hour, "nee".into(), 1),
            (hour, "weet-niet".into(), 1),
            (hour + 3_600, "ja".into(), 1),
        ]
    );

    let window = TimeWindow {
        from: hour + 59,
        until: hour + 61,
    };
    void_as_previewed(
        &store,
        "deepseek",
        window,
        &on_deepseek(AuditAction::Void, hour + 7_200),
    )
    .await;
    assert_eq!(
        store.ballots_per_minute("deepseek").await.unwrap(),
        vec![(hour, 1), (hour + 60, 1), (hour + 3_600, 1)],
        "b and c are voided"
    );
    assert_eq!(
        store.ballots_since("deepseek", hour + 59).await.unwrap(),
        2,
        "voided ballots are not counted"
    );

    // An answer dropped from the content leaves the hourly series; its ballot still counts.
    let mut edited = poll();
    edited.options.retain(|option| option.key != "weet-niet");
    store.sync_polls(&[edited]).await.unwrap();
    assert_eq!(
        store.choices_per_hour("deepseek").await.unwrap(),
        vec![(hour, "ja".into(), 1), (hour + 3_600, "ja".into(), 1)]
    );
    assert_eq!(
        store.ballots_per_minute("deepseek").await.unwrap(),
        vec![(hour, 1), (hour + 60, 1), (hour + 3_600, 1)]
    );
    assert_eq!(store.ballots_per_minute("andere").await.unwrap(), vec![]);
}

pub async fn the_audit_log_lists_desk_actions_newest_first_per_poll(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll(), &other_poll()]).await;
    let sign_in = audit(AuditAction::SignIn, None, "anna", 10);
    store.record_audit(&sign_in).await.unwrap();
    let close = on_deepseek(AuditAction::Close, 20);
    store
        .change_poll("deepseek", OverrideChange::Closes(Some(100)), &close)
        .await
        .unwrap();
    let window = TimeWindow { from: 0, until: 50 };
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 25)).await.unwrap(),
        VoteOutcome::Recorded,
        "a ballot for the window to void"
    );
    let void = on_deepseek(AuditAction::Void, 30);
    let voided = void_as_previewed(&store, "deepseek", window, &void)
        .await
        .unwrap();
    // The same second as the void: the order they were written in decides.
    let restore = on_deepseek(AuditAction::Restore, 30);
    store.restore_window(voided.id, &restore).await.unwrap();
    let other = audit(AuditAction::ResultsVisibility, Some("andere"), "bert", 40);
    store
        .change_poll(
            "andere",
            OverrideChange::ShowResults(ResultsVisibility::Always),
            &other,
        )
        .await
        .unwrap();
    let failed = audit(AuditAction::FailedSignIn, None, "mallory", 5);
    store.record_audit(&failed).await.unwrap();

    assert_eq!(
        store.audit_log(None, 10).await.unwrap(),
        vec![
            other.clone(),
            restore.clone(),
            void.clone(),
            close.clone(),
            sign_in,
            failed
        ]
    );
    assert_eq!(
        store.audit_log(Some("deepseek"), 10).await.unwrap(),
        vec![restore.clone(), void, close]
    );
    assert_eq!(
        store.audit_log(None, 2).await.unwrap(),
        vec![other, restore],
        "the newest, limited"
    );
}
