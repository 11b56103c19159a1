package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// Activities are mirrored to the server's Events tab as Guild Scheduled
// Events (Discord docs: Guild Scheduled Event), one per occurrence. They
// are EXTERNAL events (entity_type 3): they have a location rather than a
// voice channel, and need a scheduled end. Discord starts and ends them on
// time by itself. The RSVP buttons on the activity's post stay the source
// of truth; the event's description links back to the post. Creating an
// EXTERNAL event needs the Create Events permission; the bot edits only
// events it created, which needs nothing more. The request bodies are
// written here with only the fields the docs give an EXTERNAL event, so
// an edit changes only what it names.

// Event constants, as Discord numbers them.
const (
	eventPrivacyGuildOnly = 2
	eventEntityExternal   = 3
	eventStatusCanceled   = 4
	maxEventName          = 100
	maxEventDescription   = 1000
	maxEventLocation      = 100
)

// eventBody is a create or edit of an EXTERNAL scheduled event.
type eventBody struct {
	Name               string      `json:"name,omitempty"`
	Description        string      `json:"description,omitempty"`
	PrivacyLevel       int         `json:"privacy_level,omitempty"`
	EntityType         int         `json:"entity_type,omitempty"`
	EntityMetadata     *eventPlace `json:"entity_metadata,omitempty"`
	ScheduledStartTime string      `json:"scheduled_start_time,omitempty"`
	ScheduledEndTime   string      `json:"scheduled_end_time,omitempty"`
	Status             int         `json:"status,omitempty"`
}

// eventPlace is an EXTERNAL event's entity_metadata.
type eventPlace struct {
	Location string `json:"location"`
}

// sendEvent creates, changes or cancels the scheduled event of an outbox
// message for TargetCalendar. The returned ref holds the guild and the
// event's id, which the outbox keeps, so that later changes edit this
// event. A server where the bot may not create events is logged once and
// the change is undeliverable: the activity itself goes on as before.
func (a *Adapter) sendEvent(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	ev := m.Event
	guild := a.channelInfo(ctx, m.Target.Channel).guild
	if guild == "" {
		return bot.MessageRef{}, &bot.RetryError{Err: fmt.Errorf("discord event: the house channel's server is not known yet")}
	}
	var (
		ref bot.MessageRef
		err error
	)
	switch {
	case ev.Cancel && m.Edit.IsZero():
		return bot.MessageRef{}, fmt.Errorf("discord event: cancel of no event: %w", bot.ErrUndeliverable)
	case ev.Cancel:
		ref, err = a.eventRequest(ctx, http.MethodPatch, guild, m.Edit.ID, eventBody{Status: eventStatusCanceled})
	case !m.Edit.IsZero():
		ref, err = a.eventRequest(ctx, http.MethodPatch, guild, m.Edit.ID, a.eventFields(kit.Lang(m.Lang), ev, guild, m.Target.Channel, m.Thread))
	default:
		// An event the bot created before a crash, and the outbox did not
		// record, is found by its link back to the post: one per post.
		link := postLink(guild, m.Target.Channel, m.Thread)
		if found, ok := a.eventLinking(ctx, guild, link); ok {
			return found, nil
		}
		body := a.eventFields(kit.Lang(m.Lang), ev, guild, m.Target.Channel, m.Thread)
		body.PrivacyLevel, body.EntityType = eventPrivacyGuildOnly, eventEntityExternal
		ref, err = a.eventRequest(ctx, http.MethodPost, guild, "", body)
	}
	if err != nil && (restStatus(err) == http.StatusForbidden || discordCode(err) == codeMissingPermissions) {
		a.eventsRefused.Do(func() {
			a.log.Warn("the bot may not create events in the server; activities are not mirrored to the Events tab. Invite it again with the printed URL (Create Events), or set [discord] scheduled_events = false", "guild", guild)
		})
	}
	return ref, err
}

// eventFields are what an event shows of an activity; the words the
// adapter adds are in l.
func (a *Adapter) eventFields(l i18n.Lang, ev *bot.CalendarEvent, guild, ch string, post bot.MessageRef) eventBody {
	desc := strings.TrimSpace(ev.Description)
	if link := postLink(guild, ch, post); link != "" {
		// The RSVP buttons are on the post; the event points there.
		desc = strings.TrimSpace(desc + "\n\n" + l.T("discord.event.rsvp", "Link", link))
	}
	location := strings.TrimSpace(ev.Location)
	if location == "" {
		location = l.T("discord.event.location")
	}
	return eventBody{
		Name:               clipRunes(strings.TrimSpace(ev.Name), maxEventName),
		Description:        clipRunes(desc, maxEventDescription),
		EntityMetadata:     &eventPlace{Location: clipRunes(location, maxEventLocation)},
		ScheduledStartTime: ev.Start.UTC().Format(time.RFC3339),
		ScheduledEndTime:   ev.End.UTC().Format(time.RFC3339),
	}
}

// postLink is the link to a message in a guild channel, or "".
func postLink(guild, ch string, post bot.MessageRef) string {
	if post.IsZero() {
		return ""
	}
	if post.Channel != "" {
		ch = post.Channel
	}
	return fmt.Sprintf("https://discord.com/channels/%s/%s/%s", guild, ch, post.ID)
}

// eventRequest sends a create (id "") or an edit of an event.
func (a *Adapter) eventRequest(ctx context.Context, method, guild, id string, body eventBody) (bot.MessageRef, error) {
	ep := discordgo.EndpointGuildScheduledEvents(guild)
	if id != "" {
		ep = discordgo.EndpointGuildScheduledEvent(guild, id)
	}
	resp, err := a.session.RequestWithBucketID(method, ep, body, discordgo.EndpointGuildScheduledEvents(guild), discordgo.WithContext(ctx))
	if err != nil {
		return bot.MessageRef{}, classify("scheduled event", err)
	}
	var e struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &e); err != nil || e.ID == "" {
		return bot.MessageRef{}, fmt.Errorf("discord scheduled event: unreadable answer: %v", err)
	}
	return bot.MessageRef{Channel: guild, ID: e.ID}, nil
}

// eventLinking finds a live event the bot made whose description links to
// link. A failed lookup finds nothing: creating is then the only way on.
func (a *Adapter) eventLinking(ctx context.Context, guild, link string) (bot.MessageRef, bool) {
	if link == "" {
		return bot.MessageRef{}, false
	}
	ep := discordgo.EndpointGuildScheduledEvents(guild)
	resp, err := a.session.RequestWithBucketID(http.MethodGet, ep, nil, ep, discordgo.WithContext(ctx))
	if err != nil {
		return bot.MessageRef{}, false
	}
	var events []struct {
		ID          string `json:"id"`
		CreatorID   string `json:"creator_id"`
		Description string `json:"description"`
		Status      int    `json:"status"`
	}
	if json.Unmarshal(resp, &events) != nil {
		return bot.MessageRef{}, false
	}
	a.mu.Lock()
	self := a.botUser
	a.mu.Unlock()
	for _, e := range events {
		if (self == "" || e.CreatorID == self) && e.Status < 3 && strings.HasSuffix(e.Description, link) {
			return bot.MessageRef{Channel: guild, ID: e.ID}, true
		}
	}
	return bot.MessageRef{}, false
}
