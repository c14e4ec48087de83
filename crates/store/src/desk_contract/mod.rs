//! The desk's contract, one suite for both engines as `contract.rs` is for votes: editors and their
//! sessions, the desk's overrides (and the vote writer obeying them), voided windows and their
//! restoring, the activity series and the audit log. Each engine crate runs it (`desk_contract!`):
//! SQLite always, PostgreSQL `#[ignore]`d unless a cluster is named in `STEMBUS_TEST_DATABASE_URL`.
//! The tests are in a file per concern beside this one; here are the engine's trait, the helpers more
//! than one of them uses, and the macro that lists them all.

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

async fn create(store: &Store, poll: &PollDefinition, at: i64) -> bool {
    let entry = audit(AuditAction::PollCreated, Some(&poll.id), "anna", at);
    store.create_poll(poll, &entry).await.unwrap()
}

async fn edit(store: &Store, poll: &PollDefinition, at: i64) -> PollEdit {
    store
        .edit_poll(poll, None, "bert", at, describe_edit)
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

mod accounts;
mod log;
mod made_polls;
mod nodes;
mod overrides;
mod retention;
mod voids;
pub use accounts::*;
pub use log::*;
pub use made_polls::*;
pub use nodes::*;
pub use overrides::*;
pub use retention::*;
pub use voids::*;

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
            every_closed_poll_with_voter_ids_is_found_also_one_the_content_no_longer_has,
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
            french_removed_after_the_first_vote_and_added_back_swapped_is_refused,
            an_edit_replaces_the_desk_overrides,
            clearing_a_desk_close_in_the_edit_form_reopens_the_poll_and_is_logged,
            an_edit_over_a_change_the_editor_did_not_see_is_refused,
            after_the_first_vote_an_answer_may_not_take_anothers_words_with_a_full_stop,
            after_the_first_vote_no_answer_takes_words_another_had_however_many_edits_between,
            before_the_first_vote_earlier_words_bind_no_answer,
            a_file_poll_or_an_unknown_id_is_not_edited_or_archived,
            an_archived_poll_takes_no_votes_and_keeps_its_ballots,
            voter_ids_of_a_closed_desk_poll_are_removed,
            every_change_of_the_site_raises_the_desk_version_another_node_reads,
            views_counted_on_two_nodes_add_up_per_poll_and_hour
        );
    };
}
