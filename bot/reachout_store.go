package bot

import (
	"context"
	"time"
)

// ReachOut is a resident's request, in a check-in, for someone to reach
// out. The first House Mentor to press "I'm on it" takes it. It holds
// nothing the resident wrote.
type ReachOut struct {
	ID       int64
	HouseID  int64
	RoundID  int64
	MemberID int64
	// CreatedAt is when they asked; TakenAt and TakenBy (a platform user
	// id) say who pressed "I'm on it" first, and when.
	CreatedAt time.Time
	TakenAt   time.Time
	TakenBy   string
}

// ReachOutNotice is the message one House Mentor got about a reach-out: the
// outbox id it was sent as, to edit it once someone takes the request.
type ReachOutNotice struct {
	UserID string
	// Outbox is 0 once retention pruned the message.
	Outbox int64
}

// ReachOutTx stores reach-out requests and the House Mentors' notices of
// them.
type ReachOutTx interface {
	// CreateReachOut stores q and sets q.ID; ErrDuplicate when the member
	// already asked in that round.
	CreateReachOut(ctx context.Context, q *ReachOut) error
	// ReachOutByID returns a request, or ErrNotFound.
	ReachOutByID(ctx context.Context, id int64) (*ReachOut, error)
	// TakeReachOut records the first "I'm on it"; false when someone took
	// it already.
	TakeReachOut(ctx context.Context, id int64, by string, at time.Time) (bool, error)
	// AddReachOutNotice records the outbox id of a House Mentor's notice.
	AddReachOutNotice(ctx context.Context, id int64, userID string, outboxID int64) error
	// ReachOutNotices lists a request's notices, by user id.
	ReachOutNotices(ctx context.Context, id int64) ([]ReachOutNotice, error)
}
