-- How often each poll was seen, per hour: a count and nothing else, no cookie, no identifier, no
-- address (the reader's card asks for a tiny image when it comes into view; docs/privacy in the
-- privacy page). Nodes add their counts every few seconds, so one row per poll and hour.

CREATE TABLE poll_view (
    poll_id INTEGER NOT NULL REFERENCES poll(id),
    hour    INTEGER NOT NULL,                 -- unix seconds of the hour's first second
    views   INTEGER NOT NULL CHECK (views >= 0),
    PRIMARY KEY (poll_id, hour)
) WITHOUT ROWID;
