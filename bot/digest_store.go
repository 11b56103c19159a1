package bot

import (
	"context"
	"time"
)

// Miss is a resident without an answer in a closed round, and why.
type Miss struct {
	MemberID int64
	Status   MissStatus
}

// AnswerAggregate sums a house's answers over a period, private ones
// included. It holds no per-resident number; whether its average may be
// shown to a reader depends on the group sizes it reports (see houseMood).
type AnswerAggregate struct {
	Answers int
	// MoodSum and MoodCount give the average mood; MoodResidents is how
	// many different residents it averages over.
	MoodSum, MoodCount, MoodResidents int
	// HiddenResidents is how many of those residents gave a mood the
	// reader may not see, and HiddenMoodValues how many different values
	// those hidden moods take.
	HiddenResidents, HiddenMoodValues int
	// Answered and Expected are the house's participation: the check-ins
	// answered in rounds that were not skipped, and those plus the misses
	// of residents who were not paused.
	Answered, Expected int
}

// DigestTx reads what the weekly digest reports. Per-resident answers are
// read through RoundAnswers with the reader as Viewer, so the digest shows
// only what the reader may see; everything here is counts or facts staff
// already receive (who answered, who asked for someone to reach out).
type DigestTx interface {
	// MembersBetween lists a house's members whose membership overlaps
	// [from, to), joined or left, in join order.
	MembersBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*Member, error)
	// RoundResponders lists the members who answered a round.
	RoundResponders(ctx context.Context, roundID int64) ([]int64, error)
	// RoundMisses lists a closed round's misses.
	RoundMisses(ctx context.Context, roundID int64) ([]Miss, error)
	// AggregateAnswers sums a house's answers to rounds scheduled in
	// [from, to), counts the moods among them that v may not read (by the
	// same rule as RoundAnswers), and counts the check-ins answered and
	// expected: one week of the digest's trend, in one query.
	AggregateAnswers(ctx context.Context, houseID int64, from, to time.Time, v Viewer) (AnswerAggregate, error)
	// ReachOutRequests counts, per member, answers to rounds scheduled in
	// [from, to) that asked for someone to reach out.
	ReachOutRequests(ctx context.Context, houseID int64, from, to time.Time) (map[int64]int, error)
	// CrisisAlertsBetween lists a house's crisis alerts created in [from, to).
	CrisisAlertsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*CrisisAlert, error)
	// PairsBetween lists a house's pairs that existed during [from, to).
	PairsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*Pair, error)
	// PairContactDays counts the days in [fromDay, toDay) a pair connected.
	PairContactDays(ctx context.Context, pairID int64, fromDay, toDay string) (int, error)
}
