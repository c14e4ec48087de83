//! The desk's contract, one suite for both engines as `contract.rs` is for votes: editors and their
//! sessions, the desk's overrides (and the vote writer obeying them), voided windows and their
//! restoring, the activity series and the audit log. Each engine crate runs it (`desk_contract!`):
//! SQLite always, PostgreSQL `#[ignore]`d unless a cluster is named in `STEMBUS_TEST_DATABASE_URL`.

use crate::contract::Engine;
use crate::desk::{
    AuditAction, AuditEntry, EditorSummary, HourViews, MadePoll, OverrideChange, PollEdit,
    PollOverrides, SessionLimits, SessionRecord, TimeWindow, VoidOutcome, VoidPreview,
    VoidedWindow,
};
use crate::{NewVote, Store, VoteOutcome};
use async_trait::async_trait;
use stembus_poll::language::{Language, PollTranslation};
use stembus_poll::moment::Moment;
use stembus_poll::test_support::poll;
use stembus_poll::{PollDefinition, PollOption, ResultsVisibility};

/// An engine whose tables a test can count in, to check what the store's answers rest on.
#[async_trait]
pub trait DeskEngine: Engine {
    /// What `sql`, a `SELECT COUNT(*) ...` written the same for both engines, counts.
    async fn count(&self, sql: &str) -> u64;

    /// Runs `sql`, statements written the same for both engines, beside the store: how a test
    /// breaks the schema under it on purpose.
    async fn execute(&self, sql: &str);
}

/// The counted (not voided) ballots and how often each of `keys` was chosen on them, counted from
/// the ballot tables themselves.
async fn recount_counted(engine: &dyn DeskEngine, keys: &[&str]) -> (u64, Vec<u64>) {
    let ballots = engine
        .count("SELECT COUNT(*) FROM ballot WHERE voided_window IS NULL")
        .await;
    let mut per_key = Vec::new();
    for key in keys {
        let sql = format!(
            "SELECT COUNT(*) FROM ballot_choice c
             JOIN ballot b ON b.id = c.ballot_id
             JOIN poll_option o ON o.id = c.option_id
             WHERE b.voided_window IS NULL AND o.key = '{key}'"
        );
        per_key.push(engine.count(&sql).await);
    }
    (ballots, per_key)
}

const KEYS: [&str; 3] = ["ja", "nee", "weet-niet"];
const LIMITS: SessionLimits = SessionLimits {
    idle: 1_800,
    max: 43_200,
};

fn vote_at(voter: &str, choices: &[&str], cast_at: i64) -> NewVote {
    NewVote {
        poll_id: "deepseek".into(),
        choices: choices.iter().map(|c| c.to_string()).collect(),
        voter: voter.into(),
        cast_at,
    }
}

fn audit(action: AuditAction, poll_id: Option<&str>, editor: &str, at: i64) -> AuditEntry {
    AuditEntry {
        at,
        editor: editor.into(),
        action,
        poll_id: poll_id.map(str::to_string),
        detail: format!("{} om {at}", action.key()),
    }
}

/// An audit line about no poll: an account's or a session's.
fn editor_line(action: AuditAction, editor: &str, at: i64) -> AuditEntry {
    audit(action, None, editor, at)
}

/// Adds the editor `name` with `hash` at `at`, with its audit line: a test's setting up.
async fn editor_added(store: &Store, name: &str, hash: &str, at: i64) {
    let line = editor_line(AuditAction::EditorAdded, name, at);
    store.add_editor(name, hash, at, &line).await.unwrap();
}

/// Opens the session `token` (with `csrf`) of `name` at `at`, with its audit line.
async fn signed_in(store: &Store, token: &str, name: &str, csrf: &str, at: i64) {
    let line = editor_line(AuditAction::SignIn, name, at);
    store
        .create_session(token, name, csrf, at, &line)
        .await
        .unwrap();
}

fn on_deepseek(action: AuditAction, at: i64) -> AuditEntry {
    audit(action, Some("deepseek"), "anna", at)
}

/// A second poll beside `poll()`.
fn other_poll() -> PollDefinition {
    PollDefinition {
        id: "andere".into(),
        ..poll()
    }
}

fn closing_at(closes: &str) -> PollDefinition {
    PollDefinition {
        closes: Some(Moment::parse(closes).unwrap()),
        ..poll()
    }
}

/// The poll's counts in the order of `KEYS` (0 where the store left an answer out), and its voters.
async fn counts(store: &Store) -> (Vec<u64>, u64) {
    let tally = store.tally("deepseek", None).await.unwrap();
    let per_key = KEYS
        .iter()
        .map(|key| {
            tally
                .counts
                .iter()
                .find(|(k, _)| k == key)
                .map_or(0, |(_, n)| *n)
        })
        .collect();
    (per_key, tally.voters)
}

async fn change(store: &Store, change: OverrideChange, at: i64) {
    let action = match change {
        OverrideChange::Closes(Some(_)) => AuditAction::Close,
        OverrideChange::Closes(None) => AuditAction::Reopen,
        OverrideChange::ClosesFromFile => AuditAction::ClosingMoment,
        _ => AuditAction::ResultsVisibility,
    };
    assert!(
        store
            .change_poll("deepseek", change, &on_deepseek(action, at))
            .await
            .unwrap()
    );
}

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

/// Voids `window` as the desk does after its preview: expecting the ballots the preview counted.
async fn void_as_previewed(
    store: &Store,
    poll_id: &str,
    window: TimeWindow,
    audit: &AuditEntry,
) -> Option<VoidedWindow> {
    let seen = store.preview_void(poll_id, window).await.unwrap().ballots;
    match store
        .void_window(poll_id, window, seen, audit)
        .await
        .unwrap()?
    {
        VoidOutcome::Voided(voided) => Some(voided),
        VoidOutcome::NotAsSeen { ballots } => {
            panic!("the window held {ballots} ballots, not the {seen} of the preview")
        }
    }
}

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

/// The audit detail the retention test gives: the count alone.
fn removed_detail(removed: u64) -> String {
    format!("{removed} verwijderd")
}

/// Voter ids left on the ballots of poll `key`.
async fn kept_ids(engine: &dyn DeskEngine, key: &str) -> u64 {
    engine
        .count(&format!(
            "SELECT COUNT(*) FROM ballot b JOIN poll p ON p.id = b.poll_id
             WHERE p.key = '{key}' AND b.voter IS NOT NULL"
        ))
        .await
}

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

/// The poll "deepseek" as an editor makes it in the desk: `poll()`'s answers, its own question,
/// results for everyone, open from second 50 until 1.000.000.
fn made() -> PollDefinition {
    PollDefinition {
        question: "Gemaakt?".into(),
        opens: Some(Moment::brussels_from_unix(50)),
        closes: Some(Moment::brussels_from_unix(1_000_000)),
        show_results: ResultsVisibility::Always,
        french: None,
        ..poll()
    }
}

fn answer(key: &str, label: &str) -> PollOption {
    PollOption {
        key: key.into(),
        label: label.into(),
    }
}

/// A description that differs whenever the question or the number of answers does.
fn describe_edit(before: &PollDefinition, after: &PollDefinition) -> String {
    format!(
        "{} ({}) wordt {} ({})",
        before.question,
        before.options.len(),
        after.question,
        after.options.len()
    )
}

async fn create(store: &Store, poll: &PollDefinition, at: i64) -> bool {
    let entry = audit(AuditAction::PollCreated, Some(&poll.id), "anna", at);
    store.create_poll(poll, &entry).await.unwrap()
}

async fn edit(store: &Store, poll: &PollDefinition, at: i64) -> PollEdit {
    store
        .edit_poll(poll, "bert", at, describe_edit)
        .await
        .unwrap()
}

async fn archive(store: &Store, archived: bool, at: i64) -> bool {
    let action = if archived {
        AuditAction::Archived
    } else {
        AuditAction::Unarchived
    };
    store
        .set_archived("deepseek", archived, &on_deepseek(action, at))
        .await
        .unwrap()
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

/// Runs every test of the desk's contract on `$engine`, as `vote_contract!` does for votes; the
/// engine must also be a `DeskEngine`.
#[macro_export]
macro_rules! desk_contract {
    ($($engine:tt)*) => {
        $crate::__contract_tests!(desk_contract [$($engine)*]
            editors_are_added_once_listed_by_name_and_removed,
            removing_an_editor_or_changing_their_password_ends_their_sessions,
            a_session_is_found_and_its_last_request_moves,
            an_idle_session_expires_and_is_deleted,
            a_session_expires_at_its_maximum_age_however_busy,
            a_session_ends_at_sign_out,
            account_and_session_changes_are_logged_with_the_change_and_only_then,
            an_account_or_session_change_whose_audit_line_fails_does_not_happen,
            closing_a_poll_at_the_desk_refuses_later_votes,
            reopening_a_poll_at_the_desk_takes_votes_again,
            the_file_closing_moment_returns_when_the_desk_lets_go,
            desk_overrides_survive_a_restart,
            a_content_sync_keeps_the_desk_overrides,
            overrides_list_only_changed_polls_with_who_and_when,
            voiding_a_window_takes_its_votes_out_of_the_standing,
            a_void_changes_nothing_unless_the_window_holds_what_the_editor_saw,
            restoring_a_window_puts_its_votes_back_exactly,
            ballots_cast_on_two_nodes_are_voided_and_restored_exactly,
            a_reader_whose_vote_was_voided_cannot_vote_again,
            a_reader_whose_vote_was_voided_cannot_change_it,
            activity_series_count_only_counted_ballots_per_minute_and_hour,
            the_audit_log_lists_desk_actions_newest_first_per_poll,
            voter_ids_of_a_long_closed_poll_are_removed_and_nothing_else,
            the_desk_closing_moment_decides_when_voter_ids_go,
            a_poll_made_in_the_desk_is_stored_and_listed_newest_first,
            a_poll_is_never_made_under_an_id_in_use,
            a_content_file_claiming_a_desk_polls_id_leaves_it_alone,
            a_vote_on_a_desk_poll_is_counted_under_its_rules,
            an_edit_before_the_first_vote_may_change_everything,
            after_the_first_vote_only_the_wording_and_closing_may_change,
            a_voided_ballot_locks_the_answers_too,
            a_poll_in_dutch_and_french_is_stored_and_read_back_with_both,
            after_the_first_vote_a_french_rewording_is_a_correction,
            french_texts_are_removed_and_added_by_an_edit,
            an_edit_replaces_the_desk_overrides,
            a_file_poll_or_an_unknown_id_is_not_edited_or_archived,
            an_archived_poll_takes_no_votes_and_keeps_its_ballots,
            voter_ids_of_a_closed_desk_poll_are_removed,
            every_change_of_the_site_raises_the_desk_version_another_node_reads,
            views_counted_on_two_nodes_add_up_per_poll_and_hour
        );
    };
}
