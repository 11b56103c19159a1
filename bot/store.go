package bot

import (
	"context"
	"time"
)

// Store is the persistence the core needs. The storage package implements it
// on SQLite. Every feature runs inside one Update transaction, which also
// writes the outbox, so state and the messages it causes commit together.
type Store interface {
	// Update runs fn in one write transaction, committing if fn returns nil
	// and rolling back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Outbox returns the sender's view of the outbox; each call is its own
	// transaction.
	Outbox() OutboxStore
}

// Tx is everything a feature may do inside one transaction. It is split into
// small interfaces, one per concern, that storage implements together.
type Tx interface {
	HouseTx
	EventTx
	MemberTx
	RunTx
	CheckinTx
	OutboxTx
	AuditTx
	PrivacyTx
	CrisisTx
	PartnerTx
	MilestoneTx
	ActivityTx
	DigestTx
	ConvoTx
	ReachOutTx
	HistoryTx
	MentoringTx
	GoalTx
	MeetingTx
	NewcomerTx
	ChoreTx
}

// HouseTx stores the configured houses.
type HouseTx interface {
	// SyncHouse inserts or updates the house by name and returns its id.
	SyncHouse(ctx context.Context, h *House, now time.Time) (int64, error)
	// HouseCreated returns when the house was first synced.
	HouseCreated(ctx context.Context, houseID int64) (time.Time, error)
}

// EventTx remembers processed inbound deliveries.
type EventTx interface {
	// MarkEvent records a delivery; ErrDuplicate if it was already recorded.
	MarkEvent(ctx context.Context, platform, id string, at time.Time) error
	// PruneEvents forgets deliveries recorded before t.
	PruneEvents(ctx context.Context, before time.Time) error
	// EventsBefore reports whether a delivery recorded before t is
	// remembered: whether PruneEvents has anything to do.
	EventsBefore(ctx context.Context, before time.Time) (bool, error)
}

// MemberStatus is where a member is in their membership.
type MemberStatus string

// Member statuses.
const (
	MemberActive MemberStatus = "active"
	MemberLeft   MemberStatus = "left"
)

// Member is a person who joined a house with consent.
type Member struct {
	ID       int64  `json:"id"`
	HouseID  int64  `json:"house_id"`
	Platform string `json:"platform"`
	// UserID is the platform user id.
	UserID string `json:"user_id"`
	// Name is a display name or first name, for group posts and summaries.
	Name      string       `json:"name"`
	Status    MemberStatus `json:"status"`
	JoinedAt  time.Time    `json:"joined_at"`
	ConsentAt time.Time    `json:"consent_at"`
	LeftAt    time.Time    `json:"left_at"`
	// PausedUntil, when after now, pauses prompts, reminders and misses.
	PausedUntil time.Time `json:"paused_until"`
	// PausedBy is the House Mentor who set the pause ("" when the
	// resident paused themselves), and PauseReason the reason they gave
	// the resident. Both are cleared once the pause is over.
	PausedBy    string `json:"paused_by,omitempty"`
	PauseReason string `json:"pause_reason,omitempty"`
	// Locale is the language the member chose for their private messages
	// (/language); "" follows the house.
	Locale string `json:"locale,omitempty"`
}

// Active reports whether the member is in the house.
func (m *Member) Active() bool { return m.Status == MemberActive }

// Paused reports whether the member is paused at t.
func (m *Member) Paused(t time.Time) bool { return t.Before(m.PausedUntil) }

// MemberTx stores members and granted roles.
type MemberTx interface {
	// MemberByUser returns a house's member by platform user id, whatever
	// their status; ErrNotFound if they never joined.
	MemberByUser(ctx context.Context, houseID int64, userID string) (*Member, error)
	// MemberByID returns a member; ErrNotFound if there is none.
	MemberByID(ctx context.Context, id int64) (*Member, error)
	// MembershipsOf lists the active memberships of a platform user.
	MembershipsOf(ctx context.Context, platform, userID string) ([]*Member, error)
	// SaveMember inserts (ID 0) or updates a member; it sets m.ID.
	SaveMember(ctx context.Context, m *Member) error
	// Members lists a house's active members, ordered by join time.
	Members(ctx context.Context, houseID int64) ([]*Member, error)
	// GrantedHouses lists the houses where a user holds a role granted in
	// chat.
	GrantedHouses(ctx context.Context, userID string) ([]int64, error)
	// GrantedRoles returns the roles granted in chat to a user in a house.
	GrantedRoles(ctx context.Context, houseID int64, userID string) (Role, error)
	// RoleHolders lists the users granted role in chat in a house.
	RoleHolders(ctx context.Context, houseID int64, role Role) ([]string, error)
	// SetGrantedRole grants (on) or revokes a role given in chat.
	SetGrantedRole(ctx context.Context, houseID int64, userID string, role Role, on bool, by string, at time.Time) error
}

// Run is one execution of a scheduled job, keyed by job, house and the time
// it was scheduled for, so a restart neither doubles nor drops it.
type Run struct {
	Job          string
	HouseID      int64
	ScheduledFor time.Time
	// Status is RunDone or RunSkipped.
	Status string
	At     time.Time
}

// Run statuses.
const (
	RunDone    = "done"
	RunSkipped = "skipped"
)

// RunTx stores scheduled runs.
type RunTx interface {
	// RecordRun records a run; ErrDuplicate if that key was already recorded.
	RecordRun(ctx context.Context, r Run) error
	// LastRun returns the latest scheduled time recorded for a job and house;
	// ErrNotFound if none.
	LastRun(ctx context.Context, job string, houseID int64) (time.Time, error)
}

// RoundStatus is where a check-in round is in its life.
type RoundStatus string

// Round statuses.
const (
	RoundOpen    RoundStatus = "open"
	RoundClosed  RoundStatus = "closed"
	RoundSkipped RoundStatus = "skipped"
)

// Round is one check-in round of a house.
type Round struct {
	ID      int64
	HouseID int64
	// Schedule is the index of the spec in the house's check-in schedules;
	// -1 for a round started by hand with no schedule to run early.
	Schedule     int
	ScheduledFor time.Time
	OpenedAt     time.Time
	RemindAt     time.Time
	ClosesAt     time.Time
	Status       RoundStatus
	RemindedAt   time.Time
	ClosedAt     time.Time
	// Prompt is the outbox id of the prompt message, for threading shares.
	Prompt int64
}

// Answer is one resident's answer in one round.
type Answer struct {
	ID       int64 `json:"id"`
	RoundID  int64 `json:"round_id"`
	MemberID int64 `json:"member_id"`
	// Mood is the scale answer, 0 when none was given.
	Mood int `json:"mood"`
	// ReachOut is true when the resident asked for someone to reach out.
	ReachOut   bool       `json:"reach_out"`
	Visibility Visibility `json:"visibility"`
	// Values holds every field's normalised value, free text included.
	Values map[string]string `json:"values"`
	// Source is "form" or "reply".
	Source     string    `json:"source"`
	AnsweredAt time.Time `json:"answered_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Redacted is set once retention removed the free text.
	Redacted bool `json:"redacted"`
	// Share is the outbox id of the answer's post in the house channel, 0
	// if it was not shared.
	Share int64 `json:"share_outbox_id"`
	// ShareHeld is set while a house-visible answer whose words raised a
	// concern waits for the resident to choose: post it anyway, or keep it
	// private. Nothing is posted meanwhile.
	ShareHeld bool `json:"share_held"`
}

// Viewer is who is reading answers. Stores filter answers by it in the query
// itself, so that no code path can leak an answer to the wrong reader.
type Viewer struct {
	// MemberID is the reader's membership in the house, 0 for staff without one.
	MemberID int64
	Role     Role
}

// MissStatus records why a resident has no answer in a closed round.
type MissStatus string

// Miss statuses.
const (
	MissMissed MissStatus = "missed"
	MissPaused MissStatus = "paused"
)

// CheckinTx stores rounds, answers and misses.
type CheckinTx interface {
	// CreateRound inserts a round; ErrDuplicate if (house, schedule,
	// scheduled_for) exists.
	CreateRound(ctx context.Context, r *Round) error
	// UpdateRound saves a round's status, prompt and timestamps.
	UpdateRound(ctx context.Context, r *Round) error
	// RoundByID returns a round; ErrNotFound if there is none.
	RoundByID(ctx context.Context, id int64) (*Round, error)
	// OpenRounds lists a house's open rounds, newest first.
	OpenRounds(ctx context.Context, houseID int64) ([]*Round, error)
	// RoundsBetween lists a house's rounds scheduled in [from, to), oldest first.
	RoundsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*Round, error)
	// DueRounds lists open rounds (of any house) whose reminder or close is
	// due at now.
	DueRounds(ctx context.Context, now time.Time) ([]*Round, error)
	// SaveAnswer inserts or replaces the member's answer in the round.
	SaveAnswer(ctx context.Context, a *Answer) error
	// AnswerOf returns the member's own answer in a round; ErrNotFound if none.
	AnswerOf(ctx context.Context, roundID, memberID int64) (*Answer, error)
	// RoundAnswers returns the answers of a round that v may see: their own,
	// plus mentors-visible ones for staff, plus house-visible ones for anyone
	// in the house. The filter is in the query.
	RoundAnswers(ctx context.Context, roundID int64, v Viewer) ([]*Answer, error)
	// CountAnswers counts all answers of a round, private ones included, for
	// aggregates.
	CountAnswers(ctx context.Context, roundID int64) (int, error)
	// MemberHistory returns a member's own latest answers, newest first.
	MemberHistory(ctx context.Context, memberID int64, limit int) ([]*Answer, error)
	// RecordMiss records a resident with no answer when a round closed.
	RecordMiss(ctx context.Context, roundID, memberID int64, status MissStatus) error
	// Unanswered lists the members a round's reminder is for: active
	// members of its house who joined before it opened, are not paused at
	// t and have not answered it. The pause is compared in the query, so
	// an expired pause needs no job to end it.
	Unanswered(ctx context.Context, round *Round, t time.Time) ([]*Member, error)
	// MissStreak counts a member's missed check-ins since their latest
	// answer: the misses in a row that a partner ping reports. Rounds
	// missed while paused neither count nor break the streak.
	MissStreak(ctx context.Context, memberID int64) (int, error)
	// AnswerStreak counts a member's answers since their latest missed
	// check-in: the check-ins in a row their home shows them. Rounds
	// missed while paused do not break it.
	AnswerStreak(ctx context.Context, memberID int64) (int, error)
}

// OutboxMessage is a message waiting in, or delivered from, the outbox.
type OutboxMessage struct {
	ID       int64
	HouseID  int64
	Platform string
	Out      Outgoing
	// ThreadOf and EditOf refer to earlier outbox messages: the sender
	// fills Out.Thread or Out.Edit from their refs once they are sent.
	ThreadOf int64
	EditOf   int64
	// Key, when set, is unique: enqueueing the same key again is a no-op.
	Key       string
	Status    string
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
	SentAt    time.Time
	Ref       MessageRef
	LastError string
	// Kind says what the message is, for the operator's list of failed
	// messages and for what happens when it cannot be delivered (a crisis
	// alert goes another way); empty when unknown.
	Kind MsgKind
	// About lists the platform user ids, in the message's house, of the
	// people the message names or quotes besides its target: erasure finds
	// the message through them. It is written on enqueue and not read back.
	About []string
	// Broken, set by the store, says why the stored message cannot be read
	// (its payload does not decode). Out then holds only the target. The
	// sender fails such a message without trying to send it.
	Broken string
	// SendKey is the idempotency key sent with every attempt (Discord's
	// nonce, Slack's message metadata); empty until the first attempt.
	SendKey string
	// AttemptedAt is when the earliest attempt whose outcome is unknown
	// started; zero before the first attempt and once sent. A pending
	// message with AttemptedAt set may already be on the platform.
	AttemptedAt time.Time
}

// MsgKind says what an outbox message is. The kinds are few and stable:
// `porchlight outbox list` shows them.
type MsgKind string

// The kinds of message the core tags.
const (
	// MsgCrisisAlert asks a House Mentor to reach out to a resident.
	MsgCrisisAlert MsgKind = "crisis_alert"
	// MsgCrisisEscalation is an alert sent on to an operator.
	MsgCrisisEscalation MsgKind = "crisis_escalation"
	// MsgCrisisReroute is an alert sent to other staff because a copy of it
	// could not be delivered.
	MsgCrisisReroute MsgKind = "crisis_reroute"
	// MsgCrisisAck tells the resident and the staff that someone is on it.
	MsgCrisisAck MsgKind = "crisis_ack"
	// MsgReachOut tells the House Mentors a resident asked for someone.
	MsgReachOut MsgKind = "reach_out"
	// MsgShare is a resident's check-in shared with the house, or an edit
	// or withdrawal of it.
	MsgShare MsgKind = "share"
	// MsgReminder nudges a resident about an open check-in.
	MsgReminder MsgKind = "reminder"
	// MsgRoundSummary tells the House Mentors who checked in and who not.
	MsgRoundSummary MsgKind = "round_summary"
	// MsgPartnerPing tells a partner of a missed check-in or a request for
	// support.
	MsgPartnerPing MsgKind = "partner_ping"
	// MsgPartner tells someone about accountability partners: a new pair,
	// a partner who left, a nudge to connect, the rotation.
	MsgPartner MsgKind = "partner"
	// MsgActivity is about a sober activity: its post, a reminder, the
	// organiser's "who came?".
	MsgActivity MsgKind = "activity"
	// MsgCelebration is a milestone, to the resident or the house.
	MsgCelebration MsgKind = "celebration"
	// MsgUndeliverableNotice tells the House Mentors a DM bounced.
	MsgUndeliverableNotice MsgKind = "undeliverable_notice"
	// MsgDigest is a weekly digest.
	MsgDigest MsgKind = "digest"
	// MsgMentoring is about a mentoring agreement: a proposal, a reminder
	// of a contact, an agreement that ended.
	MsgMentoring MsgKind = "mentoring"
	// MsgGoal asks a resident about their recovery goals.
	MsgGoal MsgKind = "goal"
	// MsgChore is a chore turn, a swap request or a chores summary.
	MsgChore MsgKind = "chore"
	// MsgMeeting is a reminder about recovery meetings.
	MsgMeeting MsgKind = "meeting"
	// MsgWelcome is a step of a newcomer's welcome, or a House Mentor's
	// notice of a newcomer.
	MsgWelcome MsgKind = "welcome"
	// MsgHistory is a resident's history, sent to whoever asked for it.
	MsgHistory MsgKind = "history"
)

// IsCrisis reports whether the message carries a crisis alert: its final
// failure sends the alert to other staff (Bot.Undeliverable).
func (k MsgKind) IsCrisis() bool {
	return k == MsgCrisisAlert || k == MsgCrisisEscalation || k == MsgCrisisReroute
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxTx enqueues messages inside a feature's transaction.
type OutboxTx interface {
	// Enqueue adds a pending message and returns its id. With a Key that
	// exists already, it returns the existing id and ErrDuplicate.
	Enqueue(ctx context.Context, m *OutboxMessage) (int64, error)
	// OutboxRef returns the platform ref of a sent outbox message, or a zero
	// ref if it is not sent yet.
	OutboxRef(ctx context.Context, id int64) (MessageRef, error)
	// QueueHome adds m, a refresh of a user's home (TargetHome), unless
	// one for that home is pending; then it moves the pending one to
	// m.NextAt if that is sooner.
	QueueHome(ctx context.Context, m *OutboxMessage) error
}

// OutboxStore is the sender's side of the outbox.
type OutboxStore interface {
	// Due returns pending messages whose NextAt is at or before now, oldest
	// first, skipping those whose ThreadOf or EditOf parent is still
	// pending, with Out.Thread and Out.Edit filled from sent parents.
	Due(ctx context.Context, now time.Time, limit int) ([]*OutboxMessage, error)
	// BeginAttempt records, before the platform is called, that an attempt
	// to send a pending message starts at at. It returns the message's send
	// key (made on its first attempt, then kept) and when the earliest
	// attempt whose outcome is unknown started: zero when none did, so this
	// attempt cannot create a second message. ErrNotFound if the message
	// is not pending.
	BeginAttempt(ctx context.Context, id int64, at time.Time) (key string, inDoubtSince time.Time, err error)
	// MarkSent records a delivery; the message is no longer in doubt.
	MarkSent(ctx context.Context, id int64, ref MessageRef, at time.Time) error
	// MarkRetry records a failed attempt and when to try again.
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// Defer puts the next attempt off until next without counting a
	// failed one: the platform asked the bot to wait (a rate limit).
	Defer(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkFailed gives up on a message.
	MarkFailed(ctx context.Context, id int64, reason string) error
	// Pending counts messages not yet sent or failed.
	Pending(ctx context.Context) (int, error)
}

// AuditEntry records a staff read of individual data, an export, an erasure
// or a consent change.
type AuditEntry struct {
	At      time.Time
	HouseID int64
	// Actor is the platform user id, or "cli" for the command line.
	Actor  string
	Action string
	// Subject is what was read or changed, such as "round:42".
	Subject string
}

// AuditTx writes audit rows.
type AuditTx interface {
	Audit(ctx context.Context, e AuditEntry) error
}
