package bot

import (
	"context"
	"time"
)

// Conversation is a form in progress: a form asked one question at a time
// (a DM check-in, the console), or a form split into modal pages. There is
// at most one per platform user. It is kept in the store and read and
// written inside the transaction of each step, so a restart resumes it and
// a step that rolls back leaves the one before.
//
// Values hold the answers given so far, free text included: they are the
// resident's words, erased with their data and listed in their export, and
// never logged.
type Conversation struct {
	Platform string
	UserID   string
	// HouseID is the house the form belongs to.
	HouseID int64
	// FormID is the form's structured id, such as "checkin:42".
	FormID string
	// Fields are the form's fields as they were when it was opened, so
	// that the questions keep their order and numbering to the end.
	Fields []Field
	// Values are the answers so far, by field id, normalised.
	Values map[string]string
	// Next is the index of the next field to ask (conversation) or the
	// first field of the next page (paged modal).
	Next int
	// Paged is set for a form shown as modal pages; Limit is the page size.
	Paged bool
	Limit int
	// Concern is the highest level of concern already answered for this
	// form: its earlier answer's (for an edit), raised by a line on the
	// way. Only a higher level is answered again.
	Concern Concern
	// StartedAt is when the form was opened; it expires convoTTL later.
	StartedAt time.Time
}

// ConvoTx stores forms in progress, keyed by platform and user.
type ConvoTx interface {
	// Conversation returns the user's form in progress if it was started
	// at or after since; ErrNotFound if there is none, or only an older
	// (expired) one.
	Conversation(ctx context.Context, platform, userID string, since time.Time) (*Conversation, error)
	// SaveConversation inserts the user's form in progress, or replaces
	// the one they had.
	SaveConversation(ctx context.Context, c *Conversation) error
	// DropConversation deletes the user's form in progress, if any.
	DropConversation(ctx context.Context, platform, userID string) error
	// PruneConversations deletes up to limit conversations started before
	// before, oldest first, and returns how many it deleted.
	PruneConversations(ctx context.Context, before time.Time, limit int) (int, error)
}
