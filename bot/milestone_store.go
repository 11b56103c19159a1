package bot

import (
	"context"
	"time"
)

// SoberDate is one entry of a resident's sober-date history.
type SoberDate struct {
	ID       int64  `json:"-"`
	MemberID int64  `json:"-"`
	Date     string `json:"date"`
	// Kind is "set" (a first date or a correction) or "reset".
	Kind      string    `json:"kind"`
	SetAt     time.Time `json:"set_at"`
	ClearedAt time.Time `json:"cleared_at"`
}

// Celebration is a milestone celebrated for a resident.
type Celebration struct {
	MemberID  int64
	HouseID   int64
	SoberDate string
	// Milestone is a stable key ("90d", "6m", "2y"); Label reads well
	// ("90 days", "6 months", "2 years").
	Milestone, Label string
	// Shared is true when it was posted in the house channel.
	Shared bool
	At     time.Time
}

// MilestoneTx stores sober dates and celebrations.
type MilestoneTx interface {
	// AddSoberDate appends to a member's history; the newest uncleared
	// entry is the current date.
	AddSoberDate(ctx context.Context, d *SoberDate) error
	// CurrentSoberDate returns the member's current date, or ErrNotFound.
	CurrentSoberDate(ctx context.Context, memberID int64) (*SoberDate, error)
	// ClearSoberDate clears the current date, keeping the history.
	ClearSoberDate(ctx context.Context, memberID int64, at time.Time) error
	// SoberDates lists a member's history, oldest first.
	SoberDates(ctx context.Context, memberID int64) ([]*SoberDate, error)
	// SetMilestoneShare opts a member in or out of celebrations.
	SetMilestoneShare(ctx context.Context, memberID int64, on bool, at time.Time) error
	// MilestoneShare reports whether a member opted in.
	MilestoneShare(ctx context.Context, memberID int64) (bool, error)
	// RecordCelebration records c; false when it was already celebrated.
	RecordCelebration(ctx context.Context, c *Celebration) (bool, error)
	// SharedCelebrations lists a house's shared celebrations in [from, to).
	SharedCelebrations(ctx context.Context, houseID int64, from, to time.Time) ([]*Celebration, error)
}
