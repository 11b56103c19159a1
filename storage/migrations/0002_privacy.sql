-- Crisis alerts to House Mentors: who acknowledged them, and when an
-- unacknowledged one was escalated to the operators. The resident is kept
-- by platform user id, so an alert survives their erasure as a bare fact.
CREATE TABLE crisis_alerts (
    id           INTEGER PRIMARY KEY,
    house_id     INTEGER NOT NULL REFERENCES houses (id),
    user_id      TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    acked_at     INTEGER,
    acked_by     TEXT    NOT NULL DEFAULT '',
    escalated_at INTEGER
) STRICT;

CREATE INDEX crisis_alerts_open ON crisis_alerts (created_at) WHERE acked_at IS NULL AND escalated_at IS NULL;
