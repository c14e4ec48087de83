-- Running counts, kept in the same transaction as each vote, so reading a poll's standing costs the
-- same at ten votes as at a million instead of counting every ballot on every request.

ALTER TABLE poll ADD COLUMN voter_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll_option ADD COLUMN vote_count INTEGER NOT NULL DEFAULT 0;

UPDATE poll SET voter_count = (SELECT COUNT(*) FROM ballot WHERE ballot.poll_id = poll.id);
UPDATE poll_option SET vote_count =
    (SELECT COUNT(*) FROM ballot_choice WHERE ballot_choice.option_id = poll_option.id);
