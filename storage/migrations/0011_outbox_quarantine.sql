-- 0011: poison rows are quarantined, and erasure finds every message about
-- a person.
--
-- kind says what a message is ('crisis_alert', 'reach_out', 'share', …) so
-- the operator's `porchlight outbox list` can say it without showing text,
-- and so a failed crisis alert can be sent another way. '' is unknown
-- (every row from before this migration).
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';

-- A failed message an operator dropped with `porchlight outbox drop`: it
-- stays failed (and is pruned with the house's retention like any other),
-- but leaves the list of failed messages waiting for someone.
ALTER TABLE outbox ADD COLUMN dropped_at INTEGER;

-- The people a message names or quotes besides its target, by platform user
-- id in the message's house: a crisis alert to a mentor is about the
-- resident, a share carries its author's words. Erasure deletes the pending
-- messages about the person and empties the sent ones; export does not list
-- them (they are other people's messages, or the person's own words already
-- in the answers it exports).
CREATE TABLE outbox_about (
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    user_id   TEXT    NOT NULL,
    PRIMARY KEY (outbox_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX outbox_about_by_user ON outbox_about (user_id);

-- The shares already stored are about their authors, and so are their
-- edits (a withdrawn share's link from its answer is gone: its edits still
-- point at it when an edit of it is linked).
INSERT OR IGNORE INTO outbox_about (outbox_id, user_id)
    SELECT a.share_outbox_id, m.user_id FROM checkin_answers a JOIN members m ON m.id = a.member_id
    WHERE a.share_outbox_id IS NOT NULL;
INSERT OR IGNORE INTO outbox_about (outbox_id, user_id)
    SELECT o.id, ab.user_id FROM outbox o JOIN outbox_about ab ON ab.outbox_id = o.edit_of;

-- Messages to one recipient go out in order: Due asks, for each due
-- message, whether an earlier one to the same recipient is still pending.
-- Only pending rows are in this index, so the question costs the same
-- however much history is kept.
CREATE INDEX outbox_pending_by_recipient ON outbox (platform, target_channel, target_user, id) WHERE status = 'pending';

-- The failed messages nobody has handled yet: `outbox list` and the count.
CREATE INDEX outbox_failed_open ON outbox (id) WHERE status = 'failed' AND dropped_at IS NULL;
