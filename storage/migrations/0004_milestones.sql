-- Sober dates: a resident's history of dates, private to them. The current
-- date is the newest row that is not cleared.
CREATE TABLE sober_dates (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    date       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('set', 'reset')),
    set_at     INTEGER NOT NULL,
    cleared_at INTEGER
) STRICT;

CREATE INDEX sober_dates_by_member ON sober_dates (member_id, id);

-- Residents who opted in to celebrations in the house channel.
CREATE TABLE milestone_shares (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    at        INTEGER NOT NULL
) STRICT;

-- Milestones celebrated, once per member, sober date and milestone.
CREATE TABLE milestone_celebrations (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    house_id   INTEGER NOT NULL REFERENCES houses (id),
    sober_date TEXT    NOT NULL,
    milestone  TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    shared     INTEGER NOT NULL CHECK (shared IN (0, 1)),
    at         INTEGER NOT NULL,
    PRIMARY KEY (member_id, sober_date, milestone)
) STRICT, WITHOUT ROWID;

CREATE INDEX milestone_celebrations_by_house ON milestone_celebrations (house_id, at);
