//! The SQL of the PostgreSQL engine: a vote inside its batch's transaction, the running counts, and
//! the reads of a standing, each with its row mapping beside it.

use super::CountChanges;
use crate::server::store::{NewVote, Tally, VoteOutcome};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Error;

/// Records a vote if the poll exists and is open, every answer belongs to it, their number fits the
/// rule, and the reader has not voted yet (or may change their vote); notes what it does to the
/// running counts in `counts`. Runs inside the batch's transaction, under the vote's savepoint. The
/// closing moment is the desk's where an editor set one, the content file's otherwise. An archived
/// poll is no poll to vote in.
pub async fn record_vote(
    tx: &Transaction<'_>,
    vote: &NewVote,
    counts: &mut CountChanges,
) -> Result<VoteOutcome, Error> {
    let rules = tx
        .query_opt(
            &tx.prepare_cached(
                "SELECT id, max_choices, allow_change, opens_at,
                        CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END
                 FROM poll WHERE key = $1 AND archived_at IS NULL
                 FOR KEY SHARE",
            )
            .await?,
            &[&vote.poll_id],
        )
        .await?;
    // `FOR KEY SHARE`, the lock the ballot's foreign key takes on this row anyway, taken with the
    // read: a desk edit or archiving (`FOR UPDATE`) then waits for this vote's batch, and this vote
    // for it, so no vote lands on rules the desk replaced after they were read.
    let Some(rules) = rules else {
        return Ok(VoteOutcome::UnknownPoll);
    };
    let poll_row: i64 = rules.get(0);
    let max_choices: i32 = rules.get(1);
    let allow_change: bool = rules.get(2);
    let opens_at: Option<i64> = rules.get(3);
    let closes_at: Option<i64> = rules.get(4);
    let not_yet_open = opens_at.is_some_and(|opens| vote.cast_at < opens);
    let closed = closes_at.is_some_and(|closes| vote.cast_at >= closes);
    if not_yet_open || closed {
        return Ok(VoteOutcome::Closed);
    }
    let mut choices = vote.choices.clone();
    choices.sort();
    choices.dedup();
    if choices.is_empty() || choices.len() > max_choices.max(0) as usize {
        return Ok(VoteOutcome::WrongChoiceCount);
    }
    let option_rows: Vec<i64> = tx
        .query(
            &tx.prepare_cached(
                "SELECT id FROM poll_option
                 WHERE poll_id = $1 AND key = ANY($2) AND position IS NOT NULL",
            )
            .await?,
            &[&poll_row, &choices],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if option_rows.len() != choices.len() {
        return Ok(VoteOutcome::UnknownChoice);
    }

    let inserted = tx
        .query_opt(
            &tx.prepare_cached(
                "INSERT INTO ballot (poll_id, voter, cast_at) VALUES ($1, $2, $3)
                 ON CONFLICT (poll_id, voter) DO NOTHING
                 RETURNING id",
            )
            .await?,
            &[&poll_row, &vote.voter, &vote.cast_at],
        )
        .await?;
    let (ballot, outcome) = match inserted {
        Some(row) => {
            *counts.voters.entry(poll_row).or_default() += 1;
            (row.get::<_, i64>(0), VoteOutcome::Recorded)
        }
        None if !allow_change => return Ok(VoteOutcome::AlreadyVoted),
        None => {
            // The row lock serialises changes of one reader, whichever nodes they reach, and
            // against the desk voiding the ballot.
            let existing = tx
                .query_one(
                    &tx.prepare_cached(
                        "SELECT id, voided_window IS NOT NULL FROM ballot
                         WHERE poll_id = $1 AND voter = $2 FOR UPDATE",
                    )
                    .await?,
                    &[&poll_row, &vote.voter],
                )
                .await?;
            let ballot: i64 = existing.get(0);
            // A voided ballot stays as it was voided: changing it would slip the reader back into
            // the count behind the editor's back, or break restoring the window exactly.
            if existing.get::<_, bool>(1) {
                return Ok(VoteOutcome::AlreadyVoted);
            }
            let removed = tx
                .query(
                    &tx.prepare_cached(
                        "DELETE FROM ballot_choice WHERE ballot_id = $1 RETURNING option_id",
                    )
                    .await?,
                    &[&ballot],
                )
                .await?;
            for row in removed {
                *counts.options.entry(row.get(0)).or_default() -= 1;
            }
            tx.execute(
                &tx.prepare_cached("UPDATE ballot SET cast_at = $2 WHERE id = $1")
                    .await?,
                &[&ballot, &vote.cast_at],
            )
            .await?;
            (ballot, VoteOutcome::Changed)
        }
    };
    let insert = tx
        .prepare_cached("INSERT INTO ballot_choice (ballot_id, option_id) VALUES ($1, $2)")
        .await?;
    for option_row in option_rows {
        tx.execute(&insert, &[&ballot, &option_row]).await?;
        *counts.options.entry(option_row).or_default() += 1;
    }
    Ok(outcome)
}

/// Adds a batch's changes to this node's shard of the running counts.
pub async fn apply_counts(
    tx: &Transaction<'_>,
    shard: i16,
    counts: &CountChanges,
) -> Result<(), Error> {
    let options = tx
        .prepare_cached(
            "INSERT INTO option_count (option_id, shard, votes) VALUES ($1, $2, $3)
             ON CONFLICT (option_id, shard) DO UPDATE SET votes = option_count.votes + excluded.votes",
        )
        .await?;
    // A fixed order, so two batches never take the same rows in opposite orders.
    let mut option_changes: Vec<_> = counts.options.iter().filter(|(_, n)| **n != 0).collect();
    option_changes.sort();
    for (option, change) in option_changes {
        tx.execute(&options, &[option, &shard, change]).await?;
    }
    let voters = tx
        .prepare_cached(
            "INSERT INTO poll_voter_count (poll_id, shard, voters) VALUES ($1, $2, $3)
             ON CONFLICT (poll_id, shard) DO UPDATE
             SET voters = poll_voter_count.voters + excluded.voters",
        )
        .await?;
    let mut voter_changes: Vec<_> = counts.voters.iter().filter(|(_, n)| **n != 0).collect();
    voter_changes.sort();
    for (poll, change) in voter_changes {
        tx.execute(&voters, &[poll, &shard, change]).await?;
    }
    Ok(())
}

/// The poll's counts summed over the shards, and `voter`'s own answers.
pub async fn tally(
    client: &impl GenericClient,
    poll_id: &str,
    voter: Option<&str>,
) -> Result<Tally, Error> {
    let counts = client
        .query(
            &client
                .prepare_cached(
                    "SELECT o.key, COALESCE(SUM(c.votes), 0)::BIGINT
                     FROM poll p
                     JOIN poll_option o ON o.poll_id = p.id AND o.position IS NOT NULL
                     LEFT JOIN option_count c ON c.option_id = o.id
                     WHERE p.key = $1
                     GROUP BY o.key, o.position
                     ORDER BY o.position",
                )
                .await?,
            &[&poll_id],
        )
        .await?
        .iter()
        .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1).max(0) as u64))
        .collect();
    let voters: i64 = client
        .query_one(
            &client
                .prepare_cached(
                    "SELECT COALESCE(SUM(v.voters), 0)::BIGINT
                     FROM poll p JOIN poll_voter_count v ON v.poll_id = p.id
                     WHERE p.key = $1",
                )
                .await?,
            &[&poll_id],
        )
        .await?
        .get(0);
    let own_choices = match voter {
        None => Vec::new(),
        Some(voter) => client
            .query(
                &client
                    .prepare_cached(
                        "SELECT o.key FROM ballot b
                         JOIN poll p ON p.id = b.poll_id
                         JOIN ballot_choice c ON c.ballot_id = b.id
                         JOIN poll_option o ON o.id = c.option_id
                         WHERE p.key = $1 AND b.voter = $2
                         ORDER BY o.position",
                    )
                    .await?,
                &[&poll_id, &voter],
            )
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect(),
    };
    Ok(Tally {
        counts,
        voters: voters.max(0) as u64,
        own_choices,
    })
}
