-- Poll rules live beside the poll, so the writer checks them in the same transaction as the vote.
-- A reader's vote becomes a ballot with one or more chosen answers (multiple choice), which a poll
-- that allows it lets the reader replace.

ALTER TABLE poll ADD COLUMN max_choices INTEGER NOT NULL DEFAULT 1;
ALTER TABLE poll ADD COLUMN allow_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll ADD COLUMN opens_at INTEGER;       -- unix seconds; NULL: open from the start
ALTER TABLE poll ADD COLUMN closes_at INTEGER;      -- unix seconds; NULL: never closes

CREATE TABLE ballot (
    id       INTEGER PRIMARY KEY,
    poll_id  INTEGER NOT NULL REFERENCES poll (id),
    voter    TEXT    NOT NULL,                  -- the random id from the reader's cookie, nothing else
    cast_at  INTEGER NOT NULL,                  -- unix seconds of the first vote or the last change
    UNIQUE (poll_id, voter)                     -- one reader, one ballot: the last word on double voting
) STRICT;

CREATE TABLE ballot_choice (
    ballot_id INTEGER NOT NULL REFERENCES ballot (id) ON DELETE CASCADE,
    option_id INTEGER NOT NULL REFERENCES poll_option (id),
    PRIMARY KEY (ballot_id, option_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX ballot_choice_by_option ON ballot_choice (option_id);

INSERT INTO ballot (id, poll_id, voter, cast_at) SELECT id, poll_id, voter, cast_at FROM vote;
INSERT INTO ballot_choice (ballot_id, option_id) SELECT id, option_id FROM vote;
DROP TABLE vote;
