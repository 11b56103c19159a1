package slack

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// The App Home: each member's own page in the app's Home tab. Slack sends
// app_home_opened every time someone opens it, and the adapter publishes
// the page afresh (views.publish); the core queues refreshes through the
// outbox when something on a page changes, which Send publishes the same
// way. The page comes from the core (bot.HomeSource); the adapter only
// lays it out in Block Kit.

// maxHomeBlocks is how many blocks a home view holds.
const maxHomeBlocks = 100

// HomePages reports that Slack shows each member a home page
// (bot.HomePages), until Slack has said the app's Home tab is off.
func (a *Adapter) HomePages() bool { return !a.homeOff.Load() }

// errHomeOff is the reason of a home page not published because the app's
// Home tab is off.
var errHomeOff = fmt.Errorf("slack views.publish: not_enabled (the app's Home tab is off): %w", bot.ErrUndeliverable)

// homeLocks serialises the publishing of each user's page, so that a page
// built before a change is never published after one built after it.
type homeLocks struct {
	mu    sync.Mutex
	locks map[string]*homeLock
}

type homeLock struct {
	sync.Mutex
	users int
}

// lock takes user's lock and returns its release.
func (h *homeLocks) lock(user string) func() {
	h.mu.Lock()
	if h.locks == nil {
		h.locks = map[string]*homeLock{}
	}
	l := h.locks[user]
	if l == nil {
		l = &homeLock{}
		h.locks[user] = l
	}
	l.users++
	h.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		h.mu.Lock()
		if l.users--; l.users == 0 {
			delete(h.locks, user)
		}
		h.mu.Unlock()
	}
}

// publishHome builds a user's page from the core and publishes it. Before
// Run has given the adapter its core, it asks to be retried.
func (a *Adapter) publishHome(ctx context.Context, user string) error {
	a.mu.Lock()
	src := a.homeSrc
	a.mu.Unlock()
	if src == nil {
		return &bot.RetryError{After: time.Second, Err: fmt.Errorf("slack: no home source yet")}
	}
	if a.homeOff.Load() {
		return bot.WithPlatformCode("not_enabled", errHomeOff)
	}
	defer a.homeLocks.lock(user)()
	home, err := src.Home(ctx, Platform, user)
	if err != nil {
		return fmt.Errorf("slack: build home: %w", err)
	}
	view := a.homeView(home)
	if _, err := a.api.PublishViewContext(ctx, slackgo.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		if platformCode(err) == "not_enabled" {
			a.homeIsOff()
		}
		return classify("views.publish", err)
	}
	return nil
}

// homeIsOff remembers that the app's Home tab is off, and tells the
// operator once how to turn it on.
func (a *Adapter) homeIsOff() {
	if a.homeOff.CompareAndSwap(false, true) {
		a.log.Warn("Slack says this app's Home tab is off, so members' home pages are not published: " +
			"update the app's manifest from `porchlight slack manifest` (features.app_home.home_tab_enabled) and restart")
	}
}

// homeView lays a page out: a section per house, each with its buttons,
// within the 100 blocks of a home view. Houses that do not fit are left
// for the next page; a member of so many houses is not expected. Each
// house's section is in the member's language there; a page with no house
// is in English, as no house has said otherwise.
func (a *Adapter) homeView(h bot.Home) slackgo.HomeTabViewRequest {
	v := slackgo.HomeTabViewRequest{Type: slackgo.VTHomeTab}
	blocks := []slackgo.Block{}
	if len(h.Houses) == 0 {
		blocks = append(blocks, section(a.naming().Render(kit.Lang("").T("slack.home.welcome"))))
	}
	for i, hh := range h.Houses {
		hb := a.homeHouse(i, hh)
		if len(blocks)+len(hb) > maxHomeBlocks {
			break
		}
		blocks = append(blocks, hb...)
	}
	v.Blocks.BlockSet = blocks
	return v
}

// homeHouse lays out one house's section of a page, in hh.Lang.
func (a *Adapter) homeHouse(i int, hh bot.HomeHouse) []slackgo.Block {
	l := hh.Lang
	when := func(t time.Time) string { return formatText(bot.FormatTime(l, t, hh.Location)) }
	day := func(t time.Time) string { return l.Date(t.In(hh.Location), i18n.DateLong) }
	blocks := []slackgo.Block{slackgo.NewHeaderBlock(plain(clipRunes(hh.Name, maxHeaderText)))}
	if hh.Joined {
		var lines []string
		switch {
		case !hh.PausedUntil.IsZero():
			lines = append(lines, l.T("slack.home.paused", "Date", day(hh.PausedUntil)))
		case hh.Round != nil && hh.Answered:
			lines = append(lines, l.T("slack.home.checked_in", "Time", when(hh.Round.ClosesAt)))
		case hh.Round != nil:
			lines = append(lines, l.T("slack.home.open", "Time", when(hh.Round.ClosesAt)))
		}
		if hh.Round == nil && !hh.NextCheckin.IsZero() && hh.PausedUntil.IsZero() {
			lines = append(lines, l.T("slack.home.next", "Time", when(hh.NextCheckin)))
		}
		if hh.Streak > 0 {
			lines = append(lines, l.N("slack.home.streak", hh.Streak))
		}
		if hh.Partner != "" {
			lines = append(lines, l.T("slack.home.partner", "Name", escapeText(hh.Partner)))
		}
		if len(lines) == 0 {
			lines = append(lines, l.T("slack.home.nothing_scheduled"))
		}
		blocks = append(blocks, section(strings.Join(lines, "\n")))
		acts := []string{l.T("slack.home.coming_up")}
		for _, act := range hh.Activities {
			line := fmt.Sprintf("• *%s* — %s", escapeText(act.Title), when(act.StartsAt))
			if act.Place != "" {
				line += " · " + escapeText(act.Place)
			}
			if act.RSVP != "" {
				line += l.T("slack.home.your_rsvp", "RSVP", act.RSVP)
			}
			acts = append(acts, line)
		}
		if len(hh.Activities) == 0 {
			acts = append(acts, l.T("slack.home.nothing_planned"))
		}
		blocks = append(blocks, section(strings.Join(acts, "\n")))
	}
	if st := hh.Staff; st != nil {
		blocks = append(blocks, slackgo.NewDividerBlock())
		w := st.Week
		blocks = append(blocks, section(l.T("slack.home.staff.week", "Date", day(w.From),
			"Rounds", w.Rounds, "Answers", w.Answers, "Missed", w.Missed, "Residents", w.Residents)))
		if len(st.Alerts) == 0 {
			blocks = append(blocks, section(l.T("slack.home.staff.no_alerts")))
		}
		for _, al := range st.Alerts {
			text := l.T("slack.home.alert.reach_out", "Name", escapeText(al.Name), "Time", when(al.At))
			if al.Kind.Urgent() {
				text = l.T("slack.home.alert.urgent", "Name", escapeText(al.Name), "Time", when(al.At))
			}
			sec := slackgo.NewSectionBlock(mrkdwn(text), nil, nil)
			sec.Accessory = slackgo.NewAccessory(slackgo.NewButtonBlockElement(encodeActionID(0, al.Choice.ID), "", plain(clipRunes(al.Choice.Label, maxButtonLabel))))
			blocks = append(blocks, sec)
		}
		if st.MoreAlerts {
			blocks = append(blocks, section(l.T("slack.home.more_alerts")))
		}
	}
	blocks = append(blocks, actionBlocks(l, fmt.Sprintf("home-%d", i), hh.Choices)...)
	return blocks
}

// section is a section block of mrkdwn text, clipped to a section's limit.
func section(text string) *slackgo.SectionBlock {
	return slackgo.NewSectionBlock(mrkdwn(clipRunes(text, maxSectionText)), nil, nil)
}

// mrkdwn is a mrkdwn text object.
func mrkdwn(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, s, false, false)
}
