package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestPartnerUnpair: a House Mentor ends a partnership; both residents are
// told privately, nothing is posted, and /partner says so after.
func TestPartnerUnpair(t *testing.T) {
	h := pairedHarness(t)
	if got := text(h.do(h.ev.Command(casey, "partner", "unpair <@"+robin.ID+">"))); !strings.Contains(got, "House Mentors") {
		t.Errorf("resident unpairing = %q, want a refusal", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "partner", "unpair <@"+robin.ID+">"))); !strings.Contains(got, "*Robin* no longer has a partner") {
		t.Fatalf("unpair = %q", got)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "A House Mentor ended your accountability partnership") {
		t.Errorf("Robin told = %s", texts(got))
	}
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "*Robin* is no longer your accountability partner") {
		t.Errorf("Casey told = %s", texts(got))
	}
	if posts := h.ad.InChannel(h.house.Channel); len(posts) != 0 {
		t.Errorf("unpairing posted in the channel: %s", texts(posts))
	}
	for _, u := range []bot.User{robin, casey} {
		if got := text(h.do(h.ev.Command(u, "partner", ""))); !strings.Contains(got, "don't have") {
			t.Errorf("%s's /partner = %q, want none", u.Name, got)
		}
	}
	for raw, want := range map[string]string{
		"unpair <@" + robin.ID + ">": "doesn't have a partner",
		"unpair <@" + guest.ID + ">": "hasn't joined",
		"unpair Robin":               "must mention someone",
	} {
		if got := text(h.do(h.ev.Command(mentor, "partner", raw))); !strings.Contains(got, want) {
			t.Errorf("/partner %s = %q, want %q", raw, got, want)
		}
	}
}

// TestPartnerAvoid: a House Mentor's do-not-pair note is confirmed only to
// them, and refused for the same person twice or someone who hasn't
// joined.
func TestPartnerAvoid(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.ad.Reset()
	for raw, want := range map[string]string{
		"avoid <@" + robin.ID + "> <@" + robin.ID + ">": "two different",
		"avoid <@" + robin.ID + "> <@" + guest.ID + ">": "hasn't joined",
		"avoid <@" + guest.ID + "> <@" + robin.ID + ">": "hasn't joined",
		"avoid <@" + robin.ID + ">":                     "Missing <b>",
		"avoid <@" + robin.ID + "> <@" + casey.ID + ">": "won't be paired by rotation",
	} {
		if got := text(h.do(h.ev.Command(mentor, "partner", raw))); !strings.Contains(got, want) {
			t.Errorf("/partner %s = %q, want %q", raw, got, want)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "partner", "avoid <@"+robin.ID+"> <@"+casey.ID+">"))); !strings.Contains(got, "House Mentors") {
		t.Errorf("resident avoid = %q, want a refusal", got)
	}
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("the do-not-pair note was sent to someone: %s", texts(h.ad.Sent()))
	}
}

// TestPartnerPingsNeedMembership: a House Mentor who never joined has no
// partner and no pings to turn off; they are asked to /join.
func TestPartnerPingsNeedMembership(t *testing.T) {
	h := newHarness(t)
	for _, raw := range []string{"", "pings off"} {
		if got := text(h.do(h.ev.Command(mentor, "partner", raw))); !strings.Contains(got, "/join first") {
			t.Errorf("mentor /partner %s = %q, want to be asked to join", raw, got)
		}
	}
	h.join(robin)
	if got := text(h.do(h.ev.Command(robin, "partner", "pings on"))); !strings.Contains(got, "never what you wrote") {
		t.Errorf("pings on = %q", got)
	}
}
