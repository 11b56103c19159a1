package bot_test

import (
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestMessagesCarryTheirReadersLanguage: the core marks what it sends with
// its reader's language, for the words an adapter adds (a select's
// placeholder, a form's buttons): a reply with the caller's, a DM with
// its recipient's, a channel post with the house's.
func TestMessagesCarryTheirReadersLanguage(t *testing.T) {
	for _, tt := range []struct {
		name                  string
		house, casey          string // the house's locale, Casey's /language choice
		post, alexDM, robinDM string // the languages expected
	}{
		{"English house, Casey reads Spanish", "", "es", "en", "es", "en"},
		{"Spanish house, Casey reads English", "es", "en", "es", "en", "es"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(hs *bot.House) { hs.Locale = tt.house })
			h.join(casey, robin)
			h.do(h.ev.Command(casey, "language", tt.casey))
			if got := h.do(h.ev.Command(casey, "help", "")).Lang; got != tt.alexDM {
				t.Errorf("Casey's reply is marked %q, want %q", got, tt.alexDM)
			}
			if got := h.do(h.ev.Command(robin, "help", "")).Lang; got != tt.robinDM {
				t.Errorf("Robin's reply is marked %q, want %q", got, tt.robinDM)
			}
			h.wholeRound(at9(1))
			if got := h.prompt().Lang; got != tt.post {
				t.Errorf("the channel prompt is marked %q, want the house's %q", got, tt.post)
			}
			for _, who := range []struct {
				u    bot.User
				want string
			}{{casey, tt.alexDM}, {robin, tt.robinDM}} {
				dms := h.ad.To(who.u.ID)
				if len(dms) == 0 {
					t.Fatalf("no DM to %s in a whole round", who.u.Name)
				}
				for _, m := range dms {
					if m.Lang != who.want {
						t.Errorf("a DM to %s is marked %q, want %q: %q", who.u.Name, m.Lang, who.want, m.Text)
					}
				}
			}
		})
	}
}
