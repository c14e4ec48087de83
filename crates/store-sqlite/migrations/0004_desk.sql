-- The editors' desk: accounts and their sessions, the desk's overrides of a poll's content-file
-- rules, windows of votes declared invalid, and the audit log of everything editors did.
-- Voided ballots are marked, never deleted, so a window can be restored exactly.

CREATE TABLE editor (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,          -- a PHC string (argon2), never the password
    created_at    INTEGER NOT NULL           -- unix seconds
) STRICT;

CREATE TABLE editor_session (
    token_hash   TEXT    PRIMARY KEY,        -- the hash of the cookie's token, never the token
    editor_id    INTEGER NOT NULL REFERENCES editor (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,           -- unix seconds
    last_seen_at INTEGER NOT NULL            -- unix seconds of the session's last request
) STRICT;

CREATE INDEX editor_session_by_editor ON editor_session (editor_id);

-- The desk's overrides live beside the file's rules, so the vote writer reads both in the same
-- transaction as the vote; the poll sync at start-up leaves these columns alone.
ALTER TABLE poll ADD COLUMN desk_closes_set INTEGER NOT NULL DEFAULT 0
    CHECK (desk_closes_set IN (0, 1));       -- 1: desk_closes_at replaces closes_at
ALTER TABLE poll ADD COLUMN desk_closes_at INTEGER;     -- unix seconds; NULL (when set): never closes
ALTER TABLE poll ADD COLUMN desk_show_results TEXT
    CHECK (desk_show_results IN ('after-vote', 'always', 'after-close'));  -- NULL: the file's
ALTER TABLE poll ADD COLUMN desk_changed_by TEXT;       -- the editor of the last change
ALTER TABLE poll ADD COLUMN desk_changed_at INTEGER;    -- unix seconds of the last change

CREATE TABLE void_window (
    id          INTEGER PRIMARY KEY,
    poll_id     INTEGER NOT NULL REFERENCES poll (id),
    starts_at   INTEGER NOT NULL,            -- unix seconds, inclusive
    ends_at     INTEGER NOT NULL,            -- unix seconds, exclusive
    ballots     INTEGER NOT NULL,            -- how many ballots it took out
    voided_by   TEXT    NOT NULL,
    voided_at   INTEGER NOT NULL,
    restored_by TEXT,                        -- NULL while its ballots stay out
    restored_at INTEGER
) STRICT;

-- NULL: the ballot counts; otherwise the window that took it out.
ALTER TABLE ballot ADD COLUMN voided_window INTEGER REFERENCES void_window (id);

CREATE INDEX ballot_by_poll_and_time ON ballot (poll_id, cast_at);
CREATE INDEX ballot_by_voided_window ON ballot (voided_window) WHERE voided_window IS NOT NULL;

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,                -- unix seconds
    editor  TEXT    NOT NULL,                -- a name, not a reference: it outlives the account
    action  TEXT    NOT NULL,
    poll_id TEXT,                            -- the poll's key from the content file, if any
    detail  TEXT    NOT NULL
) STRICT;

CREATE INDEX audit_log_by_time ON audit_log (at, id);
CREATE INDEX audit_log_by_poll ON audit_log (poll_id, at, id);
