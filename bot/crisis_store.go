package bot

import (
	"context"
	"time"
)

// CrisisAlert is one request for a House Mentor to reach out to a resident
// in crisis. It holds no text the resident wrote.
type CrisisAlert struct {
	ID      int64
	HouseID int64
	// UserID and Name are the resident's platform id and display name.
	UserID, Name string
	// Kind says why the mentors were alerted; the zero value is AlertDanger.
	Kind      AlertKind
	CreatedAt time.Time
	// AckedAt and AckedBy say which mentor pressed "I'm on it", and when.
	AckedAt time.Time
	AckedBy string
	// EscalatedAt is when the operators were alerted, for want of an ack.
	EscalatedAt time.Time
}

// AlertKind says why House Mentors were asked to reach out. It decides the
// words of every message about the alert, never its content: no alert holds
// what the resident wrote.
type AlertKind string

// The kinds of alert.
const (
	// AlertDanger: the resident said yes to a House Mentor after words of
	// danger. It is the zero value's meaning too.
	AlertDanger AlertKind = "danger"
	// AlertAuto: the house alerts its mentors on words of danger without
	// asking (alert = "always"), as its consent text says.
	AlertAuto AlertKind = "auto"
	// AlertReachOut: the resident asked for a House Mentor after a relapse
	// or a craving. Its messages say only that they asked for someone to
	// reach out: a disclosed relapse can cost a bed.
	AlertReachOut AlertKind = "reach_out"
)

// Urgent reports whether the alert is about danger (and so its messages
// carry the house's emergency resources).
func (k AlertKind) Urgent() bool { return k != AlertReachOut }

// CrisisTx stores the crisis alerts: a House Mentor asked to reach out,
// the first "I'm on it", and the escalation to operators when nobody
// answers. An alert holds no words of the resident's.
type CrisisTx interface {
	// CreateCrisisAlert inserts a and sets a.ID.
	CreateCrisisAlert(ctx context.Context, a *CrisisAlert) error
	// CrisisAlertByID returns an alert, or ErrNotFound.
	CrisisAlertByID(ctx context.Context, id int64) (*CrisisAlert, error)
	// AckCrisisAlert records the first acknowledgement; it reports false
	// when the alert was already acknowledged.
	AckCrisisAlert(ctx context.Context, id int64, by string, at time.Time) (bool, error)
	// DueEscalations lists the unacknowledged, unescalated alerts of every
	// house created at or before before, oldest first, except erased ones
	// (UserID ErasedUser): the tick's one read for escalations.
	DueEscalations(ctx context.Context, before time.Time) ([]*CrisisAlert, error)
	// MarkEscalated records that the operators were alerted.
	MarkEscalated(ctx context.Context, id int64, at time.Time) error
	// OpenCrisisAlert returns a resident's latest unacknowledged alert in a
	// house created at or after since; ErrNotFound if there is none.
	OpenCrisisAlert(ctx context.Context, houseID int64, userID string, since time.Time) (*CrisisAlert, error)
	// OpenCrisisAlerts lists a house's unacknowledged alerts created at or
	// after since, newest first, at most limit: never one withdrawn by
	// erasure (UserID ErasedUser), and with escalatedOnly only those sent
	// on to the operators.
	OpenCrisisAlerts(ctx context.Context, houseID int64, since time.Time, escalatedOnly bool, limit int) ([]*CrisisAlert, error)
}
