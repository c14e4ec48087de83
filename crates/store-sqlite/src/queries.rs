//! The SQL of the vote store: plain functions over a connection, each with its row mapping beside it.

use rusqlite::{Connection, OptionalExtension, params};
use stembus_poll::PollDefinition;
use stembus_poll::language::PollTranslation;
use stembus_store::{NewVote, VoteOutcome};

/// Makes the content files' polls, their rules and answers in the database match the content,
/// leaving every vote alone. Answers that left the content are kept (votes point at them) but no
/// longer shown or accepted. A poll made in the desk is never touched, even when a file claims its
/// id: its readers voted on the desk's wording, and the desk owns it.
pub fn sync_polls(conn: &Connection, polls: &[&PollDefinition]) -> rusqlite::Result<()> {
    for poll in polls {
        conn.execute(
            "INSERT INTO poll (key, question, max_choices, allow_change, opens_at, closes_at,
                               show_results)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (key) DO UPDATE SET
                 question = excluded.question,
                 max_choices = excluded.max_choices,
                 allow_change = excluded.allow_change,
                 opens_at = excluded.opens_at,
                 closes_at = excluded.closes_at,
                 show_results = excluded.show_results
             WHERE poll.origin = 'file'",
            params![
                poll.id,
                poll.question,
                poll.max_choices,
                poll.allow_change,
                poll.opens.map(|m| m.unix_seconds()),
                poll.closes.map(|m| m.unix_seconds()),
                poll.show_results.key(),
            ],
        )?;
        let poll_row: Option<i64> = conn
            .query_row(
                "SELECT id FROM poll WHERE key = ?1 AND origin = 'file'",
                [&poll.id],
                |row| row.get(0),
            )
            .optional()?;
        let Some(poll_row) = poll_row else {
            continue;
        };
        // A file's French is served from its file; nothing reads it here.
        set_options(conn, poll_row, poll, None)?;
    }
    Ok(())
}

/// Shows exactly `poll`'s answers on poll row `poll_row`, in its order and wording, with their
/// labels in `french` (none without it). An answer no longer in it keeps its row (ballots may
/// point at it) without a position; one that comes back gets its row again.
pub fn set_options(
    conn: &Connection,
    poll_row: i64,
    poll: &PollDefinition,
    french: Option<&PollTranslation>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE poll_option SET position = NULL, french_label = NULL WHERE poll_id = ?1",
        [poll_row],
    )?;
    for (position, option) in poll.options.iter().enumerate() {
        let french_label = french.and_then(|french| french.labels.get(&option.key));
        conn.execute(
            "INSERT INTO poll_option (poll_id, key, label, french_label, position)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (poll_id, key) DO UPDATE
             SET label = excluded.label, french_label = excluded.french_label,
                 position = excluded.position",
            params![
                poll_row,
                option.key,
                option.label,
                french_label,
                position as i64
            ],
        )?;
    }
    Ok(())
}

struct PollRules {
    id: i64,
    max_choices: i64,
    allow_change: bool,
    opens_at: Option<i64>,
    closes_at: Option<i64>,
}

/// Records a vote if the poll exists and is open, every answer belongs to it, their number fits
/// the rule, and the reader has not voted yet (or may change their vote). Run it inside a write
/// transaction, so the checks and the write see the same state. The closing moment is the desk's
/// where an editor set one, the content file's otherwise. An archived poll is no poll to vote in.
pub fn record_vote(conn: &Connection, vote: &NewVote) -> rusqlite::Result<VoteOutcome> {
    let rules = conn
        .query_row(
            "SELECT id, max_choices, allow_change, opens_at,
                    CASE WHEN desk_closes_set THEN desk_closes_at ELSE closes_at END
             FROM poll WHERE key = ?1 AND archived_at IS NULL",
            [&vote.poll_id],
            |row| {
                Ok(PollRules {
                    id: row.get(0)?,
                    max_choices: row.get(1)?,
                    allow_change: row.get(2)?,
                    opens_at: row.get(3)?,
                    closes_at: row.get(4)?,
                })
            },
        )
        .optional()?;
    let Some(rules) = rules else {
        return Ok(VoteOutcome::UnknownPoll);
    };
    let not_yet_open = rules.opens_at.is_some_and(|opens| vote.cast_at < opens);
    let closed = rules.closes_at.is_some_and(|closes| vote.cast_at >= closes);
    if not_yet_open || closed {
        return Ok(VoteOutcome::Closed);
    }
    let mut choices = vote.choices.clone();
    choices.sort();
    choices.dedup();
    if choices.is_empty() || choices.len() as i64 > rules.max_choices {
        return Ok(VoteOutcome::WrongChoiceCount);
    }
    let mut option_rows = Vec::with_capacity(choices.len());
    for choice in &choices {
        let option_row: Option<i64> = conn
            .prepare_cached(
                "SELECT id FROM poll_option
                 WHERE poll_id = ?1 AND key = ?2 AND position IS NOT NULL",
            )?
            .query_row(params![rules.id, choice], |row| row.get(0))
            .optional()?;
        match option_row {
            Some(row) => option_rows.push(row),
            None => return Ok(VoteOutcome::UnknownChoice),
        }
    }

    let existing: Option<(i64, bool)> = conn
        .prepare_cached(
            "SELECT id, voided_window IS NOT NULL FROM ballot WHERE poll_id = ?1 AND voter = ?2",
        )?
        .query_row(params![rules.id, vote.voter], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let (ballot, outcome) = match existing {
        None => {
            conn.prepare_cached(
                "INSERT INTO ballot (poll_id, voter, cast_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![rules.id, vote.voter, vote.cast_at])?;
            conn.prepare_cached("UPDATE poll SET voter_count = voter_count + 1 WHERE id = ?1")?
                .execute([rules.id])?;
            (conn.last_insert_rowid(), VoteOutcome::Recorded)
        }
        // A voided ballot stays as it was voided: changing it would slip the reader back into
        // the count behind the editor's back, or break restoring the window exactly.
        Some((_, voided)) if voided || !rules.allow_change => {
            return Ok(VoteOutcome::AlreadyVoted);
        }
        Some((ballot, _)) => {
            conn.execute(
                "UPDATE poll_option SET vote_count = vote_count - 1
                 WHERE id IN (SELECT option_id FROM ballot_choice WHERE ballot_id = ?1)",
                [ballot],
            )?;
            conn.execute("DELETE FROM ballot_choice WHERE ballot_id = ?1", [ballot])?;
            conn.execute(
                "UPDATE ballot SET cast_at = ?2 WHERE id = ?1",
                params![ballot, vote.cast_at],
            )?;
            (ballot, VoteOutcome::Changed)
        }
    };
    let mut insert =
        conn.prepare_cached("INSERT INTO ballot_choice (ballot_id, option_id) VALUES (?1, ?2)")?;
    let mut count =
        conn.prepare_cached("UPDATE poll_option SET vote_count = vote_count + 1 WHERE id = ?1")?;
    for option_row in option_rows {
        insert.execute(params![ballot, option_row])?;
        count.execute([option_row])?;
    }
    Ok(outcome)
}

/// The number of times each current answer of the poll was chosen, keyed by answer: the running
/// counts `record_vote` keeps, so this costs the same however many votes there are.
pub fn vote_counts(conn: &Connection, poll_id: &str) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut statement = conn.prepare_cached(
        "SELECT o.key, o.vote_count
         FROM poll p
         JOIN poll_option o ON o.poll_id = p.id AND o.position IS NOT NULL
         WHERE p.key = ?1
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

/// The number of readers who voted in the poll, from its running count.
pub fn voter_count(conn: &Connection, poll_id: &str) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT voter_count FROM poll WHERE key = ?1")?
        .query_row([poll_id], |row| row.get::<_, i64>(0))
        .optional()
        .map(|count| count.unwrap_or(0).max(0) as u64)
}

/// The answers this reader chose in the poll, in the poll's order; empty if they did not vote.
pub fn choices_of(conn: &Connection, poll_id: &str, voter: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT o.key FROM ballot b
         JOIN poll p ON p.id = b.poll_id
         JOIN ballot_choice c ON c.ballot_id = b.id
         JOIN poll_option o ON o.id = c.option_id
         WHERE p.key = ?1 AND b.voter = ?2
         ORDER BY o.position",
    )?;
    let rows = statement.query_map(params![poll_id, voter], |row| row.get(0))?;
    rows.collect()
}
