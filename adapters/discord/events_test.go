package discord

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bot"
)

// TestScheduledEvents mirrors an activity's life on the fake: created
// linking to its post, moved, cancelled; a creation the outbox did not
// record finds the event it made; a server without the permission is an
// undeliverable change, not a failure to retry.
func TestScheduledEvents(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 17, 14, 0, 0, 0, time.UTC)
	hs := start(t, discordtest.Config{Now: func() time.Time { return now }}, nil, nil)
	ctx := ctxFor(t)
	post, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Movie night"}})
	if err != nil {
		t.Fatal(err)
	}
	at := now.Add(52 * time.Hour)
	ev := bot.CalendarEvent{Name: "Movie night", Description: "Bring a blanket", Location: "Living room", Start: at, End: at.Add(2 * time.Hour)}
	mirror := func(e bot.CalendarEvent, edit bot.MessageRef) (bot.MessageRef, error) {
		return hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetCalendar, Channel: general}, Thread: post, Edit: edit, Event: &e})
	}

	ref, err := mirror(ev, bot.MessageRef{})
	if err != nil {
		t.Fatal(err)
	}
	got := hs.f.ScheduledEvents(guild)
	link := "https://discord.com/channels/" + guild + "/" + general + "/" + post.ID
	if len(got) != 1 || got[0].ID != ref.ID || ref.Channel != guild || got[0].Place != "Living room" ||
		!got[0].Start.Equal(at) || !strings.HasPrefix(got[0].Description, "Bring a blanket") || !strings.HasSuffix(got[0].Description, link) {
		t.Fatalf("created = %+v (ref %+v), want the activity linking to %s", got, ref, link)
	}

	t.Run("a creation sent again finds its event", func(t *testing.T) {
		again, err := mirror(ev, bot.MessageRef{})
		if err != nil || again != ref || len(hs.f.ScheduledEvents(guild)) != 1 {
			t.Errorf("second creation = %+v, %v; %d events, want the first one found", again, err, len(hs.f.ScheduledEvents(guild)))
		}
	})

	t.Run("moved", func(t *testing.T) {
		moved := ev
		moved.Start, moved.End = at.Add(24*time.Hour), at.Add(26*time.Hour)
		if got, err := mirror(moved, ref); err != nil || got != ref {
			t.Fatalf("move = %+v, %v", got, err)
		}
		if e := hs.f.ScheduledEvents(guild)[0]; !e.Start.Equal(moved.Start) || !e.End.Equal(moved.End) || e.Name != "Movie night" {
			t.Errorf("moved event = %+v", e)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		if _, err := mirror(bot.CalendarEvent{Cancel: true}, ref); err != nil {
			t.Fatal(err)
		}
		if e := hs.f.ScheduledEvents(guild)[0]; e.Status != discordtest.EventCanceled {
			t.Errorf("status = %d, want cancelled", e.Status)
		}
		if _, err := mirror(bot.CalendarEvent{Cancel: true}, ref); !errors.Is(err, bot.ErrUndeliverable) {
			t.Errorf("cancelling a finished event: %v, want undeliverable", err)
		}
	})

	t.Run("without the permission", func(t *testing.T) {
		hs.f.FailNext(discordtest.RouteCreateEvent, 1, discordtest.Fault{Status: 403, Code: 50013, Message: "Missing Permissions"})
		other, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Walk"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetCalendar, Channel: general}, Thread: other, Event: &ev})
		if !errors.Is(err, bot.ErrUndeliverable) {
			t.Errorf("403: %v, want undeliverable (never retried)", err)
		}
	})

	t.Run("the fake holds events to Discord's rules", func(t *testing.T) {
		past := ev
		past.Start, past.End = now.Add(-time.Hour), now
		other, _ := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Past"}})
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetCalendar, Channel: general}, Thread: other, Event: &past}); !errors.Is(err, bot.ErrUndeliverable) {
			t.Errorf("an event in the past: %v, want refused", err)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateEvent)
		if last := calls[len(calls)-1]; last.Status != 400 || !strings.Contains(string(last.Body), `"entity_type":3`) || strings.Contains(string(last.Body), "channel_id") {
			t.Errorf("last create = %d %s", last.Status, last.Body)
		}
	})
}
