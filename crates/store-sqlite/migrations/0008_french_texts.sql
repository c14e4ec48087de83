-- A desk poll's question and answers in French beside its Dutch ones, with the same answers and
-- the same tally: the French question on the poll's row (NULL: the poll has no French) and each
-- answer's French label on its row. A content file's poll keeps its French in its file, from
-- which the site serves it, so the poll sync leaves both NULL on 'file' rows.

ALTER TABLE poll ADD COLUMN french_question TEXT;
ALTER TABLE poll_option ADD COLUMN french_label TEXT;
