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

// FormDraft is a form the core answered with, kept so that a button can
// open it again later: the form to fix after a submit with field errors
// (with what was typed, which nothing else stores), or a form the adapter
// had to show as a button. Like a conversation, its values are the
// resident's words: erased with their data, listed in their export, never
// logged, and pruned convoTTL after CreatedAt.
type FormDraft struct {
	ID       int64
	Platform string
	UserID   string
	HouseID  int64
	// Form is the form to open, prefilled.
	Form      Form
	CreatedAt time.Time
}

// ConvoTx stores forms in progress, keyed by platform and user, and the
// forms kept for buttons, keyed by id.
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
	// SaveFormDraft stores a form for a button and returns its id, also
	// setting d.ID.
	SaveFormDraft(ctx context.Context, d *FormDraft) (int64, error)
	// FormDraft returns the form kept under id if it was kept at or after
	// since; ErrNotFound if there is none, or only an older one.
	FormDraft(ctx context.Context, id int64, since time.Time) (*FormDraft, error)
	// PruneFormDrafts deletes up to limit forms kept before before, oldest
	// first, and returns how many it deleted.
	PruneFormDrafts(ctx context.Context, before time.Time, limit int) (int, error)
	// ConvosBefore reports whether a form in progress was started, or a
	// form kept, before before: whether the prunes have anything to do.
	ConvosBefore(ctx context.Context, before time.Time) (bool, error)
}
