package bot

import (
	"context"
	"time"
)

// Meeting modes.
const (
	MeetingInPerson = "in person"
	MeetingOnline   = "online"
)

// Meeting is a recovery meeting a resident logged. Only the resident sees
// its kind, mode and note; staff see weekly counts.
type Meeting struct {
	ID       int64 `json:"-"`
	HouseID  int64 `json:"-"`
	MemberID int64 `json:"-"`
	// Day is the house-local date of the meeting, YYYY-MM-DD.
	Day  string `json:"date"`
	Kind string `json:"kind"`
	// Mode is MeetingInPerson or MeetingOnline.
	Mode string `json:"mode"`
	// Note is free text for the resident alone; retention redacts it.
	Note      string    `json:"note"`
	LoggedAt  time.Time `json:"logged_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Redacted  bool      `json:"redacted"`
}

// MeetingTx stores logged meetings. Notes are read only through a member's
// own rows (OwnMeeting, MemberMeetings); everyone else gets counts.
type MeetingTx interface {
	// SaveMeeting inserts (ID 0, setting m.ID) or updates a meeting.
	SaveMeeting(ctx context.Context, m *Meeting) error
	// OwnMeeting returns a meeting logged by memberID; ErrNotFound if there
	// is none with that id or it is someone else's.
	OwnMeeting(ctx context.Context, id, memberID int64) (*Meeting, error)
	// DeleteMeeting deletes a meeting of memberID's; ErrNotFound if none.
	DeleteMeeting(ctx context.Context, id, memberID int64) error
	// MemberMeetings lists a member's meetings dated in [fromDay, toDay),
	// oldest first.
	MemberMeetings(ctx context.Context, memberID int64, fromDay, toDay string) ([]*Meeting, error)
	// MeetingCounts counts a house's meetings dated in [fromDay, toDay), per
	// member.
	MeetingCounts(ctx context.Context, houseID int64, fromDay, toDay string) (map[int64]int, error)
	// RedactMeetingNotes removes the notes of up to limit meetings of a
	// house logged before before, oldest first, and returns how many.
	RedactMeetingNotes(ctx context.Context, houseID int64, before, at time.Time, limit int) (int, error)
}
