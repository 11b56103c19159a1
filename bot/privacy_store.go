package bot

import (
	"context"
	"time"
)

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
	// PartnerPingsMutedUntil is until when they muted pings about their
	// partner's missed check-ins; null when they have not.
	PartnerPingsMutedUntil *time.Time `json:"partner_pings_muted_until"`
	// ReachOuts are their check-in requests for someone to reach out, and
	// whether a House Mentor took each.
	ReachOuts []ExportedRecord `json:"reach_out_requests"`
	// FormInProgress is a form they started in the house and have not
	// finished (a DM check-in, say), with the answers given so far; null
	// when there is none.
	FormInProgress *FormInProgress `json:"form_in_progress"`
	// FormsKept are forms kept for a button that opens them again, such
	// as the form to fix after a submit was refused, with what was typed.
	FormsKept []FormInProgress `json:"forms_kept"`
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

// PrivacyTx stores what the privacy features need: the resident's data
// for export and erasure, and retention.
type PrivacyTx interface {
	// ExportMember returns everything stored about a member.
	ExportMember(ctx context.Context, memberID int64) (*MemberData, error)
	// EraseMember deletes a member's answers, misses, granted roles,
	// form in progress in the house and profile. Rounds and past digests
	// keep only their counts. The outbox messages to them or about them
	// (OutboxMessage.About) are deleted if not delivered yet, and emptied
	// of text and of them if delivered; their crisis alerts stay as an
	// anonymous count and are never escalated.
	EraseMember(ctx context.Context, memberID int64) error
	// AnswersToRedact lists up to limit answers of a house given before
	// before whose free text has not been redacted yet, oldest first.
	AnswersToRedact(ctx context.Context, houseID int64, before time.Time, limit int) ([]*Answer, error)
	// PruneEnded clears what has served its purpose in a house: the
	// reasons and authors of pauses over at now, mutes of partner pings
	// over at now, and requests for someone to reach out made before
	// before (the answer keeps the count).
	PruneEnded(ctx context.Context, houseID int64, before, now time.Time) (int, error)
	// PruneOutbox deletes up to limit of a house's delivered or failed
	// messages created before before, and returns how many: their text
	// (shares, DMs) is kept no longer than the answers it came from.
	PruneOutbox(ctx context.Context, houseID int64, before time.Time, limit int) (int, error)
}
