-- Sober activities, with RSVPs and attendance (kept apart: saying you will
-- come is not coming).
CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    house_id       INTEGER NOT NULL REFERENCES houses (id),
    series_id      INTEGER,
    title          TEXT    NOT NULL,
    place          TEXT    NOT NULL DEFAULT '',
    details        TEXT    NOT NULL DEFAULT '',
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL,
    capacity       INTEGER NOT NULL DEFAULT 0,
    repeat         TEXT    NOT NULL DEFAULT 'none' CHECK (repeat IN ('none', 'weekly')),
    status         TEXT    NOT NULL CHECK (status IN ('scheduled', 'skipped', 'cancelled')),
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    post_outbox_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    reminded_at    INTEGER,
    started_at     INTEGER,
    ended_at       INTEGER
) STRICT;

CREATE INDEX activities_pending ON activities (starts_at) WHERE ended_at IS NULL;
CREATE INDEX activities_by_house ON activities (house_id, starts_at);

CREATE TABLE activity_rsvps (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'cant', 'waitlist')),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (activity_id, member_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE activity_attendance (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL CHECK (source IN ('self', 'mentor')),
    at          INTEGER NOT NULL,
    PRIMARY KEY (activity_id, member_id)
) STRICT, WITHOUT ROWID;
