-- Accountability partners: pairs (or a trio), who is in each, the "do not
-- pair" list, daily nudges, "we connected" contacts and partner pings.
CREATE TABLE partner_pairs (
    id        INTEGER PRIMARY KEY,
    house_id  INTEGER NOT NULL REFERENCES houses (id),
    how       TEXT    NOT NULL CHECK (how IN ('manual', 'rotation')),
    rotation  INTEGER NOT NULL DEFAULT 0,
    formed_at INTEGER NOT NULL,
    ended_at  INTEGER
) STRICT;

CREATE INDEX partner_pairs_current ON partner_pairs (house_id) WHERE ended_at IS NULL;
CREATE INDEX partner_pairs_by_rotation ON partner_pairs (house_id, rotation);

CREATE TABLE partner_members (
    pair_id   INTEGER NOT NULL REFERENCES partner_pairs (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (pair_id, member_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX partner_members_by_member ON partner_members (member_id);

-- Pairs mentors asked never to form; member_a < member_b.
CREATE TABLE partner_avoid (
    house_id INTEGER NOT NULL REFERENCES houses (id),
    member_a INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    member_b INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    added_by TEXT    NOT NULL DEFAULT '',
    added_at INTEGER NOT NULL,
    PRIMARY KEY (house_id, member_a, member_b),
    CHECK (member_a < member_b)
) STRICT, WITHOUT ROWID;

-- One row per pair and house-local day the pair was nudged.
CREATE TABLE partner_nudges (
    pair_id INTEGER NOT NULL REFERENCES partner_pairs (id) ON DELETE CASCADE,
    day     TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (pair_id, day)
) STRICT, WITHOUT ROWID;

-- The first "we connected" of a pair on a house-local day.
CREATE TABLE partner_contacts (
    pair_id   INTEGER NOT NULL REFERENCES partner_pairs (id) ON DELETE CASCADE,
    day       TEXT    NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (pair_id, day)
) STRICT, WITHOUT ROWID;

-- Pings to a partner: a missed check-in or a request for support.
CREATE TABLE partner_pings (
    id          INTEGER PRIMARY KEY,
    house_id    INTEGER NOT NULL REFERENCES houses (id),
    pair_id     INTEGER REFERENCES partner_pairs (id) ON DELETE SET NULL,
    about       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('missed', 'support')),
    at          INTEGER NOT NULL,
    answered_at INTEGER
) STRICT;

CREATE INDEX partner_pings_by_house ON partner_pings (house_id, at);

-- Residents who turned off pings about themselves.
CREATE TABLE partner_pings_off (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    at        INTEGER NOT NULL
) STRICT;
