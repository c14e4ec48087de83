-- Polls made in the desk live in the same rows as the content files' polls, so the vote writer
-- checks both the same way. `origin` says who owns a row: the poll sync writes only 'file' rows,
-- the desk only 'desk' rows. A desk poll keeps its own results visibility (a file's is in the
-- file), who made it, whether it is archived (off the site, ballots kept) and whether its wording
-- was corrected after the first vote.

ALTER TABLE poll ADD COLUMN origin TEXT NOT NULL DEFAULT 'file'
    CHECK (origin IN ('file', 'desk'));
ALTER TABLE poll ADD COLUMN show_results TEXT NOT NULL DEFAULT 'after-vote'
    CHECK (show_results IN ('after-vote', 'always', 'after-close'));
ALTER TABLE poll ADD COLUMN created_by TEXT;            -- the editor who made a desk poll
ALTER TABLE poll ADD COLUMN created_at INTEGER;         -- unix seconds
ALTER TABLE poll ADD COLUMN archived_by TEXT;           -- NULL while the poll is on the site
ALTER TABLE poll ADD COLUMN archived_at INTEGER;        -- unix seconds
ALTER TABLE poll ADD COLUMN clarified INTEGER NOT NULL DEFAULT 0
    CHECK (clarified IN (0, 1));                        -- 1: reworded after the first vote
