package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/porchlight/porchlight/bench"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/storage"
)

// cmdLoad measures the core on a real SQLite file: residents join, a round
// opens, every resident checks in (press, then submit) from several
// goroutines at once, and the outbox is delivered to a recording adapter.
// It prints throughput and latency percentiles; it is how performance is
// measured, together with the Go benchmarks, never by timed unit tests.
func cmdLoad(ctx context.Context, e env) int {
	fs := flags(e, "load", "[--residents N] [--rounds N] [--concurrency N] [--db FILE]", `Measure Porchlight's core on a real SQLite database: N residents join, then
in each round every resident opens and submits the check-in form, from
several goroutines at once, and the outbox is delivered. Prints events per
second and latency percentiles. Uses no platform and no network.`)
	residents := fs.Int("residents", 200, "residents in the load house")
	rounds := fs.Int("rounds", 3, "check-in rounds to play")
	conc := fs.Int("concurrency", 8, "goroutines sending events at once")
	dbPath := fs.String("db", "", "database `FILE` (default: a temporary file)")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.unexpected(fs)
	}
	if *residents < 1 || *rounds < 1 || *conc < 1 {
		return e.usageError("--residents, --rounds and --concurrency must be at least 1")
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "porchlight-load-")
		if err != nil {
			return e.fail(err)
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "load.db")
	}
	if err := runLoad(ctx, e, *dbPath, *residents, *rounds, *conc); err != nil {
		return e.fail(err)
	}
	return exitOK
}

func runLoad(ctx context.Context, e env, dbPath string, residents, rounds, conc int) error {
	// It runs the core and the sender: never beside a bot on the same file.
	db, err := storage.Open(ctx, dbPath, storage.Exclusive())
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	clock := bench.NewClock(start)
	house := demoHouse(time.UTC)
	house.Name, house.Platform = "Load House", "load"
	house.Checkin.Schedules = []string{"0 9 * * *"}
	house.Checkin.Window, house.Checkin.ReminderAfter = 4*time.Hour, 2*time.Hour
	b, err := bot.New(bot.Config{Store: db, Clock: clock, Houses: []*bot.House{house}})
	if err != nil {
		return err
	}
	if err := b.Start(ctx); err != nil {
		return err
	}
	ad := &bench.Adapter{Name: "load"}
	sender := outbox.NewSender(db, clock, nil, ad)
	ev := &bench.Events{Platform: "load"}
	users := make([]bot.User, residents)
	for i := range users {
		users[i] = bot.User{ID: fmt.Sprintf("U%05d", i), Name: fmt.Sprintf("Resident %d", i)}
	}

	var mu sync.Mutex
	var lat []time.Duration
	handle := func(event bot.Event) bot.Response {
		t0 := time.Now()
		resp := b.Handle(ctx, event)
		d := time.Since(t0)
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
		return resp
	}
	// each runs fn for every user on conc goroutines.
	each := func(fn func(u bot.User) error) error {
		work := make(chan bot.User)
		errc := make(chan error, conc)
		var wg sync.WaitGroup
		for range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for u := range work {
					if err := fn(u); err != nil {
						errc <- err
						return
					}
				}
			}()
		}
		for _, u := range users {
			work <- u
		}
		close(work)
		wg.Wait()
		close(errc)
		return <-errc
	}

	began := time.Now()
	err = each(func(u bot.User) error {
		resp := handle(ev.Command(u, house.Channel, "join"))
		if len(resp.Messages) == 0 || len(resp.Messages[0].Choices) == 0 {
			return fmt.Errorf("join of %s: no consent choice", u.ID)
		}
		handle(ev.Press(u, house.Channel, resp.Messages[0].Choices[0].ID))
		return nil
	})
	if err != nil {
		return err
	}
	var sent int
	for day := range rounds {
		at := start.Add(time.Duration(day)*24*time.Hour + time.Hour)
		clock.Set(at)
		if err := b.RunJob(ctx, "checkin.open/0", house, at); err != nil {
			return err
		}
		var roundID int64
		err := db.View(ctx, func(tx bot.Tx) error {
			rs, err := tx.OpenRounds(ctx, house.ID)
			if err == nil && len(rs) > 0 {
				roundID = rs[0].ID
			}
			return err
		})
		if err != nil || roundID == 0 {
			return fmt.Errorf("round %d did not open: %v", day, err)
		}
		err = each(func(u bot.User) error {
			resp := handle(ev.Press(u, house.Channel, fmt.Sprintf("checkin:open:%d", roundID)))
			if resp.Form == nil {
				return fmt.Errorf("check-in of %s: no form", u.ID)
			}
			handle(ev.Submit(u, house.Channel, resp.Form.ID, bench.CheckinAnswer()))
			return nil
		})
		if err != nil {
			return err
		}
		clock.Set(at.Add(4 * time.Hour))
		if err := b.Tick(ctx); err != nil {
			return err
		}
		n, err := sender.Flush(ctx)
		if err != nil {
			return err
		}
		sent += n
	}
	total := time.Since(began)

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	fmt.Fprintf(e.stdout, "residents %d, rounds %d, concurrency %d\n", residents, rounds, conc)
	fmt.Fprintf(e.stdout, "events %d in %s: %.0f events/s\n", len(lat), total.Round(time.Millisecond), float64(len(lat))/total.Seconds())
	fmt.Fprintf(e.stdout, "latency p50 %s, p95 %s, p99 %s, max %s\n", pct(0.50).Round(time.Microsecond), pct(0.95).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	fmt.Fprintf(e.stdout, "outbox messages delivered %d\n", sent)
	return nil
}
