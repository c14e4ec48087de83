-- A ballot keeps its voter id only as long as it stops a second vote: some time after its poll
-- closed the id is removed (`voter` set to NULL) and the ballot, its answers and its voided mark
-- stay. A NULL voter never collides in UNIQUE (poll_id, voter), so the rule stays the schema's for
-- every id still kept.
--
-- SQLite cannot drop a NOT NULL, so both tables are rebuilt. The answers are kept aside first and
-- their table dropped before the ballots': with foreign keys on, dropping `ballot` while
-- `ballot_choice` still refers to it would delete every answer (ON DELETE CASCADE).

CREATE TEMP TABLE kept_ballot AS SELECT id, poll_id, voter, cast_at, voided_window FROM ballot;
CREATE TEMP TABLE kept_ballot_choice AS SELECT ballot_id, option_id FROM ballot_choice;

DROP TABLE ballot_choice;
DROP TABLE ballot;

CREATE TABLE ballot (
    id            INTEGER PRIMARY KEY,
    poll_id       INTEGER NOT NULL REFERENCES poll (id),
    voter         TEXT,                        -- the random id from the reader's cookie; NULL once removed
    cast_at       INTEGER NOT NULL,            -- unix seconds of the first vote or the last change
    voided_window INTEGER REFERENCES void_window (id), -- NULL: the ballot counts
    UNIQUE (poll_id, voter)                    -- one reader, one ballot: the last word on double voting
) STRICT;

CREATE TABLE ballot_choice (
    ballot_id INTEGER NOT NULL REFERENCES ballot (id) ON DELETE CASCADE,
    option_id INTEGER NOT NULL REFERENCES poll_option (id),
    PRIMARY KEY (ballot_id, option_id)
) STRICT, WITHOUT ROWID;

INSERT INTO ballot (id, poll_id, voter, cast_at, voided_window)
    SELECT id, poll_id, voter, cast_at, voided_window FROM kept_ballot;
INSERT INTO ballot_choice (ballot_id, option_id) SELECT ballot_id, option_id FROM kept_ballot_choice;

DROP TABLE kept_ballot;
DROP TABLE kept_ballot_choice;

CREATE INDEX ballot_choice_by_option ON ballot_choice (option_id);
CREATE INDEX ballot_by_poll_and_time ON ballot (poll_id, cast_at);
CREATE INDEX ballot_by_voided_window ON ballot (voided_window) WHERE voided_window IS NOT NULL;
