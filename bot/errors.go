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

// Error is a domain error that carries a message safe to show a chat user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

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

// ErrorMessage returns the user-safe message of err. Errors that are not
// domain errors get a generic apology: a chat user never sees a Go error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Sorry, something went wrong on my side. Nothing was saved. Please try again in a moment."
}
