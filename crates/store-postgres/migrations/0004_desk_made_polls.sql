-- Polls made in the desk live in the same rows as the content files' polls, so the vote writer
-- checks both the same way. `origin` says who owns a row: the poll sync writes only 'file' rows,
-- the desk only 'desk' rows. The same change as SQLite's migration 0006.

ALTER TABLE poll
    ADD COLUMN origin       TEXT    NOT NULL DEFAULT 'file' CHECK (origin IN ('file', 'desk')),
    ADD COLUMN show_results TEXT    NOT NULL DEFAULT 'after-vote'
        CHECK (show_results IN ('after-vote', 'always', 'after-close')),
    ADD COLUMN created_by   TEXT,              -- the editor who made a desk poll
    ADD COLUMN created_at   BIGINT,            -- unix seconds
    ADD COLUMN archived_by  TEXT,              -- NULL while the poll is on the site
    ADD COLUMN archived_at  BIGINT,            -- unix seconds
    ADD COLUMN clarified    BOOLEAN NOT NULL DEFAULT FALSE;  -- reworded after the first vote
