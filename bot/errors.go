package bot

import (
	"errors"
	"fmt"
)

// Error codes classify domain errors. They say what kind of failure it was,
// never how it happened.
const (
	EInvalid   = "invalid"   // bad input: the user can fix it
	EForbidden = "forbidden" // the caller's role may not do this
	ENotFound  = "not_found" // the thing asked for does not exist
	EConflict  = "conflict"  // the request clashes with current state
	EInternal  = "internal"  // a bug or an outage; details are logged, not shown
)

// Sentinel errors the Store maps database failures to, in one place.
var (
	// ErrNotFound is returned by a store lookup that found nothing. Stores
	// never return a nil value with a nil error.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate is returned when a unique key already exists.
	ErrDuplicate = errors.New("duplicate")
)

// Error is a domain error that carries a message safe to show a chat user:
// a catalogue message (ID and its data, rendered in the reader's language)
// or, from code not yet in the catalogue, a finished Message.
type Error struct {
	Code    string
	Message string
	// ID is the catalogue message and Data its pairs of a name and a value.
	ID   string
	Data []any
}

func (e *Error) Error() string {
	if e.ID != "" {
		return e.Code + ": " + e.ID
	}
	return e.Code + ": " + e.Message
}

// Text is the error's message in l.
func (e *Error) Text(l Lang) string {
	if e.ID != "" {
		return l.T(e.ID, rendered(l, e.Data)...)
	}
	return e.Message
}

// Phrase is a piece of text written before its reader is known: a
// catalogue message with its data, rendered in the reader's language when
// it is read. A Phrase among the data of another message (Fail, Phrase)
// is rendered in the same language as the message.
type Phrase func(l Lang) string

// NewPhrase returns catalogue message id with data as pairs of a name and
// a value, as a Phrase. An id the catalogue lacks reads as itself, so
// text that is not yet in the catalogue passes through unchanged.
func NewPhrase(id string, pairs ...any) Phrase {
	return func(l Lang) string { return l.T(id, rendered(l, pairs)...) }
}

// rendered returns pairs with every Phrase value rendered in l.
func rendered(l Lang, pairs []any) []any {
	var out []any
	for i, v := range pairs {
		if p, ok := v.(Phrase); ok {
			if out == nil {
				out = append([]any(nil), pairs...)
			}
			out[i] = p(l)
		}
	}
	if out == nil {
		return pairs
	}
	return out
}

// Fail returns a domain error whose message is catalogue message id, with
// data as pairs of a name and a value, shown in the reader's language.
func Fail(code, id string, pairs ...any) *Error {
	return &Error{Code: code, ID: id, Data: pairs}
}

// Errorf returns a domain error with a user-safe, formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain, or
// EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err in English (for the
// command line).
func ErrorMessage(err error) string { return ErrorText(Lang{}, err) }

// ErrorText returns the user-safe message of err in l. Errors that are not
// domain errors get a generic apology: a chat user never sees a Go error.
func ErrorText(l Lang, err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Text(l)
	}
	return l.T("error.internal")
}
