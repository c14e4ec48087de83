-- The PostgreSQL schema, with the same guarantees as the SQLite one: polls and their answers mirror
-- the content files, a reader has one ballot per poll (the unique key is the last word, whichever
-- node writes), and the running counts are split into shards so that nodes writing at once do not
-- queue behind one hot row. A poll's count is the sum over its shards.

CREATE TABLE poll (
    id           BIGSERIAL PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,      -- the poll id from the content file
    question     TEXT    NOT NULL,
    max_choices  INTEGER NOT NULL DEFAULT 1,
    allow_change BOOLEAN NOT NULL DEFAULT FALSE,
    opens_at     BIGINT,                       -- unix seconds; NULL: open from the start
    closes_at    BIGINT                        -- unix seconds; NULL: never closes
);

CREATE TABLE poll_option (
    id       BIGSERIAL PRIMARY KEY,
    poll_id  BIGINT  NOT NULL REFERENCES poll (id),
    key      TEXT    NOT NULL,                 -- the answer key from the content file
    label    TEXT    NOT NULL,
    position INTEGER,                          -- order on the page; NULL once dropped from the file
    UNIQUE (poll_id, key)
);

CREATE TABLE ballot (
    id      BIGSERIAL PRIMARY KEY,
    poll_id BIGINT NOT NULL REFERENCES poll (id),
    voter   TEXT   NOT NULL,                   -- the random id from the reader's cookie, nothing else
    cast_at BIGINT NOT NULL,                   -- unix seconds of the first vote or the last change
    UNIQUE (poll_id, voter)                    -- one reader, one ballot: the last word on double voting
);

CREATE TABLE ballot_choice (
    ballot_id BIGINT NOT NULL REFERENCES ballot (id) ON DELETE CASCADE,
    option_id BIGINT NOT NULL REFERENCES poll_option (id),
    PRIMARY KEY (ballot_id, option_id)
);

CREATE INDEX ballot_choice_by_option ON ballot_choice (option_id);

-- Running counts per shard: each store instance (node) writes to the shard it drew at start-up.
-- A shard's figure may go below zero when a vote counted in one shard is changed in another; the
-- sum over the shards is always the count.
CREATE TABLE option_count (
    option_id BIGINT   NOT NULL REFERENCES poll_option (id),
    shard     SMALLINT NOT NULL,
    votes     BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (option_id, shard)
);

CREATE TABLE poll_voter_count (
    poll_id BIGINT   NOT NULL REFERENCES poll (id),
    shard   SMALLINT NOT NULL,
    voters  BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, shard)
);

-- One row per committed batch of votes: a node whose COMMIT was cut off looks here, on whatever
-- server is primary now, to learn whether the batch is in; old rows are pruned.
CREATE TABLE vote_batch (
    id           TEXT        PRIMARY KEY,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
