-- A ballot keeps its voter id only as long as it stops a second vote: some time after its poll
-- closed the id is removed (`voter` set to NULL) and the ballot, its answers and its voided mark
-- stay. NULLs are distinct in UNIQUE (poll_id, voter), so the rule stays the schema's for every id
-- still kept. The same change as SQLite's migration 0005.

ALTER TABLE ballot ALTER COLUMN voter DROP NOT NULL;
