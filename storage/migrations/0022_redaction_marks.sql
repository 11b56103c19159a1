-- 0022: the nightly redaction of check-in answers read every round of a
-- house older than its retention period, one index lookup a round, every
-- night, so its cost grew with the days of history. A house's mark says
-- that every round scheduled before it is closed (or skipped) and holds no
-- unredacted answer; redaction reads the rounds from the mark on
-- (AnswersToRedact), and a night that finds nothing to redact moves the
-- mark up to the first round that is still open or holds an unredacted
-- answer. That is safe because only open rounds take new answers, and
-- saving an answer again keeps its redaction. It holds no member's data.
CREATE TABLE redaction_marks (
    house_id      INTEGER PRIMARY KEY REFERENCES houses (id) ON DELETE CASCADE,
    rounds_before INTEGER NOT NULL
) STRICT;

-- Each house starts at its first round still open or holding an
-- unredacted answer, or past its last round when there is none, so that
-- the first night after the upgrade does not read the whole history
-- either.
INSERT INTO redaction_marks (house_id, rounds_before)
SELECT r.house_id, MIN(r.scheduled_for) FROM checkin_rounds r
WHERE r.status = 'open' OR EXISTS (SELECT 1 FROM checkin_answers a WHERE a.round_id = r.id AND a.redacted_at IS NULL)
GROUP BY r.house_id;
INSERT OR IGNORE INTO redaction_marks (house_id, rounds_before)
SELECT house_id, MAX(scheduled_for) + 1 FROM checkin_rounds GROUP BY house_id;
