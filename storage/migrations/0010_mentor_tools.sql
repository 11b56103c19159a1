-- 0010: House Mentors' tools.
--
-- A pause a House Mentor set (/pause): who set it and the reason they gave,
-- shown to the resident. paused_until (0001) still decides, by comparison
-- with the time, whether prompts go out; the reason is cleared by the
-- retention job once the pause is over.
ALTER TABLE members ADD COLUMN paused_by TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';

-- Partner pings about a missed check-in wait while the house has quiet
-- hours (due_at), go out at most once a day per resident, and say how many
-- check-ins in a row were missed (misses). sent_at is when the ping went
-- to the outbox; dropped_at, when it was not sent after all (the resident
-- checked in, was paused or left, or every partner muted pings). Rows from
-- before this migration were sent when recorded.
ALTER TABLE partner_pings ADD COLUMN due_at INTEGER;
ALTER TABLE partner_pings ADD COLUMN sent_at INTEGER;
ALTER TABLE partner_pings ADD COLUMN dropped_at INTEGER;
ALTER TABLE partner_pings ADD COLUMN misses INTEGER NOT NULL DEFAULT 0;
UPDATE partner_pings SET due_at = at, sent_at = at;

-- The tick asks only for waiting pings, which are few.
CREATE INDEX partner_pings_waiting ON partner_pings (due_at) WHERE sent_at IS NULL AND dropped_at IS NULL;
-- The daily limit asks for a resident's pings by time; erasure finds them.
CREATE INDEX partner_pings_by_about ON partner_pings (about, due_at);

-- A partner who muted pings about missed check-ins, until when. Requests
-- for support are never muted.
CREATE TABLE partner_mutes (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    until     INTEGER NOT NULL,
    at        INTEGER NOT NULL
) STRICT;

CREATE INDEX partner_mutes_by_until ON partner_mutes (until);

-- A resident's request, in a check-in, for someone to reach out: the first
-- House Mentor to press "I'm on it" takes it (taken_by, a platform user
-- id). It holds nothing the resident wrote.
CREATE TABLE reach_outs (
    id         INTEGER PRIMARY KEY,
    house_id   INTEGER NOT NULL REFERENCES houses (id),
    round_id   INTEGER NOT NULL REFERENCES checkin_rounds (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    taken_at   INTEGER,
    taken_by   TEXT    NOT NULL DEFAULT '',
    UNIQUE (round_id, member_id)
) STRICT;

CREATE INDEX reach_outs_by_member ON reach_outs (member_id);
CREATE INDEX reach_outs_by_time ON reach_outs (house_id, created_at);

-- The message each House Mentor got about a reach-out, so that all of them
-- can be edited to say who took it.
CREATE TABLE reach_out_notices (
    reach_out_id INTEGER NOT NULL REFERENCES reach_outs (id) ON DELETE CASCADE,
    user_id      TEXT    NOT NULL,
    outbox_id    INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    PRIMARY KEY (reach_out_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX reach_out_notices_outbox ON reach_out_notices (outbox_id) WHERE outbox_id IS NOT NULL;
