-- 0016: indexes for the questions the periodic jobs ask, so that their cost
-- follows the work due, not the history kept.

-- Retention deletes a house's delivered messages older than its retention
-- period, a bounded batch at a time (PruneOutbox). Without this index each
-- batch walked every sent message of every house.
CREATE INDEX outbox_by_house_time ON outbox (house_id, created_at);

-- Deleting an outbox row sets activities.post_outbox_id to NULL, which
-- SQLite finds through an index on the child column, or else by scanning
-- the activities for every message deleted.
CREATE INDEX activities_post ON activities (post_outbox_id) WHERE post_outbox_id IS NOT NULL;

-- Retention redacts a house's answers older than its retention period
-- (AnswersToRedact): this index holds only the answers not redacted yet,
-- so each of the house's old rounds costs one probe that finds nothing,
-- instead of a read of all its answers, every night.
CREATE INDEX checkin_answers_unredacted ON checkin_answers (round_id, answered_at) WHERE redacted_at IS NULL;

-- Deleting an outbox row checks the activities whose calendar event it
-- made (activities.event_outbox_id, ON DELETE SET NULL): by index, not a
-- scan of every activity.
CREATE INDEX activities_event ON activities (event_outbox_id);
