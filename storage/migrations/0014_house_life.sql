-- 0014: house life — recovery meetings, newcomer welcomes, chores.
--
-- Every table here holds a member's id, so each row goes with the member
-- (ON DELETE CASCADE) when their data is erased, and ExportMember lists
-- them. Only meetings hold free text (the note), which the retention job
-- redacts after storage.retention_days, keeping the count.

-- A recovery meeting a resident logged. day is the house-local date of the
-- meeting (YYYY-MM-DD), which the weekly counts are made of.
CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    house_id    INTEGER NOT NULL REFERENCES houses (id),
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    day         TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    mode        TEXT    NOT NULL CHECK (mode IN ('in person', 'online')),
    note        TEXT    NOT NULL DEFAULT '',
    logged_at   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    redacted_at INTEGER
) STRICT;

-- A resident's own list, and the weekly counts of a house.
CREATE INDEX meetings_by_member ON meetings (member_id, day);
CREATE INDEX meetings_by_house ON meetings (house_id, day);
-- The retention job finds the notes still to redact, oldest first.
CREATE INDEX meetings_to_redact ON meetings (house_id, logged_at) WHERE redacted_at IS NULL;

-- A newcomer's welcome sequence: step is the next step to send, next_at
-- when it is due (NULL once finished or skipped). The tick sends due
-- steps and advances the row in the same transaction as the outbox rows.
CREATE TABLE newcomer_welcomes (
    member_id  INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    house_id   INTEGER NOT NULL REFERENCES houses (id),
    started_at INTEGER NOT NULL,
    step       INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER,
    skipped_at INTEGER
) STRICT;

CREATE INDEX newcomer_welcomes_due ON newcomer_welcomes (next_at) WHERE next_at IS NOT NULL;

-- One person's turn at a chore. chore is the chore's key (from its name in
-- the config), name its name at the time; status is open until done, or
-- lapsed when the chore's next turn comes round.
CREATE TABLE chore_assignments (
    id            INTEGER PRIMARY KEY,
    house_id      INTEGER NOT NULL REFERENCES houses (id),
    chore         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    scheduled_for INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'done', 'lapsed')),
    assigned_at   INTEGER NOT NULL,
    done_at       INTEGER,
    swapped_from  INTEGER REFERENCES members (id) ON DELETE SET NULL
) STRICT;

CREATE INDEX chore_assignments_open ON chore_assignments (house_id, chore) WHERE status = 'open';
CREATE INDEX chore_assignments_by_house ON chore_assignments (house_id, scheduled_for);
CREATE INDEX chore_assignments_by_member ON chore_assignments (member_id);
CREATE INDEX chore_assignments_by_swapped ON chore_assignments (swapped_from) WHERE swapped_from IS NOT NULL;

-- A request to swap a turn; the first housemate to accept takes it.
CREATE TABLE chore_swaps (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES chore_assignments (id) ON DELETE CASCADE,
    from_member   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'taken')),
    created_at    INTEGER NOT NULL,
    taken_by      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    taken_at      INTEGER
) STRICT;

-- At most one open request per turn.
CREATE UNIQUE INDEX chore_swaps_one_open ON chore_swaps (assignment_id) WHERE status = 'open';
CREATE INDEX chore_swaps_by_from ON chore_swaps (from_member);
CREATE INDEX chore_swaps_by_taker ON chore_swaps (taken_by) WHERE taken_by IS NOT NULL;

-- How many turns of a chore each member has had, for the fair rotation.
-- A member's first row starts level with the least-assigned, so a
-- newcomer is not handed every turn until they "catch up".
CREATE TABLE chore_tallies (
    house_id  INTEGER NOT NULL REFERENCES houses (id),
    chore     TEXT    NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    turns     INTEGER NOT NULL,
    last_at   INTEGER,
    PRIMARY KEY (house_id, chore, member_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX chore_tallies_by_member ON chore_tallies (member_id);
