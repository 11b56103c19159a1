package bot

import (
	"strings"
	"unicode"
)

// The crisis feature screens only text addressed to the bot (check-in
// answers, DMs, thread replies to its prompts), never the group chat. On a
// match the resident gets resources at once, privately, and is asked whether
// a House Mentor should reach out. Nothing is posted to the group, nothing
// is logged but the fact that screening matched, and the bot never contacts
// emergency services itself.

// normalizeForScreening lowercases text, folds curly apostrophes and quotes,
// and turns every run of non-letters into one space, so that phrases match
// on word boundaries.
func normalizeForScreening(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '’' || r == '‘' || r == '\'' || r == '`' || r == 'ʼ':
			continue // "don't" and "dont" read the same
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// CrisisMatch reports whether text contains a crisis phrase. It is exported
// for the phrase-list tests and fuzzing.
func CrisisMatch(text string) bool {
	n := normalizeForScreening(text)
	if n == " " {
		return false
	}
	for _, p := range crisisExceptions {
		n = strings.ReplaceAll(n, " "+p+" ", " ")
	}
	for _, p := range crisisPhrases {
		if strings.Contains(n, " "+p+" ") {
			return true
		}
	}
	return false
}
