-- The desk's version: one row whose number every change of what the site serves (an override, a
-- voided or restored window, a poll made, edited, archived or put back) raises in its own
-- transaction. Nodes read this row once a second and the desk's state only when it changed, so an
-- archive of thousands of polls costs nothing while nobody changes it.
CREATE TABLE desk_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;

INSERT INTO desk_version (id, version) VALUES (1, 0);
