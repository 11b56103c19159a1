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
	for _, tt := range []struct {
		name          string
		minDanger     float64
		minRelapse    float64
		maxFalsePos   float64
		minLinesTotal int
	}{
		{"testdata/crisis_corpus.tsv", 0.97, 0.90, 0.03, 400},
		{"testdata/crisis_holdout.tsv", 0.90, 0.80, 0.05, 200},
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
