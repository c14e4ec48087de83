//! The editors' desk on SQLite: accounts, sessions, poll overrides, voided windows and the audit
//! log, as plain functions over a connection with their row mapping beside them.
//!
//! Desk writes are few and an editor waits for each, so they do not go through the vote writer's
//! queue: they run on the blocking pool on a write connection of their own, in `BEGIN IMMEDIATE`
//! transactions that take turns with the vote writer under SQLite's write lock. Reads use the
//! reader connections, as standings do.

use super::{Durability, SqliteStore, open_connection, queries};
use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use stembus_poll::language::Language;
use stembus_poll::{PollDefinition, ResultsVisibility};
use stembus_store::StoreError;
use stembus_store::desk::{
    AuditAction, AuditEntry, DescribeEdit, DeskStore, EditorSummary, HourViews, MadePoll,
    OverrideChange, PollEdit, PollOverrides, SessionLimits, SessionRecord, TimeWindow, VoidOutcome,
    VoidPreview, VoidedWindow,
};
use stembus_store::made::{self, MADE_POLL, MadeRow, StoredPoll};

/// A poll's counted ballots since a moment, through `ballot_by_poll_and_time`.
pub(crate) const BALLOTS_SINCE: &str =
    "SELECT COUNT(*) FROM ballot b JOIN poll p ON p.id = b.poll_id
     WHERE p.key = ?1 AND b.cast_at >= ?2 AND b.voided_window IS NULL";
/// The audit log's newest lines (`?1` is null).
const AUDIT_LOG: &str = "SELECT at, editor, action, poll_id, detail FROM audit_log
     WHERE ?1 IS NULL
     ORDER BY at DESC, id DESC
     LIMIT ?2";
/// One poll's newest lines, through `audit_log_by_poll`.
pub(crate) const AUDIT_LOG_OF_POLL: &str =
    "SELECT at, editor, action, poll_id, detail FROM audit_log
     WHERE poll_id = ?1
     ORDER BY at DESC, id DESC
     LIMIT ?2";

impl SqliteStore {
    /// Runs `work` in an immediate transaction on the desk's write connection, on the blocking
    /// pool, and commits it unless `work` failed.
    async fn desk_write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = self.inner.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let kept = inner
                .desk_writer
                .lock()
                .ok()
                .and_then(|mut slot| slot.take());
            let mut conn = match kept {
                Some(conn) => conn,
                None => open_connection(&inner.path, Some(Durability::Full))?,
            };
            let result = (|| -> rusqlite::Result<T> {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let value = work(&tx)?;
                tx.commit()?;
                Ok(value)
            })();
            if let Ok(mut slot) = inner.desk_writer.lock()
                && slot.is_none()
            {
                *slot = Some(conn);
            }
            result
        })
        .await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::error!(%error, "desk write failed; nothing of it was stored");
                Err(StoreError::Unavailable)
            }
            Err(error) => {
                tracing::error!(%error, "desk write task failed");
                Err(StoreError::Fault)
            }
        }
    }
}

#[async_trait]
impl DeskStore for SqliteStore {
    async fn add_editor(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (name, password_hash, audit) =
            (name.to_string(), password_hash.to_string(), audit.clone());
        self.desk_write(move |tx| {
            // The unique name decides, not a look-up before the insert.
            let added = tx.execute(
                "INSERT INTO editor (name, password_hash, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO NOTHING",
                params![name, password_hash, now],
            )?;
            if added == 0 {
                return Ok(false);
            }
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (name, password_hash, audit) =
            (name.to_string(), password_hash.to_string(), audit.clone());
        self.desk_write(move |tx| {
            let changed = tx.execute(
                "UPDATE editor SET password_hash = ?2 WHERE name = ?1",
                params![name, password_hash],
            )?;
            if changed == 0 {
                return Ok(false);
            }
            tx.execute(
                "DELETE FROM editor_session
                 WHERE editor_id = (SELECT id FROM editor WHERE name = ?1)",
                [&name],
            )?;
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn remove_editor(&self, name: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let (name, audit) = (name.to_string(), audit.clone());
        // The sessions go with the editor (ON DELETE CASCADE; foreign keys are on).
        self.desk_write(move |tx| {
            if tx.execute("DELETE FROM editor WHERE name = ?1", [&name])? == 0 {
                return Ok(false);
            }
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn editors(&self) -> Result<Vec<EditorSummary>, StoreError> {
        self.read(|conn| {
            let mut statement =
                conn.prepare_cached("SELECT name, created_at FROM editor ORDER BY name")?;
            let rows = statement.query_map([], |row| {
                Ok(EditorSummary {
                    name: row.get(0)?,
                    created_at: row.get(1)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        let name = name.to_string();
        self.read(move |conn| {
            conn.prepare_cached("SELECT password_hash FROM editor WHERE name = ?1")?
                .query_row([&name], |row| row.get(0))
                .optional()
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        editor: &str,
        csrf_token: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (token_hash, editor, csrf_token, audit) = (
            token_hash.to_string(),
            editor.to_string(),
            csrf_token.to_string(),
            audit.clone(),
        );
        self.desk_write(move |tx| {
            let created = tx.execute(
                "INSERT INTO editor_session (token_hash, editor_id, csrf_token, created_at, last_seen_at)
                 SELECT ?1, id, ?3, ?4, ?4 FROM editor WHERE name = ?2",
                params![token_hash, editor, csrf_token, now],
            )?;
            if created == 0 {
                return Ok(false);
            }
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let token_hash = token_hash.to_string();
        self.desk_write(move |tx| {
            let found = tx
                .prepare_cached(
                    "SELECT e.name, s.csrf_token, s.created_at, s.last_seen_at
                     FROM editor_session s JOIN editor e ON e.id = s.editor_id
                     WHERE s.token_hash = ?1",
                )?
                .query_row([&token_hash], |row| {
                    Ok(SessionRecord {
                        editor: row.get(0)?,
                        csrf_token: row.get(1)?,
                        created_at: row.get(2)?,
                        last_seen_at: row.get(3)?,
                    })
                })
                .optional()?;
            let Some(session) = found else {
                return Ok(None);
            };
            if now - session.last_seen_at > limits.idle || now - session.created_at > limits.max {
                tx.execute(
                    "DELETE FROM editor_session WHERE token_hash = ?1",
                    [&token_hash],
                )?;
                return Ok(None);
            }
            tx.execute(
                "UPDATE editor_session SET last_seen_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
            Ok(Some(session))
        })
        .await
    }

    async fn end_session(&self, token_hash: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let (token_hash, audit) = (token_hash.to_string(), audit.clone());
        self.desk_write(move |tx| {
            let ended = tx.execute(
                "DELETE FROM editor_session WHERE token_hash = ?1",
                [&token_hash],
            )?;
            if ended == 0 {
                return Ok(false);
            }
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn change_poll(
        &self,
        poll_id: &str,
        change: OverrideChange,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (poll_id, audit) = (poll_id.to_string(), audit.clone());
        self.desk_write(move |tx| {
            let (set, value): (&str, Value) = match change {
                OverrideChange::Closes(at) => (
                    "desk_closes_set = 1, desk_closes_at = ?4",
                    at.map_or(Value::Null, Value::Integer),
                ),
                OverrideChange::ClosesFromFile => {
                    ("desk_closes_set = 0, desk_closes_at = ?4", Value::Null)
                }
                OverrideChange::ShowResults(visibility) => (
                    "desk_show_results = ?4",
                    Value::Text(visibility.key().to_string()),
                ),
                OverrideChange::ShowResultsFromFile => ("desk_show_results = ?4", Value::Null),
            };
            let changed = tx.execute(
                &format!(
                    "UPDATE poll SET {set}, desk_changed_by = ?2, desk_changed_at = ?3
                     WHERE key = ?1"
                ),
                params![poll_id, audit.editor, audit.at, value],
            )?;
            if changed == 0 {
                return Ok(false);
            }
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn overrides(&self) -> Result<Vec<(String, PollOverrides)>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT key, desk_closes_set, desk_closes_at, desk_show_results,
                        desk_changed_by, desk_changed_at
                 FROM poll
                 WHERE desk_closes_set OR desk_show_results IS NOT NULL
                 ORDER BY key",
            )?;
            let rows = statement.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, overrides_row(row)?))
            })?;
            rows.collect()
        })
        .await
    }

    async fn ballots_per_minute(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError> {
        let poll_id = poll_id.to_string();
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT b.cast_at - b.cast_at % 60 AS minute, COUNT(*)
                 FROM ballot b JOIN poll p ON p.id = b.poll_id
                 WHERE p.key = ?1 AND b.voided_window IS NULL
                 GROUP BY minute
                 ORDER BY minute",
            )?;
            let rows = statement.query_map([&poll_id], |row| Ok((row.get(0)?, count(row, 1)?)))?;
            rows.collect()
        })
        .await
    }

    async fn ballots_since(&self, poll_id: &str, since: i64) -> Result<u64, StoreError> {
        let poll_id = poll_id.to_string();
        self.read(move |conn| {
            conn.prepare_cached(BALLOTS_SINCE)?
                .query_row(params![poll_id, since], |row| count(row, 0))
        })
        .await
    }

    async fn choices_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, String, u64)>, StoreError> {
        let poll_id = poll_id.to_string();
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT b.cast_at - b.cast_at % 3600 AS hour, o.key, COUNT(*)
                 FROM ballot b
                 JOIN poll p ON p.id = b.poll_id
                 JOIN ballot_choice c ON c.ballot_id = b.id
                 JOIN poll_option o ON o.id = c.option_id AND o.position IS NOT NULL
                 WHERE p.key = ?1 AND b.voided_window IS NULL
                 GROUP BY hour, o.key, o.position
                 ORDER BY hour, o.position",
            )?;
            let rows = statement.query_map([&poll_id], |row| {
                Ok((row.get(0)?, row.get(1)?, count(row, 2)?))
            })?;
            rows.collect()
        })
        .await
    }

    async fn preview_void(
        &self,
        poll_id: &str,
        window: TimeWindow,
    ) -> Result<VoidPreview, StoreError> {
        let poll_id = poll_id.to_string();
        self.read(move |conn| {
            // One snapshot, so the ballots and their answers agree while votes arrive.
            let tx = Transaction::new_unchecked(conn, TransactionBehavior::Deferred)?;
            let ballots = tx
                .prepare_cached(
                    "SELECT COUNT(*) FROM ballot b JOIN poll p ON p.id = b.poll_id
                     WHERE p.key = ?1 AND b.cast_at >= ?2 AND b.cast_at < ?3
                       AND b.voided_window IS NULL",
                )?
                .query_row(params![poll_id, window.from, window.until], |row| {
                    count(row, 0)
                })?;
            let counts = {
                let mut statement = tx.prepare_cached(
                    "SELECT o.key, COUNT(*)
                     FROM ballot b
                     JOIN poll p ON p.id = b.poll_id
                     JOIN ballot_choice c ON c.ballot_id = b.id
                     JOIN poll_option o ON o.id = c.option_id
                     WHERE p.key = ?1 AND b.cast_at >= ?2 AND b.cast_at < ?3
                       AND b.voided_window IS NULL
                     GROUP BY o.key, o.position
                     ORDER BY o.position IS NULL, o.position, o.key",
                )?;
                let rows = statement
                    .query_map(params![poll_id, window.from, window.until], |row| {
                        Ok((row.get(0)?, count(row, 1)?))
                    })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            tx.finish()?;
            Ok(VoidPreview { ballots, counts })
        })
        .await
    }

    async fn void_window(
        &self,
        poll_id: &str,
        window: TimeWindow,
        expected: u64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidOutcome>, StoreError> {
        let (poll_id, audit) = (poll_id.to_string(), audit.clone());
        self.desk_write(move |tx| {
            let poll_row: Option<i64> = tx
                .query_row("SELECT id FROM poll WHERE key = ?1", [&poll_id], |row| {
                    row.get(0)
                })
                .optional()?;
            let Some(poll_row) = poll_row else {
                return Ok(None);
            };
            // The desk's transaction holds the database's write lock: no ballot comes in between
            // this count and the update.
            let counted: i64 = tx.query_row(
                "SELECT COUNT(*) FROM ballot
                 WHERE poll_id = ?1 AND cast_at >= ?2 AND cast_at < ?3 AND voided_window IS NULL",
                params![poll_row, window.from, window.until],
                |row| row.get(0),
            )?;
            let counted = counted.max(0) as u64;
            if counted != expected || counted == 0 {
                return Ok(Some(VoidOutcome::NotAsSeen { ballots: counted }));
            }
            tx.execute(
                "INSERT INTO void_window (poll_id, starts_at, ends_at, ballots, voided_by, voided_at)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5)",
                params![poll_row, window.from, window.until, audit.editor, audit.at],
            )?;
            let id = tx.last_insert_rowid();
            let ballots = tx.execute(
                "UPDATE ballot SET voided_window = ?4
                 WHERE poll_id = ?1 AND cast_at >= ?2 AND cast_at < ?3 AND voided_window IS NULL",
                params![poll_row, window.from, window.until, id],
            )? as i64;
            shift_counts(tx, poll_row, id, -1, ballots)?;
            tx.execute(
                "UPDATE void_window SET ballots = ?2 WHERE id = ?1",
                params![id, ballots],
            )?;
            insert_audit(tx, &audit)?;
            Ok(Some(VoidOutcome::Voided(VoidedWindow {
                id,
                poll_id,
                window,
                ballots: ballots as u64,
                voided_by: audit.editor,
                voided_at: audit.at,
                restored: None,
            })))
        })
        .await
    }

    async fn restore_window(
        &self,
        id: i64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidedWindow>, StoreError> {
        let audit = audit.clone();
        self.desk_write(move |tx| {
            let found = tx
                .query_row(&format!("{VOIDED_WINDOW} WHERE w.id = ?1"), [id], |row| {
                    Ok((row.get::<_, i64>(9)?, voided_window(row)?))
                })
                .optional()?;
            let Some((poll_row, mut restored)) = found else {
                return Ok(None);
            };
            if restored.restored.is_some() {
                return Ok(None);
            }
            // The counts first: they are found through the marks the next statement removes.
            shift_counts(tx, poll_row, id, 1, restored.ballots as i64)?;
            tx.execute(
                "UPDATE ballot SET voided_window = NULL WHERE voided_window = ?1",
                [id],
            )?;
            tx.execute(
                "UPDATE void_window SET restored_by = ?2, restored_at = ?3 WHERE id = ?1",
                params![id, audit.editor, audit.at],
            )?;
            insert_audit(tx, &audit)?;
            restored.restored = Some((audit.editor, audit.at));
            Ok(Some(restored))
        })
        .await
    }

    async fn voided_windows(&self, poll_id: Option<&str>) -> Result<Vec<VoidedWindow>, StoreError> {
        let poll_id = poll_id.map(str::to_string);
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "{VOIDED_WINDOW} WHERE ?1 IS NULL OR p.key = ?1 ORDER BY w.id"
            ))?;
            let rows = statement.query_map([&poll_id], voided_window)?;
            rows.collect()
        })
        .await
    }

    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let entry = entry.clone();
        self.desk_write(move |tx| insert_audit(tx, &entry)).await
    }

    async fn audit_log(
        &self,
        poll_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let poll_id = poll_id.map(str::to_string);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |conn| {
            // Two statements, not one with `?1 IS NULL OR`: that one the planner answers by
            // walking the whole log by time, and a poll's lines are found by their own index.
            let mut statement = if poll_id.is_some() {
                conn.prepare_cached(AUDIT_LOG_OF_POLL)?
            } else {
                conn.prepare_cached(AUDIT_LOG)?
            };
            let rows = statement.query_map(params![poll_id, limit], |row| {
                Ok((
                    row.get::<_, String>(2)?,
                    AuditEntry {
                        at: row.get(0)?,
                        editor: row.get(1)?,
                        action: AuditAction::SignIn,
                        poll_id: row.get(3)?,
                        detail: row.get(4)?,
                    },
                ))
            })?;
            let mut entries = Vec::new();
            for row in rows {
                let (action, entry) = row?;
                // Only a newer stembus writes actions this one does not know.
                match AuditAction::from_key(&action) {
                    Some(action) => entries.push(AuditEntry { action, ..entry }),
                    None => tracing::warn!(action, "skipping an audit entry of an unknown action"),
                }
            }
            Ok(entries)
        })
        .await
    }

    async fn forget_voters(
        &self,
        poll_id: &str,
        closed_before: i64,
        at: i64,
        by: &str,
        detail: fn(u64) -> String,
    ) -> Result<u64, StoreError> {
        let (poll_id, by) = (poll_id.to_string(), by.to_string());
        self.desk_write(move |tx| {
            let removed = tx.execute(
                "UPDATE ballot SET voter = NULL
                 WHERE voter IS NOT NULL AND poll_id = (
                     SELECT id FROM poll WHERE key = ?1
                     AND CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END <= ?2)",
                params![poll_id, closed_before],
            )? as u64;
            if removed > 0 {
                insert_audit(
                    tx,
                    &AuditEntry {
                        at,
                        editor: by,
                        action: AuditAction::VotersForgotten,
                        poll_id: Some(poll_id),
                        detail: detail(removed),
                    },
                )?;
            }
            Ok(removed)
        })
        .await
    }

    async fn polls_with_voter_ids_closed_before(
        &self,
        closed_before: i64,
    ) -> Result<Vec<String>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT key FROM poll
                 WHERE CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END <= ?1
                 AND EXISTS (SELECT 1 FROM ballot
                             WHERE ballot.poll_id = poll.id AND ballot.voter IS NOT NULL)
                 ORDER BY key",
            )?;
            let keys = statement
                .query_map(params![closed_before], |row| row.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(keys)
        })
        .await
    }

    async fn sync_polls(&self, polls: &[PollDefinition]) -> Result<(), StoreError> {
        let polls = polls.to_vec();
        self.desk_write(move |tx| {
            let polls: Vec<&PollDefinition> = polls.iter().collect();
            queries::sync_polls(tx, &polls)
        })
        .await
    }

    async fn create_poll(
        &self,
        poll: &PollDefinition,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (poll, audit) = (poll.clone(), audit.clone());
        self.desk_write(move |tx| {
            // The unique key decides, whoever holds it: a file's poll, a desk poll, an archived one.
            let created = tx.execute(
                "INSERT INTO poll (key, question, max_choices, allow_change, opens_at, closes_at,
                                   show_results, origin, created_by, created_at, french_question)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'desk', ?8, ?9, ?10)
                 ON CONFLICT (key) DO NOTHING",
                params![
                    poll.id,
                    poll.question,
                    poll.max_choices,
                    poll.allow_change,
                    poll.opens.map(|m| m.unix_seconds()),
                    poll.closes.map(|m| m.unix_seconds()),
                    poll.show_results.key(),
                    audit.editor,
                    audit.at,
                    poll.french.as_ref().map(|french| &french.question),
                ],
            )?;
            if created == 0 {
                return Ok(false);
            }
            queries::set_options(tx, tx.last_insert_rowid(), &poll, poll.french.as_ref())?;
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn edit_poll(
        &self,
        poll: &PollDefinition,
        seen: Option<&str>,
        by: &str,
        at: i64,
        describe: DescribeEdit,
    ) -> Result<PollEdit, StoreError> {
        let (after, by) = (made::as_stored(poll), by.to_string());
        let seen = seen.map(str::to_string);
        self.desk_write(move |tx| {
            let stored = tx
                .query_row(
                    &format!("{MADE_POLL} WHERE key = ?1 AND origin = 'desk'"),
                    [&after.id],
                    made_poll_row,
                )
                .optional()?;
            let Some((poll_row, stored, _)) = stored else {
                return Ok(PollEdit::UnknownPoll);
            };
            // Judged and described against the poll as served: what the edit form showed.
            let (mut before, last_french) =
                with_options(tx, poll_row, stored)?.into_definition_and_last_french();
            made::apply_overrides(&mut before, &poll_overrides(tx, poll_row)?);
            if seen.is_some_and(|seen| seen != made::fingerprint(&before)) {
                return Ok(PollEdit::NotAsSeen);
            }
            let has_ballots: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM ballot WHERE poll_id = ?1)",
                [poll_row],
                |row| row.get(0),
            )?;
            // Empty before the first vote: texts are kept only by edits after it.
            let voted_on = labels_voted_on(tx, poll_row)?;
            let verdict = made::judge_edit(
                &before,
                &after,
                has_ballots,
                last_french.as_ref(),
                &voted_on,
            );
            let clarified = match verdict.clarified() {
                Ok(clarified) => clarified,
                Err(not_written) => return Ok(not_written),
            };
            // The edit says what holds, so the desk's overrides go; it is the desk's last change
            // of the poll, so it is the one `desk_changed_*` names.
            tx.execute(
                "UPDATE poll SET question = ?2, max_choices = ?3, allow_change = ?4,
                     opens_at = ?5, closes_at = ?6, show_results = ?7,
                     desk_closes_set = 0, desk_closes_at = NULL, desk_show_results = NULL,
                     desk_changed_by = ?8, desk_changed_at = ?9,
                     clarified = clarified OR ?10, french_question = ?11
                 WHERE id = ?1",
                params![
                    poll_row,
                    after.question,
                    after.max_choices,
                    after.allow_change,
                    after.opens.map(|m| m.unix_seconds()),
                    after.closes.map(|m| m.unix_seconds()),
                    after.show_results.key(),
                    by,
                    at,
                    clarified,
                    after.french.as_ref().map(|french| &french.question),
                ],
            )?;
            queries::set_options(tx, poll_row, &after, after.french.as_ref())?;
            let mut keep_voted_on = tx.prepare_cached(
                "INSERT OR IGNORE INTO answer_label_voted_on (poll_id, key, language, label)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for voted in made::labels_voted_on(&before, has_ballots) {
                keep_voted_on.execute(params![
                    poll_row,
                    voted.key,
                    voted.language.tag(),
                    voted.label
                ])?;
            }
            // French removed after the first vote stays on the rows, unseen, for the next edit
            // to be judged against (`made::french_to_keep`); `set_options` cleared it.
            if let Some(kept) = made::french_to_keep(&before, &after, has_ballots, last_french) {
                let mut keep = tx.prepare_cached(
                    "UPDATE poll_option SET french_label = ?3 WHERE poll_id = ?1 AND key = ?2",
                )?;
                for (key, label) in kept {
                    keep.execute(params![poll_row, key, label])?;
                }
            }
            insert_audit(
                tx,
                &AuditEntry {
                    at,
                    editor: by,
                    action: AuditAction::PollEdited,
                    poll_id: Some(after.id.clone()),
                    detail: describe(&before, &after),
                },
            )?;
            Ok(PollEdit::Edited)
        })
        .await
    }

    async fn set_archived(
        &self,
        poll_id: &str,
        archived: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (poll_id, audit) = (poll_id.to_string(), audit.clone());
        self.desk_write(move |tx| {
            let changed = if archived {
                tx.execute(
                    "UPDATE poll SET archived_by = ?2, archived_at = ?3
                     WHERE key = ?1 AND origin = 'desk' AND archived_at IS NULL",
                    params![poll_id, audit.editor, audit.at],
                )?
            } else {
                tx.execute(
                    "UPDATE poll SET archived_by = NULL, archived_at = NULL
                     WHERE key = ?1 AND origin = 'desk' AND archived_at IS NOT NULL",
                    [&poll_id],
                )?
            };
            if changed == 0 {
                return Ok(false);
            }
            insert_audit(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    async fn desk_version(&self) -> Result<i64, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT version FROM desk_version WHERE id = 1")?
                .query_row([], |row| row.get(0))
        })
        .await
    }

    async fn add_views(&self, views: &[HourViews]) -> Result<(), StoreError> {
        let views = views.to_vec();
        self.desk_write(move |tx| {
            let mut statement = tx.prepare_cached(
                "INSERT INTO poll_view (poll_id, hour, views)
                 SELECT id, ?2, ?3 FROM poll WHERE key = ?1
                 ON CONFLICT (poll_id, hour) DO UPDATE SET views = views + excluded.views",
            )?;
            for counted in &views {
                let added = i64::try_from(counted.views).unwrap_or(i64::MAX);
                statement.execute(params![counted.poll_id, counted.hour, added])?;
            }
            Ok(())
        })
        .await
    }

    async fn views_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError> {
        let poll_id = poll_id.to_string();
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT v.hour, v.views FROM poll_view v JOIN poll p ON p.id = v.poll_id
                 WHERE p.key = ?1 ORDER BY v.hour",
            )?;
            let rows = statement.query_map([&poll_id], |row| Ok((row.get(0)?, count(row, 1)?)))?;
            rows.collect()
        })
        .await
    }

    async fn view_totals(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT p.key, SUM(v.views) FROM poll_view v JOIN poll p ON p.id = v.poll_id
                 GROUP BY p.key ORDER BY p.key",
            )?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, count(row, 1)?)))?;
            rows.collect()
        })
        .await
    }

    async fn made_polls(&self) -> Result<Vec<MadePoll>, StoreError> {
        self.read(|conn| {
            // One snapshot, so each poll's answers are those of its row as read.
            let tx = Transaction::new_unchecked(conn, TransactionBehavior::Deferred)?;
            let rows = {
                let mut statement = tx.prepare_cached(&format!(
                    "{MADE_POLL} WHERE origin = 'desk' ORDER BY created_at DESC, id DESC"
                ))?;
                let rows = statement.query_map([], made_poll_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let mut polls = Vec::with_capacity(rows.len());
            for (poll_row, stored, kept) in rows {
                polls.push(kept.with(definition(&tx, poll_row, stored)?));
            }
            tx.finish()?;
            Ok(polls)
        })
        .await
    }
}

/// The desk's overrides from columns 1 to 5 of a row: `desk_closes_set`, `desk_closes_at`,
/// `desk_show_results`, `desk_changed_by`, `desk_changed_at`.
fn overrides_row(row: &Row<'_>) -> rusqlite::Result<PollOverrides> {
    let closes_set: bool = row.get(1)?;
    let show_results: Option<String> = row.get(3)?;
    let changed_by: Option<String> = row.get(4)?;
    let changed_at: Option<i64> = row.get(5)?;
    Ok(PollOverrides {
        closes: if closes_set { Some(row.get(2)?) } else { None },
        show_results: show_results
            .as_deref()
            .and_then(ResultsVisibility::from_key),
        changed: changed_by.zip(changed_at),
    })
}

/// The desk's overrides of poll row `poll_row`.
fn poll_overrides(conn: &Connection, poll_row: i64) -> rusqlite::Result<PollOverrides> {
    conn.prepare_cached(
        "SELECT key, desk_closes_set, desk_closes_at, desk_show_results,
                desk_changed_by, desk_changed_at
         FROM poll WHERE id = ?1",
    )?
    .query_row([poll_row], overrides_row)
}

/// A row of `MADE_POLL`: the poll's row id, its values (answers still to read) and the rest.
fn made_poll_row(row: &Row<'_>) -> rusqlite::Result<(i64, StoredPoll, MadeRow)> {
    let archived_by: Option<String> = row.get(10)?;
    let archived_at: Option<i64> = row.get(11)?;
    Ok((
        row.get(0)?,
        StoredPoll {
            key: row.get(1)?,
            question: row.get(2)?,
            french_question: row.get(13)?,
            options: Vec::new(),
            opens_at: row.get(3)?,
            closes_at: row.get(4)?,
            max_choices: row.get(5)?,
            allow_change: row.get(6)?,
            show_results: row.get(7)?,
        },
        MadeRow {
            created: (
                row.get::<_, Option<String>>(8)?.unwrap_or_default(),
                row.get::<_, Option<i64>>(9)?.unwrap_or_default(),
            ),
            archived: archived_by.zip(archived_at),
            clarified: row.get(12)?,
        },
    ))
}

/// `stored` with the shown answers of poll row `poll_row`, in their order.
fn definition(
    conn: &Connection,
    poll_row: i64,
    stored: StoredPoll,
) -> rusqlite::Result<PollDefinition> {
    Ok(with_options(conn, poll_row, stored)?.into_definition())
}

/// `stored` with the rows of the shown answers of poll row `poll_row`, in their order.
fn with_options(
    conn: &Connection,
    poll_row: i64,
    mut stored: StoredPoll,
) -> rusqlite::Result<StoredPoll> {
    let mut statement = conn.prepare_cached(
        "SELECT key, label, french_label FROM poll_option
         WHERE poll_id = ?1 AND position IS NOT NULL
         ORDER BY position",
    )?;
    let rows = statement.query_map([poll_row], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })?;
    stored.options = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(stored)
}

/// Every text the answers of the poll at `poll_row` had at an edit after its first vote.
fn labels_voted_on(conn: &Connection, poll_row: i64) -> rusqlite::Result<Vec<made::VotedLabel>> {
    let mut statement = conn.prepare_cached(
        "SELECT key, language, label FROM answer_label_voted_on WHERE poll_id = ?1",
    )?;
    let rows = statement.query_map([poll_row], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut voted_on = Vec::new();
    for row in rows {
        let (key, language, label) = row?;
        // The schema's CHECK keeps the tag one of the two; a hand-edited row is passed over.
        if let Some(language) = Language::from_tag(&language) {
            voted_on.push(made::VotedLabel {
                key,
                language,
                label,
            });
        }
    }
    Ok(voted_on)
}

/// A count from a row, as stored (never below zero).
fn count(row: &Row<'_>, column: usize) -> rusqlite::Result<u64> {
    Ok(row.get::<_, i64>(column)?.max(0) as u64)
}

/// Records `entry`, and raises the desk's version when its action changes the site: every desk
/// change writes its audit line in its own transaction, so this is the one place that knows.
fn insert_audit(conn: &Connection, entry: &AuditEntry) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, editor, action, poll_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        entry.at,
        entry.editor,
        entry.action.key(),
        entry.poll_id,
        entry.detail
    ])?;
    if entry.action.changes_the_site() {
        conn.prepare_cached("UPDATE desk_version SET version = version + 1 WHERE id = 1")?
            .execute([])?;
    }
    Ok(())
}

/// Adds `sign` times the answers of the ballots marked with window `window` to the running counts
/// of poll `poll_row`, and `sign * ballots` to its voters: out when voiding, back when restoring.
fn shift_counts(
    conn: &Connection,
    poll_row: i64,
    window: i64,
    sign: i64,
    ballots: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE poll_option SET vote_count = vote_count + ?3 * (
             SELECT COUNT(*) FROM ballot_choice c JOIN ballot b ON b.id = c.ballot_id
             WHERE c.option_id = poll_option.id AND b.voided_window = ?2)
         WHERE poll_id = ?1",
        params![poll_row, window, sign],
    )?;
    conn.execute(
        "UPDATE poll SET voter_count = voter_count + ?2 WHERE id = ?1",
        params![poll_row, sign * ballots],
    )?;
    Ok(())
}

/// The columns `voided_window` reads, with the poll's row id last.
const VOIDED_WINDOW: &str = "SELECT w.id, p.key, w.starts_at, w.ends_at, w.ballots, w.voided_by,
        w.voided_at, w.restored_by, w.restored_at, w.poll_id
    FROM void_window w JOIN poll p ON p.id = w.poll_id";

fn voided_window(row: &Row<'_>) -> rusqlite::Result<VoidedWindow> {
    let restored_by: Option<String> = row.get(7)?;
    let restored_at: Option<i64> = row.get(8)?;
    Ok(VoidedWindow {
        id: row.get(0)?,
        poll_id: row.get(1)?,
        window: TimeWindow {
            from: row.get(2)?,
            until: row.get(3)?,
        },
        ballots: count(row, 4)?,
        voided_by: row.get(5)?,
        voided_at: row.get(6)?,
        restored: restored_by.zip(restored_at),
    })
}
