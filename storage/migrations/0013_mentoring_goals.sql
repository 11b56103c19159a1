-- 0013: mentoring agreements and recovery goals.
--
-- A mentoring agreement is between a House Mentor and a resident, both
-- members of the house (they joined with consent): how often and how they
-- will be in touch, on which day and at what time (house time), and
-- boundaries in free text that only the two of them can read (the store's
-- queries enforce it). A new agreement, or a change, is 'proposed' until
-- the other side confirms it; then it is 'active' until either side ends it
-- (a confirmed change ends the agreement it replaces). A resident has at
-- most one active and one proposed agreement.
--
-- Erasure: both sides' rows go with either member's row (ON DELETE
-- CASCADE); the core tells the other side first. Retention: the boundaries
-- of an agreement that ended more than retention_days ago are redacted.
CREATE TABLE mentor_agreements (
    id              INTEGER PRIMARY KEY,
    house_id        INTEGER NOT NULL REFERENCES houses (id),
    mentor_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    mentee_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    every_weeks     INTEGER NOT NULL CHECK (every_weeks IN (1, 2, 4)),
    mode            TEXT    NOT NULL CHECK (mode IN ('call', 'text', 'in person')),
    weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    at_clock        TEXT    NOT NULL,
    boundaries      TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('proposed', 'active', 'ended')),
    -- proposed_by is the side (mentor_id or mentee_id) that proposed it;
    -- the other side confirms.
    proposed_by     INTEGER NOT NULL,
    replaces        INTEGER REFERENCES mentor_agreements (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    agreed_at       INTEGER,
    ended_at        INTEGER,
    end_reason      TEXT    NOT NULL DEFAULT '',
    -- next_contact_at is the next agreed contact the tick has not yet
    -- scheduled (an active agreement only).
    next_contact_at INTEGER,
    redacted_at     INTEGER,
    CHECK (mentor_id <> mentee_id),
    CHECK (proposed_by IN (mentor_id, mentee_id))
) STRICT;

CREATE UNIQUE INDEX mentor_agreements_one_active ON mentor_agreements (mentee_id) WHERE status = 'active';
CREATE UNIQUE INDEX mentor_agreements_one_proposed ON mentor_agreements (mentee_id) WHERE status = 'proposed';
CREATE INDEX mentor_agreements_by_mentor ON mentor_agreements (mentor_id);
-- The tick asks which active agreements have a contact coming up.
CREATE INDEX mentor_agreements_due ON mentor_agreements (next_contact_at) WHERE status = 'active';
-- Retention asks which ended agreements still hold boundaries.
CREATE INDEX mentor_agreements_to_redact ON mentor_agreements (house_id, ended_at) WHERE status = 'ended' AND redacted_at IS NULL;

-- One row per agreed contact, keyed by (agreement, due_at): the tick
-- creates it with the reminders in one transaction, so a restart neither
-- doubles nor drops a reminder, then asks both sides whether it happened.
CREATE TABLE mentor_contacts (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES mentor_agreements (id) ON DELETE CASCADE,
    house_id     INTEGER NOT NULL REFERENCES houses (id),
    due_at       INTEGER NOT NULL,
    reminded_at  INTEGER,
    asked_at     INTEGER,
    outcome      TEXT    NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'happened', 'missed', 'rescheduled', 'skipped')),
    answered_by  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    answered_at  INTEGER,
    UNIQUE (agreement_id, due_at)
) STRICT;

-- The tick asks which contacts are waiting for "did it happen?".
CREATE INDEX mentor_contacts_to_ask ON mentor_contacts (due_at) WHERE asked_at IS NULL AND outcome = 'pending';
-- The digest counts a house's contacts in a week.
CREATE INDEX mentor_contacts_by_house ON mentor_contacts (house_id, due_at);

-- A resident's recovery goals: at most three active (the core checks),
-- private unless shared with their mentor. Removing a goal deletes it and
-- its progress; a done goal stays, and its text is redacted
-- retention_days after it was done.
CREATE TABLE goals (
    id          INTEGER PRIMARY KEY,
    house_id    INTEGER NOT NULL REFERENCES houses (id),
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('active', 'done')),
    shared      INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    created_at  INTEGER NOT NULL,
    done_at     INTEGER,
    redacted_at INTEGER
) STRICT;

CREATE INDEX goals_by_member ON goals (member_id, status);
-- The weekly ask and the digest's count read a house's active goals.
CREATE INDEX goals_active_by_house ON goals (house_id) WHERE status = 'active';
CREATE INDEX goals_to_redact ON goals (house_id, done_at) WHERE status = 'done' AND redacted_at IS NULL;

-- One row per goal and scheduled ask, keyed by (goal, asked_for), with the
-- resident's 1-5 answer and optional note. Notes are redacted
-- retention_days after they were written.
CREATE TABLE goal_checks (
    id          INTEGER PRIMARY KEY,
    goal_id     INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    house_id    INTEGER NOT NULL REFERENCES houses (id),
    asked_for   INTEGER NOT NULL,
    asked_at    INTEGER NOT NULL,
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    note        TEXT    NOT NULL DEFAULT '',
    answered_at INTEGER,
    redacted_at INTEGER,
    UNIQUE (goal_id, asked_for)
) STRICT;

CREATE INDEX goal_checks_to_redact ON goal_checks (house_id, answered_at) WHERE redacted_at IS NULL AND note <> '';

-- How often a resident is asked about their goals, in weeks (0: never);
-- a resident with no row is asked weekly.
CREATE TABLE goal_settings (
    member_id   INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    every_weeks INTEGER NOT NULL CHECK (every_weeks IN (0, 1, 2, 4)),
    updated_at  INTEGER NOT NULL
) STRICT;
