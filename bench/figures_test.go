package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// The figures' functions on a tiny setup: they run, and measure what they
// say. The figures themselves are porchlight-bench's, never go test's.

func TestMeasureIdle(t *testing.T) {
	idle, err := MeasureIdle(context.Background(), t.TempDir(), 3, 2, 2, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if idle.CPU <= 0 || idle.TickCPU < 0 || idle.RSS == 0 {
		t.Errorf("idle = %+v, want CPU and RSS measured", idle)
	}
}

func TestAddMembers(t *testing.T) {
	ctx := context.Background()
	s := Spec{Houses: 3, Residents: 2, Days: 1}
	w, err := OpenWorld(ctx, filepath.Join(t.TempDir(), "m.db"), s, Start, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.AddMembers(ctx); err != nil {
		t.Fatal(err)
	}
	ids, err := w.MemberIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || len(ids[2]) != 2 || ids[2][1] == 0 || ids[2][1] == ids[0][0] {
		t.Errorf("member ids = %v, want 2 distinct members in each of 3 houses", ids)
	}
}

func TestRawAnswers(t *testing.T) {
	ctx := context.Background()
	s := Spec{Houses: 2, Residents: 2, Days: 1}
	path := filepath.Join(t.TempDir(), "raw.db")
	r, err := OpenRaw(ctx, path, s)
	if err != nil {
		t.Fatal(err)
	}
	// Every resident answers, then changes the answer, then one row alone.
	for k := range 8 {
		if err := r.Answer(ctx, k); err != nil {
			t.Fatalf("answer %d: %v", k, err)
		}
	}
	if err := r.Row(ctx, 8); err != nil {
		t.Fatal(err)
	}
	var answers, events int
	if err := r.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM checkin_answers), (SELECT COUNT(*) FROM processed_events)`).Scan(&answers, &events); err != nil {
		t.Fatal(err)
	}
	if answers != 4 || events != 8 {
		t.Errorf("%d answers and %d events, want 4 (one per resident) and 8", answers, events)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// The answers are the core's: it reads them back.
	w, err := OpenWorld(ctx, path, s, Start.Add(10*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ids, err := w.MemberIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = w.DB.View(ctx, func(tx bot.Tx) error {
		a, err := tx.AnswerOf(ctx, r.rounds[1], ids[1][1])
		if err == nil && (a.Mood != 4 || a.Visibility != bot.VisMentors || a.Values["win"] != "Went to a meeting") {
			t.Errorf("answer = %+v, want mood 4, mentors, the win kept", a)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStartWorld(t *testing.T) {
	ctx := context.Background()
	s := Spec{Houses: 2, Residents: 2, Days: 1}
	path := filepath.Join(t.TempDir(), "s.db")
	// A new database, then the same again: the first start's lock is
	// released on close.
	for range 2 {
		w, err := StartWorld(ctx, path, s, Start)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// On a history, OpenRaw answers in a round it opened the morning after
// the history's last day, beside the history's own answers.
func TestRawAnswersOnHistory(t *testing.T) {
	ctx := context.Background()
	s := Spec{Houses: 2, Residents: 2, Days: 2}
	path := generated(t, s)
	r, err := OpenRaw(ctx, path, s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var before int
	if err := r.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM checkin_answers`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for k := range 4 {
		if err := r.Answer(ctx, k); err != nil {
			t.Fatalf("answer %d: %v", k, err)
		}
	}
	var opened int64
	var answers int
	err = r.db.QueryRowContext(ctx, `SELECT r.opened_at, (SELECT COUNT(*) FROM checkin_answers a WHERE a.round_id = r.id)
		FROM checkin_rounds r WHERE r.id = ?`, r.rounds[1]).Scan(&opened, &answers)
	if err != nil {
		t.Fatal(err)
	}
	if want := s.End().Add(9 * time.Hour).Unix(); opened != want || answers != 2 {
		t.Errorf("round opened at %d with %d answers, want %d with the 2 residents'", opened, answers, want)
	}
	if before == 0 {
		t.Error("the history holds no answers")
	}
}

// The delivery ids of a world opened on a history never meet the
// history's own, which the core remembers for a day: on a short history,
// where the history's ids are few and small, every answer of the raw
// reference and of the core still counts (none is refused or dropped as
// a redelivery).
func TestAnswersOnHistoryAreNotRedeliveries(t *testing.T) {
	ctx := context.Background()
	s := Spec{Houses: 2, Residents: 2, Days: 2}
	path := generated(t, s)
	rawPath, err := Copy(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	r, err := OpenRaw(ctx, rawPath, s)
	if err != nil {
		t.Fatal(err)
	}
	for k := range n {
		if err := r.Answer(ctx, k); err != nil {
			t.Fatalf("raw answer %d: %v", k, err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	o, err := OpenRounds(ctx, path, s)
	if err != nil {
		t.Fatal(err)
	}
	w, err := OpenWorld(ctx, path, s, o.At, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	values := CheckinAnswer()
	for k := range n {
		i, j := k%s.Houses, (k/s.Houses)%s.Residents
		if err := w.Answer(ctx, i, j, o.Rounds[i], values); err != nil {
			t.Fatalf("core answer %d: %v", k, err)
		}
	}
}

// generated returns the path of a new history of s.
func generated(t *testing.T, s Spec) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "h.db")
	if err := Generate(context.Background(), path, s, nil); err != nil {
		t.Fatal(err)
	}
	return path
}
