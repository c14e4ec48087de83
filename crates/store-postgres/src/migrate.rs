//! The PostgreSQL schema's numbered migrations (`crates/store-postgres/migrations/`) and the poll sync at
//! start-up, applied by a small runner in one transaction under an advisory lock: nodes starting
//! together take turns, and the second finds the work done. (refinery would add a second
//! PostgreSQL client beside tokio-postgres for the same few lines.)

use stembus_poll::PollDefinition;
use stembus_poll::language::PollTranslation;
use tokio_postgres::{Client, Error};

/// Every migration, in order; the number is the file's.
pub(super) const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        include_str!("../migrations/0001_polls_ballots_and_counts.sql"),
    ),
    (2, include_str!("../migrations/0002_desk.sql")),
    (3, include_str!("../migrations/0003_forgettable_voters.sql")),
    (4, include_str!("../migrations/0004_desk_made_polls.sql")),
    (5, include_str!("../migrations/0005_desk_version.sql")),
    (6, include_str!("../migrations/0006_french_texts.sql")),
    (7, include_str!("../migrations/0007_poll_views.sql")),
    (
        8,
        include_str!("../migrations/0008_answer_labels_voted_on.sql"),
    ),
];

/// The advisory lock every node takes for migrations and the poll sync ("stembus" in ASCII).
pub(super) const SCHEMA_LOCK: i64 = 0x0073_7465_6d62_7573;

/// Applies the migrations this database lacks and brings the polls in line with `polls`, leaving
/// every vote alone, all in one transaction. A migration of a newer stembus than this one (a number
/// beyond ours) stops start-up rather than run against a schema it does not know.
pub async fn migrate_and_sync(
    client: &mut Client,
    polls: &[&PollDefinition],
) -> Result<(), String> {
    let tx = client.transaction().await.map_err(text)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .await
        .map_err(text)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             version    INTEGER     PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(text)?;
    let applied: Vec<i32> = tx
        .query("SELECT version FROM schema_migration ORDER BY version", &[])
        .await
        .map_err(text)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let known = MIGRATIONS.last().map_or(0, |(version, _)| *version);
    if let Some(newer) = applied.iter().find(|version| **version > known) {
        return Err(format!(
            "the database has migration {newer}, newer than this stembus knows ({known})"
        ));
    }
    for (version, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql)
            .await
            .map_err(|error| format!("migration {version}: {}", text(error)))?;
        tx.execute(
            "INSERT INTO schema_migration (version) VALUES ($1)",
            &[version],
        )
        .await
        .map_err(text)?;
        tracing::info!(version, "applied a PostgreSQL migration");
    }
    sync_polls(&tx, polls).await.map_err(text)?;
    tx.commit().await.map_err(text)
}

/// Makes the content files' polls, their rules and answers match the content. Answers that left
/// the content are kept (ballots point at them) but no longer shown or accepted; the desk's
/// overrides stay. A poll made in the desk is never touched, even when a file claims its id: its
/// readers voted on the desk's wording, and the desk owns it. Run it under `SCHEMA_LOCK`.
pub(super) async fn sync_polls(
    tx: &tokio_postgres::Transaction<'_>,
    polls: &[&PollDefinition],
) -> Result<(), Error> {
    for poll in polls {
        let poll_row = tx
            .query_opt(
                "INSERT INTO poll (key, question, max_choices, allow_change, opens_at, closes_at,
                                   show_results)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (key) DO UPDATE SET
                     question = excluded.question,
                     max_choices = excluded.max_choices,
                     allow_change = excluded.allow_change,
                     opens_at = excluded.opens_at,
                     closes_at = excluded.closes_at,
                     show_results = excluded.show_results
                 WHERE poll.origin = 'file'
                 RETURNING id",
                &[
                    &poll.id,
                    &poll.question,
                    &i32::from(poll.max_choices),
                    &poll.allow_change,
                    &poll.opens.map(|m| m.unix_seconds()),
                    &poll.closes.map(|m| m.unix_seconds()),
                    &poll.show_results.key(),
                ],
            )
            .await?;
        // No row back: the id is a desk poll's.
        let Some(poll_row) = poll_row else {
            continue;
        };
        // A file's French is served from its file; nothing reads it here.
        set_options(tx, poll_row.get(0), poll, None).await?;
    }
    Ok(())
}

/// Shows exactly `poll`'s answers on poll row `poll_row`, in its order and wording, with their
/// labels in `french` (none without it). An answer no longer in it keeps its row (ballots and
/// counts may point at it) without a position; one that comes back gets its row again.
pub(super) async fn set_options(
    tx: &tokio_postgres::Transaction<'_>,
    poll_row: i64,
    poll: &PollDefinition,
    french: Option<&PollTranslation>,
) -> Result<(), Error> {
    tx.execute(
        "UPDATE poll_option SET position = NULL, french_label = NULL WHERE poll_id = $1",
        &[&poll_row],
    )
    .await?;
    for (position, option) in poll.options.iter().enumerate() {
        let french_label = french.and_then(|french| french.labels.get(&option.key));
        tx.execute(
            "INSERT INTO poll_option (poll_id, key, label, french_label, position)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (poll_id, key) DO UPDATE
             SET label = excluded.label, french_label = excluded.french_label,
                 position = excluded.position",
            &[
                &poll_row,
                &option.key,
                &option.label,
                &french_label,
                &(position as i32),
            ],
        )
        .await?;
    }
    Ok(())
}

/// An error's code and message (never its detail, nor the connection's password).
fn text(error: Error) -> String {
    super::loggable(&error)
}
