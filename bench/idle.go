package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// Idle is what a bot with many houses and nothing due costs: CPU as a
// share of one core and resident memory.
type Idle struct {
	// CPU is the share of one core (1 is a whole core) the idle bot uses:
	// the CPU of one tick spread over the tick's 30 seconds, plus what the
	// process uses between ticks (the sender's pass every second, the
	// runtime), measured over Quiet.
	CPU float64
	// TickCPU is the CPU time of one quiet tick.
	TickCPU time.Duration
	// RSS is the resident memory after the ticks, in bytes.
	RSS uint64
}

// TickPeriod is how often the bot ticks (`porchlight run`).
const TickPeriod = 30 * time.Second

// MeasureIdle builds in dir a world of houses with residents members
// each, directly through the core (no history), and starts its sender as
// the bot runs it. At 03:00, with nothing due, it runs ticks ticks back to
// back on the fake clock, 30 seconds apart, timing their CPU, then lets
// quiet pass in real time with the sender running and no tick. The
// process's CPU (getrusage, user and system) is measured in each part;
// nothing else must run in the process meanwhile.
func MeasureIdle(ctx context.Context, dir string, houses, residents, ticks int, quiet time.Duration) (Idle, error) {
	s := Spec{Houses: houses, Residents: residents, Days: 1}
	at := Start.Add(3 * time.Hour)
	w, err := OpenWorld(ctx, filepath.Join(dir, "idle.db"), s, at, nil)
	if err != nil {
		return Idle{}, err
	}
	defer w.Close()
	if err := w.AddMembers(ctx); err != nil {
		return Idle{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	w.Bot.OnCommit(w.Sender.Wake)
	wg.Go(func() { w.Sender.Run(ctx) })
	// The first tick settles the start; then the heap is what the bot
	// keeps.
	if err := w.Bot.Tick(ctx); err != nil {
		return Idle{}, err
	}
	runtime.GC()
	cpu0, err := cpuTime()
	if err != nil {
		return Idle{}, err
	}
	for range ticks {
		at = at.Add(TickPeriod)
		w.Clock.Set(at)
		if err := w.Bot.Tick(ctx); err != nil {
			return Idle{}, err
		}
	}
	cpu1, err := cpuTime()
	if err != nil {
		return Idle{}, err
	}
	start := time.Now()
	select {
	case <-ctx.Done():
		return Idle{}, ctx.Err()
	case <-time.After(quiet):
	}
	cpu2, err := cpuTime()
	if err != nil {
		return Idle{}, err
	}
	between := float64(cpu2-cpu1) / float64(time.Since(start))
	out := Idle{TickCPU: (cpu1 - cpu0) / time.Duration(max(ticks, 1))}
	out.CPU = float64(out.TickCPU)/float64(TickPeriod) + between
	out.RSS, err = rss()
	return out, err
}

// rss is the process's resident memory: VmRSS in /proc/self/status on
// Linux, else the memory the Go runtime holds from the system less what it
// released (which leaves out SQLite's, as the driver is Go, nothing).
func rss() (uint64, error) {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:")); ok {
				f := bytes.Fields(rest)
				if len(f) != 2 || string(f[1]) != "kB" {
					return 0, fmt.Errorf("rss: unexpected VmRSS line %q", sc.Text())
				}
				kb, err := strconv.ParseUint(string(f[0]), 10, 64)
				return kb * 1024, err
			}
		}
	}
	ss := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(ss)
	return ss[0].Value.Uint64() - ss[1].Value.Uint64(), nil
}
