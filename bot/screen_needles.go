package bot

import (
	"maps"
	"slices"
	"strings"
)

// The screener's cheap test in front of each pattern (filtered) asks
// whether a text holds one of the pattern's needles. Asked pattern by
// pattern, that is a strings.Contains for each of about 2,300 needles on
// every clause, and it was most of screening's CPU: 9 µs for "4", 150 µs
// for a sentence. needleIndex answers it for every pattern at once, in
// one pass over the text: at each position it looks up the needles that
// start with the text's next three bytes and checks those only. The
// answer is the same set of patterns, so what the screener matches does
// not change.

// needleIndex numbers the parts (patterns) of a screener's filtered sets
// and indexes their needles.
type needleIndex struct {
	// ids numbers each distinct needle.
	ids map[string]int32
	// byStart lists needle numbers by the needle's first three bytes: every
	// needle has at least three (requiredSubstrings drops shorter ones).
	byStart map[uint32][]int32
	// needles are the needles by number.
	needles []string
	// parts lists, for each needle, the numbers of the parts that have it.
	parts [][]int32
	// nparts is how many parts are numbered.
	nparts int32
}

func newNeedleIndex() *needleIndex {
	return &needleIndex{ids: map[string]int32{}, byStart: map[uint32][]int32{}}
}

// start3 packs a string's first three bytes.
func start3(s string) uint32 { return uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2]) }

// clone returns a copy that add may extend without changing ix, which
// stays shared by the screeners derived from it.
func (ix *needleIndex) clone() *needleIndex {
	return &needleIndex{
		ids:     maps.Clone(ix.ids),
		byStart: maps.Clone(ix.byStart),
		needles: slices.Clip(ix.needles),
		parts:   slices.Clip(ix.parts),
		nparts:  ix.nparts,
	}
}

// add numbers the parts of fs, which no index has numbered yet, and
// indexes their needles. Slices that ix shares with the index it was
// cloned from are copied before they grow (slices.Clip).
func (ix *needleIndex) add(fs ...*filtered) {
	for _, f := range fs {
		for i := range f.parts {
			p := &f.parts[i]
			p.id = ix.nparts
			ix.nparts++
			for _, n := range p.needles {
				id, ok := ix.ids[n]
				if !ok {
					id = int32(len(ix.needles))
					ix.ids[n] = id
					ix.needles = append(ix.needles, n)
					ix.parts = append(ix.parts, nil)
					k := start3(n)
					ix.byStart[k] = append(slices.Clip(ix.byStart[k]), id)
				}
				ix.parts[id] = append(slices.Clip(ix.parts[id]), p.id)
			}
		}
		f.numbered()
	}
}

// candidates are the parts a text may match: one bit a part, set when the
// text holds one of the part's needles.
type candidates []uint64

// scan returns the candidates of text.
func (ix *needleIndex) scan(text string) candidates {
	c := make(candidates, (ix.nparts+63)/64)
	for i := 0; i+3 <= len(text); i++ {
		for _, id := range ix.byStart[start3(text[i:])] {
			if strings.HasPrefix(text[i:], ix.needles[id]) {
				for _, p := range ix.parts[id] {
					c[p>>6] |= 1 << (p & 63)
				}
			}
		}
	}
	return c
}

// has reports whether part id is a candidate.
func (c candidates) has(id int32) bool { return c[id>>6]&(1<<(id&63)) != 0 }

// scanned is a text with its candidates. c may also be the candidates of a
// longer text that contains this one (a clause's for a part of it): a
// needle the part holds, the clause holds too, so the test stays true
// wherever a pattern can match.
type scanned struct {
	text string
	c    candidates
}
