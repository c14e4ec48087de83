-- The desk's version: one row whose number every change of what the site serves (an override, a
-- voided or restored window, a poll made, edited, archived or put back) raises in its own
-- transaction. Its row lock orders those changes, so the number a node reads is never older than
-- a change it can see. Nodes read this row once a second and the desk's state only when it changed.
CREATE TABLE desk_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);

INSERT INTO desk_version (id, version) VALUES (1, 0);
