package benchmarks

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord"
	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bench"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/outbox"
)

// benchDiscord is the real Discord adapter under the benchmark houses'
// platform name, so that their outbox messages go through it.
type benchDiscord struct{ *discord.Adapter }

// Platform returns the benchmark houses' platform.
func (benchDiscord) Platform() string { return bench.Platform }

// FanOutDiscord returns a benchmark of delivering the check-in prompts of
// n houses with no history (fan-out measures pacing; the history's weight
// on the sender is due-history's) through the real Discord adapter and
// discordgo against the fake Discord, which answers each call after
// latency and enforces Discord's global and per-route rate limits. The
// sender runs as the bot runs it. It reports prompts a second, the REST
// requests each fan-out made ("requests/op": the floor is these at
// Discord's 50 a second) and the fake's 429s ("429s/op", which must be
// zero). Opening the rounds is not timed.
func FanOutDiscord(n int, latency time.Duration) func(b *testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		spec := bench.Spec{Houses: n, Residents: 3, Days: 1}
		at := bench.Start.Add(9 * time.Hour)
		w, err := bench.OpenWorld(ctx, filepath.Join(b.TempDir(), "fanout.db"), spec, at, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { w.Close() })
		if err := w.AddMembers(ctx); err != nil {
			b.Fatal(err)
		}
		f := discordtest.NewServer(b, discordtest.Config{Latency: latency})
		for _, h := range w.Houses {
			f.AddChannel(discordtest.Channel{ID: h.Channel, Type: discordtest.ChannelTypeGuildText, GuildID: discordtest.GuildID, Name: strings.ToLower(h.Name)})
		}
		ad, err := discord.New(discord.Config{Token: strings.TrimPrefix(f.Token(), "Bot "), ApplicationID: discordtest.AppID, APIBase: f.URL()}, nil)
		if err != nil {
			b.Fatal(err)
		}
		sender := outbox.NewSender(w.DB, w.Clock, nil, benchDiscord{ad})
		sender.Concurrency = outbox.DefaultConcurrency
		day, requests := 0, 0
		for b.Loop() {
			b.StopTimer()
			at := bench.Start.AddDate(0, 0, day).Add(9 * time.Hour)
			w.Clock.Set(at)
			for _, h := range w.Houses {
				if err := w.Bot.RunJob(ctx, bot.JobCheckinOpen+"/0", h, at); err != nil {
					b.Fatal(err)
				}
			}
			day++
			before := len(f.Calls())
			b.StartTimer()
			// A 429 defers its message by the platform's wait on the
			// sender's clock: move it on until every message went.
			for pass := 0; ; pass++ {
				if _, err := sender.Flush(ctx); err != nil {
					b.Fatal(err)
				}
				left, err := w.DB.Outbox().Pending(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if left == 0 {
					break
				}
				if pass == 1000 {
					b.Fatalf("%d messages still pending after %d passes", left, pass)
				}
				// The platform's wait is in real time.
				time.Sleep(100 * time.Millisecond)
				w.Clock.Set(w.Clock.Now().Add(100 * time.Millisecond))
			}
			requests += len(f.Calls()) - before
		}
		posts := 0
		for _, h := range w.Houses {
			posts += len(f.Messages(h.Channel))
		}
		if posts < n*b.N {
			b.Fatalf("%d posts in the house channels, want at least the %d prompts", posts, n*b.N)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "prompts/s")
		b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
		b.ReportMetric(float64(f.RateLimited())/float64(b.N), "429s/op")
	}
}
