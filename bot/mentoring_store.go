package bot

import (
	"context"
	"time"
)

// Agreement statuses.
const (
	// AgreementProposed waits for the other side to confirm it.
	AgreementProposed = "proposed"
	// AgreementActive is in force: contacts are reminded and asked about.
	AgreementActive = "active"
	// AgreementEnded was ended by a side, declined, or replaced by a change.
	AgreementEnded = "ended"
)

// Contact outcomes.
const (
	ContactPending     = "pending"
	ContactHappened    = "happened"
	ContactMissed      = "missed"
	ContactRescheduled = "rescheduled"
	// ContactSkipped is a contact nobody was asked about: the agreement
	// ended first, or Porchlight was down for days.
	ContactSkipped = "skipped"
)

// Agreement is a mentoring agreement between a House Mentor and a resident,
// both members of the house.
type Agreement struct {
	ID      int64
	HouseID int64
	// MentorID and MenteeID are member ids.
	MentorID, MenteeID int64
	// EveryWeeks is how often they are in touch: 1, 2 or 4 weeks.
	EveryWeeks int
	// Mode is "call", "text" or "in person".
	Mode string
	// Weekday and Clock ("19:00") are when, in the house's time zone.
	Weekday time.Weekday
	Clock   string
	// Boundaries is free text only the two sides may read. Store methods
	// that take no reader leave it empty.
	Boundaries string
	Status     string
	// ProposedBy is the member id of the side that proposed it; the other
	// side confirms.
	ProposedBy int64
	// Replaces is the agreement a proposed change would replace, 0 if none.
	Replaces  int64
	CreatedAt time.Time
	AgreedAt  time.Time
	EndedAt   time.Time
	// EndReason is "ended", "declined", "changed", "withdrawn", "left" or
	// "role ended" (the mentor is no longer a House Mentor).
	EndReason string
	// NextContact is the next agreed contact not yet scheduled.
	NextContact time.Time
	Redacted    bool
}

// Other returns the member id of the side that is not memberID.
func (a *Agreement) Other(memberID int64) int64 {
	if memberID == a.MentorID {
		return a.MenteeID
	}
	return a.MentorID
}

// Party reports whether memberID is one of the two sides.
func (a *Agreement) Party(memberID int64) bool {
	return memberID != 0 && (memberID == a.MentorID || memberID == a.MenteeID)
}

// MentorContact is one agreed contact of an agreement.
type MentorContact struct {
	ID          int64
	AgreementID int64
	HouseID     int64
	DueAt       time.Time
	RemindedAt  time.Time
	AskedAt     time.Time
	Outcome     string
	// AnsweredBy is the member id of the side who said how it went.
	AnsweredBy int64
	AnsweredAt time.Time
}

// MentoringStats are a house's mentoring numbers for a period, for the
// digest: counts only, never who.
type MentoringStats struct {
	// Agreements counts agreements in force at some time in the period.
	Agreements int
	// Contacts counts agreed contacts due in the period (not skipped);
	// Unanswered are those nobody has said anything about yet.
	Contacts, Happened, Missed, Rescheduled, Unanswered int
}

// MentoringTx stores mentoring agreements and their contacts. Boundaries
// are read only through AgreementsFor, which takes the reader.
type MentoringTx interface {
	// CreateAgreement stores a and sets a.ID; ErrDuplicate when the mentee
	// already has an agreement with a's status (one active, one proposed).
	CreateAgreement(ctx context.Context, a *Agreement) error
	// UpdateAgreement saves a's status, dates, end reason and next
	// contact. Terms and boundaries never change: a change is a new
	// agreement that replaces the old one.
	UpdateAgreement(ctx context.Context, a *Agreement) error
	// AgreementByID returns an agreement without its boundaries, or
	// ErrNotFound.
	AgreementByID(ctx context.Context, id int64) (*Agreement, error)
	// AgreementsFor lists the proposed and active agreements in which
	// reader (a member id) is a side, boundaries included, oldest first.
	AgreementsFor(ctx context.Context, reader int64) ([]*Agreement, error)
	// AgreementsOfMentee lists the proposed and active agreements in which
	// a member is the mentee, without boundaries: who else mentors them is
	// what a new proposal must know, never what they agreed.
	AgreementsOfMentee(ctx context.Context, menteeID int64) ([]*Agreement, error)
	// DueAgreements lists active agreements (of any house) whose next
	// contact is at or before before, without boundaries.
	DueAgreements(ctx context.Context, before time.Time) ([]*Agreement, error)
	// CreateContact stores c and sets c.ID; ErrDuplicate when the
	// agreement already has a contact due then.
	CreateContact(ctx context.Context, c *MentorContact) error
	// UpdateContact saves c's reminder, ask and outcome.
	UpdateContact(ctx context.Context, c *MentorContact) error
	// ContactByID returns a contact, or ErrNotFound.
	ContactByID(ctx context.Context, id int64) (*MentorContact, error)
	// ContactsToAsk lists pending contacts (of any house) due at or before
	// before that nobody was asked about yet.
	ContactsToAsk(ctx context.Context, before time.Time) ([]*MentorContact, error)
	// AnswerContact records the first answer to a contact; false when it
	// was already answered or skipped.
	AnswerContact(ctx context.Context, id int64, outcome string, by int64, at time.Time) (bool, error)
	// ContactsOf lists an agreement's contacts due in [from, to), oldest first.
	ContactsOf(ctx context.Context, agreementID int64, from, to time.Time) ([]*MentorContact, error)
	// MentoringStats counts a house's agreements and contacts in [from, to).
	MentoringStats(ctx context.Context, houseID int64, from, to time.Time) (MentoringStats, error)
	// RedactBoundaries removes the boundaries of a house's agreements that
	// ended before before, up to limit of them, and returns how many.
	RedactBoundaries(ctx context.Context, houseID int64, before time.Time, limit int) (int, error)
}

// ExportedAgreement is one of a member's mentoring agreements, as
// exported: their side, the terms, the boundaries and how each contact
// went, but not who the other side is (that is their data too).
type ExportedAgreement struct {
	// Role is "mentor" or "mentee".
	Role       string           `json:"role"`
	EveryWeeks int              `json:"every_weeks"`
	Mode       string           `json:"mode"`
	Day        string           `json:"day"`
	Time       string           `json:"time"`
	Boundaries string           `json:"boundaries"`
	Status     string           `json:"status"`
	CreatedAt  time.Time        `json:"created_at"`
	AgreedAt   time.Time        `json:"agreed_at"`
	EndedAt    time.Time        `json:"ended_at"`
	Contacts   []ExportedRecord `json:"contacts"`
}
