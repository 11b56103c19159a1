-- 0008: forms in progress.
--
-- A conversation is a form a platform user is filling in: asked one
-- question at a time (a DM check-in) or shown as modal pages. There is at
-- most one per platform user. Each step reads and rewrites the row inside
-- the event's transaction, so a restart resumes it and a rolled-back step
-- leaves the previous state.
--
-- values_json holds the answers so far, free text included: erasure deletes
-- the row (storage.EraseMember), export lists it, and rows older than the
-- core's time-to-live (two hours) are ignored and pruned by the tick.
-- fields_json is the form's questions as they were asked, without values.
CREATE TABLE conversations (
    platform    TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    house_id    INTEGER NOT NULL REFERENCES houses (id),
    form_id     TEXT    NOT NULL,
    fields_json TEXT    NOT NULL,
    values_json TEXT    NOT NULL,
    next_field  INTEGER NOT NULL CHECK (next_field >= 0),
    paged       INTEGER NOT NULL CHECK (paged IN (0, 1)),
    page_limit  INTEGER NOT NULL DEFAULT 0,
    concern     INTEGER NOT NULL DEFAULT 0,
    started_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
) STRICT;

-- The tick prunes expired conversations, oldest first.
CREATE INDEX conversations_by_start ON conversations (started_at);
