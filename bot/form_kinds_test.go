package bot_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestNativeFieldKinds(t *testing.T) {
	number := bot.Field{ID: "n", Kind: bot.KindNumber, Label: "How many", Min: 1, Max: 1000}
	date := bot.Field{ID: "d", Kind: bot.KindDate, Label: "Until", Required: true}
	when := bot.Field{ID: "w", Kind: bot.KindDateTime, Label: "When", MaxLen: 40}
	for _, c := range []struct {
		f        bot.Field
		in, want string
		bad      bool
	}{
		{number, " 12 ", "12", false},
		{number, "", "", false},
		{number, "0", "", true},
		{number, "1001", "", true},
		{number, "2.5", "", true},
		{number, "lots", "", true},
		{date, "2026-12-01", "2026-12-01", false},
		{date, "", "", true},
		{date, "1 Dec", "", true},
		{when, "fri 19:00", "fri 19:00", false},
		{when, "2026-11-20T19:00:00Z", "2026-11-20T19:00:00Z", false},
	} {
		got, err := c.f.Normalize(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("%s %q = %q, %v; want %q (error %v)", c.f.Kind, c.in, got, err, c.want, c.bad)
		}
	}
	for _, f := range []bot.Field{number, date, when} {
		if !f.Typed() || f.HintIn(bot.SourceLang()) == "" {
			t.Errorf("%s: typed %v, hint %q; want typed with a hint", f.Kind, f.Typed(), f.HintIn(bot.SourceLang()))
		}
	}
}

func TestParseWhenPicked(t *testing.T) {
	now := time.Date(2026, 11, 16, 8, 0, 0, 0, chicago)
	picked := time.Date(2026, 11, 20, 19, 0, 0, 0, chicago)
	got, err := bot.ParseWhen(bot.SourceLang(), bot.DateTimeValue(picked), now, chicago)
	if err != nil || !got.Equal(picked) {
		t.Errorf("ParseWhen(%q) = %v, %v; want %v", bot.DateTimeValue(picked), got, err, picked)
	}
	if _, err := bot.ParseWhen(bot.SourceLang(), bot.DateTimeValue(now.Add(-time.Hour)), now, chicago); err == nil {
		t.Error("a picked time in the past was accepted")
	}
}
