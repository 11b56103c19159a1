package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
)

// choreHouse has one daily chore for one person, at 09:00 like the
// harness's schedules, and a Sunday summary.
func choreHouse(h *bot.House) {
	h.Chores = bot.ChoresConfig{List: []bot.Chore{{Name: "Kitchen", Every: "daily", People: 1}}, Summary: "0 9 * * *"}
}

// turn runs the kitchen's turn at 09:00 on the given day and returns, by
// user id, the turn messages sent.
func turn(t *testing.T, h *harness, day int) map[string]bot.Outgoing {
	t.Helper()
	h.ad.Reset()
	h.clock.Set(at9(day))
	if err := h.bot.RunJob(h.ctx, bot.JobChoreTurnPrefix+"kitchen", h.house, at9(day)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	out := map[string]bot.Outgoing{}
	for _, m := range h.ad.Sent() {
		if strings.Contains(m.Text, "Your turn: *Kitchen*") {
			out[m.Target.User] = m
		}
	}
	return out
}

func only(t *testing.T, turns map[string]bot.Outgoing) (string, bot.Outgoing) {
	t.Helper()
	if len(turns) != 1 {
		t.Fatalf("turns = %+v, want one", turns)
	}
	for u, m := range turns {
		return u, m
	}
	return "", bot.Outgoing{}
}

func TestChoreTurnsRotateAndSkipTheAway(t *testing.T) {
	h := newHarness(t, choreHouse)
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(jamie, "checkin", "pause until 2026-11-20"))
	var order []string
	for day := 0; day < 4; day++ {
		u, m := only(t, turn(t, h, day))
		if m.Target.Kind != bot.TargetDM || len(m.Choices) != 2 || m.Choices[0].Label != "Done" || m.Choices[1].Label != "Ask for a swap" {
			t.Errorf("turn message = %+v", m)
		}
		order = append(order, u)
	}
	if want := []string{robin.ID, casey.ID, robin.ID, casey.ID}; strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("turns went to %v, want %v (Jamie is away)", order, want)
	}
	// Back from the pause, Jamie starts level and takes the next turn.
	if u, _ := only(t, turn(t, h, 4)); u != jamie.ID {
		t.Errorf("after the pause the turn went to %s, want Jamie", u)
	}
	// A restart runs the same key again: nothing doubles.
	h.ad.Reset()
	if err := h.bot.RunJob(h.ctx, bot.JobChoreTurnPrefix+"kitchen", h.house, at9(4)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.Sent(); len(got) != 0 {
		t.Errorf("a second run of the same turn sent %s", texts(got))
	}
	// Caught up after two days down, only the latest turn runs.
	h.clock.Set(at9(7).Add(time.Hour))
	if err := h.bot.CatchUp(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	n := 0
	for _, m := range h.ad.Sent() {
		if strings.Contains(m.Text, "Your turn") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("catch-up sent %d turns, want 1", n)
	}
}

func TestChoreDoneAndSwap(t *testing.T) {
	h := newHarness(t, choreHouse)
	h.join(robin, casey, jamie, lee)
	h.do(h.ev.Command(lee, "checkin", "pause until 2026-12-20"))
	u, m := only(t, turn(t, h, 0))
	if u != robin.ID {
		t.Fatalf("first turn went to %s, want Robin", u)
	}
	done, swap := m.Choices[0].ID, m.Choices[1].ID
	if got := text(h.do(h.ev.Press(casey, done, ""))); !strings.Contains(got, "not valid") {
		t.Errorf("Casey pressing Robin's Done = %q, want refused", got)
	}

	// Robin asks for a swap: Casey and Jamie are asked privately; Lee is
	// away; nothing goes to the channel.
	h.ad.Reset()
	if got := text(h.do(h.ev.Press(robin, swap, ""))); !strings.Contains(got, "asked 2 housemate(s), privately") {
		t.Errorf("swap = %q", got)
	}
	if got := text(h.do(h.ev.Press(robin, swap, ""))); !strings.Contains(got, "already asked") {
		t.Errorf("second swap = %q", got)
	}
	offers := map[string]string{}
	for _, o := range h.ad.Sent() {
		if strings.Contains(o.Text, "*Robin* asks if someone can take their turn at *Kitchen*") {
			offers[o.Target.User] = o.Choices[0].ID
		}
	}
	if len(offers) != 2 || offers[casey.ID] == "" || offers[jamie.ID] == "" || len(h.ad.InChannel(h.house.Channel)) != 0 {
		t.Fatalf("offers = %v; channel %s", offers, texts(h.ad.InChannel(h.house.Channel)))
	}
	// The first to accept takes it; the second is thanked.
	resp := h.do(h.ev.Press(jamie, offers[jamie.ID], ""))
	if got := text(resp); !strings.Contains(got, "*Kitchen* is yours this time") {
		t.Errorf("Jamie takes = %q", got)
	}
	if got := text(h.do(h.ev.Press(casey, offers[casey.ID], ""))); !strings.Contains(got, "Someone already took it") {
		t.Errorf("Casey after Jamie = %q", got)
	}
	if got := h.ad.To(robin.ID); len(got) == 0 || !strings.Contains(got[len(got)-1].Text, "*Jamie* took your turn") {
		t.Errorf("Robin was told %s", texts(got))
	}
	if got := text(h.do(h.ev.Press(robin, done, ""))); !strings.Contains(got, "A housemate took *Kitchen* for you") {
		t.Errorf("Robin's old Done = %q", got)
	}
	if got := text(h.do(h.ev.Press(jamie, resp.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "Thanks for taking care of *Kitchen*") {
		t.Errorf("Jamie's Done = %q", got)
	}
	if got := text(h.do(h.ev.Press(jamie, resp.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "Already marked done") {
		t.Errorf("Jamie's second Done = %q", got)
	}
	// The turn counted for Jamie, not Robin: Robin is next in line again
	// (with Casey, who never had it, first).
	if u, _ := only(t, turn(t, h, 1)); u != casey.ID {
		t.Errorf("next turn went to %s, want Casey", u)
	}
	if u, _ := only(t, turn(t, h, 2)); u != robin.ID {
		t.Errorf("the turn after went to %s, want Robin", u)
	}
	if got := text(h.do(h.ev.Command(robin, "chores", ""))); !strings.Contains(got, "Yours now: *Kitchen*") || !strings.Contains(got, "Kitchen — every day, 1 person") {
		t.Errorf("/chores = %q", got)
	}

	// The mentors' summary and the digest: counts, no ranking.
	h.ad.Reset()
	h.clock.Set(at9(3))
	if err := h.bot.RunJob(h.ctx, bot.JobChoresSummary, h.house, at9(3)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	sum := h.ad.To(mentor.ID)
	if len(sum) != 1 || !strings.Contains(sum[0].Text, "Kitchen: 1 of 3 turns marked done") || !strings.Contains(sum[0].Text, "Not marked done: Kitchen (Casey, Robin)") {
		t.Errorf("summary = %s", texts(sum))
	}
	d, js := weekDigest(t, h)
	var got struct {
		Chores struct {
			Enabled bool     `json:"enabled"`
			Turns   int      `json:"turns"`
			Done    int      `json:"done"`
			Rate    *float64 `json:"completion_rate"`
		} `json:"chores"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	if c := got.Chores; !c.Enabled || c.Turns != 3 || c.Done != 1 || c.Rate == nil || *c.Rate < 0.33 || *c.Rate > 0.34 {
		t.Errorf("digest chores = %+v", c)
	}
	if txt := render.DigestText(d); !strings.Contains(txt, "*Chores*\n• 1 of 3 turns marked done (33%).\n• Kitchen: 1 of 3 (33%)\n\n") {
		t.Errorf("digest text chores:\n%s", txt)
	}

	// Export and erasure cover the turns and the swap request.
	data, err := h.bot.ExportData(h.ctx, h.house, robin.ID, "cli")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"what": "asked to swap Kitchen"`, `"status": "a housemate took it"`, `"status": "open"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Robin's export lacks %s:\n%s", want, data)
		}
	}
	if err := h.bot.EraseData(h.ctx, h.house, jamie.ID, "cli"); err != nil {
		t.Fatal(err)
	}
}

func TestChoresOff(t *testing.T) {
	h := newHarness(t, choreHouse, func(h *bot.House) { h.Chores.Off = true })
	h.join(robin)
	for _, j := range h.bot.Jobs() {
		if strings.HasPrefix(j.Name, "chores.") && j.House != nil {
			t.Errorf("chores are off, yet job %s is scheduled", j.Name)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "chores", ""))); !strings.Contains(got, "doesn't run its chores through Porchlight") {
		t.Errorf("/chores = %q", got)
	}
	if turns := turn(t, h, 0); len(turns) != 0 {
		t.Errorf("a turn went out with chores off: %+v", turns)
	}
}

// TestChoreMessagesAreErasedWithWhomTheyName: a turn for two names the
// other on it, and the mentors' summary names whose turn was not marked
// done; erasing either resident before they are sent takes them away.
func TestChoreMessagesAreErasedWithWhomTheyName(t *testing.T) {
	h := newHarness(t, func(h *bot.House) {
		h.Chores = bot.ChoresConfig{List: []bot.Chore{{Name: "Kitchen", Every: "daily", People: 2}}, Summary: "0 9 * * *"}
	})
	h.join(robin, casey)
	h.clock.Set(at9(0))
	if err := h.bot.RunJob(h.ctx, bot.JobChoreTurnPrefix+"kitchen", h.house, at9(0)); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(at9(1))
	if err := h.bot.RunJob(h.ctx, bot.JobChoresSummary, h.house, at9(1)); err != nil {
		t.Fatal(err)
	}
	if turns, sums := outboxWith(t, h, "Your turn: *Kitchen* with"), outboxWith(t, h, "Not marked done"); turns != 2 || sums == 0 {
		t.Fatalf("queued: turns %d, summaries %d; want 2 and some", turns, sums)
	}
	if err := h.bot.EraseData(h.ctx, h.house, casey.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	if n := outboxWith(t, h, "Your turn: *Kitchen* with"); n != 0 {
		t.Errorf("turns naming the erased resident = %d, want 0", n)
	}
	if n := outboxWith(t, h, "Not marked done"); n != 0 {
		t.Errorf("summaries naming the erased resident = %d, want 0", n)
	}
}
