//! The SQL of the vote store: plain functions over a connection, each with its row mapping beside it.

use crate::poll::PollDefinition;
use rusqlite::{Connection, OptionalExtension, params};

/// A vote as it reaches the store: already checked against the content, checked again here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVote {
    pub poll_id: String,
    pub choice: String,
    pub voter: String,
    pub cast_at: i64,
}

/// What recording a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    Recorded,
    /// This reader had voted in this poll before; the first vote stands.
    AlreadyVoted,
    UnknownPoll,
    UnknownChoice,
}

/// Makes the polls and answers in the database match the content, leaving every vote alone.
/// Answers that left the content are kept (votes point at them) but no longer shown or accepted.
pub fn sync_polls(conn: &Connection, polls: &[&PollDefinition]) -> rusqlite::Result<()> {
    for poll in polls {
        conn.execute(
            "INSERT INTO poll (key, question) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET question = excluded.question",
            params![poll.id, poll.question],
        )?;
        let poll_row: i64 =
            conn.query_row("SELECT id FROM poll WHERE key = ?1", [&poll.id], |row| {
                row.get(0)
            })?;
        conn.execute(
            "UPDATE poll_option SET position = NULL WHERE poll_id = ?1",
            [poll_row],
        )?;
        for (position, option) in poll.options.iter().enumerate() {
            conn.execute(
                "INSERT INTO poll_option (poll_id, key, label, position) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (poll_id, key) DO UPDATE
                 SET label = excluded.label, position = excluded.position",
                params![poll_row, option.key, option.label, position as i64],
            )?;
        }
    }
    Ok(())
}

/// Records a vote if the poll and answer exist and the reader has not voted in this poll yet.
/// Run it inside a write transaction, so the checks and the insert see the same state.
pub fn record_vote(conn: &Connection, vote: &NewVote) -> rusqlite::Result<VoteOutcome> {
    let poll_row: Option<i64> = conn
        .query_row(
            "SELECT id FROM poll WHERE key = ?1",
            [&vote.poll_id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(poll_row) = poll_row else {
        return Ok(VoteOutcome::UnknownPoll);
    };
    let option_row: Option<i64> = conn
        .query_row(
            "SELECT id FROM poll_option WHERE poll_id = ?1 AND key = ?2 AND position IS NOT NULL",
            params![poll_row, vote.choice],
            |row| row.get(0),
        )
        .optional()?;
    let Some(option_row) = option_row else {
        return Ok(VoteOutcome::UnknownChoice);
    };
    let inserted = conn.execute(
        "INSERT INTO vote (poll_id, option_id, voter, cast_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (poll_id, voter) DO NOTHING",
        params![poll_row, option_row, vote.voter, vote.cast_at],
    )?;
    Ok(if inserted == 1 {
        VoteOutcome::Recorded
    } else {
        VoteOutcome::AlreadyVoted
    })
}

/// The number of votes for each current answer of the poll, keyed by answer.
pub fn vote_counts(conn: &Connection, poll_id: &str) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut statement = conn.prepare_cached(
        "SELECT o.key, COUNT(v.id)
         FROM poll p
         JOIN poll_option o ON o.poll_id = p.id AND o.position IS NOT NULL
         LEFT JOIN vote v ON v.option_id = o.id
         WHERE p.key = ?1
         GROUP BY o.id
         ORDER BY o.position",
    )?;
    let rows = statement.query_map([poll_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?.max(0) as u64,
        ))
    })?;
    rows.collect()
}

/// The answer this reader chose in the poll, if they voted.
pub fn choice_of(
    conn: &Connection,
    poll_id: &str,
    voter: &str,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT o.key FROM vote v
         JOIN poll p ON p.id = v.poll_id
         JOIN poll_option o ON o.id = v.option_id
         WHERE p.key = ?1 AND v.voter = ?2",
    )?
    .query_row(params![poll_id, voter], |row| row.get(0))
    .optional()
}
