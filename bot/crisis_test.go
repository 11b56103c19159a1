package bot

import (
	"strings"
	"testing"
)

// The screener is judged on labelled corpora (testdata/crisis_*.tsv). The
// working corpus must keep danger recall at 0.97 or more and benign false
// positives at 0.03 or less; `porchlight crisis-eval` prints the same table
// with every miss.
func TestScreenerCorpus(t *testing.T) {
	s, err := NewScreener(ScreenPhrases{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ShippedCorpora) != 14 {
		t.Fatalf("ShippedCorpora has %d entries; give each a threshold here", len(ShippedCorpora))
	}
	for _, tt := range []struct {
		name          string
		minDanger     float64
		minRelapse    float64
		maxFalsePos   float64
		minLinesTotal int
	}{
		{"testdata/crisis_corpus.tsv", 0.97, 0.90, 0.03, 400},
		{"testdata/crisis_holdout.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_fresh.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_blind_a.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_blind_b.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_final.tsv", 0.95, 0.90, 0.03, 200},
		// Hard negatives only: no danger or relapse lines to recall.
		{"testdata/crisis_negatives.tsv", 0, 0, 0.03, 200},
		{"testdata/crisis_round2.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_round3.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_round4.tsv", 0.95, 0.90, 0.03, 200},
		{"testdata/crisis_round5.tsv", 0.95, 0.90, 0.03, 200},
		// Hard negatives written to trip the screener up. Its bar is 0.04:
		// what remains is on purpose, such as "if one more person
		// microwaves fish I will walk into the sea" with no laugh, which
		// counts, because the same words without a joke must.
		{"testdata/crisis_negatives2.tsv", 0, 0, 0.04, 200},
		{"testdata/crisis_negatives3.tsv", 0, 0, 0.03, 200},
		{"testdata/crisis_round6.tsv", 0.95, 0.90, 0.03, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := OpenShippedCorpus(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			lines, err := ReadCorpus(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) < tt.minLinesTotal {
				t.Fatalf("corpus has %d lines, want at least %d", len(lines), tt.minLinesTotal)
			}
			res := Evaluate(s, lines)
			var b strings.Builder
			res.Report(&b, tt.name)
			t.Log("\n" + b.String())
			if got := res.Recall(ConcernDanger); got < tt.minDanger {
				t.Errorf("danger recall %.3f, want at least %.2f", got, tt.minDanger)
			}
			if got := res.Recall(ConcernRelapse); got < tt.minRelapse {
				t.Errorf("relapse recall %.3f, want at least %.2f", got, tt.minRelapse)
			}
			if got := res.FalsePositiveRate(); got > tt.maxFalsePos {
				t.Errorf("benign false positives %.3f, want at most %.2f", got, tt.maxFalsePos)
			}
		})
	}
}

// Table tests for the reading rules, one row per rule; the corpora measure
// the phrase lists as a whole.
func TestScreenerRules(t *testing.T) {
	s, err := NewScreener(ScreenPhrases{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		rule, text string
		want       Concern
	}{
		{"plain", "i want to die", ConcernDanger},
		{"capitals and curly apostrophe", "I DON’T WANT TO LIVE ANYMORE", ConcernDanger},
		{"missing apostrophe", "i dont want to be alive", ConcernDanger},
		{"stretched letters", "i want to diiiie", ConcernDanger},
		{"chat spelling", "kms", ConcernDanger},
		{"chat spelling od", "im going to od tonight", ConcernDanger},
		{"typo in a key word", "thinking about suicde", ConcernDanger},
		{"swapped letters", "i realpsed last night", ConcernRelapse},
		{"accents folded", "QUIERO MORIR", ConcernDanger},
		{"spanish without accents", "ya no quiero vivir", ConcernDanger},
		{"negation", "no thoughts of hurting myself today", ConcernNone},
		{"negation of want", "i don't want to die, i want to get better", ConcernNone},
		{"answer no is not a negation", "no i want to die", ConcernDanger},
		{"cant stop is not a negation", "cant stop thinking about using", ConcernRelapse},
		{"past recovery story", "i used to drink every day, 200 days sober now", ConcernNone},
		{"sobriety count in another part", "200 days sober and i still want to die", ConcernDanger},
		{"recent beats past", "i relapsed last night after 2 years clean", ConcernRelapse},
		{"someone else's story", "my sponsor talked about her overdose years ago", ConcernNone},
		{"person as object is not the subject", "called my sister to say goodbye for good", ConcernDanger},
		{"their own subject", "my kids would be better off without me", ConcernDanger},
		{"idiom", "this commute is killing me", ConcernNone},
		{"idiom killed it", "killed it at work today", ConcernNone},
		{"water", "going to drink some water", ConcernNone},
		{"high on life", "I'm high on life", ConcernNone},
		{"coupon", "gonna use that coupon", ConcernNone},
		{"film title", "we watched Suicide Squad", ConcernNone},
		{"accident", "I cut myself shaving", ConcernNone},
		{"spanish idiom", "me muero de hambre", ConcernNone},
		{"spanish idiom traffic", "me mata el tráfico", ConcernNone},
		{"craving", "I want to use so bad", ConcernRelapse},
		{"danger outranks relapse", "used again and i want to die", ConcernDanger},
		{"across sentences", "thanks for everything. goodbye", ConcernDanger},
		{"taken back", "this homework makes me wanna unalive lol jk", ConcernNone},
		{"a retraction takes back only what came before", "jk. honestly i want to kill myself", ConcernDanger},
		{"invalid utf-8 separates words", "i want to\xffdie", ConcernDanger},
		{"a form's label answered none", "Cravings: 0. Thoughts of self-harm: none. Mood: 7", ConcernNone},
		{"a form's label answered yes", "Thoughts of self-harm: yes", ConcernDanger},
		{"someone else in a relative clause", "heard about a man who jumped from the overpass", ConcernNone},
		{"a negated phrase is not turned around", "if im not at breakfast dont come looking", ConcernDanger},
		{"in is not ing", "i got the gun in my lap right now", ConcernDanger},
		{"sin negates only the next word", "llevo tres dias sin dormir metiendome cristal y ya veo sombras", ConcernDanger},
		{"sin before the phrase", "ya van 90 dias sin tomar", ConcernNone},
		{"someone else's quoted words", `My roommate said "I don't want to be here anymore" but he meant this house`, ConcernNone},
		{"the writer's own quoted words", `I told my sponsor "I want to die"`, ConcernDanger},
		{"a joke, laughed at", "if Kevin sings karaoke one more time im throwing myself off the bridge lmao", ConcernNone},
		{"the same words, no laugh", "if one more thing goes wrong im throwing myself off the bridge", ConcernDanger},
		{"a laugh, but in earnest", "i want to die lol not joking", ConcernDanger},
		{"a farewell explained by a departure", "Goodbye everyone, I graduate the program tomorrow", ConcernNone},
		{"a farewell with nothing to explain it", "goodbye everyone", ConcernDanger},
		{"an idiom must end its clause", "i wanna die for real. not a joke", ConcernDanger},
		{"empty", "", ConcernNone},
	} {
		t.Run(tt.rule, func(t *testing.T) {
			if got := s.Screen(tt.text); got != tt.want {
				_, why := s.Explain(tt.text)
				t.Errorf("Screen(%q) = %s (%s), want %s", tt.text, got, why, tt.want)
			}
		})
	}
}

// A house's own phrases are plain words, read like the text, and its
// ignore phrases override the built-in ones.
func TestScreenerHousePhrases(t *testing.T) {
	s, err := NewScreener(ScreenPhrases{
		Danger:  []string{"going to the quarry"},
		Relapse: []string{"hit the corner store"},
		Ignore:  []string{"dying to see"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		want Concern
	}{
		{"Im GOING to the quarry tonight", ConcernDanger},
		{"might hit the corner store after work", ConcernRelapse},
		{"gonna hit the corner-store", ConcernRelapse},
		{"the quarry was pretty", ConcernNone},
		{"i am not going to the quarry", ConcernNone},
		{"dying to see you all", ConcernNone},
	} {
		if got := s.Screen(tt.text); got != tt.want {
			t.Errorf("Screen(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
	for _, bad := range []string{"!!!", "bro lol"} {
		if _, err := NewScreener(ScreenPhrases{Danger: []string{bad}}); err == nil {
			t.Errorf("NewScreener accepted %q, a phrase with no words to match", bad)
		}
		if err := CheckPhrase(bad); err == nil {
			t.Errorf("CheckPhrase(%q) = nil, want an error", bad)
		}
	}
}

// FuzzScreen checks the normaliser and the matcher: no panic on any input
// (invalid UTF-8, very long text), case never matters, and a crisis said in
// its own sentence is never hidden by whatever came before it.
func FuzzScreen(f *testing.F) {
	for _, s := range []string{"I want to die", "killing me", "", "’’’", "kill\u00a0myself", "\xff\xfe", strings.Repeat("so ", 3000), "no. not. never", "used to"} {
		f.Add(s)
	}
	s, err := NewScreener(ScreenPhrases{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := s.Screen(text)
		if isASCII(text) && s.Screen(strings.ToUpper(text)) != got {
			t.Errorf("case changed the outcome for %q", text)
		}
		if c := s.Screen(text + "\nI want to kill myself"); c != ConcernDanger {
			t.Errorf("Screen(%q + a crisis in its own sentence) = %s, want danger", text, c)
		}
		for _, clause := range splitClauses(text) {
			for _, w := range clause {
				if w == "" || strings.ContainsAny(w, " \t\n'’") || strings.ToLower(w) != w {
					t.Errorf("splitClauses(%q) gave word %q", text, w)
				}
			}
		}
	})
}

// Long input costs time in proportion to its length, and still finds a
// crisis at the end.
func TestScreenerLongInput(t *testing.T) {
	s, err := NewScreener(ScreenPhrases{})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("went to work and then to a meeting ", 1000) + ". i want to kill myself"
	if got := s.Screen(long); got != ConcernDanger {
		t.Errorf("Screen(long text ending in a crisis) = %s, want danger", got)
	}
}

func BenchmarkScreen(b *testing.B) {
	s, err := NewScreener(ScreenPhrases{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, text string }{
		{"digit", "4"},
		{"short", "Went to a meeting"},
		{"sentence", "tired today, went to my meeting, honestly i keep thinking everyone would be better off without me"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s.Screen(c.text)
			}
		})
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
