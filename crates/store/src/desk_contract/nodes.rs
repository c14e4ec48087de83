//! What several nodes share through the store: the desk's version every change raises, and the
//! views each node counts.

use super::*;

pub async fn every_change_of_the_site_raises_the_desk_version_another_node_reads(
    engine: &dyn DeskEngine,
) {
    let node = engine.open(&[&other_poll()]).await;
    let other_node = engine.open(&[&other_poll()]).await;
    let mut seen = other_node.desk_version().await.unwrap();
    assert_eq!(node.desk_version().await.unwrap(), seen);

    // What the site serves stays as it was: no node needs to read the desk again.
    assert!(
        node.add_editor(
            "anna",
            "hash",
            1,
            &editor_line(AuditAction::EditorAdded, "anna", 1)
        )
        .await
        .unwrap()
    );
    let signed_in = editor_line(AuditAction::SignIn, "anna", 2);
    assert!(
        node.create_session("token", "anna", "csrf", 2, &signed_in)
            .await
            .unwrap()
    );
    for action in [AuditAction::FailedSignIn, AuditAction::Export] {
        node.record_audit(&audit(action, None, "anna", 2))
            .await
            .unwrap();
    }
    let signed_out = editor_line(AuditAction::SignOut, "anna", 2);
    assert!(node.end_session("token", &signed_out).await.unwrap());
    let changed = editor_line(AuditAction::PasswordChanged, "anna", 3);
    assert!(
        node.set_password("anna", "other hash", &changed)
            .await
            .unwrap()
    );
    let mut vote = vote_at("a", &["ja"], 60);
    vote.poll_id = "andere".into();
    assert_eq!(node.record_vote(vote).await.unwrap(), VoteOutcome::Recorded);
    assert_eq!(
        other_node.desk_version().await.unwrap(),
        seen,
        "accounts, sign-ins, exports and votes leave the desk's version alone"
    );

    // Every change of what the site serves raises it, as the other node reads it.
    let mut raised = |what: &str, version: i64| {
        assert!(version > seen, "{what} raises the desk's version");
        seen = version;
    };
    let close = audit(AuditAction::Close, Some("andere"), "anna", 100);
    assert!(
        node.change_poll("andere", OverrideChange::Closes(Some(500)), &close)
            .await
            .unwrap()
    );
    raised("a closing", other_node.desk_version().await.unwrap());
    let window = TimeWindow {
        from: 0,
        until: 120,
    };
    let void = audit(AuditAction::Void, Some("andere"), "anna", 110);
    let voided = void_as_previewed(&node, "andere", window, &void)
        .await
        .unwrap();
    raised("a void", other_node.desk_version().await.unwrap());
    let restore = audit(AuditAction::Restore, Some("andere"), "anna", 120);
    node.restore_window(voided.id, &restore)
        .await
        .unwrap()
        .unwrap();
    raised("a restore", other_node.desk_version().await.unwrap());
    assert!(create(&node, &made(), 130).await);
    raised("a poll made", other_node.desk_version().await.unwrap());
    let reworded = PollDefinition {
        question: "Opnieuw gemaakt?".into(),
        ..made()
    };
    assert_eq!(edit(&node, &reworded, 140).await, PollEdit::Edited);
    raised("an edit", other_node.desk_version().await.unwrap());
    assert!(archive(&node, true, 150).await);
    raised("archiving", other_node.desk_version().await.unwrap());
    assert!(archive(&node, false, 160).await);
    raised("putting back", other_node.desk_version().await.unwrap());

    // A change refused changes nothing, the version included.
    assert!(!archive(&node, false, 170).await);
    assert_eq!(other_node.desk_version().await.unwrap(), seen);
}

/// How often a poll was seen: two nodes add their counts at once to the same hours, and the store
/// holds their sum per poll and hour; a count for a poll the store does not know is left out.
pub async fn views_counted_on_two_nodes_add_up_per_poll_and_hour(engine: &dyn DeskEngine) {
    let nodes = [engine.open(&[&poll()]).await, engine.open(&[&poll()]).await];
    let views = |hour: i64, views: u64| HourViews {
        poll_id: "deepseek".into(),
        hour,
        views,
    };
    let mut adding = Vec::new();
    for i in 0..20 {
        let node = nodes[i % 2].clone();
        let batch = vec![
            views(3_600, 1),
            views(7_200, 2),
            HourViews {
                poll_id: "bestaat-niet".into(),
                hour: 3_600,
                views: 5,
            },
        ];
        adding.push(tokio::spawn(async move { node.add_views(&batch).await }));
    }
    for added in adding {
        added.await.unwrap().unwrap();
    }
    nodes[1].add_views(&[]).await.unwrap();
    for node in &nodes {
        assert_eq!(
            node.views_per_hour("deepseek").await.unwrap(),
            vec![(3_600, 20), (7_200, 40)]
        );
        assert_eq!(
            node.view_totals().await.unwrap(),
            vec![("deepseek".to_string(), 60)]
        );
        assert!(
            node.views_per_hour("bestaat-niet")
                .await
                .unwrap()
                .is_empty()
        );
    }
}
