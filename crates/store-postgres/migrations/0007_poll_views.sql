-- How often each poll was seen, per hour: a count and nothing else, no cookie, no identifier, no
-- address. Every node adds its own counts every few seconds to the same row, so the figure is the
-- sum over the nodes.

CREATE TABLE poll_view (
    poll_id BIGINT NOT NULL REFERENCES poll(id),
    hour    BIGINT NOT NULL,                  -- unix seconds of the hour's first second
    views   BIGINT NOT NULL CHECK (views >= 0),
    PRIMARY KEY (poll_id, hour)
);
