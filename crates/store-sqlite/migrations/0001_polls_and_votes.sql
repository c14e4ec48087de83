-- Polls and their answers mirror the content files; votes are the readers' and are never rewritten.

CREATE TABLE poll (
    id       INTEGER PRIMARY KEY,
    key      TEXT    NOT NULL UNIQUE,       -- the poll id from the content file
    question TEXT    NOT NULL
) STRICT;

CREATE TABLE poll_option (
    id       INTEGER PRIMARY KEY,
    poll_id  INTEGER NOT NULL REFERENCES poll (id),
    key      TEXT    NOT NULL,              -- the answer key from the content file
    label    TEXT    NOT NULL,
    position INTEGER,                       -- order on the page; NULL once dropped from the content file
    UNIQUE (poll_id, key)
) STRICT;

CREATE TABLE vote (
    id        INTEGER PRIMARY KEY,
    poll_id   INTEGER NOT NULL REFERENCES poll (id),
    option_id INTEGER NOT NULL REFERENCES poll_option (id),
    voter     TEXT    NOT NULL,             -- the random id from the reader's cookie, nothing else
    cast_at   INTEGER NOT NULL,             -- unix seconds
    UNIQUE (poll_id, voter)                 -- one reader, one vote: the last word on double voting
) STRICT;

CREATE INDEX vote_by_option ON vote (option_id);
