package bot

import (
	"strings"
	"testing"
)

// The needle index only skips patterns that cannot match, so a screener
// with it reads every text exactly as one that runs every pattern: the
// same level and the same phrase group, on every line of every shipped
// corpus, in variants that exercise blanking, retractions, laughter and
// joins across clauses, and with a house's own phrases.
func TestNeedleIndexChangesNothing(t *testing.T) {
	house := ScreenPhrases{Danger: []string{"going to the quarry"}, Relapse: []string{"hit the corner store"}, Ignore: []string{"killing it at work"}}
	indexed, err := NewScreener(house)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewScreener(house)
	if err != nil {
		t.Fatal(err)
	}
	// Without needles, and unnumbered, every pattern's cheap test says
	// yes and every pattern runs.
	for _, f := range plain.patterns() {
		for i := range f.parts {
			f.parts[i].needles = nil
		}
		f.mask, f.always = nil, nil
	}
	texts := shippedTexts(t)
	extra := []string{"", "4", "no", "going to the quarry tonight", "not going to the quarry", "killing it at work, going to the quarry", "hit the corner store again"}
	// Running every pattern is slow (milliseconds a text): a tenth of the
	// lines are read, a hundredth in variants too, and every extra.
	var sample []string
	for i, text := range texts {
		switch {
		case i%100 == 0 && i > 0:
			sample = append(sample, text, strings.ToUpper(text), text+" lol", text+". jk", "thanks for everything. "+text, texts[i-1]+"\n"+text)
		case i%10 == 0:
			sample = append(sample, text)
		}
	}
	for _, text := range extra {
		sample = append(sample, text, text+". jk")
	}
	for _, v := range sample {
		gotLevel, gotWhy := indexed.Explain(v)
		wantLevel, wantWhy := plain.Explain(v)
		if gotLevel != wantLevel || gotWhy != wantWhy {
			t.Errorf("Explain(%q) = %s (%s) with the index, %s (%s) without", v, gotLevel, gotWhy, wantLevel, wantWhy)
		}
	}
}

// laughter's cheap test never turns away a text the regexp matches: on
// every line of the shipped corpora, in upper case and with laughter added,
// and on laughter in every spelling the regexp knows.
func TestMayLaughKeepsEveryLaugh(t *testing.T) {
	texts := []string{"lol", "LOOOL", "lmao", "LMFAOOO", "rofl", "hahah", "HAHA", "jajaja", "JAJAJ", "jejeje", "xD", "XD", "jk", "JK",
		"j\u212a", "😂", "that was 🤣", "🙃", "🙈", "💀", "😆", "😅", "😹", "ok haha ok", "fine. lol", ""}
	for _, text := range shippedTexts(t) {
		texts = append(texts, text, strings.ToUpper(text), text+" lmao")
	}
	laughs := 0
	for _, text := range texts {
		if laughter.MatchString(text) {
			laughs++
			if !mayLaugh(text) {
				t.Errorf("mayLaugh(%q) = false, but laughter matches it", text)
			}
		}
	}
	if laughs < len(texts)/3 {
		t.Errorf("laughter matched %d of %d texts; the test lost its laughs", laughs, len(texts))
	}
}

// shippedTexts returns the text of every line of the shipped corpora.
func shippedTexts(t *testing.T) []string {
	t.Helper()
	var texts []string
	for _, name := range ShippedCorpora {
		f, err := OpenShippedCorpus(name)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := ReadCorpus(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, l := range lines {
			texts = append(texts, l.Text)
		}
	}
	if len(texts) < 1000 {
		t.Fatalf("read %d corpus lines, want the shipped corpora's thousand or more", len(texts))
	}
	return texts
}
