package bot

import (
	"context"
	"encoding/json"
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
	// MentoringAgreements are their agreements as mentor or mentee, with
	// the boundaries and how each contact went (not who the other side is).
	MentoringAgreements []ExportedAgreement `json:"mentoring_agreements"`
	// Goals are their recovery goals with every answer and note, and
	// GoalCadence how often they are asked, in weeks (0: never).
	Goals       []*GoalProgress `json:"goals"`
	GoalCadence int             `json:"goal_cadence_weeks"`
	// Meetings are the recovery meetings they logged, notes included.
	Meetings []*Meeting `json:"meetings"`
	// ChoreTurns are their turns at chores and the swaps they asked for.
	ChoreTurns []ExportedRecord `json:"chore_turns"`
	// Welcome is their newcomer welcome, null if they had none.
	Welcome *ExportedRecord `json:"newcomer_welcome"`
}

// MarshalJSON writes a member as the export shows them: a time that is not
// set (left_at of a current member, paused_until of one not paused) is
// null, never the zero time.
func (m Member) MarshalJSON() ([]byte, error) {
	type plain Member // the fields and tags, without this method
	return json.Marshal(struct {
		plain
		ConsentAt   *time.Time `json:"consent_at"`
		LeftAt      *time.Time `json:"left_at"`
		PausedUntil *time.Time `json:"paused_until"`
	}{plain(m), timeOrNull(m.ConsentAt), timeOrNull(m.LeftAt), timeOrNull(m.PausedUntil)})
}

// MarshalJSON writes a sober date as the export shows it: cleared_at is
// null while the date stands.
func (d SoberDate) MarshalJSON() ([]byte, error) {
	type plain SoberDate
	return json.Marshal(struct {
		plain
		ClearedAt *time.Time `json:"cleared_at"`
	}{plain(d), timeOrNull(d.ClearedAt)})
}

// timeOrNull is t for JSON, or nil (null) when t is not set.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t

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
	// MembersNamed lists a house's members, current and former, whose
	// display name is name, ignoring ASCII case, oldest first.
	MembersNamed(ctx context.Context, houseID int64, name string) ([]*Member, error)
	// EraseMember deletes a member's answers, misses, granted roles,
	// form in progress in the house and profile. Rounds and past digests
	// keep only their counts. The outbox messages to them or about them
	// (OutboxMessage.About) are deleted if not delivered yet, and emptied
	// of text and of them if delivered; their crisis alerts stay as an
	// anonymous count and are never escalated.
	EraseMember(ctx context.Context, memberID int64) error
	// AnswersToRedact lists up to limit answers of a house given before
	// before whose free text has not been redacted yet, oldest first. When
	// there are none, it records that the house's rounds up to the first
	// one still open or holding an unredacted answer are done with, so
	// that later nights do not read them again: it runs in the retention
	// job's write transaction.
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
	// PruneRuns deletes up to limit of a house's recorded job runs
	// scheduled before before, but never a job's latest, and returns how
	// many.
	PruneRuns(ctx context.Context, houseID int64, before time.Time, limit int) (int, error)
	// ClearSentAttachments drops the attachment bytes (a chart, an
	// export) of up to limit of a house's delivered messages that still
	// hold them, and returns how many it changed. Delivery drops them;
	// this clears the messages delivered before it did.
	ClearSentAttachments(ctx context.Context, houseID int64, limit int) (int, error)
}

// MarshalJSON writes an agreement as the export shows it: agreed_at and
// ended_at are null until they happen.
func (a ExportedAgreement) MarshalJSON() ([]byte, error) {
	type plain ExportedAgreement
	return json.Marshal(struct {
		plain
		AgreedAt *time.Time `json:"agreed_at"`
		EndedAt  *time.Time `json:"ended_at"`
	}{plain(a), timeOrNull(a.AgreedAt), timeOrNull(a.EndedAt)})
}

// MarshalJSON writes a goal as the export shows it: done_at is null while
// it is not done.
func (g Goal) MarshalJSON() ([]byte, error) {
	type plain Goal
	return json.Marshal(struct {
		plain
		DoneAt *time.Time `json:"done_at"`
	}{plain(g), timeOrNull(g.DoneAt)})
}

// MarshalJSON writes an ask about a goal as the export shows it: rating
// and answered_at are null until it is answered.
func (c GoalCheck) MarshalJSON() ([]byte, error) {
	type plain GoalCheck
	var rating *int
	if c.Rating != 0 {
		rating = &c.Rating
	}
	return json.Marshal(struct {
		plain
		Rating     *int       `json:"rating"`
		AnsweredAt *time.Time `json:"answered_at"`
	}{plain(c), rating, timeOrNull(c.AnsweredAt)})
}
