package bot

import (
	"context"
	"time"
)

// Goal statuses. A removed goal is deleted with its progress.
const (
	GoalActive = "active"
	GoalDone   = "done"
)

// Goal is one of a resident's recovery goals.
type Goal struct {
	ID       int64  `json:"-"`
	HouseID  int64  `json:"-"`
	MemberID int64  `json:"-"`
	Text     string `json:"text"`
	Status   string `json:"status"`
	// Shared lets the resident's mentor (the other side of their active
	// mentoring agreement) read the goal and its progress.
	Shared    bool      `json:"shared_with_mentor"`
	CreatedAt time.Time `json:"created_at"`
	DoneAt    time.Time `json:"done_at"`
	// Redacted is set once retention removed the text of a done goal.
	Redacted bool `json:"redacted"`
}

// GoalCheck is one ask about a goal, and the resident's answer.
type GoalCheck struct {
	ID     int64 `json:"-"`
	GoalID int64 `json:"-"`
	// AskedFor is the scheduled time of the ask; it keys the row.
	AskedFor time.Time `json:"asked_for"`
	AskedAt  time.Time `json:"asked_at"`
	// Rating is 1-5, 0 while unanswered.
	Rating int `json:"rating"`
	// Note is the optional free text, redacted after retention.
	Note       string    `json:"note"`
	AnsweredAt time.Time `json:"answered_at"`
	Redacted   bool      `json:"redacted"`
}

// GoalProgress is a goal with its recent checks, newest first.
type GoalProgress struct {
	Goal   *Goal       `json:"goal"`
	Checks []GoalCheck `json:"checks"`
}

// GoalTx stores recovery goals, their progress and how often a resident
// is asked. Reads of another member's goals go through GoalProgress, which
// takes the reader and enforces sharing in the query.
type GoalTx interface {
	// AddGoal stores g and sets g.ID.
	AddGoal(ctx context.Context, g *Goal) error
	// UpdateGoal saves g's status, sharing and done time.
	UpdateGoal(ctx context.Context, g *Goal) error
	// DeleteGoal deletes a goal and its progress.
	DeleteGoal(ctx context.Context, id int64) error
	// GoalByID returns a goal, or ErrNotFound.
	GoalByID(ctx context.Context, id int64) (*Goal, error)
	// OwnGoals lists a member's goals, active ones first, oldest first.
	OwnGoals(ctx context.Context, memberID int64) ([]*Goal, error)
	// ActiveGoals lists a house's active goals of active members, by
	// member and then age.
	ActiveGoals(ctx context.Context, houseID int64) ([]*Goal, error)
	// GoalCadence returns how often, in weeks, a member is asked (0:
	// never); 1 when they never chose.
	GoalCadence(ctx context.Context, memberID int64) (int, error)
	// SetGoalCadence stores how often a member is asked.
	SetGoalCadence(ctx context.Context, memberID int64, weeks int, at time.Time) error
	// LastGoalAsk returns the latest scheduled ask about any of a member's
	// goals; the zero time when there was none.
	LastGoalAsk(ctx context.Context, memberID int64) (time.Time, error)
	// CreateGoalCheck stores c for goal and sets c.ID; ErrDuplicate when
	// that goal was already asked about for c.AskedFor.
	CreateGoalCheck(ctx context.Context, c *GoalCheck) error
	// GoalCheckByID returns a check, or ErrNotFound.
	GoalCheckByID(ctx context.Context, id int64) (*GoalCheck, error)
	// AnswerGoalCheck records a check's rating and, when note is not nil,
	// its note.
	AnswerGoalCheck(ctx context.Context, id int64, rating int, note *string, at time.Time) error
	// GoalProgress returns a member's goals with their checks since since,
	// as reader (a member id) may see them: all of them for the member
	// themself; for anyone else, only shared goals, and only when reader is
	// the mentor of the member's active mentoring agreement. Anyone else
	// gets none.
	GoalProgress(ctx context.Context, memberID, reader int64, since time.Time) ([]*GoalProgress, error)
	// ResidentsWithGoals counts a house's members with a goal that was
	// active at some time in [from, to): set before to, and not done (or
	// done at or after from).
	ResidentsWithGoals(ctx context.Context, houseID int64, from, to time.Time) (int, error)
	// RedactGoals removes the text of a house's goals done before before
	// and the notes written before before, up to limit rows of each, and
	// returns how many rows it redacted.
	RedactGoals(ctx context.Context, houseID int64, before time.Time, limit int) (int, error)
}
