-- The editors' desk, with the same meaning as SQLite's migration 0004: accounts and their sessions,
-- the desk's overrides of a poll's content-file rules, windows of votes declared invalid, and the
-- audit log of everything editors did. Voided ballots are marked, never deleted, so a window can be
-- restored exactly.

CREATE TABLE editor (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,             -- a PHC string (argon2), never the password
    created_at    BIGINT NOT NULL              -- unix seconds
);

CREATE TABLE editor_session (
    token_hash   TEXT   PRIMARY KEY,           -- the hash of the cookie's token, never the token
    editor_id    BIGINT NOT NULL REFERENCES editor (id) ON DELETE CASCADE,
    csrf_token   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,              -- unix seconds
    last_seen_at BIGINT NOT NULL               -- unix seconds of the session's last request
);

CREATE INDEX editor_session_by_editor ON editor_session (editor_id);

-- The desk's overrides live beside the file's rules, so the vote writer reads both in the same
-- transaction as the vote; the poll sync at start-up leaves these columns alone.
ALTER TABLE poll
    ADD COLUMN desk_closes_set   BOOLEAN NOT NULL DEFAULT FALSE,  -- desk_closes_at replaces closes_at
    ADD COLUMN desk_closes_at    BIGINT,       -- unix seconds; NULL (when set): never closes
    ADD COLUMN desk_show_results TEXT          -- NULL: the file's
        CHECK (desk_show_results IN ('after-vote', 'always', 'after-close')),
    ADD COLUMN desk_changed_by   TEXT,         -- the editor of the last change
    ADD COLUMN desk_changed_at   BIGINT;       -- unix seconds of the last change

CREATE TABLE void_window (
    id          BIGSERIAL PRIMARY KEY,
    poll_id     BIGINT NOT NULL REFERENCES poll (id),
    starts_at   BIGINT NOT NULL,               -- unix seconds, inclusive
    ends_at     BIGINT NOT NULL,               -- unix seconds, exclusive
    ballots     BIGINT NOT NULL,               -- how many ballots it took out
    voided_by   TEXT   NOT NULL,
    voided_at   BIGINT NOT NULL,
    restored_by TEXT,                          -- NULL while its ballots stay out
    restored_at BIGINT
);

-- NULL: the ballot counts; otherwise the window that took it out.
ALTER TABLE ballot ADD COLUMN voided_window BIGINT REFERENCES void_window (id);

CREATE INDEX ballot_by_poll_and_time ON ballot (poll_id, cast_at);
CREATE INDEX ballot_by_voided_window ON ballot (voided_window) WHERE voided_window IS NOT NULL;

CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT NOT NULL,                   -- unix seconds
    editor  TEXT   NOT NULL,                   -- a name, not a reference: it outlives the account
    action  TEXT   NOT NULL,
    poll_id TEXT,                              -- the poll's key from the content file, if any
    detail  TEXT   NOT NULL
);

CREATE INDEX audit_log_by_time ON audit_log (at, id);
CREATE INDEX audit_log_by_poll ON audit_log (poll_id, at, id);
