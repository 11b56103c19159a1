package bot

import (
	"context"
	"time"
)

// Welcome is where a newcomer is in their welcome sequence.
type Welcome struct {
	MemberID  int64
	HouseID   int64
	StartedAt time.Time
	// Step is the next step to send, 0 to len(welcomeSteps).
	Step int
	// NextAt is when Step is due; zero once finished or skipped.
	NextAt    time.Time
	SkippedAt time.Time
}

// NewcomerTx stores welcome sequences.
type NewcomerTx interface {
	// StartWelcome stores w; false when the member already had one (a
	// resident who left and came back is not welcomed twice).
	StartWelcome(ctx context.Context, w *Welcome) (bool, error)
	// WelcomeOf returns a member's welcome, or ErrNotFound.
	WelcomeOf(ctx context.Context, memberID int64) (*Welcome, error)
	// SaveWelcome saves w's step, next time and skip.
	SaveWelcome(ctx context.Context, w *Welcome) error
	// DueWelcomes lists welcomes of every house with a step due at now.
	DueWelcomes(ctx context.Context, now time.Time) ([]*Welcome, error)
}
