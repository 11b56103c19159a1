-- 0001: the core's tables: houses, members and roles, processed events,
-- scheduled runs, the outbox, check-in rounds, answers and misses, audit.
--
-- Conventions: times are INTEGER unix seconds in UTC, NULL when unset;
-- references to optional rows are NULL when there is none; tables are
-- STRICT so a wrong type is an error, not a silent conversion.

CREATE TABLE houses (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    platform   TEXT    NOT NULL,
    workspace  TEXT    NOT NULL DEFAULT '',
    channel    TEXT    NOT NULL DEFAULT '',
    tz         TEXT    NOT NULL DEFAULT 'UTC',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- A member is a platform user who joined a house with consent. Erasing a
-- member deletes their answers and misses (ON DELETE CASCADE below).
CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    house_id     INTEGER NOT NULL REFERENCES houses (id),
    platform     TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    joined_at    INTEGER,
    consent_at   INTEGER,
    left_at      INTEGER,
    paused_until INTEGER,
    UNIQUE (house_id, user_id)
) STRICT;

CREATE INDEX members_by_user ON members (platform, user_id);

-- Roles granted in chat, one row per role: 'resident', 'mentor', …
-- Config roles (operators, config mentors) are not stored.
CREATE TABLE roles (
    house_id   INTEGER NOT NULL REFERENCES houses (id),
    user_id    TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    granted_by TEXT    NOT NULL DEFAULT '',
    granted_at INTEGER,
    PRIMARY KEY (house_id, user_id, role)
) STRICT, WITHOUT ROWID;

CREATE INDEX roles_by_role ON roles (house_id, role);

-- Inbound deliveries already handled, to drop platform redeliveries.
CREATE TABLE processed_events (
    platform    TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (platform, event_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX processed_events_by_time ON processed_events (received_at);

-- One row per execution of a scheduled house job; the key makes a second
-- run of the same occurrence a duplicate.
CREATE TABLE scheduled_runs (
    job           TEXT    NOT NULL,
    house_id      INTEGER NOT NULL REFERENCES houses (id),
    scheduled_for INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    ran_at        INTEGER,
    PRIMARY KEY (job, house_id, scheduled_for)
) STRICT, WITHOUT ROWID;

-- Outbound messages. payload is the JSON of bot.Outgoing and is what gets
-- sent; the target_* columns copy its target so that messages to a person
-- can be found (for export and erasure) without parsing JSON.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    house_id       INTEGER REFERENCES houses (id),
    platform       TEXT    NOT NULL,
    target_kind    TEXT    NOT NULL,
    target_channel TEXT    NOT NULL DEFAULT '',
    target_user    TEXT    NOT NULL DEFAULT '',
    payload        TEXT    NOT NULL,
    thread_of      INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    edit_of        INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    dedupe_key     TEXT    UNIQUE,
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        INTEGER,
    created_at     INTEGER,
    sent_at        INTEGER,
    ref_channel    TEXT    NOT NULL DEFAULT '',
    ref_id         TEXT    NOT NULL DEFAULT '',
    last_error     TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_thread_of ON outbox (thread_of) WHERE thread_of IS NOT NULL;
CREATE INDEX outbox_edit_of ON outbox (edit_of) WHERE edit_of IS NOT NULL;
CREATE INDEX outbox_target_user ON outbox (target_user) WHERE target_user <> '';

-- Check-in rounds, keyed by house, schedule index and scheduled time so a
-- restart never opens the same round twice.
CREATE TABLE checkin_rounds (
    id               INTEGER PRIMARY KEY,
    house_id         INTEGER NOT NULL REFERENCES houses (id),
    schedule         INTEGER NOT NULL,
    scheduled_for    INTEGER NOT NULL,
    opened_at        INTEGER,
    remind_at        INTEGER,
    closes_at        INTEGER,
    status           TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'skipped')),
    reminded_at      INTEGER,
    closed_at        INTEGER,
    prompt_outbox_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    UNIQUE (house_id, schedule, scheduled_for)
) STRICT;

-- OpenRounds: a house's rounds by status, newest first.
CREATE INDEX checkin_rounds_by_status ON checkin_rounds (house_id, status, scheduled_for);
-- RoundsBetween: a house's rounds by time.
CREATE INDEX checkin_rounds_by_time ON checkin_rounds (house_id, scheduled_for);
-- DueRounds: only the open rounds, which are few, by close time.
CREATE INDEX checkin_rounds_open ON checkin_rounds (closes_at) WHERE status = 'open';
CREATE INDEX checkin_rounds_prompt ON checkin_rounds (prompt_outbox_id) WHERE prompt_outbox_id IS NOT NULL;

-- One answer per member per round. visibility is who may read it; the
-- queries filter on it (see RoundAnswers).
CREATE TABLE checkin_answers (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES checkin_rounds (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    mood            INTEGER,
    reach_out       INTEGER NOT NULL DEFAULT 0 CHECK (reach_out IN (0, 1)),
    visibility      TEXT    NOT NULL CHECK (visibility IN ('private', 'mentors', 'house')),
    values_json     TEXT    NOT NULL DEFAULT '{}',
    source          TEXT    NOT NULL DEFAULT '',
    answered_at     INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    redacted_at     INTEGER,
    share_outbox_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    UNIQUE (round_id, member_id)
) STRICT;

CREATE INDEX checkin_answers_by_member ON checkin_answers (member_id, answered_at);
CREATE INDEX checkin_answers_share ON checkin_answers (share_outbox_id) WHERE share_outbox_id IS NOT NULL;

-- Residents with no answer when a round closed, and why.
CREATE TABLE checkin_misses (
    round_id  INTEGER NOT NULL REFERENCES checkin_rounds (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status    TEXT    NOT NULL,
    PRIMARY KEY (round_id, member_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX checkin_misses_by_member ON checkin_misses (member_id);

-- Staff reads of individual data, exports, erasures and consent changes.
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    house_id INTEGER REFERENCES houses (id),
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX audit_by_time ON audit (at);
