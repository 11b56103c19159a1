package bot

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"sort"
	"strings"
)

// The crisis screener is measured, not guessed: a labelled corpus of lines
// in the register residents use, each danger, relapse or benign, in English
// and Spanish, with hard negatives. crisis-eval and the tests report recall
// per level and language, the false-positive rate on benign lines, and
// every miss.

//go:embed testdata/crisis_*.tsv
var corpusFS embed.FS

// ShippedCorpora names the labelled corpora built into the binary. Each was
// written by someone who had not seen the phrase lists, in a different set
// of voices: the working corpus first, then sets written to test how the
// screener generalises (see the README's crisis section for their story).
var ShippedCorpora = []string{
	"testdata/crisis_corpus.tsv",
	"testdata/crisis_holdout.tsv",
	"testdata/crisis_fresh.tsv",
	"testdata/crisis_blind_a.tsv",
	"testdata/crisis_blind_b.tsv",
	"testdata/crisis_final.tsv",
	"testdata/crisis_negatives.tsv",
	"testdata/crisis_round2.tsv",
	"testdata/crisis_round3.tsv",
	"testdata/crisis_round4.tsv",
	"testdata/crisis_round5.tsv",
	"testdata/crisis_negatives2.tsv",
	"testdata/crisis_negatives3.tsv",
	"testdata/crisis_round6.tsv",
}

// OpenShippedCorpus opens one of ShippedCorpora.
func OpenShippedCorpus(name string) (io.ReadCloser, error) { return corpusFS.Open(name) }

// CorpusLine is one labelled example.
type CorpusLine struct {
	Line     int
	Want     Concern
	Lang     string
	Category string
	Text     string
}

// ReadCorpus reads a corpus: one example a line, as four tab-separated
// fields "label lang category text"; lines starting with # and blank lines
// are skipped. A malformed line is an error naming its line number.
func ReadCorpus(r io.Reader) ([]CorpusLine, error) {
	var out []CorpusLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: want 4 tab-separated fields (label, lang, category, text), got %d", n, len(f))
		}
		want, ok := ParseConcern(f[0])
		if !ok {
			return nil, fmt.Errorf("line %d: label %q is not danger, relapse or benign", n, f[0])
		}
		if strings.TrimSpace(f[3]) == "" {
			return nil, fmt.Errorf("line %d: empty text", n)
		}
		out = append(out, CorpusLine{Line: n, Want: want, Lang: f[1], Category: f[2], Text: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	return out, nil
}

// EvalResult is how a screener did on a corpus.
type EvalResult struct {
	// Cells counts lines and exact hits per level and language.
	Cells map[EvalKey]*EvalCell
	// Misses are danger and relapse lines not screened at their level;
	// FalsePositives are benign lines screened as a concern.
	Misses, FalsePositives []EvalMiss
}

// EvalKey is a level and a language.
type EvalKey struct {
	Want Concern
	Lang string
}

// EvalCell counts one level and language's lines and correct answers.
type EvalCell struct{ Lines, Right int }

// EvalMiss is one line the screener got wrong.
type EvalMiss struct {
	CorpusLine
	Got Concern
	// Why names the phrase group that matched, for false positives.
	Why string
}

// Evaluate screens every line.
func Evaluate(s *Screener, lines []CorpusLine) EvalResult {
	res := EvalResult{Cells: map[EvalKey]*EvalCell{}}
	for _, l := range lines {
		got, why := s.Explain(l.Text)
		k := EvalKey{l.Want, l.Lang}
		c := res.Cells[k]
		if c == nil {
			c = &EvalCell{}
			res.Cells[k] = c
		}
		c.Lines++
		switch {
		case got == l.Want:
			c.Right++
		case l.Want == ConcernNone:
			res.FalsePositives = append(res.FalsePositives, EvalMiss{l, got, why})
		default:
			res.Misses = append(res.Misses, EvalMiss{l, got, why})
		}
	}
	return res
}

// Rate is right/lines for a level over the given languages (all when none).
func (r EvalResult) Rate(want Concern, langs ...string) (right, lines int) {
	for k, c := range r.Cells {
		if k.Want != want || (len(langs) > 0 && !contains(langs, k.Lang)) {
			continue
		}
		right += c.Right
		lines += c.Lines
	}
	return right, lines
}

// Recall is the share of a level's lines screened at that level.
func (r EvalResult) Recall(want Concern) float64 { return share(r.Rate(want)) }

// FalsePositiveRate is the share of benign lines screened as a concern.
func (r EvalResult) FalsePositiveRate() float64 {
	right, lines := r.Rate(ConcernNone)
	return share(lines-right, lines)
}

func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report writes the table, every miss and false positive, and a summary
// line last.
func (r EvalResult) Report(w io.Writer, name string) {
	keys := make([]EvalKey, 0, len(r.Cells))
	for k := range r.Cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Want != keys[j].Want {
			return keys[i].Want > keys[j].Want
		}
		return keys[i].Lang < keys[j].Lang
	})
	fmt.Fprintf(w, "%s\n%-8s %-4s %6s %6s  %s\n", name, "level", "lang", "lines", "right", "measure")
	for _, k := range keys {
		c := r.Cells[k]
		if k.Want == ConcernNone {
			fmt.Fprintf(w, "%-8s %-4s %6d %6d  false positives %.3f\n", k.Want, k.Lang, c.Lines, c.Right, share(c.Lines-c.Right, c.Lines))
			continue
		}
		fmt.Fprintf(w, "%-8s %-4s %6d %6d  recall %.3f\n", k.Want, k.Lang, c.Lines, c.Right, share(c.Right, c.Lines))
	}
	for _, set := range []struct {
		title string
		list  []EvalMiss
	}{{"misses", r.Misses}, {"false positives", r.FalsePositives}} {
		if len(set.list) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s (%d):\n", set.title, len(set.list))
		for _, m := range set.list {
			why := ""
			if m.Why != "" {
				why = " (" + m.Why + ")"
			}
			fmt.Fprintf(w, "  line %d %s/%s [%s] got %s%s: %s\n", m.Line, m.Want, m.Lang, m.Category, m.Got, why, m.Text)
		}
	}
	fmt.Fprintln(w, r.Summary())
}

// Summary is the one-line result: recall per level and false positives.
func (r EvalResult) Summary() string {
	dr, dn := r.Rate(ConcernDanger)
	rr, rn := r.Rate(ConcernRelapse)
	br, bn := r.Rate(ConcernNone)
	return fmt.Sprintf("danger recall %.3f (%d/%d), relapse recall %.3f (%d/%d), benign false positives %.3f (%d/%d)",
		share(dr, dn), dr, dn, share(rr, rn), rr, rn, share(bn-br, bn), bn-br, bn)
}
