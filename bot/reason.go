package bot

import (
	"net/url"
	"regexp"
	"strings"
)

// SafeReason returns s, an error's text, fit to log and to keep as a
// failed message's reason (porchlight outbox list). Platform ids would tie
// a reason to one member: a DM channel's id is pseudonymous, but it leads
// to one person. So each URL becomes its host and the shape of its path,
// with the scheme, any user info, the query and the fragment left out and
// every segment that holds an id or token shown as {id}
// (`Post "discord.com/api/v9/channels/{id}/messages"`), and ids elsewhere
// (Discord snowflakes, Slack's C…, D…, U… ids) become {id} too. Words,
// HTTP statuses, error names and IP addresses are kept.
func SafeReason(s string) string {
	s = urlPattern.ReplaceAllStringFunc(s, routeShape)
	return idPattern.ReplaceAllStringFunc(s, func(w string) string {
		if isPlatformID(w) {
			return "{id}"
		}
		return w
	})
}

// SafeError wraps err so that its text is SafeReason's; errors.Is and
// errors.As see through it to err. Adapters return their failures through
// it, so that whoever logs or stores one (the sender, the outbox) gets
// nothing that names a member.
func SafeError(err error) error {
	if err == nil {
		return nil
	}
	return &safeError{msg: SafeReason(err.Error()), err: err}
}

type safeError struct {
	msg string
	err error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.err }

var (
	// urlPattern finds absolute URLs; a quote or space ends one, as in a
	// *url.Error's text (Post "https://…": …).
	urlPattern = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)
	// idPattern finds the words an id may be: capitals and digits.
	idPattern = regexp.MustCompile(`\b[0-9A-Z]{9,}\b`)
	// routeWord is a path segment that names a route, not a thing: a
	// word ("channels", "chat.postMessage", "@me") or an API version.
	routeWord = regexp.MustCompile(`^(?:[a-zA-Z@._-]{1,40}|v[0-9]{1,3})$`)
)

// isPlatformID reports whether w, capitals and digits, is an id: a
// Discord snowflake (15 digits or more; shorter numbers are counts, times
// or statuses) or a Slack id (a capital followed by capitals and digits,
// with a digit among them).
func isPlatformID(w string) bool {
	if strings.Trim(w, "0123456789") == "" {
		return len(w) >= 15
	}
	return w[0] >= 'A' && w[0] <= 'Z' && strings.ContainsAny(w, "0123456789")
}

// routeShape is SafeReason's form of the URL u: host and path, with the
// segments that are not route words shown as {id}.
func routeShape(u string) string {
	p, err := url.Parse(strings.TrimRight(u, ".,;:)"))
	if err != nil || p.Host == "" {
		return "{url}"
	}
	segs := strings.Split(strings.Trim(p.Path, "/"), "/")
	for i, s := range segs {
		if s != "" && !routeWord.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	shape := p.Host
	if path := strings.Join(segs, "/"); path != "" {
		shape += "/" + path
	}
	return shape
}
