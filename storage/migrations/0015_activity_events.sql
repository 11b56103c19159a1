-- The Discord scheduled event that mirrors an activity, as the outbox row
-- that creates it: once that row is sent, its ref holds the event's id, and
-- the rows that move or cancel the event edit it (outbox edit_of), so a
-- restart neither loses the event nor makes a second one. The row holds no
-- personal data; when retention prunes it, the link is cleared.
ALTER TABLE activities ADD COLUMN event_outbox_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL;
