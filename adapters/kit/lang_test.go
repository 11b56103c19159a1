package kit

import (
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestReplies: a response's messages take its language where the core
// left theirs unmarked, and keep their own otherwise.
func TestReplies(t *testing.T) {
	resp := bot.Response{Lang: "es", Messages: []bot.Message{{Text: "a"}, {Text: "b", Lang: "en"}}}
	got := Replies(resp)
	if len(got) != 2 || got[0].Lang != "es" || got[1].Lang != "en" {
		t.Errorf("Replies = %+v, want es then en", got)
	}
	if resp.Messages[0].Lang != "" {
		t.Error("Replies changed the response's own messages")
	}
}

func TestFieldErrors(t *testing.T) {
	for _, tt := range []struct{ lang, want string }{
		{"en", "I couldn't save that form:\n• Too long\n• Pick one\nEnd."},
		{"es", "No pude guardar ese formulario:\n• Too long\n• Pick one\nEnd."},
		{"xx", "I couldn't save that form:\n• Too long\n• Pick one\nEnd."},
	} {
		if got := FieldErrors(Lang(tt.lang), map[string]string{"mood": "Pick one", "hard": "Too long"}, "End."); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.lang, got, tt.want)
		}
	}
}
