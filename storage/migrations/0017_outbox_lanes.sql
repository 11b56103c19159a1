-- 0017: a recipient's messages keep their order within one target kind,
-- a lane. A home page refresh queued for later, or a calendar event
-- waiting on a retry, no longer holds back a DM or a channel post to the
-- same recipient (a crisis alert among them). Due's NOT EXISTS asks about
-- the lane, so the index of pending rows leads with its columns.
DROP INDEX outbox_pending_by_recipient;
CREATE INDEX outbox_pending_by_recipient ON outbox (platform, target_kind, target_channel, target_user, id) WHERE status = 'pending';
