-- 0027: the digest's trend (AggregateAnswers) sums eight weeks of a
-- house's answers and misses. Found round by round (0026), a round's
-- answers and misses lie in a page shared with the rounds that opened at
-- the same minute in every other house, so a year's eight weeks read some
-- 200 pages for one house, each again after every write (a read
-- connection's cache starts empty once the writer has written).
--
-- checkin_trend holds, for every answer and every miss, the columns the
-- trend reads, clustered by house and time: a house's week is a few
-- neighbouring pages. Triggers keep it, in the transaction of every write
-- to the answers, the misses and the rounds; a row leaves it with its
-- answer, its miss or its round (an erased member's answers and misses
-- are deleted, and the triggers delete their copies). An answer whose
-- mood, visibility and hold did not change (an edit of its words, a
-- redaction) does not write it. The answers' index for the trend (0026)
-- gives way to it.
CREATE TABLE checkin_trend (
    house_id      INTEGER NOT NULL,
    scheduled_for INTEGER NOT NULL,
    round_id      INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    -- kind is 'answer' or 'miss'.
    kind          TEXT    NOT NULL,
    -- An answer's mood, visibility and hold (share_held); NULL for a miss.
    mood          INTEGER,
    visibility    TEXT,
    share_held    INTEGER,
    -- A miss's status ('missed', 'paused'); NULL for an answer.
    miss_status   TEXT,
    PRIMARY KEY (house_id, scheduled_for, round_id, member_id, kind)
) STRICT, WITHOUT ROWID;

INSERT INTO checkin_trend (house_id, scheduled_for, round_id, member_id, kind, mood, visibility, share_held)
    SELECT r.house_id, r.scheduled_for, a.round_id, a.member_id, 'answer', a.mood, a.visibility, a.share_held
    FROM checkin_answers a JOIN checkin_rounds r ON r.id = a.round_id;
INSERT INTO checkin_trend (house_id, scheduled_for, round_id, member_id, kind, miss_status)
    SELECT r.house_id, r.scheduled_for, m.round_id, m.member_id, 'miss', m.status
    FROM checkin_misses m JOIN checkin_rounds r ON r.id = m.round_id;

CREATE TRIGGER checkin_trend_answer_added AFTER INSERT ON checkin_answers BEGIN
    INSERT INTO checkin_trend (house_id, scheduled_for, round_id, member_id, kind, mood, visibility, share_held)
        SELECT r.house_id, r.scheduled_for, NEW.round_id, NEW.member_id, 'answer', NEW.mood, NEW.visibility, NEW.share_held
        FROM checkin_rounds r WHERE r.id = NEW.round_id;
END;

CREATE TRIGGER checkin_trend_answer_changed AFTER UPDATE OF mood, visibility, share_held ON checkin_answers
WHEN OLD.mood IS NOT NEW.mood OR OLD.visibility IS NOT NEW.visibility OR OLD.share_held IS NOT NEW.share_held BEGIN
    UPDATE checkin_trend SET mood = NEW.mood, visibility = NEW.visibility, share_held = NEW.share_held
        WHERE (house_id, scheduled_for) = (SELECT house_id, scheduled_for FROM checkin_rounds WHERE id = NEW.round_id)
            AND round_id = NEW.round_id AND member_id = NEW.member_id AND kind = 'answer';
END;

-- An answer deleted with its round finds no round here: the round's own
-- trigger below deletes the round's rows.
CREATE TRIGGER checkin_trend_answer_deleted AFTER DELETE ON checkin_answers BEGIN
    DELETE FROM checkin_trend
        WHERE (house_id, scheduled_for) = (SELECT house_id, scheduled_for FROM checkin_rounds WHERE id = OLD.round_id)
            AND round_id = OLD.round_id AND member_id = OLD.member_id AND kind = 'answer';
END;

CREATE TRIGGER checkin_trend_miss_added AFTER INSERT ON checkin_misses BEGIN
    INSERT INTO checkin_trend (house_id, scheduled_for, round_id, member_id, kind, miss_status)
        SELECT r.house_id, r.scheduled_for, NEW.round_id, NEW.member_id, 'miss', NEW.status
        FROM checkin_rounds r WHERE r.id = NEW.round_id;
END;

CREATE TRIGGER checkin_trend_miss_changed AFTER UPDATE OF status ON checkin_misses
WHEN OLD.status IS NOT NEW.status BEGIN
    UPDATE checkin_trend SET miss_status = NEW.status
        WHERE (house_id, scheduled_for) = (SELECT house_id, scheduled_for FROM checkin_rounds WHERE id = NEW.round_id)
            AND round_id = NEW.round_id AND member_id = NEW.member_id AND kind = 'miss';
END;

CREATE TRIGGER checkin_trend_miss_deleted AFTER DELETE ON checkin_misses BEGIN
    DELETE FROM checkin_trend
        WHERE (house_id, scheduled_for) = (SELECT house_id, scheduled_for FROM checkin_rounds WHERE id = OLD.round_id)
            AND round_id = OLD.round_id AND member_id = OLD.member_id AND kind = 'miss';
END;

-- The copies are found by their round's house and time, which never
-- change (UpdateRound writes neither); this keeps it so.
CREATE TRIGGER checkin_rounds_key_fixed BEFORE UPDATE OF house_id, scheduled_for ON checkin_rounds
WHEN OLD.house_id IS NOT NEW.house_id OR OLD.scheduled_for IS NOT NEW.scheduled_for BEGIN
    SELECT RAISE(ABORT, 'a check-in round''s house and time never change');
END;

CREATE TRIGGER checkin_trend_round_deleted AFTER DELETE ON checkin_rounds BEGIN
    DELETE FROM checkin_trend WHERE house_id = OLD.house_id AND scheduled_for = OLD.scheduled_for AND round_id = OLD.id;
END;

DROP INDEX checkin_answers_trend;
