-- 0018: the language a member chose for their private messages
-- (/language); '' follows the house's.
ALTER TABLE members ADD COLUMN locale TEXT NOT NULL DEFAULT '';
