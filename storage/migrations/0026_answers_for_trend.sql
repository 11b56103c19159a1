-- 0026: the digest's trend (AggregateAnswers) sums eight weeks of a
-- house's answers and misses, round by round. Through the rounds' time
-- index and the answers' (round_id, member_id) key alone, each round and
-- each answer cost a read of its row, which on a big history lies in a
-- page of its own among every other house's rows. These indexes hold
-- every column the trend reads: a week's rounds, and a round's answers,
-- side by side.
DROP INDEX checkin_rounds_by_time;
CREATE INDEX checkin_rounds_by_time ON checkin_rounds (house_id, scheduled_for, status);
CREATE INDEX checkin_answers_trend ON checkin_answers (round_id, member_id, mood, visibility, share_held);
