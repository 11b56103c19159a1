package kit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
)

// orderHandler records the order events reach the core; user a's first
// event is held until the test releases it, so every later event of a is
// queued behind a slow one.
type orderHandler struct {
	mu      sync.Mutex
	got     map[string][]string
	release chan struct{}
}

func (o *orderHandler) Handle(_ context.Context, ev bot.Event) bot.Response {
	if ev.ID == "a-0" {
		<-o.release
	}
	if ev.ID == "panic" {
		panic("boom")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got[ev.User.ID] = append(o.got[ev.User.ID], ev.ID)
	return bot.Response{}
}

func TestUserQueueKeepsEachUsersOrder(t *testing.T) {
	h := &orderHandler{got: map[string][]string{}, release: make(chan struct{})}
	var q kit.UserQueue
	var dones []<-chan bot.Response
	for i := range 5 {
		for _, u := range []string{"a", "b"} {
			dones = append(dones, q.Handle(context.Background(), h, bot.Event{ID: fmt.Sprintf("%s-%d", u, i), User: bot.User{ID: u}}))
		}
	}
	close(h.release)
	for _, d := range dones {
		<-d
	}
	for _, u := range []string{"a", "b"} {
		if got, want := fmt.Sprint(h.got[u]), fmt.Sprintf("[%[1]s-0 %[1]s-1 %[1]s-2 %[1]s-3 %[1]s-4]", u); got != want {
			t.Errorf("user %s: order %s, want %s", u, got, want)
		}
	}
	resp := <-q.Handle(context.Background(), h, bot.Event{ID: "panic", User: bot.User{ID: "a"}})
	if len(resp.Messages) != 1 {
		t.Errorf("after a panic: %+v, want an apology", resp)
	}
}

func TestSeenSet(t *testing.T) {
	s := kit.NewSeenSet(time.Minute)
	t0 := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	for i, tt := range []struct {
		id   string
		at   time.Duration
		want bool
	}{{"x", 0, true}, {"x", 30 * time.Second, false}, {"y", 30 * time.Second, true}, {"x", 2 * time.Minute, true}} {
		if got := s.FirstSight(tt.id, t0.Add(tt.at)); got != tt.want {
			t.Errorf("%d: FirstSight(%s) = %v, want %v", i, tt.id, got, tt.want)
		}
	}
}

func (o *orderHandler) Commands() []*bot.Command { return nil }
