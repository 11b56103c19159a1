package bot

import (
	"context"
	"time"
)

// Chore assignment statuses.
const (
	ChoreOpen   = "open"
	ChoreDone   = "done"
	ChoreLapsed = "lapsed"
)

// ChoreAssignment is one person's turn at a chore.
type ChoreAssignment struct {
	ID      int64
	HouseID int64
	// Chore is the chore's key (ChoreKey of its name); Name is its name
	// when it was assigned.
	Chore, Name  string
	MemberID     int64
	ScheduledFor time.Time
	// Status is ChoreOpen, ChoreDone or ChoreLapsed (the next turn came
	// round before it was marked done).
	Status     string
	AssignedAt time.Time
	DoneAt     time.Time
	// SwappedFrom is the member who handed the turn over, 0 if none.
	SwappedFrom int64
}

// ChoreSwap is a request to swap a turn; the first to accept takes it.
type ChoreSwap struct {
	ID           int64
	AssignmentID int64
	FromMember   int64
	// Status is "open" or "taken".
	Status    string
	CreatedAt time.Time
	TakenBy   int64
	TakenAt   time.Time
}

// ChoreTally is how many turns of one chore a member has had.
type ChoreTally struct {
	MemberID int64
	Turns    int
	// Last is when they last had the chore; zero if never.
	Last time.Time
}

// ChoreTx stores chore turns, swaps and tallies.
type ChoreTx interface {
	// ChoreTallies returns a house's tallies of a chore, by member.
	ChoreTallies(ctx context.Context, houseID int64, chore string) (map[int64]ChoreTally, error)
	// SetChoreTally stores a member's tally of a chore.
	SetChoreTally(ctx context.Context, houseID int64, chore string, t ChoreTally) error
	// LapseChore marks a chore's open turns in a house lapsed.
	LapseChore(ctx context.Context, houseID int64, chore string) error
	// CreateChoreAssignment stores a and sets a.ID.
	CreateChoreAssignment(ctx context.Context, a *ChoreAssignment) error
	// ChoreAssignmentByID returns a turn, or ErrNotFound.
	ChoreAssignmentByID(ctx context.Context, id int64) (*ChoreAssignment, error)
	// UpdateChoreAssignment saves a's member, status, done time and swap.
	UpdateChoreAssignment(ctx context.Context, a *ChoreAssignment) error
	// OpenChoreAssignments lists a house's open turns, oldest first.
	OpenChoreAssignments(ctx context.Context, houseID int64) ([]*ChoreAssignment, error)
	// ChoreAssignmentsBetween lists a house's turns scheduled in [from, to),
	// oldest first.
	ChoreAssignmentsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*ChoreAssignment, error)
	// CreateChoreSwap stores s and sets s.ID; ErrDuplicate when the turn
	// already has an open request.
	CreateChoreSwap(ctx context.Context, s *ChoreSwap) error
	// ChoreSwapByID returns a swap request, or ErrNotFound.
	ChoreSwapByID(ctx context.Context, id int64) (*ChoreSwap, error)
	// TakeChoreSwap records the first acceptance only; false when the
	// request was already taken.
	TakeChoreSwap(ctx context.Context, id, by int64, at time.Time) (bool, error)
}
