//! Editors and their sessions: adding, removing and their passwords, sessions' lifetimes, and the
//! audit line each change writes with it.

use super::*;

pub async fn editors_are_added_once_listed_by_name_and_removed(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    assert!(
        store
            .add_editor(
                "bert",
                "$argon2id$b",
                20,
                &editor_line(AuditAction::EditorAdded, "bert", 20)
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .add_editor(
                "anna",
                "$argon2id$a",
                10,
                &editor_line(AuditAction::EditorAdded, "anna", 10)
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .add_editor(
                "anna",
                "$argon2id$other",
                30,
                &editor_line(AuditAction::EditorAdded, "anna", 30)
            )
            .await
            .unwrap(),
        "the name is taken"
    );
    assert_eq!(
        store.editors().await.unwrap(),
        vec![
            EditorSummary {
                name: "anna".into(),
                created_at: 10
            },
            EditorSummary {
                name: "bert".into(),
                created_at: 20
            },
        ]
    );
    assert_eq!(
        store.password_hash("anna").await.unwrap().as_deref(),
        Some("$argon2id$a"),
        "the second add changed nothing"
    );

    assert!(
        store
            .remove_editor("anna", &editor_line(AuditAction::EditorRemoved, "anna", 0))
            .await
            .unwrap()
    );
    assert!(
        !store
            .remove_editor("anna", &editor_line(AuditAction::EditorRemoved, "anna", 0))
            .await
            .unwrap()
    );
    assert_eq!(store.password_hash("anna").await.unwrap(), None);
    let names: Vec<String> = store
        .editors()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["bert"]);
}

pub async fn removing_an_editor_or_changing_their_password_ends_their_sessions(
    engine: &dyn DeskEngine,
) {
    let store = engine.open(&[&poll()]).await;
    editor_added(&store, "anna", "$argon2id$a", 0).await;
    editor_added(&store, "bert", "$argon2id$b", 0).await;
    signed_in(&store, "anna-1", "anna", "csrf-a", 100).await;
    signed_in(&store, "bert-1", "bert", "csrf-b", 100).await;

    assert!(
        store
            .set_password(
                "anna",
                "$argon2id$new",
                &editor_line(AuditAction::PasswordChanged, "anna", 0)
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_password(
                "nobody",
                "$argon2id$x",
                &editor_line(AuditAction::PasswordChanged, "nobody", 0)
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store.password_hash("anna").await.unwrap().as_deref(),
        Some("$argon2id$new")
    );
    assert_eq!(store.session("anna-1", 110, LIMITS).await.unwrap(), None);
    assert!(
        store
            .session("bert-1", 110, LIMITS)
            .await
            .unwrap()
            .is_some()
    );

    signed_in(&store, "anna-2", "anna", "csrf-a2", 120).await;
    assert!(
        store
            .remove_editor("anna", &editor_line(AuditAction::EditorRemoved, "anna", 0))
            .await
            .unwrap()
    );
    assert_eq!(store.session("anna-2", 130, LIMITS).await.unwrap(), None);
    assert_eq!(
        engine.count("SELECT COUNT(*) FROM editor_session").await,
        1,
        "only bert's session is left in the table"
    );
    assert!(
        store
            .session("bert-1", 130, LIMITS)
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn a_session_is_found_and_its_last_request_moves(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    editor_added(&store, "anna", "$argon2id$a", 0).await;
    signed_in(&store, "token", "anna", "csrf", 1_000).await;

    let first = store.session("token", 1_010, LIMITS).await.unwrap();
    assert_eq!(
        first,
        Some(SessionRecord {
            editor: "anna".into(),
            csrf_token: "csrf".into(),
            created_at: 1_000,
            last_seen_at: 1_000,
        })
    );
    let second = store
        .session("token", 1_020, LIMITS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.last_seen_at, 1_010, "the request before this one");
    assert_eq!(store.session("unknown", 1_020, LIMITS).await.unwrap(), None);
}

pub async fn an_idle_session_expires_and_is_deleted(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    let limits = SessionLimits {
        idle: 100,
        max: 10_000,
    };
    editor_added(&store, "anna", "$argon2id$a", 0).await;
    signed_in(&store, "token", "anna", "csrf", 1_000).await;

    assert!(
        store
            .session("token", 1_100, limits)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.session("token", 1_201, limits).await.unwrap(), None);
    assert_eq!(engine.count("SELECT COUNT(*) FROM editor_session").await, 0);
    let generous = SessionLimits {
        idle: 1_000_000,
        max: 1_000_000,
    };
    assert_eq!(
        store.session("token", 1_202, generous).await.unwrap(),
        None,
        "an expired session stays gone"
    );
}

pub async fn a_session_expires_at_its_maximum_age_however_busy(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    let limits = SessionLimits {
        idle: 100,
        max: 250,
    };
    editor_added(&store, "anna", "$argon2id$a", 0).await;
    signed_in(&store, "token", "anna", "csrf", 1_000).await;

    for now in [1_090, 1_180, 1_250] {
        assert!(
            store.session("token", now, limits).await.unwrap().is_some(),
            "{now}"
        );
    }
    assert_eq!(store.session("token", 1_251, limits).await.unwrap(), None);
    assert_eq!(engine.count("SELECT COUNT(*) FROM editor_session").await, 0);
}

pub async fn a_session_ends_at_sign_out(engine: &dyn DeskEngine) {
    let store = engine.open(&[&poll()]).await;
    editor_added(&store, "anna", "$argon2id$a", 0).await;
    signed_in(&store, "token", "anna", "csrf", 1_000).await;
    signed_in(&store, "other", "anna", "csrf2", 1_000).await;

    assert!(
        store
            .end_session("token", &editor_line(AuditAction::SignOut, "anna", 0))
            .await
            .unwrap()
    );
    assert!(
        !store
            .end_session("unknown", &editor_line(AuditAction::SignOut, "anna", 0))
            .await
            .unwrap()
    );
    assert_eq!(store.session("token", 1_001, LIMITS).await.unwrap(), None);
    assert!(
        store
            .session("other", 1_001, LIMITS)
            .await
            .unwrap()
            .is_some(),
        "the editor's other session lives on"
    );
}

/// Each change of an account or a session writes its audit line with it; a change that does not
/// happen (a taken name, an unknown editor, a session ended already) writes none.
pub async fn account_and_session_changes_are_logged_with_the_change_and_only_then(
    engine: &dyn DeskEngine,
) {
    let store = engine.open(&[&poll()]).await;
    let line = editor_line;

    let added = line(AuditAction::EditorAdded, "anna", 10);
    assert!(
        store
            .add_editor("anna", "$argon2id$a", 10, &added)
            .await
            .unwrap()
    );
    let taken = line(AuditAction::EditorAdded, "anna", 11);
    assert!(
        !store
            .add_editor("anna", "$argon2id$b", 11, &taken)
            .await
            .unwrap()
    );
    let changed = line(AuditAction::PasswordChanged, "anna", 20);
    assert!(
        store
            .set_password("anna", "$argon2id$c", &changed)
            .await
            .unwrap()
    );
    let nobody = line(AuditAction::PasswordChanged, "nobody", 21);
    assert!(
        !store
            .set_password("nobody", "$argon2id$d", &nobody)
            .await
            .unwrap()
    );
    let signed_in = line(AuditAction::SignIn, "anna", 30);
    assert!(
        store
            .create_session("token", "anna", "csrf", 30, &signed_in)
            .await
            .unwrap()
    );
    let nobody = line(AuditAction::SignIn, "nobody", 31);
    assert!(
        !store
            .create_session("other", "nobody", "csrf", 31, &nobody)
            .await
            .unwrap(),
        "no such editor"
    );
    assert_eq!(engine.count("SELECT COUNT(*) FROM editor_session").await, 1);
    let signed_out = line(AuditAction::SignOut, "anna", 40);
    assert!(store.end_session("token", &signed_out).await.unwrap());
    let twice = line(AuditAction::SignOut, "anna", 41);
    assert!(
        !store.end_session("token", &twice).await.unwrap(),
        "a second click on Afmelden"
    );
    let unknown = line(AuditAction::SignOut, "anna", 42);
    assert!(!store.end_session("unknown", &unknown).await.unwrap());
    let removed = line(AuditAction::EditorRemoved, "anna", 50);
    assert!(store.remove_editor("anna", &removed).await.unwrap());
    let gone = line(AuditAction::EditorRemoved, "anna", 51);
    assert!(!store.remove_editor("anna", &gone).await.unwrap());

    assert_eq!(
        store.audit_log(None, 100).await.unwrap(),
        vec![removed, signed_out, signed_in, changed, added]
    );
}

/// The audit line is part of the change: when it cannot be written, the change fails and nothing
/// of it is stored (no editor, password, session or sign-out without its line).
pub async fn an_account_or_session_change_whose_audit_line_fails_does_not_happen(
    engine: &dyn DeskEngine,
) {
    let store = engine.open(&[&poll()]).await;
    let line = editor_line;
    let added = line(AuditAction::EditorAdded, "anna", 10);
    assert!(
        store
            .add_editor("anna", "$argon2id$a", 10, &added)
            .await
            .unwrap()
    );
    let signed_in = line(AuditAction::SignIn, "anna", 20);
    assert!(
        store
            .create_session("token", "anna", "csrf", 20, &signed_in)
            .await
            .unwrap()
    );

    engine
        .execute("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await;
    let bert = line(AuditAction::EditorAdded, "bert", 30);
    assert!(
        store
            .add_editor("bert", "$argon2id$b", 30, &bert)
            .await
            .is_err()
    );
    let changed = line(AuditAction::PasswordChanged, "anna", 30);
    assert!(
        store
            .set_password("anna", "$argon2id$c", &changed)
            .await
            .is_err()
    );
    let second = line(AuditAction::SignIn, "anna", 30);
    assert!(
        store
            .create_session("second", "anna", "csrf2", 30, &second)
            .await
            .is_err()
    );
    let signed_out = line(AuditAction::SignOut, "anna", 30);
    assert!(store.end_session("token", &signed_out).await.is_err());
    let removed = line(AuditAction::EditorRemoved, "anna", 30);
    assert!(store.remove_editor("anna", &removed).await.is_err());
    engine
        .execute("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await;

    let names: Vec<String> = store
        .editors()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["anna"], "bert was not added, anna not removed");
    assert_eq!(
        store.password_hash("anna").await.unwrap().as_deref(),
        Some("$argon2id$a")
    );
    assert_eq!(
        engine.count("SELECT COUNT(*) FROM editor_session").await,
        1,
        "no second session"
    );
    assert!(
        store.session("token", 40, LIMITS).await.unwrap().is_some(),
        "neither the sign-out nor the password change ended the session"
    );
    assert_eq!(
        store.audit_log(None, 100).await.unwrap(),
        vec![signed_in, added]
    );
}
