//! The editors' side of the store: accounts, sessions, the desk's changes to a poll, voided votes,
//! the activity series and the audit log, in the same two engines as the votes.
//!
//! Every change made at the desk or on the command line (to a poll, an account or a session) is
//! written in one transaction with its audit entry, so the log never misses an action that took
//! effect nor shows one that did not.
//!
//! Polls come from two places: a content file (synced in by `sync_polls`, which owns them) or the
//! desk (`create_poll`, `edit_poll`, `set_archived`, which own those). Both live in the same rows,
//! so the vote writer checks either kind the same way; neither side ever writes the other's.

use super::StoreError;
use async_trait::async_trait;
use stembus_poll::{PollDefinition, ResultsVisibility};

/// An editor as `stembus editor list` shows them.
/// How often a poll was seen in one hour, as a node counted it: added to what the store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourViews {
    pub poll_id: String,
    /// The hour's first second, unix.
    pub hour: i64,
    pub views: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorSummary {
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// A live session, as found by its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The signed-in editor's name.
    pub editor: String,
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the request before this one.
    pub last_seen_at: i64,
}

/// How long a session lives: `idle` seconds after its last request, `max` seconds after sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: i64,
    pub max: i64,
}

/// What the desk changed of a poll, over the content file's values. `None` leaves the file's value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PollOverrides {
    /// `Some(None)`: the poll never closes; `Some(Some(t))`: it closes at unix second `t`.
    pub closes: Option<Option<i64>>,
    pub show_results: Option<ResultsVisibility>,
    /// Who made the last change, and when (unix seconds); `None` while nothing was changed.
    pub changed: Option<(String, i64)>,
}

/// One change of a poll's overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideChange {
    /// Set the closing moment: `None` is "never closes" (reopen), `Some(t)` closes at `t`.
    Closes(Option<i64>),
    /// Go back to the content file's closing moment.
    ClosesFromFile,
    ShowResults(ResultsVisibility),
    /// Go back to the content file's results visibility.
    ShowResultsFromFile,
}

/// A span of time `[from, until)` in unix seconds whose ballots (by `cast_at`) an editor looks at
/// or voids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub from: i64,
    pub until: i64,
}

/// What voiding a window would take out: the counted (not yet voided) ballots cast in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VoidPreview {
    /// Ballots (readers) in the window.
    pub ballots: u64,
    /// Per answer key, how often it was chosen on those ballots; answers without any may be missing.
    pub counts: Vec<(String, u64)>,
}

/// A window of votes an editor declared invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidedWindow {
    pub id: i64,
    pub poll_id: String,
    pub window: TimeWindow,
    /// The ballots it took out when it was voided (still marked with it while not restored).
    pub ballots: u64,
    pub voided_by: String,
    pub voided_at: i64,
    /// Who restored it and when; `None` while its votes stay out.
    pub restored: Option<(String, i64)>,
}

/// What `void_window` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidOutcome {
    /// The window's ballots are out of the counts.
    Voided(VoidedWindow),
    /// Nothing changed: the window held another number of counted ballots than expected (a second
    /// click on the same confirmation, votes that came in since the preview, another editor's
    /// void), or none; it holds `ballots` now.
    NotAsSeen { ballots: u64 },
}

/// A poll made in the desk, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadePoll {
    /// The poll as its last edit left it (the desk's overrides not applied).
    pub definition: PollDefinition,
    /// Who made it, and when (unix seconds).
    pub created: (String, i64),
    /// Who archived it, and when; `None` while it is on the site.
    pub archived: Option<(String, i64)>,
    /// Whether its question or an answer's wording (in Dutch, or French it had) was corrected
    /// after the first vote.
    pub clarified: bool,
}

/// What `edit_poll` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollEdit {
    /// The poll now reads as asked.
    Edited,
    /// Nothing differs from what is stored: nothing was written, no audit line.
    Unchanged,
    /// There is no poll made in the desk with this id (a content file's poll is never edited here).
    UnknownPoll,
    /// The poll has ballots, and the edit adds, removes or reorders answers, or changes the opening
    /// moment or how many answers a reader may pick: that would change what earlier readers chose
    /// between. Nothing was written.
    AnswersLocked,
    /// The poll no longer reads as the editor's form showed it (another editor closed it, changed
    /// who sees the result or edited it since the form was loaded): nothing was written, so the
    /// edit cannot undo a change its editor never saw.
    NotAsSeen,
}

/// Writes an edit's audit detail from the poll before and after it. An alias rather than the `fn`
/// type in the trait: `async_trait` would give the elided lifetimes of a `fn(&A, &B)` written in a
/// method's arguments to the method itself, so an engine could only pass it references that
/// outlive the call; behind an alias the pointer stays higher-ranked.
pub type DescribeEdit = fn(&PollDefinition, &PollDefinition) -> String;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: i64,
    /// The editor's name (for a failed sign-in: the name that was tried).
    pub editor: String,
    pub action: AuditAction,
    /// The poll the action was about, if any.
    pub poll_id: Option<String>,
    /// What exactly, in Dutch, as the desk shows it.
    pub detail: String,
}

/// Everything the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignIn,
    SignOut,
    FailedSignIn,
    Close,
    Reopen,
    ClosingMoment,
    ResultsVisibility,
    Void,
    Restore,
    Export,
    EditorAdded,
    EditorRemoved,
    PasswordChanged,
    /// The site removed the voter ids of a closed poll's ballots (`voter_retention_days`).
    VotersForgotten,
    PollCreated,
    PollEdited,
    Archived,
    Unarchived,
}

impl AuditAction {
    pub const ALL: [AuditAction; 18] = [
        AuditAction::SignIn,
        AuditAction::SignOut,
        AuditAction::FailedSignIn,
        AuditAction::Close,
        AuditAction::Reopen,
        AuditAction::ClosingMoment,
        AuditAction::ResultsVisibility,
        AuditAction::Void,
        AuditAction::Restore,
        AuditAction::Export,
        AuditAction::EditorAdded,
        AuditAction::EditorRemoved,
        AuditAction::PasswordChanged,
        AuditAction::VotersForgotten,
        AuditAction::PollCreated,
        AuditAction::PollEdited,
        AuditAction::Archived,
        AuditAction::Unarchived,
    ];

    /// The name stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign-in",
            AuditAction::SignOut => "sign-out",
            AuditAction::FailedSignIn => "failed-sign-in",
            AuditAction::Close => "close",
            AuditAction::Reopen => "reopen",
            AuditAction::ClosingMoment => "closing-moment",
            AuditAction::ResultsVisibility => "results-visibility",
            AuditAction::Void => "void",
            AuditAction::Restore => "restore",
            AuditAction::Export => "export",
            AuditAction::EditorAdded => "editor-added",
            AuditAction::EditorRemoved => "editor-removed",
            AuditAction::PasswordChanged => "password-changed",
            AuditAction::VotersForgotten => "voters-forgotten",
            AuditAction::PollCreated => "poll-created",
            AuditAction::PollEdited => "poll-edited",
            AuditAction::Archived => "archived",
            AuditAction::Unarchived => "unarchived",
        }
    }

    /// Whether the action changes what the site serves (a poll's rules, wording, votes counted or
    /// place), and so the desk's version (`DeskStore::desk_version`): accounts, sessions and
    /// exports do not, so a burst of failed sign-ins makes no node read the desk again.
    pub fn changes_the_site(self) -> bool {
        match self {
            AuditAction::Close
            | AuditAction::Reopen
            | AuditAction::ClosingMoment
            | AuditAction::ResultsVisibility
            | AuditAction::Void
            | AuditAction::Restore
            | AuditAction::PollCreated
            | AuditAction::PollEdited
            | AuditAction::Archived
            | AuditAction::Unarchived => true,
            AuditAction::SignIn
            | AuditAction::SignOut
            | AuditAction::FailedSignIn
            | AuditAction::Export
            | AuditAction::EditorAdded
            | AuditAction::EditorRemoved
            | AuditAction::PasswordChanged
            | AuditAction::VotersForgotten => false,
        }
    }

    pub fn from_key(key: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|action| action.key() == key)
    }
}

/// The editors' store. Blocking work runs off the async runtime inside each engine, as for votes.
#[async_trait]
pub trait DeskStore: Send + Sync {
    /// Creates the editor `name` with `password_hash` (a PHC string), recording `audit` in the same
    /// transaction; `false` (nothing written, no audit line) if the name is taken.
    async fn add_editor(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Replaces an editor's password hash and ends all their sessions, recording `audit` in the
    /// same transaction; `false` (nothing written, no audit line) if there is no such editor.
    async fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Removes an editor and ends all their sessions, recording `audit` in the same transaction;
    /// `false` (nothing written, no audit line) if there is no such editor. Their name stays in
    /// the audit log.
    async fn remove_editor(&self, name: &str, audit: &AuditEntry) -> Result<bool, StoreError>;

    /// Every editor, by name.
    async fn editors(&self) -> Result<Vec<EditorSummary>, StoreError>;

    /// The stored password hash of `name`, if there is such an editor.
    async fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// Stores a new session of `editor` under the hash of its token (sign-in), recording `audit`
    /// in the same transaction; `false` (nothing written, no audit line) if there is no such
    /// editor, as when they were removed while signing in.
    async fn create_session(
        &self,
        token_hash: &str,
        editor: &str,
        csrf_token: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// The session with this token hash if it lives at `now` under `limits`; then its last request
    /// becomes `now`. An expired session is deleted and `None` returned, as for an unknown one or
    /// one whose editor was removed.
    async fn session(
        &self,
        token_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// Ends the session (sign-out), recording `audit` in the same transaction. `false` (nothing
    /// written, no audit line) for an unknown session: one ended already (a second click on
    /// "Afmelden"), expired, or gone with its editor, so a session is signed out of once at most.
    async fn end_session(&self, token_hash: &str, audit: &AuditEntry) -> Result<bool, StoreError>;

    /// Applies `change` to the poll `poll_id` and records `audit` in the same transaction. The
    /// writer checks every later vote against the changed rules. `false` if there is no such poll.
    async fn change_poll(
        &self,
        poll_id: &str,
        change: OverrideChange,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// The desk's overrides of every poll that has any, by poll id.
    async fn overrides(&self) -> Result<Vec<(String, PollOverrides)>, StoreError>;

    /// Counted (not voided) ballots per minute, by the minute's first unix second, ascending; minutes
    /// without ballots are missing.
    async fn ballots_per_minute(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError>;

    /// Counted (not voided) ballots cast at `since` (unix seconds) or later: the desk list's last
    /// hour, read through the poll's ballots by time, not all of them.
    async fn ballots_since(&self, poll_id: &str, since: i64) -> Result<u64, StoreError>;

    /// How often each answer was chosen on counted ballots, per hour (by the hour's first unix
    /// second), ascending by hour: `(hour, answer key, count)`; empty hours and zeros are missing.
    async fn choices_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, String, u64)>, StoreError>;

    /// What voiding `window` of the poll would take out.
    async fn preview_void(
        &self,
        poll_id: &str,
        window: TimeWindow,
    ) -> Result<VoidPreview, StoreError>;

    /// Marks every counted ballot of the poll cast in `window` as voided by a new window, takes them
    /// out of the running counts, and records `audit` with it, in one transaction, if the window
    /// holds exactly the `expected` counted ballots (what the editor's preview showed, and what
    /// `audit` says) and at least one; else changes nothing (`VoidOutcome::NotAsSeen`). `None` if
    /// there is no such poll.
    async fn void_window(
        &self,
        poll_id: &str,
        window: TimeWindow,
        expected: u64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidOutcome>, StoreError>;

    /// Counts the ballots of voided window `id` again and marks it restored, with `audit`, in one
    /// transaction. `None` if there is no such window or it was restored already.
    async fn restore_window(
        &self,
        id: i64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidedWindow>, StoreError>;

    /// Every voided window (restored ones too), of one poll or of all, oldest first.
    async fn voided_windows(&self, poll_id: Option<&str>) -> Result<Vec<VoidedWindow>, StoreError>;

    /// Adds a line to the audit log.
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// The newest `limit` lines of the audit log, of one poll or of all, newest first.
    async fn audit_log(
        &self,
        poll_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// Removes the voter ids of the ballots of poll `poll_id` if it closed (by the desk's closing
    /// moment when it set one, else the content file's) at or before `closed_before`; the ballots,
    /// their answers, the counts and the voided marks stay, and a removed id never blocks a vote.
    /// When any id was removed, records an audit entry of `by` at `at` with `detail(removed)` in the
    /// same transaction. Returns how many were removed: 0 for an unknown poll, one that closed
    /// later or never, or one whose ids are gone already.
    async fn forget_voters(
        &self,
        poll_id: &str,
        closed_before: i64,
        at: i64,
        by: &str,
        detail: fn(u64) -> String,
    ) -> Result<u64, StoreError>;

    /// The ids of the polls whose ballots still hold voter ids and that closed (by the desk's
    /// closing moment when it set one, else the content file's) at or before `closed_before`:
    /// every poll in the database, also one no content file or desk serves any more (its file
    /// removed, its id renamed), whose ballots stay and whose ids must go all the same.
    async fn polls_with_voter_ids_closed_before(
        &self,
        closed_before: i64,
    ) -> Result<Vec<String>, StoreError>;

    /// Brings the polls in the database in line with `polls` as at start-up (content reloaded).
    /// A poll made in the desk is never touched, even when a content file claims its id.
    async fn sync_polls(&self, polls: &[PollDefinition]) -> Result<(), StoreError>;

    /// Stores `poll` (its French texts too) as a poll made in the desk by `audit.editor` at
    /// `audit.at`, with `audit`, in one transaction. `false` (nothing written) when any poll, from a file or the desk, archived
    /// or not, has its id already: votes are stored under it, so an id is never used twice.
    async fn create_poll(
        &self,
        poll: &PollDefinition,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Replaces the desk-made poll `poll.id` with `poll` if the rules allow it (see `PollEdit`),
    /// clears the desk's overrides of its closing moment and results visibility (the edit says
    /// what holds), and, in the same transaction, records an audit line of `by` at `at` with
    /// `describe(before, after)` as its detail. `before` is the poll as served, the desk's
    /// overrides laid over its stored values (`made::apply_overrides`): that is what the edit form
    /// shows, so the edit is judged and described against it, and clearing a closing moment set
    /// with "Nu sluiten" is a change (a reopening) like any other. With `seen`, the fingerprint
    /// (`made::fingerprint`) of the poll the editor's form was loaded with, nothing is written
    /// unless the poll still has it (`PollEdit::NotAsSeen`), checked in the same transaction so
    /// that no change comes in between. An edit after the first vote that changes the question or
    /// an answer's wording, in Dutch or in the French the poll had, marks the poll `clarified`,
    /// for good (`made::judge_edit`). `poll.french` replaces the stored French texts; `None`
    /// removes them.
    async fn edit_poll(
        &self,
        poll: &PollDefinition,
        seen: Option<&str>,
        by: &str,
        at: i64,
        describe: DescribeEdit,
    ) -> Result<PollEdit, StoreError>;

    /// Archives (`archived`) the desk-made poll `poll_id` or puts it back, with `audit`, in one
    /// transaction. An archived poll takes no votes (the writer answers `UnknownPoll`); its
    /// ballots and counts stay. `false` (nothing written) if there is no such desk-made poll or it
    /// is already in that state.
    async fn set_archived(
        &self,
        poll_id: &str,
        archived: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Every poll made in the desk, archived ones too, newest first.
    async fn made_polls(&self) -> Result<Vec<MadePoll>, StoreError>;

    /// The desk's version: a number that changes, in the same transaction, with every change that
    /// an audit line of an action that `changes_the_site` records (overrides, voided windows, made
    /// polls). A node reads it once a second and reads the desk's state (`overrides`,
    /// `voided_windows`, `made_polls`) only when it changed; read before the state, it never hides
    /// a change. One row, so reading it costs the same at ten polls as at ten thousand.
    async fn desk_version(&self) -> Result<i64, StoreError>;

    /// Adds `views` to how often each poll was seen per hour (every node adds its own counts, so
    /// the store holds their sum). Counts of a poll the store does not know are left out: a count
    /// is no vote, and the poll may have gone with its file.
    async fn add_views(&self, views: &[HourViews]) -> Result<(), StoreError>;

    /// How often the poll `poll_id` was seen, per hour (its first second), oldest first.
    async fn views_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError>;

    /// How often each poll was seen in all, by poll id; polls never seen are left out.
    async fn view_totals(&self) -> Result<Vec<(String, u64)>, StoreError>;
}
