-- Every text an answer of a desk-made poll had while readers could vote on it, in each language:
-- written by an edit after the first vote for the texts it replaces, kept for good. Votes stay
-- with an answer's key, so an answer may never take another answer's earlier words (Ja→X,
-- Nee→Ja, X→Nee would move Ja's votes to the words Nee), however many edits in between.

CREATE TABLE answer_label_voted_on (
    poll_id  INTEGER NOT NULL REFERENCES poll(id),
    key      TEXT    NOT NULL,
    language TEXT    NOT NULL CHECK (language IN ('nl-BE', 'fr-BE')),
    label    TEXT    NOT NULL,
    PRIMARY KEY (poll_id, key, language, label)
) STRICT, WITHOUT ROWID;
