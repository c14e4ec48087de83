//! The editors' desk on PostgreSQL: accounts, sessions, poll overrides, voided windows and the
//! audit log, with their SQL and row mapping beside each other.
//!
//! Desk writes are few and an editor waits for each, so they do not join the vote batches: each
//! runs in a transaction of its own on a connection to the primary. Voiding and restoring change
//! the running counts by adding to this node's shard, as votes do; the sum over the shards is the
//! count, whichever node counted the ballot first.

use super::{CountChanges, PostgresStore, loggable, migrate, queries};
use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Object};
use stembus_poll::language::Language;
use stembus_poll::{PollDefinition, ResultsVisibility};
use stembus_store::StoreError;
use stembus_store::desk::{
    AuditAction, AuditEntry, DescribeEdit, DeskStore, EditorSummary, HourViews, MadePoll,
    OverrideChange, PollEdit, PollOverrides, SessionLimits, SessionRecord, TimeWindow, VoidOutcome,
    VoidPreview, VoidedWindow,
};
use stembus_store::made::{self, MADE_POLL, MadeRow, StoredPoll};
use tokio_postgres::Row;

impl PostgresStore {
    /// A connection to the primary for a desk read or write.
    async fn desk_client(&self) -> Result<Object, StoreError> {
        self.inner.pool.get().await.map_err(|error| {
            tracing::warn!(%error, "no connection to the primary for the desk");
            StoreError::Unavailable
        })
    }
}

/// Logs a failed desk query (its code and message only) and tells the caller to try again.
fn failed(error: tokio_postgres::Error) -> StoreError {
    tracing::error!(error = %loggable(&error), "desk query failed; nothing of it was stored");
    StoreError::Unavailable
}

/// A count as stored (never below zero).
fn count(row: &Row, column: usize) -> u64 {
    row.get::<_, i64>(column).max(0) as u64
}

#[async_trait]
impl DeskStore for PostgresStore {
    async fn add_editor(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // The unique name decides, not a look-up before the insert.
        let added = tx
            .execute(
                "INSERT INTO editor (name, password_hash, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &password_hash, &now],
            )
            .await
            .map_err(failed)?;
        if added == 0 {
            return Ok(false);
        }
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let changed = tx
            .execute(
                "UPDATE editor SET password_hash = $2 WHERE name = $1",
                &[&name, &password_hash],
            )
            .await
            .map_err(failed)?;
        if changed == 0 {
            return Ok(false);
        }
        tx.execute(
            "DELETE FROM editor_session
             WHERE editor_id = (SELECT id FROM editor WHERE name = $1)",
            &[&name],
        )
        .await
        .map_err(failed)?;
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn remove_editor(&self, name: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // The sessions go with the editor (ON DELETE CASCADE).
        let removed = tx
            .execute("DELETE FROM editor WHERE name = $1", &[&name])
            .await
            .map_err(failed)?;
        if removed == 0 {
            return Ok(false);
        }
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn editors(&self) -> Result<Vec<EditorSummary>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query("SELECT name, created_at FROM editor ORDER BY name", &[])
            .await
            .map_err(failed)?;
        Ok(rows
            .iter()
            .map(|row| EditorSummary {
                name: row.get(0),
                created_at: row.get(1),
            })
            .collect())
    }

    async fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        let client = self.desk_client().await?;
        let row = client
            .query_opt("SELECT password_hash FROM editor WHERE name = $1", &[&name])
            .await
            .map_err(failed)?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn create_session(
        &self,
        token_hash: &str,
        editor: &str,
        csrf_token: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let created = tx
            .execute(
                "INSERT INTO editor_session (token_hash, editor_id, csrf_token, created_at, last_seen_at)
                 SELECT $1, id, $3, $4, $4 FROM editor WHERE name = $2",
                &[&token_hash, &editor, &csrf_token, &now],
            )
            .await
            .map_err(failed)?;
        if created == 0 {
            return Ok(false);
        }
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn session(
        &self,
        token_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let found = tx
            .query_opt(
                &tx.prepare_cached(
                    "SELECT e.name, s.csrf_token, s.created_at, s.last_seen_at
                     FROM editor_session s JOIN editor e ON e.id = s.editor_id
                     WHERE s.token_hash = $1
                     FOR UPDATE OF s",
                )
                .await
                .map_err(failed)?,
                &[&token_hash],
            )
            .await
            .map_err(failed)?;
        let Some(row) = found else {
            return Ok(None);
        };
        let session = SessionRecord {
            editor: row.get(0),
            csrf_token: row.get(1),
            created_at: row.get(2),
            last_seen_at: row.get(3),
        };
        let expired =
            now - session.last_seen_at > limits.idle || now - session.created_at > limits.max;
        if expired {
            tx.execute(
                "DELETE FROM editor_session WHERE token_hash = $1",
                &[&token_hash],
            )
            .await
            .map_err(failed)?;
        } else {
            tx.execute(
                &tx.prepare_cached(
                    "UPDATE editor_session SET last_seen_at = $2 WHERE token_hash = $1",
                )
                .await
                .map_err(failed)?,
                &[&token_hash, &now],
            )
            .await
            .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok((!expired).then_some(session))
    }

    async fn end_session(&self, token_hash: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // Two sign-outs of one session at once: the second waits on the row's lock and then
        // deletes nothing, so only one writes its line.
        let ended = tx
            .execute(
                "DELETE FROM editor_session WHERE token_hash = $1",
                &[&token_hash],
            )
            .await
            .map_err(failed)?;
        if ended == 0 {
            return Ok(false);
        }
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn change_poll(
        &self,
        poll_id: &str,
        change: OverrideChange,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let (editor, at) = (&audit.editor, &audit.at);
        let changed = match change {
            OverrideChange::Closes(closes) => {
                tx.execute(
                    "UPDATE poll SET desk_closes_set = TRUE, desk_closes_at = $4,
                         desk_changed_by = $2, desk_changed_at = $3
                     WHERE key = $1",
                    &[&poll_id, editor, at, &closes],
                )
                .await
            }
            OverrideChange::ClosesFromFile => {
                tx.execute(
                    "UPDATE poll SET desk_closes_set = FALSE, desk_closes_at = NULL,
                         desk_changed_by = $2, desk_changed_at = $3
                     WHERE key = $1",
                    &[&poll_id, editor, at],
                )
                .await
            }
            OverrideChange::ShowResults(visibility) => {
                tx.execute(
                    "UPDATE poll SET desk_show_results = $4,
                         desk_changed_by = $2, desk_changed_at = $3
                     WHERE key = $1",
                    &[&poll_id, editor, at, &visibility.key()],
                )
                .await
            }
            OverrideChange::ShowResultsFromFile => {
                tx.execute(
                    "UPDATE poll SET desk_show_results = NULL,
                         desk_changed_by = $2, desk_changed_at = $3
                     WHERE key = $1",
                    &[&poll_id, editor, at],
                )
                .await
            }
        }
        .map_err(failed)?;
        if changed == 0 {
            return Ok(false);
        }
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn overrides(&self) -> Result<Vec<(String, PollOverrides)>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                "SELECT key, desk_closes_set, desk_closes_at, desk_show_results,
                        desk_changed_by, desk_changed_at
                 FROM poll
                 WHERE desk_closes_set OR desk_show_results IS NOT NULL
                 ORDER BY key",
                &[],
            )
            .await
            .map_err(failed)?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), overrides_row(row)))
            .collect())
    }

    async fn ballots_per_minute(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                "SELECT b.cast_at - b.cast_at % 60 AS minute, COUNT(*)
                 FROM ballot b JOIN poll p ON p.id = b.poll_id
                 WHERE p.key = $1 AND b.voided_window IS NULL
                 GROUP BY minute
                 ORDER BY minute",
                &[&poll_id],
            )
            .await
            .map_err(failed)?;
        Ok(rows.iter().map(|row| (row.get(0), count(row, 1))).collect())
    }

    async fn ballots_since(&self, poll_id: &str, since: i64) -> Result<u64, StoreError> {
        let client = self.desk_client().await?;
        let row = client
            .query_one(
                "SELECT COUNT(*) FROM ballot b JOIN poll p ON p.id = b.poll_id
                 WHERE p.key = $1 AND b.cast_at >= $2 AND b.voided_window IS NULL",
                &[&poll_id, &since],
            )
            .await
            .map_err(failed)?;
        Ok(count(&row, 0))
    }

    async fn choices_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, String, u64)>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                "SELECT b.cast_at - b.cast_at % 3600 AS hour, o.key, COUNT(*)
                 FROM ballot b
                 JOIN poll p ON p.id = b.poll_id
                 JOIN ballot_choice c ON c.ballot_id = b.id
                 JOIN poll_option o ON o.id = c.option_id AND o.position IS NOT NULL
                 WHERE p.key = $1 AND b.voided_window IS NULL
                 GROUP BY hour, o.key, o.position
                 ORDER BY hour, o.position",
                &[&poll_id],
            )
            .await
            .map_err(failed)?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get(1), count(row, 2)))
            .collect())
    }

    async fn preview_void(
        &self,
        poll_id: &str,
        window: TimeWindow,
    ) -> Result<VoidPreview, StoreError> {
        let mut client = self.desk_client().await?;
        // One snapshot, so the ballots and their answers agree while votes arrive.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(failed)?;
        let ballots = tx
            .query_one(
                "SELECT COUNT(*) FROM ballot b JOIN poll p ON p.id = b.poll_id
                 WHERE p.key = $1 AND b.cast_at >= $2 AND b.cast_at < $3
                   AND b.voided_window IS NULL",
                &[&poll_id, &window.from, &window.until],
            )
            .await
            .map_err(failed)?;
        let counts = tx
            .query(
                "SELECT o.key, COUNT(*)
                 FROM ballot b
                 JOIN poll p ON p.id = b.poll_id
                 JOIN ballot_choice c ON c.ballot_id = b.id
                 JOIN poll_option o ON o.id = c.option_id
                 WHERE p.key = $1 AND b.cast_at >= $2 AND b.cast_at < $3
                   AND b.voided_window IS NULL
                 GROUP BY o.key, o.position
                 ORDER BY o.position NULLS LAST, o.key",
                &[&poll_id, &window.from, &window.until],
            )
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(VoidPreview {
            ballots: count(&ballots, 0),
            counts: counts
                .iter()
                .map(|row| (row.get(0), count(row, 1)))
                .collect(),
        })
    }

    async fn void_window(
        &self,
        poll_id: &str,
        window: TimeWindow,
        expected: u64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidOutcome>, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let poll_row = tx
            .query_opt("SELECT id FROM poll WHERE key = $1", &[&poll_id])
            .await
            .map_err(failed)?;
        let Some(poll_row) = poll_row.map(|row| row.get::<_, i64>(0)) else {
            return Ok(None);
        };
        let id: i64 = tx
            .query_one(
                "INSERT INTO void_window (poll_id, starts_at, ends_at, ballots, voided_by, voided_at)
                 VALUES ($1, $2, $3, 0, $4, $5)
                 RETURNING id",
                &[&poll_row, &window.from, &window.until, &audit.editor, &audit.at],
            )
            .await
            .map_err(failed)?
            .get(0);
        // The row locks this takes keep a reader from changing a ballot while it is voided; a
        // change waiting on them then finds the ballot voided and is refused.
        let ballots = tx
            .execute(
                "UPDATE ballot SET voided_window = $4
                 WHERE poll_id = $1 AND cast_at >= $2 AND cast_at < $3 AND voided_window IS NULL",
                &[&poll_row, &window.from, &window.until, &id],
            )
            .await
            .map_err(failed)? as i64;
        // What this transaction marked is what it would take out: when that is not what the editor
        // saw, dropping the transaction undoes the window and the marks.
        if ballots.max(0) as u64 != expected || ballots <= 0 {
            return Ok(Some(VoidOutcome::NotAsSeen {
                ballots: ballots.max(0) as u64,
            }));
        }
        let counts = window_counts(&tx, poll_row, id, -1, ballots)
            .await
            .map_err(failed)?;
        queries::apply_counts(&tx, self.inner.shard, &counts)
            .await
            .map_err(failed)?;
        tx.execute(
            "UPDATE void_window SET ballots = $2 WHERE id = $1",
            &[&id, &ballots],
        )
        .await
        .map_err(failed)?;
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(Some(VoidOutcome::Voided(VoidedWindow {
            id,
            poll_id: poll_id.to_string(),
            window,
            ballots: ballots.max(0) as u64,
            voided_by: audit.editor.clone(),
            voided_at: audit.at,
            restored: None,
        })))
    }

    async fn restore_window(
        &self,
        id: i64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidedWindow>, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // Locked, so that two editors restoring at once restore it once.
        let found = tx
            .query_opt(
                &format!("{VOIDED_WINDOW} WHERE w.id = $1 FOR UPDATE OF w"),
                &[&id],
            )
            .await
            .map_err(failed)?;
        let Some(row) = found else {
            return Ok(None);
        };
        let mut restored = voided_window(&row);
        if restored.restored.is_some() {
            return Ok(None);
        }
        let poll_row: i64 = row.get(9);
        // The counts first: they are found through the marks the next statement removes.
        let counts = window_counts(&tx, poll_row, id, 1, restored.ballots as i64)
            .await
            .map_err(failed)?;
        tx.execute(
            "UPDATE ballot SET voided_window = NULL WHERE voided_window = $1",
            &[&id],
        )
        .await
        .map_err(failed)?;
        queries::apply_counts(&tx, self.inner.shard, &counts)
            .await
            .map_err(failed)?;
        tx.execute(
            "UPDATE void_window SET restored_by = $2, restored_at = $3 WHERE id = $1",
            &[&id, &audit.editor, &audit.at],
        )
        .await
        .map_err(failed)?;
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        restored.restored = Some((audit.editor.clone(), audit.at));
        Ok(Some(restored))
    }

    async fn voided_windows(&self, poll_id: Option<&str>) -> Result<Vec<VoidedWindow>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                &format!("{VOIDED_WINDOW} WHERE $1::TEXT IS NULL OR p.key = $1 ORDER BY w.id"),
                &[&poll_id],
            )
            .await
            .map_err(failed)?;
        Ok(rows.iter().map(voided_window).collect())
    }

    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let client = self.desk_client().await?;
        insert_audit(&client, entry).await.map_err(failed)
    }

    async fn audit_log(
        &self,
        poll_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let client = self.desk_client().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Two statements, not one with `$1 IS NULL OR`, which a plan made once for both could
        // only answer by walking the whole log by time.
        let rows = match poll_id {
            Some(poll_id) => {
                client
                    .query(
                        "SELECT at, editor, action, poll_id, detail FROM audit_log
                         WHERE poll_id = $1
                         ORDER BY at DESC, id DESC
                         LIMIT $2",
                        &[&poll_id, &limit],
                    )
                    .await
            }
            None => {
                client
                    .query(
                        "SELECT at, editor, action, poll_id, detail FROM audit_log
                         ORDER BY at DESC, id DESC
                         LIMIT $1",
                        &[&limit],
                    )
                    .await
            }
        }
        .map_err(failed)?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let action: String = row.get(2);
            // Only a newer stembus writes actions this one does not know.
            let Some(action) = AuditAction::from_key(&action) else {
                tracing::warn!(action, "skipping an audit entry of an unknown action");
                continue;
            };
            entries.push(AuditEntry {
                at: row.get(0),
                editor: row.get(1),
                action,
                poll_id: row.get(3),
                detail: row.get(4),
            });
        }
        Ok(entries)
    }

    async fn forget_voters(
        &self,
        poll_id: &str,
        closed_before: i64,
        at: i64,
        by: &str,
        detail: fn(u64) -> String,
    ) -> Result<u64, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let removed = tx
            .execute(
                "UPDATE ballot SET voter = NULL
                 WHERE voter IS NOT NULL AND poll_id = (
                     SELECT id FROM poll WHERE key = $1
                     AND CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END <= $2)",
                &[&poll_id, &closed_before],
            )
            .await
            .map_err(failed)?;
        if removed > 0 {
            let entry = AuditEntry {
                at,
                editor: by.to_string(),
                action: AuditAction::VotersForgotten,
                poll_id: Some(poll_id.to_string()),
                detail: detail(removed),
            };
            insert_audit(&tx, &entry).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(removed)
    }

    async fn polls_with_voter_ids_closed_before(
        &self,
        closed_before: i64,
    ) -> Result<Vec<String>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                "SELECT key FROM poll
                 WHERE CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END <= $1
                 AND EXISTS (SELECT 1 FROM ballot
                             WHERE ballot.poll_id = poll.id AND ballot.voter IS NOT NULL)
                 ORDER BY key",
                &[&closed_before],
            )
            .await
            .map_err(failed)?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }

    async fn sync_polls(&self, polls: &[PollDefinition]) -> Result<(), StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // The lock the nodes take at start-up: a node starting now waits rather than syncing
        // the same rows with other content.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&migrate::SCHEMA_LOCK])
            .await
            .map_err(failed)?;
        let polls: Vec<&PollDefinition> = polls.iter().collect();
        migrate::sync_polls(&tx, &polls).await.map_err(failed)?;
        tx.commit().await.map_err(failed)
    }

    async fn create_poll(
        &self,
        poll: &PollDefinition,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // The unique key decides, whoever holds it: a file's poll, a desk poll, an archived one.
        let created = tx
            .query_opt(
                "INSERT INTO poll (key, question, max_choices, allow_change, opens_at, closes_at,
                                   show_results, origin, created_by, created_at, french_question)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'desk', $8, $9, $10)
                 ON CONFLICT (key) DO NOTHING
                 RETURNING id",
                &[
                    &poll.id,
                    &poll.question,
                    &i32::from(poll.max_choices),
                    &poll.allow_change,
                    &poll.opens.map(|m| m.unix_seconds()),
                    &poll.closes.map(|m| m.unix_seconds()),
                    &poll.show_results.key(),
                    &audit.editor,
                    &audit.at,
                    &poll.french.as_ref().map(|french| &french.question),
                ],
            )
            .await
            .map_err(failed)?;
        let Some(created) = created else {
            return Ok(false);
        };
        migrate::set_options(&tx, created.get(0), poll, poll.french.as_ref())
            .await
            .map_err(failed)?;
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn edit_poll(
        &self,
        poll: &PollDefinition,
        seen: Option<&str>,
        by: &str,
        at: i64,
        describe: DescribeEdit,
    ) -> Result<PollEdit, StoreError> {
        let after = made::as_stored(poll);
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // `FOR UPDATE` waits for every vote batch that read this poll's rules (they hold `FOR KEY
        // SHARE`) and holds off the next, so "no ballot yet" stays true until the edit commits.
        let stored = tx
            .query_opt(
                &format!("{MADE_POLL} WHERE key = $1 AND origin = 'desk' FOR UPDATE"),
                &[&after.id],
            )
            .await
            .map_err(failed)?;
        let Some(stored) = stored else {
            return Ok(PollEdit::UnknownPoll);
        };
        let (poll_row, stored, _) = made_poll_row(&stored);
        // Judged and described against the poll as served: what the edit form showed. The row is
        // locked, so no override changes between this read and the write.
        let overrides = tx
            .query_one(
                "SELECT key, desk_closes_set, desk_closes_at, desk_show_results,
                        desk_changed_by, desk_changed_at
                 FROM poll WHERE id = $1",
                &[&poll_row],
            )
            .await
            .map_err(failed)?;
        let (mut before, last_french) = with_options(&tx, poll_row, stored)
            .await
            .map_err(failed)?
            .into_definition_and_last_french();
        made::apply_overrides(&mut before, &overrides_row(&overrides));
        if seen.is_some_and(|seen| seen != made::fingerprint(&before)) {
            return Ok(PollEdit::NotAsSeen);
        }
        let has_ballots: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM ballot WHERE poll_id = $1)",
                &[&poll_row],
            )
            .await
            .map_err(failed)?
            .get(0);
        // Empty before the first vote: texts are kept only by edits after it.
        let voted_on = labels_voted_on(&tx, poll_row).await.map_err(failed)?;
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
        // The edit says what holds, so the desk's overrides go; it is the desk's last change of
        // the poll, so it is the one `desk_changed_*` names.
        tx.execute(
            "UPDATE poll SET question = $2, max_choices = $3, allow_change = $4,
                 opens_at = $5, closes_at = $6, show_results = $7,
                 desk_closes_set = FALSE, desk_closes_at = NULL, desk_show_results = NULL,
                 desk_changed_by = $8, desk_changed_at = $9,
                 clarified = clarified OR $10, french_question = $11
             WHERE id = $1",
            &[
                &poll_row,
                &after.question,
                &i32::from(after.max_choices),
                &after.allow_change,
                &after.opens.map(|m| m.unix_seconds()),
                &after.closes.map(|m| m.unix_seconds()),
                &after.show_results.key(),
                &by,
                &at,
                &clarified,
                &after.french.as_ref().map(|french| &french.question),
            ],
        )
        .await
        .map_err(failed)?;
        migrate::set_options(&tx, poll_row, &after, after.french.as_ref())
            .await
            .map_err(failed)?;
        let voted = made::labels_voted_on(&before, has_ballots);
        if !voted.is_empty() {
            let column = |text: fn(&made::VotedLabel) -> &str| -> Vec<&str> {
                voted.iter().map(text).collect()
            };
            // One statement for every answer's texts: one round trip.
            tx.execute(
                "INSERT INTO answer_label_voted_on (poll_id, key, language, label)
                 SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[])
                 ON CONFLICT DO NOTHING",
                &[
                    &poll_row,
                    &column(|voted| &voted.key),
                    &column(|voted| voted.language.tag()),
                    &column(|voted| &voted.label),
                ],
            )
            .await
            .map_err(failed)?;
        }
        // French removed after the first vote stays on the rows, unseen, for the next edit to be
        // judged against (`made::french_to_keep`); `set_options` cleared it.
        if let Some(kept) = made::french_to_keep(&before, &after, has_ballots, last_french) {
            for (key, label) in kept {
                tx.execute(
                    "UPDATE poll_option SET french_label = $3 WHERE poll_id = $1 AND key = $2",
                    &[&poll_row, &key, &label],
                )
                .await
                .map_err(failed)?;
            }
        }
        let entry = AuditEntry {
            at,
            editor: by.to_string(),
            action: AuditAction::PollEdited,
            poll_id: Some(after.id.clone()),
            detail: describe(&before, &after),
        };
        insert_audit(&tx, &entry).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(PollEdit::Edited)
    }

    async fn set_archived(
        &self,
        poll_id: &str,
        archived: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        // `FOR UPDATE` waits for the vote batches that found the poll open to vote in (they hold
        // `FOR KEY SHARE`): once archiving answers, no later vote is taken.
        let state = tx
            .query_opt(
                "SELECT id, archived_at IS NOT NULL FROM poll
                 WHERE key = $1 AND origin = 'desk' FOR UPDATE",
                &[&poll_id],
            )
            .await
            .map_err(failed)?;
        let Some(state) = state else {
            return Ok(false);
        };
        if state.get::<_, bool>(1) == archived {
            return Ok(false);
        }
        let poll_row: i64 = state.get(0);
        if archived {
            tx.execute(
                "UPDATE poll SET archived_by = $2, archived_at = $3 WHERE id = $1",
                &[&poll_row, &audit.editor, &audit.at],
            )
            .await
        } else {
            tx.execute(
                "UPDATE poll SET archived_by = NULL, archived_at = NULL WHERE id = $1",
                &[&poll_row],
            )
            .await
        }
        .map_err(failed)?;
        insert_audit(&tx, audit).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(true)
    }

    async fn desk_version(&self) -> Result<i64, StoreError> {
        let client = self.desk_client().await?;
        let row = client
            .query_one("SELECT version FROM desk_version WHERE id = 1", &[])
            .await
            .map_err(failed)?;
        Ok(row.get(0))
    }

    async fn add_views(&self, views: &[HourViews]) -> Result<(), StoreError> {
        if views.is_empty() {
            return Ok(());
        }
        let mut client = self.desk_client().await?;
        let tx = client.transaction().await.map_err(failed)?;
        let statement = tx
            .prepare_cached(
                "INSERT INTO poll_view (poll_id, hour, views)
                 SELECT id, $2, $3 FROM poll WHERE key = $1
                 ON CONFLICT (poll_id, hour) DO UPDATE SET views = poll_view.views + EXCLUDED.views",
            )
            .await
            .map_err(failed)?;
        for counted in views {
            let added = i64::try_from(counted.views).unwrap_or(i64::MAX);
            tx.execute(&statement, &[&counted.poll_id, &counted.hour, &added])
                .await
                .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }

    async fn views_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                "SELECT v.hour, v.views FROM poll_view v JOIN poll p ON p.id = v.poll_id
                 WHERE p.key = $1 ORDER BY v.hour",
                &[&poll_id],
            )
            .await
            .map_err(failed)?;
        Ok(rows.iter().map(|row| (row.get(0), count(row, 1))).collect())
    }

    async fn view_totals(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let client = self.desk_client().await?;
        let rows = client
            .query(
                "SELECT p.key, SUM(v.views)::BIGINT FROM poll_view v JOIN poll p ON p.id = v.poll_id
                 GROUP BY p.key ORDER BY p.key",
                &[],
            )
            .await
            .map_err(failed)?;
        Ok(rows.iter().map(|row| (row.get(0), count(row, 1))).collect())
    }

    async fn made_polls(&self) -> Result<Vec<MadePoll>, StoreError> {
        let mut client = self.desk_client().await?;
        // One snapshot, so each poll's answers are those of its row as read.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(failed)?;
        let rows = tx
            .query(
                &format!("{MADE_POLL} WHERE origin = 'desk' ORDER BY created_at DESC, id DESC"),
                &[],
            )
            .await
            .map_err(failed)?;
        // Every desk poll's answers in one read rather than one per poll: every node asks for all
        // of them every second, and archived polls stay in the list for good.
        let mut answers: std::collections::HashMap<i64, Vec<(String, String, Option<String>)>> =
            std::collections::HashMap::new();
        for row in tx
            .query(
                "SELECT o.poll_id, o.key, o.label, o.french_label
                 FROM poll_option o JOIN poll p ON p.id = o.poll_id
                 WHERE p.origin = 'desk' AND o.position IS NOT NULL
                 ORDER BY o.poll_id, o.position",
                &[],
            )
            .await
            .map_err(failed)?
        {
            answers
                .entry(row.get(0))
                .or_default()
                .push((row.get(1), row.get(2), row.get(3)));
        }
        tx.commit().await.map_err(failed)?;
        Ok(rows
            .iter()
            .map(|row| {
                let (poll_row, mut stored, kept) = made_poll_row(row);
                stored.options = answers.remove(&poll_row).unwrap_or_default();
                kept.with(stored.into_definition())
            })
            .collect())
    }
}

/// The desk's overrides from columns 1 to 5 of a row: `desk_closes_set`, `desk_closes_at`,
/// `desk_show_results`, `desk_changed_by`, `desk_changed_at`.
fn overrides_row(row: &Row) -> PollOverrides {
    let closes_set: bool = row.get(1);
    let show_results: Option<String> = row.get(3);
    let changed_by: Option<String> = row.get(4);
    let changed_at: Option<i64> = row.get(5);
    PollOverrides {
        closes: closes_set.then(|| row.get(2)),
        show_results: show_results
            .as_deref()
            .and_then(ResultsVisibility::from_key),
        changed: changed_by.zip(changed_at),
    }
}

/// A row of `MADE_POLL`: the poll's row id, its values (answers still to read) and the rest.
fn made_poll_row(row: &Row) -> (i64, StoredPoll, MadeRow) {
    let archived_by: Option<String> = row.get(10);
    let archived_at: Option<i64> = row.get(11);
    (
        row.get(0),
        StoredPoll {
            key: row.get(1),
            question: row.get(2),
            french_question: row.get(13),
            options: Vec::new(),
            opens_at: row.get(3),
            closes_at: row.get(4),
            max_choices: i64::from(row.get::<_, i32>(5)),
            allow_change: row.get(6),
            show_results: row.get(7),
        },
        MadeRow {
            created: (
                row.get::<_, Option<String>>(8).unwrap_or_default(),
                row.get::<_, Option<i64>>(9).unwrap_or_default(),
            ),
            archived: archived_by.zip(archived_at),
            clarified: row.get(12),
        },
    )
}

/// `stored` with the rows of the shown answers of poll row `poll_row`, in their order.
async fn with_options(
    client: &impl GenericClient,
    poll_row: i64,
    mut stored: StoredPoll,
) -> Result<StoredPoll, tokio_postgres::Error> {
    stored.options = client
        .query(
            "SELECT key, label, french_label FROM poll_option
             WHERE poll_id = $1 AND position IS NOT NULL
             ORDER BY position",
            &[&poll_row],
        )
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    Ok(stored)
}

/// Every text the answers of the poll at `poll_row` had at an edit after its first vote.
async fn labels_voted_on(
    client: &impl GenericClient,
    poll_row: i64,
) -> Result<Vec<made::VotedLabel>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT key, language, label FROM answer_label_voted_on WHERE poll_id = $1",
            &[&poll_row],
        )
        .await?;
    // The schema's CHECK keeps the tag one of the two; a hand-edited row is passed over.
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(made::VotedLabel {
                key: row.get(0),
                language: Language::from_tag(row.get(1))?,
                label: row.get(2),
            })
        })
        .collect())
}

/// Records `entry`, and raises the desk's version when its action changes the site: every desk
/// change writes its audit line in its own transaction, so this is the one place that knows. One
/// statement, so that it holds also on a client outside a transaction (`record_audit`).
async fn insert_audit(
    client: &impl GenericClient,
    entry: &AuditEntry,
) -> Result<(), tokio_postgres::Error> {
    let insert = "INSERT INTO audit_log (at, editor, action, poll_id, detail)
                  VALUES ($1, $2, $3, $4, $5)";
    let statement = if entry.action.changes_the_site() {
        format!(
            "WITH raised AS (UPDATE desk_version SET version = version + 1 WHERE id = 1) {insert}"
        )
    } else {
        insert.to_string()
    };
    client
        .execute(
            &statement,
            &[
                &entry.at,
                &entry.editor,
                &entry.action.key(),
                &entry.poll_id,
                &entry.detail,
            ],
        )
        .await?;
    Ok(())
}

/// What the ballots marked with window `window` add to the running counts of poll `poll_row`,
/// times `sign`: taken out when voiding (-1), put back when restoring (1).
async fn window_counts(
    client: &impl GenericClient,
    poll_row: i64,
    window: i64,
    sign: i64,
    ballots: i64,
) -> Result<CountChanges, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT c.option_id, COUNT(*)
             FROM ballot_choice c JOIN ballot b ON b.id = c.ballot_id
             WHERE b.voided_window = $1
             GROUP BY c.option_id",
            &[&window],
        )
        .await?;
    let mut counts = CountChanges::default();
    for row in rows {
        counts
            .options
            .insert(row.get(0), sign * row.get::<_, i64>(1));
    }
    counts.voters.insert(poll_row, sign * ballots);
    Ok(counts)
}

/// The columns `voided_window` reads, with the poll's row id last.
const VOIDED_WINDOW: &str = "SELECT w.id, p.key, w.starts_at, w.ends_at, w.ballots, w.voided_by,
        w.voided_at, w.restored_by, w.restored_at, w.poll_id
    FROM void_window w JOIN poll p ON p.id = w.poll_id";

fn voided_window(row: &Row) -> VoidedWindow {
    let restored_by: Option<String> = row.get(7);
    let restored_at: Option<i64> = row.get(8);
    VoidedWindow {
        id: row.get(0),
        poll_id: row.get(1),
        window: TimeWindow {
            from: row.get(2),
            until: row.get(3),
        },
        ballots: count(row, 4),
        voided_by: row.get(5),
        voided_at: row.get(6),
        restored: restored_by.zip(restored_at),
    }
}
