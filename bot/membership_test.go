package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

func TestJoinStoresNothingBeforeConsent(t *testing.T) {
	h := newHarness(t)
	resp := h.do(h.ev.Command(robin, "join", ""))
	got := text(resp)
	for _, want := range []string{"never used for discipline or eviction", "private", "mentors", "house", "180 days", "988", "/mydata"} {
		if !strings.Contains(got, want) {
			t.Errorf("consent text lacks %q", want)
		}
	}
	if _, err := memberOf(h, robin); err == nil {
		t.Fatal("a member was stored before consent")
	}
	h.do(h.ev.Press(robin, "join:decline", ""))
	if _, err := memberOf(h, robin); err == nil {
		t.Fatal("a member was stored after declining")
	}
	h.join(robin)
	if _, err := memberOf(h, robin); err != nil {
		t.Fatalf("member not stored after consent: %v", err)
	}
	if resp := h.do(h.ev.Command(robin, "leave", "")); !strings.Contains(text(resp), "left") {
		t.Errorf("/leave = %q", text(resp))
	}
	m, err := memberOf(h, robin)
	if err != nil || m.Active() {
		t.Errorf("after /leave member = %+v, %v; want inactive", m, err)
	}
}

func memberOf(h *harness, u bot.User) (*bot.Member, error) {
	var m *bot.Member
	err := h.db.View(h.ctx, func(tx bot.Tx) error {
		var err error
		m, err = tx.MemberByUser(h.ctx, h.house.ID, u.ID)
		return err
	})
	return m, err
}

// TestCommandRoles runs every command as every role and checks that the
// registry's declaration is what is enforced.
func TestCommandRoles(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	callers := map[string]struct {
		user bot.User
		role bot.Role
	}{
		"guest":    {guest, bot.RoleGuest},
		"resident": {robin, bot.RoleResident},
		"mentor":   {mentor, bot.RoleMentor},
		"operator": {owner, bot.RoleOperator},
	}
	for _, c := range h.bot.Commands() {
		cmds := []*bot.Command{c}
		parents := []string{""}
		for _, s := range c.Subs {
			cmds = append(cmds, s)
			parents = append(parents, c.Name)
		}
		for i, cmd := range cmds {
			if i == 0 && cmd.Run == nil {
				continue
			}
			for cname, caller := range callers {
				raw := ""
				name := cmd.Name
				if parents[i] != "" {
					raw, name = cmd.Name, parents[i]
				}
				// An earlier /leave or /mydata erase may have ended
				// Robin's membership; every command starts with it.
				if m, err := memberOf(h, robin); err != nil || !m.Active() {
					h.join(robin)
				}
				resp := h.do(h.ev.Command(caller.user, name, raw))
				refused := strings.Contains(text(resp), "Sorry, only") || (cmd.Refusal != "" && strings.Contains(text(resp), bot.Naming{}.Render(bot.SourceLang().T(cmd.Refusal))))
				if allowed := cmd.Roles.Has(caller.role); allowed == refused {
					t.Errorf("/%s %s as %s: refused = %v, want %v (%q)", name, raw, cname, refused, !allowed, text(resp))
				}
			}
		}
	}
}

func TestHelpListsOnlyAllowedCommands(t *testing.T) {
	h := newHarness(t)
	got := text(h.do(h.ev.Command(guest, "help", "")))
	if !strings.Contains(got, "/join") || strings.Contains(got, "/checkin answers") {
		t.Errorf("guest help = %q", got)
	}
	got = text(h.do(h.ev.Command(mentor, "help", "")))
	if !strings.Contains(got, "/checkin answers") {
		t.Errorf("mentor help lacks /checkin answers: %q", got)
	}
}

func TestUnknownCommandAndBadArgs(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	if got := text(h.do(h.ev.Command(robin, "nope", ""))); !strings.Contains(got, "don't know the command “nope”") {
		t.Errorf("unknown = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "checkin", "dance"))); !strings.Contains(got, "Try one of: /checkin pause, /checkin resume") {
		t.Errorf("bad sub = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "checkin", "history extra"))); !strings.Contains(got, "Too many arguments") {
		t.Errorf("extra args = %q", got)
	}
}

// TestMemberEventsOnlyForTheHouse: joining the house channel brings a
// welcome DM and stores nothing; leaving it ends the membership. Joining or
// leaving any other channel of the workspace, or another server, changes
// nothing.
func TestMemberEventsOnlyForTheHouse(t *testing.T) {
	h := newHarness(t)
	h.house.Workspace = "G-cedar"
	h.join(robin)
	n := 0
	event := func(kind bot.EventKind, u bot.User, channel, workspace string) bot.Event {
		n++
		return bot.Event{ID: fmt.Sprint("member-", n), Platform: "test", Kind: kind, User: u, Channel: channel, Workspace: workspace}
	}
	h.do(event(bot.EventMemberJoined, casey, "C-elsewhere", "G-cedar"))
	h.do(event(bot.EventMemberJoined, casey, "", "G-other"))
	h.flush()
	if got := h.ad.To(casey.ID); len(got) != 0 {
		t.Errorf("welcome for another channel or server: %s", texts(got))
	}
	h.do(event(bot.EventMemberJoined, casey, h.house.Channel, "G-cedar"))
	h.flush()
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, bot.Cmd("join")) {
		t.Errorf("welcome DMs = %s, want one inviting /join", texts(got))
	}
	if _, err := memberOf(h, casey); err == nil {
		t.Error("joining the channel stored a member before consent")
	}
	h.do(event(bot.EventMemberLeft, robin, "C-elsewhere", "G-cedar"))
	if m, err := memberOf(h, robin); err != nil || !m.Active() {
		t.Errorf("leaving another channel ended the membership: %+v, %v", m, err)
	}
	h.do(event(bot.EventMemberLeft, robin, "", "G-cedar")) // left the server
	if m, err := memberOf(h, robin); err != nil || m.Active() {
		t.Errorf("after leaving the server member = %+v, %v; want inactive", m, err)
	}
}
