-- 0012: delivery attempts, so a resend after a crash creates no second
-- message on the platform.
--
-- send_key is the message's idempotency key: random, set on the first
-- attempt and never changed, sent as Discord's nonce (with enforce_nonce)
-- and as Slack message metadata. It is random rather than derived from the
-- row id because ids can be reused (a database restored from an older
-- backup numbers its new rows from where the backup stopped), and a reused
-- key would make Discord return an older, different message.
--
-- attempted_at is when the first attempt whose outcome is unknown started:
-- set before the platform is called, cleared when a delivery is recorded.
-- A pending row with attempted_at set may already be on the platform; the
-- sender resends it under the same key (Discord) or looks for it first
-- (Slack). Neither column holds a member's id or text.
ALTER TABLE outbox ADD COLUMN send_key TEXT;
ALTER TABLE outbox ADD COLUMN attempted_at INTEGER;
