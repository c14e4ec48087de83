//! The SQL of the PostgreSQL engine: a vote inside its batch's transaction, the running counts, and
//! the reads of a standing, each with its row mapping beside it.

use super::CountChanges;
use deadpool_postgres::{GenericClient, Transaction};
use std::collections::HashMap;
use stembus_store::{NewVote, Tally, VoteOutcome};
use tokio_postgres::Error;
use tokio_postgres::types::ToSql;

/// One parameter of a query, as tokio-postgres takes it.
type Param<'a> = dyn ToSql + Sync + 'a;

/// Records a vote if the poll exists and is open, every answer belongs to it, their number fits the
/// rule, and the reader has not voted yet (or may change their vote); notes what it does to the
/// running counts in `counts`. Runs inside the batch's transaction, under a savepoint `vote` of its
/// own that it opens and, on success, releases; after an error the caller rolls back to it. The
/// closing moment is the desk's where an editor set one, the content file's otherwise. An archived
/// poll is no poll to vote in.
///
/// A new reader's vote costs two round trips: the savepoint, the poll's rules and the answers' rows
/// go out together (tokio-postgres pipelines requests issued at once on one connection and the
/// server runs them in order), then the ballot with its answers in one statement together with the
/// release. The statements are prepared first, so each request is on the wire at its first poll and
/// the order holds. Only a changed vote or a refusal costs more.
pub async fn record_vote(
    tx: &Transaction<'_>,
    vote: &NewVote,
    counts: &mut CountChanges,
) -> Result<VoteOutcome, Error> {
    let rules_query = tx
        .prepare_cached(
            "SELECT id, max_choices, allow_change, opens_at,
                    CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END
             FROM poll WHERE key = $1 AND archived_at IS NULL
             FOR KEY SHARE",
        )
        .await?;
    let options_query = tx
        .prepare_cached(
            "SELECT o.id FROM poll_option o JOIN poll p ON p.id = o.poll_id
             WHERE p.key = $1 AND o.key = ANY($2) AND o.position IS NOT NULL",
        )
        .await?;
    let ballot_insert = tx
        .prepare_cached(
            "WITH new_ballot AS (
                 INSERT INTO ballot (poll_id, voter, cast_at) VALUES ($1, $2, $3)
                 ON CONFLICT (poll_id, voter) DO NOTHING
                 RETURNING id)
             INSERT INTO ballot_choice (ballot_id, option_id)
             SELECT new_ballot.id, option_id FROM new_ballot, unnest($4::BIGINT[]) AS option_id
             RETURNING ballot_id",
        )
        .await?;
    let mut choices = vote.choices.clone();
    choices.sort();
    choices.dedup();
    // `FOR KEY SHARE`, the lock the ballot's foreign key takes on this row anyway, taken with the
    // read: a desk edit or archiving (`FOR UPDATE`) then waits for this vote's batch, and this vote
    // for it, so no vote lands on rules the desk replaced after they were read. The answers are
    // read after it, in the same order on the server.
    let rules_params: [&Param<'_>; 1] = [&vote.poll_id];
    let options_params: [&Param<'_>; 2] = [&vote.poll_id, &choices];
    let (opened, rules, option_rows) = tokio::join!(
        tx.batch_execute("SAVEPOINT vote"),
        tx.query_opt(&rules_query, &rules_params),
        tx.query(&options_query, &options_params),
    );
    opened?;
    let rules = rules?;
    let option_rows: Vec<i64> = option_rows?.iter().map(|row| row.get(0)).collect();
    let refused = |outcome| async move {
        tx.batch_execute("RELEASE SAVEPOINT vote").await?;
        Ok::<_, Error>(outcome)
    };
    let Some(rules) = rules else {
        return refused(VoteOutcome::UnknownPoll).await;
    };
    let poll_row: i64 = rules.get(0);
    let max_choices: i32 = rules.get(1);
    let allow_change: bool = rules.get(2);
    let opens_at: Option<i64> = rules.get(3);
    let closes_at: Option<i64> = rules.get(4);
    let not_yet_open = opens_at.is_some_and(|opens| vote.cast_at < opens);
    let closed = closes_at.is_some_and(|closes| vote.cast_at >= closes);
    if not_yet_open || closed {
        return refused(VoteOutcome::Closed).await;
    }
    if choices.is_empty() || choices.len() > max_choices.max(0) as usize {
        return refused(VoteOutcome::WrongChoiceCount).await;
    }
    if option_rows.len() != choices.len() {
        return refused(VoteOutcome::UnknownChoice).await;
    }

    let insert_params: [&Param<'_>; 4] = [&poll_row, &vote.voter, &vote.cast_at, &option_rows];
    let (inserted, released) = tokio::join!(
        tx.query(&ballot_insert, &insert_params),
        tx.batch_execute("RELEASE SAVEPOINT vote"),
    );
    // The insert's error first: after it the release fails only because the insert did.
    let inserted = inserted?;
    released?;
    if !inserted.is_empty() {
        *counts.voters.entry(poll_row).or_default() += 1;
        for option_row in option_rows {
            *counts.options.entry(option_row).or_default() += 1;
        }
        return Ok(VoteOutcome::Recorded);
    }
    if !allow_change {
        return Ok(VoteOutcome::AlreadyVoted);
    }
    tx.batch_execute("SAVEPOINT vote").await?;
    let outcome = change_vote(tx, vote, poll_row, &option_rows, counts).await?;
    tx.batch_execute("RELEASE SAVEPOINT vote").await?;
    Ok(outcome)
}

/// Replaces the answers of a reader who voted before, in a poll that lets them change their vote.
async fn change_vote(
    tx: &Transaction<'_>,
    vote: &NewVote,
    poll_row: i64,
    option_rows: &[i64],
    counts: &mut CountChanges,
) -> Result<VoteOutcome, Error> {
    // The row lock serialises changes of one reader, whichever nodes they reach, and against the
    // desk voiding the ballot.
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
    // A voided ballot stays as it was voided: changing it would slip the reader back into the count
    // behind the editor's back, or break restoring the window exactly.
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
    let insert = tx
        .prepare_cached("INSERT INTO ballot_choice (ballot_id, option_id) VALUES ($1, $2)")
        .await?;
    for option_row in option_rows {
        tx.execute(&insert, &[&ballot, option_row]).await?;
        *counts.options.entry(*option_row).or_default() += 1;
    }
    Ok(VoteOutcome::Changed)
}

/// Adds a batch's changes to this node's shard of the running counts: one statement for the answers
/// and one for the polls, sent together.
pub async fn apply_counts(
    tx: &Transaction<'_>,
    shard: i16,
    counts: &CountChanges,
) -> Result<(), Error> {
    // Sorted, so two batches take the same rows in the same order (`unnest` keeps it), never in
    // opposite orders.
    let sorted = |changes: &HashMap<i64, i64>| -> (Vec<i64>, Vec<i64>) {
        let mut changes: Vec<(i64, i64)> = changes
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(row, n)| (*row, *n))
            .collect();
        changes.sort();
        changes.into_iter().unzip()
    };
    let (option_rows, option_changes) = sorted(&counts.options);
    let (poll_rows, voter_changes) = sorted(&counts.voters);
    let options = tx
        .prepare_cached(
            "INSERT INTO option_count (option_id, shard, votes)
             SELECT option_id, $2, votes FROM unnest($1::BIGINT[], $3::BIGINT[]) AS c(option_id, votes)
             ON CONFLICT (option_id, shard) DO UPDATE SET votes = option_count.votes + excluded.votes",
        )
        .await?;
    let voters = tx
        .prepare_cached(
            "INSERT INTO poll_voter_count (poll_id, shard, voters)
             SELECT poll_id, $2, voters FROM unnest($1::BIGINT[], $3::BIGINT[]) AS c(poll_id, voters)
             ON CONFLICT (poll_id, shard) DO UPDATE
             SET voters = poll_voter_count.voters + excluded.voters",
        )
        .await?;
    let options_params: [&Param<'_>; 3] = [&option_rows, &shard, &option_changes];
    let voters_params: [&Param<'_>; 3] = [&poll_rows, &shard, &voter_changes];
    let (options_written, voters_written) = tokio::join!(
        tx.execute(&options, &options_params),
        tx.execute(&voters, &voters_params),
    );
    options_written?;
    voters_written?;
    Ok(())
}

/// The poll's counts summed over the shards, and `voter`'s own answers: the queries sent together.
pub async fn tally(
    client: &impl GenericClient,
    poll_id: &str,
    voter: Option<&str>,
) -> Result<Tally, Error> {
    let counts_query = client
        .prepare_cached(
            "SELECT o.key, COALESCE(SUM(c.votes), 0)::BIGINT
             FROM poll p
             JOIN poll_option o ON o.poll_id = p.id AND o.position IS NOT NULL
             LEFT JOIN option_count c ON c.option_id = o.id
             WHERE p.key = $1
             GROUP BY o.key, o.position
             ORDER BY o.position",
        )
        .await?;
    let voters_query = client
        .prepare_cached(
            "SELECT COALESCE(SUM(v.voters), 0)::BIGINT
             FROM poll p JOIN poll_voter_count v ON v.poll_id = p.id
             WHERE p.key = $1",
        )
        .await?;
    let own_query = client
        .prepare_cached(
            "SELECT o.key FROM ballot b
             JOIN poll p ON p.id = b.poll_id
             JOIN ballot_choice c ON c.ballot_id = b.id
             JOIN poll_option o ON o.id = c.option_id
             WHERE p.key = $1 AND b.voter = $2
             ORDER BY o.position",
        )
        .await?;
    let poll_params: [&Param<'_>; 1] = [&poll_id];
    let own = async {
        match voter {
            None => Ok(Vec::new()),
            Some(voter) => client.query(&own_query, &[&poll_id, &voter]).await,
        }
    };
    let (counts, voters, own) = tokio::join!(
        client.query(&counts_query, &poll_params),
        client.query_one(&voters_query, &poll_params),
        own,
    );
    let counts = counts?
        .iter()
        .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1).max(0) as u64))
        .collect();
    let voters: i64 = voters?.get(0);
    let own_choices = own?.iter().map(|row| row.get(0)).collect();
    Ok(Tally {
        counts,
        voters: voters.max(0) as u64,
        own_choices,
    })
}
