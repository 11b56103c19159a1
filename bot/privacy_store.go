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

// MemberData is everything stored about one member, for /mydata export.
type MemberData struct {
	Member  *Member   `json:"member"`
	Answers []*Answer `json:"checkin_answers"`
	// Misses are the rounds they did not answer, as scheduled times.
	Misses []time.Time `json:"checkin_misses"`
	// Roles are the roles granted to them in chat.
	Roles []string `json:"granted_roles"`
	// SoberDates is their sober-date history.
	SoberDates []*SoberDate `json:"sober_dates"`
	// MilestonesShared and Celebrations: their choice and what was
	// celebrated.
	MilestonesShared bool             `json:"milestones_shared"`
	Celebrations     []ExportedRecord `json:"milestones_celebrated"`
	// Activities are their answers to activities and whether they came.
	Activities []ExportedRecord `json:"activities"`
	// Partnerships are when they were paired and unpaired (not with whom:
	// that is the partner's data too).
	Partnerships    []ExportedRecord `json:"partnerships"`
	PartnerPingsOff bool             `json:"partner_pings_off"`
	// FormInProgress is a form they started in the house and have not
	// finished (a DM check-in, say), with the answers given so far; null
	// when there is none.
	FormInProgress *FormInProgress `json:"form_in_progress"`
}

// FormInProgress is a stored, unfinished form, as exported.
type FormInProgress struct {
	Form      string            `json:"form"`
	StartedAt time.Time         `json:"started_at"`
	Values    map[string]string `json:"values"`
}

// ExportedRecord is one dated line of an export.
type ExportedRecord struct {
	What   string    `json:"what"`
	At     time.Time `json:"at"`
	Status string    `json:"status,omitempty"`
}

// AuditRow is an audit entry as read back, with its id.
type AuditRow struct {
	ID int64
	AuditEntry
}

// PrivacyTx stores what the privacy features need: crisis alerts, the
// resident's data for export and erasure, and retention.
type PrivacyTx interface {
	// CreateCrisisAlert inserts a and sets a.ID.
	CreateCrisisAlert(ctx context.Context, a *CrisisAlert) error
	// CrisisAlertByID returns an alert, or ErrNotFound.
	CrisisAlertByID(ctx context.Context, id int64) (*CrisisAlert, error)
	// AckCrisisAlert records the first acknowledgement; it reports false
	// when the alert was already acknowledged.
	AckCrisisAlert(ctx context.Context, id int64, by string, at time.Time) (bool, error)
	// DueEscalations lists unacknowledged, unescalated alerts of a house
	// created at or before before.
	DueEscalations(ctx context.Context, houseID int64, before time.Time) ([]*CrisisAlert, error)
	// MarkEscalated records that the operators were alerted.
	MarkEscalated(ctx context.Context, id int64, at time.Time) error
	// OpenCrisisAlert returns a resident's latest unacknowledged alert in a
	// house created at or after since; ErrNotFound if there is none.
	OpenCrisisAlert(ctx context.Context, houseID int64, userID string, since time.Time) (*CrisisAlert, error)
	// ExportMember returns everything stored about a member.
	ExportMember(ctx context.Context, memberID int64) (*MemberData, error)
	// EraseMember deletes a member's answers, misses, granted roles,
	// form in progress in the house and profile. Rounds and past digests
	// keep only their counts.
	EraseMember(ctx context.Context, memberID int64) error
	// AnswersToRedact lists up to limit answers of a house given before
	// before whose free text has not been redacted yet, oldest first.
	AnswersToRedact(ctx context.Context, houseID int64, before time.Time, limit int) ([]*Answer, error)
	// PruneOutbox deletes a house's delivered or failed messages created
	// before before: their text (shares, DMs) is kept no longer than the
	// answers it came from.
	PruneOutbox(ctx context.Context, houseID int64, before time.Time) (int, error)
}
