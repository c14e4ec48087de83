//! The desk's overrides of a poll (closing, reopening, the results' visibility): the vote writer
//! obeying them, and their surviving a restart and a content sync.

use super::*;

pub async fn closing_a_poll_at_the_desk_refuses_later_votes(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    assert_eq!(
        store.record_vote(vote_at("a", &["ja"], 500)).await.unwrap(),
        VoteOutcome::Recorded
    );
    change(&store, OverrideChange::Closes(Some(1_000)), 900).await;

    assert_eq!(
        store
            .record_vote(vote_at("b", &["ja"], 1_000))
            .await
            .unwrap(),
        VoteOutcome::Closed
    );
    assert_eq!(
        store
            .record_vote(vote_at("c", &["ja"], 5_000))
            .await
            .unwrap(),
        VoteOutcome::Closed
    );
    assert_eq!(
        store
            .record_vote(vote_at("d", &["nee"], 999))
            .await
            .unwrap(),
        VoteOutcome::Recorded,
        "open until the closing moment"
    );
    assert_eq!(counts(&store).await, (vec![1, 1, 0], 2));
}

pub async fn reopening_a_poll_at_the_desk_takes_votes_again(engine: &dyn DeskEngine) {
    let closed = closing_at("2025-02-03T18:00:00+01:00");
    let closes = closed.closes.unwrap().unix_seconds();
    let store = engine.open(&[&closed]).await;
    assert_eq!(
        store
            .record_vote(vote_at("a", &["ja"], closes))
            .await
            .unwrap(),
        VoteOutcome::Closed
    );
    change(&store, OverrideChange::Closes(None), closes + 10).await;

    assert_eq!(
        store
            .record_vote(vote_at("a", &["ja"], closes + 1_000_000))
            .await
            .unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(counts(&store).await.1, 1);
}

pub async fn the_file_closing_moment_returns_when_the_desk_lets_go(engine: &dyn DeskEngine) {
    let timed = closing_at("2025-02-03T18:00:00+01:00");
    let closes = timed.closes.unwrap().unix_seconds();
    let store = engine.open(&[&timed]).await;
    change(&store, OverrideChange::Closes(None), closes - 100).await;
    assert_eq!(
        store
            .record_vote(vote_at("a", &["ja"], closes + 5))
            .await
            .unwrap(),
        VoteOutcome::Recorded
    );

    change(&store, OverrideChange::ClosesFromFile, closes + 10).await;
    assert_eq!(
        store
            .record_vote(vote_at("b", &["ja"], closes + 5))
            .await
            .unwrap(),
        VoteOutcome::Closed
    );
    assert_eq!(
        store
            .record_vote(vote_at("c", &["ja"], closes - 1))
            .await
            .unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(
        store.overrides().await.unwrap(),
        vec![],
        "nothing overridden"
    );
}

pub async fn desk_overrides_survive_a_restart(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    change(&store, OverrideChange::Closes(Some(1_000)), 900).await;
    change(
        &store,
        OverrideChange::ShowResults(ResultsVisibility::Always),
        950,
    )
    .await;
    let before = store.overrides().await.unwrap();
    store.shut_down().await;
    drop(store);

    let mut edited = poll();
    edited.question = "Blijvende schade?".into();
    let store = engine.open(&[&edited]).await;
    assert_eq!(store.overrides().await.unwrap(), before);
    assert_eq!(
        store
            .record_vote(vote_at("a", &["ja"], 1_000))
            .await
            .unwrap(),
        VoteOutcome::Closed,
        "the writer still obeys the desk"
    );
}

pub async fn a_content_sync_keeps_the_desk_overrides(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    change(&store, OverrideChange::Closes(Some(1_000)), 900).await;
    change(
        &store,
        OverrideChange::ShowResults(ResultsVisibility::AfterClose),
        950,
    )
    .await;
    let before = store.overrides().await.unwrap();

    let mut edited = closing_at("2030-01-01T00:00:00+01:00");
    edited.options.push(PollOption {
        key: "later".into(),
        label: "Later".into(),
    });
    store.sync_polls(&[edited]).await.unwrap();

    assert_eq!(store.overrides().await.unwrap(), before);
    assert_eq!(
        store
            .record_vote(vote_at("a", &["later"], 999))
            .await
            .unwrap(),
        VoteOutcome::Recorded,
        "the sync took the new answer in"
    );
    assert_eq!(
        store
            .record_vote(vote_at("b", &["later"], 1_000))
            .await
            .unwrap(),
        VoteOutcome::Closed,
        "the desk's closing moment, not the file's new one"
    );
}

pub async fn overrides_list_only_changed_polls_with_who_and_when(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll(), &other_poll()]).await;
    assert_eq!(store.overrides().await.unwrap(), vec![]);

    let visibility = OverrideChange::ShowResults(ResultsVisibility::AfterClose);
    let entry = audit(
        AuditAction::ResultsVisibility,
        Some("deepseek"),
        "anna",
        500,
    );
    assert!(
        store
            .change_poll("deepseek", visibility, &entry)
            .await
            .unwrap()
    );
    assert_eq!(
        store.overrides().await.unwrap(),
        vec![(
            "deepseek".to_string(),
            PollOverrides {
                closes: None,
                show_results: Some(ResultsVisibility::AfterClose),
                changed: Some(("anna".into(), 500)),
            }
        )]
    );

    let entry = audit(AuditAction::Reopen, Some("deepseek"), "bert", 600);
    let reopen = OverrideChange::Closes(None);
    assert!(store.change_poll("deepseek", reopen, &entry).await.unwrap());
    assert_eq!(
        store.overrides().await.unwrap(),
        vec![(
            "deepseek".to_string(),
            PollOverrides {
                closes: Some(None),
                show_results: Some(ResultsVisibility::AfterClose),
                changed: Some(("bert".into(), 600)),
            }
        )]
    );

    change(&store, OverrideChange::ShowResultsFromFile, 700).await;
    change(&store, OverrideChange::ClosesFromFile, 710).await;
    assert_eq!(store.overrides().await.unwrap(), vec![]);

    let entry = audit(AuditAction::Close, Some("bestaat-niet"), "anna", 800);
    let close = OverrideChange::Closes(Some(900));
    assert!(
        !store
            .change_poll("bestaat-niet", close, &entry)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .audit_log(Some("bestaat-niet"), 10)
            .await
            .unwrap()
            .len(),
        0,
        "no audit entry for a change that did not happen"
    );
}
