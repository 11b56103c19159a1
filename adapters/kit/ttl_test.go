package kit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/kit"
)

func TestTTLMap(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	m := kit.NewTTLMap[int](time.Minute, 3)
	m.Put("a", 1, t0)
	if v, ok := m.Get("a", t0.Add(59*time.Second)); !ok || v != 1 {
		t.Errorf("Get(a) within the ttl = %d, %v; want 1, true", v, ok)
	}
	if _, ok := m.Get("a", t0.Add(61*time.Second)); ok {
		t.Error("Get(a) after the ttl found it")
	}
	// Expired entries are pruned on the next Put.
	m.Put("b", 2, t0.Add(2*time.Minute))
	if got := m.Len(); got != 1 {
		t.Errorf("Len after an expired entry and a Put = %d, want 1", got)
	}
	// Full: the oldest makes room.
	for i := range 5 {
		m.Put(fmt.Sprint("k", i), i, t0.Add(2*time.Minute+time.Duration(i)*time.Second))
	}
	if got := m.Len(); got != 3 {
		t.Errorf("Len after filling past the limit = %d, want 3", got)
	}
	if _, ok := m.Get("k0", t0.Add(3*time.Minute)); ok {
		t.Error("the oldest entry survived a full map")
	}
	if v, ok := m.Get("k4", t0.Add(2*time.Minute+5*time.Second)); !ok || v != 4 {
		t.Errorf("Get(k4) = %d, %v; want 4, true", v, ok)
	}
	// Storing a key again keeps it, whatever older copies of it said.
	m.Put("k2", 20, t0.Add(2*time.Minute+10*time.Second))
	if v, ok := m.Get("k2", t0.Add(2*time.Minute+11*time.Second)); !ok || v != 20 {
		t.Errorf("Get(k2) after storing it again = %d, %v; want 20, true", v, ok)
	}
}

// Delete forgets a key, and a key stored and deleted over and over does not
// grow the map's bookkeeping past its limit.
func TestTTLMapDelete(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	m := kit.NewTTLMap[int](time.Hour, 3)
	m.Put("a", 1, t0)
	m.Delete("a")
	if _, ok := m.Get("a", t0); ok {
		t.Error("Get(a) after Delete found it")
	}
	for i := range 1000 {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		m.Put("k", i, at)
		m.Put(fmt.Sprint("d", i), i, at)
		m.Delete(fmt.Sprint("d", i))
	}
	if got := m.Len(); got != 1 {
		t.Errorf("Len = %d, want 1", got)
	}
	if got := kit.TTLMapOrderLen(m); got > 6 {
		t.Errorf("keys kept in order = %d, want at most twice the limit (6)", got)
	}
	if v, ok := m.Get("k", t0.Add(time.Second)); !ok || v != 999 {
		t.Errorf("Get(k) = %d, %v; want 999, true", v, ok)
	}
}
