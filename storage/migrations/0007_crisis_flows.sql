-- 0007: crisis flows.
--
-- crisis_alerts.kind says why mentors were asked to reach out:
--   'danger'    the resident said yes after words of danger;
--   'auto'      the house alerts on danger without asking (alert = "always");
--   'reach_out' the resident asked for a House Mentor after a relapse or a
--               craving. Its messages never say why, so the row must not
--               either: only this kind, never the text.
-- Rows from before this migration were all asked-for danger alerts.
ALTER TABLE crisis_alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'danger' CHECK (kind IN ('danger', 'auto', 'reach_out'));

-- The per-person cooldown asks for a resident's latest open alert.
CREATE INDEX crisis_alerts_by_user ON crisis_alerts (house_id, user_id, created_at);

-- A house-visible answer whose words raised a concern is not posted until
-- the resident chooses: share_held is 1 while it waits for that choice.
ALTER TABLE checkin_answers ADD COLUMN share_held INTEGER NOT NULL DEFAULT 0 CHECK (share_held IN (0, 1));
