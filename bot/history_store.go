package bot

import (
	"context"
	"time"
)

// ResidentCheckin is one round of a resident's history, as one reader may
// see it: whether they answered or why not, always (staff see completion);
// the mood only when the answer's visibility lets the reader read it.
type ResidentCheckin struct {
	RoundID      int64
	ScheduledFor time.Time
	// Answered is true when the resident answered; otherwise Miss says why
	// not ("" while the round is open).
	Answered bool
	Miss     MissStatus
	// ReachOut is true when the answer asked for someone to reach out:
	// a request House Mentors are told of whatever the visibility.
	ReachOut bool
	// Visible says the reader may read the answer; Mood is 0 otherwise.
	Visible bool
	Mood    int
}

// HistoryTx reads one resident's check-ins for /history. The visibility
// rule is in the query, the same one RoundAnswers applies.
type HistoryTx interface {
	// ResidentCheckins lists the rounds of the member's house scheduled in
	// [from, to) that the member answered or was recorded as missing or
	// paused, oldest first, with moods only where v may read them.
	ResidentCheckins(ctx context.Context, memberID int64, from, to time.Time, v Viewer) ([]ResidentCheckin, error)
}
