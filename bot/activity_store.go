package bot

import (
	"context"
	"time"
)

// Activity is one occurrence of a sober activity.
type Activity struct {
	ID      int64
	HouseID int64
	// SeriesID is the first occurrence's id for a weekly activity, 0 for a
	// one-off.
	SeriesID              int64
	Title, Place, Details string
	StartsAt, EndsAt      time.Time
	// Capacity is the most people going; 0 means no limit.
	Capacity int
	// Repeat is "none" or "weekly".
	Repeat string
	// Status is "scheduled", "skipped" or "cancelled".
	Status    string
	CreatedBy string
	CreatedAt time.Time
	// Post is the outbox id of the announcement in the house channel.
	Post int64
	// Event is the outbox id of the message that created the platform's
	// calendar event mirroring it (a Discord scheduled event), 0 if none.
	Event int64
	// RemindedAt, StartedAt and EndedAt record the time-driven steps done.
	RemindedAt, StartedAt, EndedAt time.Time
}

// RSVP statuses.
const (
	RSVPGoing    = "going"
	RSVPMaybe    = "maybe"
	RSVPCant     = "cant"
	RSVPWaitlist = "waitlist"
)

// RSVP is a member's answer to an activity.
type RSVP struct {
	ActivityID, MemberID int64
	Status               string
	UpdatedAt            time.Time
}

// ActivityTx stores activities, RSVPs and attendance.
type ActivityTx interface {
	// CreateActivity stores a and sets a.ID.
	CreateActivity(ctx context.Context, a *Activity) error
	// UpdateActivity saves a's fields.
	UpdateActivity(ctx context.Context, a *Activity) error
	// ActivityByID returns an activity, or ErrNotFound.
	ActivityByID(ctx context.Context, id int64) (*Activity, error)
	// UpcomingActivities lists a house's scheduled activities that have not
	// ended by now, soonest first.
	UpcomingActivities(ctx context.Context, houseID int64, now time.Time) ([]*Activity, error)
	// PendingActivities lists scheduled activities of every house, not yet
	// ended, starting at or before before: the tick's work.
	PendingActivities(ctx context.Context, before time.Time) ([]*Activity, error)
	// ActivitiesBetween lists a house's activities starting in [from, to).
	ActivitiesBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*Activity, error)
	// SetRSVP stores a member's answer.
	SetRSVP(ctx context.Context, v RSVP) error
	// RSVPs lists an activity's answers, oldest change first.
	RSVPs(ctx context.Context, activityID int64) ([]RSVP, error)
	// RecordAttendance records that a member came; false when it was
	// already recorded.
	RecordAttendance(ctx context.Context, activityID, memberID int64, source string, at time.Time) (bool, error)
	// Attendance lists the members recorded as having come.
	Attendance(ctx context.Context, activityID int64) ([]int64, error)
}
