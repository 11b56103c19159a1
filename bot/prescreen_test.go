package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// TestTextsScreenedBeforeTheTransaction: an answer, a command with
// options, a DM and a thread reply are screened before their transaction
// (Bot.Handle), so none is screened with the writer held, whether the
// house is named by the channel or, for a DM in a bot of two houses, only
// by the store; what is found is the same, a house's own phrases
// included. An edit whose earlier words differ reads those in the
// transaction, which the counter shows.
func TestTextsScreenedBeforeTheTransaction(t *testing.T) {
	cedar := testHouse()
	birch := testHouse()
	birch.Name, birch.Channel = "Birch House", "C-birch"
	birch.Crisis.Phrases.Danger = []string{"going to the quarry"}
	h := newHarnessHouses(t, storagetest.Open(t), at9(0), cedar, birch)
	h.join(robin)
	inBirch := func(ev bot.Event) bot.Event {
		ev.Channel = birch.Channel
		return ev
	}
	consent := h.do(inBirch(h.ev.Command(casey, "join", "")))
	h.do(inBirch(h.ev.Press(casey, consent.Messages[0].Choices[0].ID, "")))
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()

	inTx := func(what string, want int64, do func() bot.Response) bot.Response {
		t.Helper()
		before := h.bot.TxScreens()
		resp := do()
		if got := h.bot.TxScreens() - before; got != want {
			t.Errorf("%s: %d texts screened in the transaction, want %d", what, got, want)
		}
		return resp
	}
	// The text field keeps its words trimmed; both were screened.
	resp := inTx("an answer", 0, func() bot.Response {
		return h.answer(robin, vals("4", "  Went to a meeting  ", "", "no", "mentors"))
	})
	if got := text(resp); !strings.Contains(got, "Went to a meeting") {
		t.Fatalf("answer: got %q, want its echo", got)
	}
	inTx("the same answer again", 0, func() bot.Response {
		return h.answer(robin, vals("4", "Went to a meeting", "", "no", "mentors"))
	})
	inTx("an edit with new words (the earlier ones are read in the transaction)", 1, func() bot.Response {
		return h.answer(robin, vals("4", "Cooked dinner for the house", "", "no", "mentors"))
	})
	cmd := h.ev.Command(robin, "checkin", "")
	cmd.Command.Options = map[string]string{"b": "until friday", "a": "pause"}
	inTx("a command with options", 0, func() bot.Response { return h.do(cmd) })
	resp = inTx("a danger DM in a bot of two houses", 0, func() bot.Response { return h.do(h.ev.DM(robin, dangerLine)) })
	if choiceID(resp, "crisis:alert") == "" {
		t.Errorf("danger DM: got %q, want the offer of a person", text(resp))
	}
	// Casey's DM belongs to Birch House, which only the store can tell;
	// its own phrase is found.
	resp = inTx("a DM with Birch House's own phrase", 0, func() bot.Response {
		return h.do(h.ev.DM(casey, "Going to the quarry tonight"))
	})
	if choiceID(resp, "crisis:alert") == "" {
		t.Errorf("Birch House's phrase in a DM: got %q, want the offer of a person", text(resp))
	}
	resp = inTx("Birch House's phrase in Cedar House's channel", 0, func() bot.Response {
		return h.do(h.ev.Command(robin, "checkin", "going to the quarry"))
	})
	if choiceID(resp, "crisis:alert") != "" {
		t.Errorf("Birch House's phrase read in Cedar House: got %q, want no crisis reply", text(resp))
	}
}
