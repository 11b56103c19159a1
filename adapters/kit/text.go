package kit

import (
	"strings"
	"unicode/utf8"
)

// SplitText splits s into chunks of at most n characters for platforms
// with a message limit: at a line break when there is one in the second half
// of a chunk, else at a space, else anywhere. A <…> token (a mention, a
// Discord timestamp, a Slack link) is not cut. Nothing is lost: the chunks
// hold all of s but the whitespace at the cuts.
func SplitText(s string, n int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := n
		window := string(r[:n])
		if i := strings.LastIndex(window, "\n"); i > len(window)/2 {
			cut = utf8.RuneCountInString(window[:i])
		} else if i := strings.LastIndex(window, " "); i > len(window)/2 {
			cut = utf8.RuneCountInString(window[:i])
		}
		// Do not cut inside a <…> token.
		head := string(r[:cut])
		if open := strings.LastIndex(head, "<"); open > strings.LastIndex(head, ">") && open > 0 {
			cut = utf8.RuneCountInString(head[:open])
		}
		out = append(out, strings.TrimSpace(string(r[:cut])))
		s = strings.TrimSpace(string(r[cut:]))
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
