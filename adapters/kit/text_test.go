package kit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/porchlight/porchlight/adapters/kit"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		n     int
		parts int
	}{
		{"short", "hello", 10, 1},
		{"empty", "", 10, 0},
		{"at lines", "aaaa\nbbbb\ncccc", 10, 2},
		{"at spaces", "aaaa bbbb cccc dddd", 10, 2},
		{"hard", strings.Repeat("x", 25), 10, 3},
		{"runes", strings.Repeat("é", 25), 10, 3},
		{"keeps tokens", "aaaaa <@U0001> b", 10, 2},
		{"keeps timestamps", "Opens <t:1767366240:F> soon", 20, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := kit.SplitText(tc.in, tc.n)
			if len(got) != tc.parts {
				t.Fatalf("SplitText = %q, want %d parts", got, tc.parts)
			}
			for _, p := range got {
				if utf8.RuneCountInString(p) > tc.n {
					t.Errorf("part %q longer than %d", p, tc.n)
				}
				if strings.Count(p, "<") != strings.Count(p, ">") {
					t.Errorf("part %q cuts a token", p)
				}
			}
			if joined := strings.Join(strings.Fields(strings.Join(got, " ")), ""); joined != strings.Join(strings.Fields(tc.in), "") {
				t.Errorf("parts %q lose text of %q", got, tc.in)
			}
		})
	}
}
