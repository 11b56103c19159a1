-- 0009: forms kept for buttons.
--
-- When a platform shows a form as a button rather than opening it at once
-- (Discord: "Fix my answers" after a submit with field errors, "Open the
-- form" after a late answer), the core keeps the form here and the button
-- carries the row's id, so it still works after a restart.
--
-- form_json is the form with its prefilled values, which for a form to fix
-- are what the resident typed and nothing else stores: erasure deletes the
-- rows (storage.EraseMember), export lists them, and rows older than the
-- core's time-to-live (two hours) are ignored and pruned by the tick.
CREATE TABLE form_drafts (
    id         INTEGER PRIMARY KEY,
    platform   TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    house_id   INTEGER NOT NULL REFERENCES houses (id),
    form_json  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- The tick prunes expired forms, oldest first.
CREATE INDEX form_drafts_by_created ON form_drafts (created_at);
-- Erasure and export find a person's kept forms.
CREATE INDEX form_drafts_by_user ON form_drafts (platform, user_id);
