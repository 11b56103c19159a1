package discord

import (
	"net/http"
	"strings"

	"golang.org/x/time/rate"
)

// DefaultGlobalRate is how many REST requests a second the adapter makes
// at most: Discord's global limit is 50 a second per bot, and the slack
// of three absorbs the jitter between a request leaving and arriving, so
// that no window of a second Discord sees holds more than 50.
const DefaultGlobalRate = 47

// globalPace keeps the bot's REST requests within Discord's global rate
// limit, which discordgo learns of only from a 429. It paces at the wire,
// after discordgo's per-route buckets (which read the X-RateLimit-*
// headers and wait out each route's window) have let a request go, so that
// every request counts once, whichever call made it: a message's post, a
// DM channel, a thread, an edit. Interactions are exempt from the global
// limit, as on Discord: an answer to a member never waits behind a
// fan-out.
type globalPace struct {
	limiter *rate.Limiter
	next    http.RoundTripper
}

// newGlobalPace paces next at perSecond requests, without bursts: any
// second then holds at most perSecond + 1 of them.
func newGlobalPace(perSecond float64, next http.RoundTripper) *globalPace {
	return &globalPace{limiter: rate.NewLimiter(rate.Limit(perSecond), 1), next: next}
}

// RoundTrip waits for the request's slot, then sends it; it gives up when
// the request's context ends.
func (p *globalPace) RoundTrip(r *http.Request) (*http.Response, error) {
	if !exemptFromGlobal(r.URL.Path) {
		if err := p.limiter.Wait(r.Context()); err != nil {
			return nil, err
		}
	}
	return p.next.RoundTrip(r)
}

// exemptFromGlobal reports the paths outside Discord's global limit:
// interaction responses and their follow-ups (webhooks with the
// interaction's token).
func exemptFromGlobal(path string) bool {
	return strings.Contains(path, "/interactions/") || strings.Contains(path, "/webhooks/")
}
