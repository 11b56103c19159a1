package bot

import (
	"fmt"
	"iter"
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The crisis screener reads text addressed to the bot the way people write
// it: in lowercase or capitals, with or without accents and apostrophes,
// with stretched letters ("sooo"), chat spellings ("im", "wanna", "kms")
// and small typos in the key words. It answers one question: how worried
// should a peer be? It never scores risk and never diagnoses; a match only
// decides which private reply the resident gets.
//
// How a text is read:
//
//  1. normalise: lowercase, fold accents and curly quotes, drop
//     apostrophes, split into words; punctuation, emoji and line breaks end
//     a clause.
//  2. spell: chat spellings become words ("wanna" → "want to"), stretched
//     letters and typos in the lexicon's key words are corrected.
//  3. ignore: phrases that only look like crisis talk (idioms, titles,
//     "suicide prevention") are blanked out.
//  4. match: each language's phrase groups are matched clause by clause,
//     and a match counts only if it is not negated ("I don't want to die"),
//     not someone else's story ("my sponsor overdosed") and not a recovery
//     story from the past ("back when I was using") with nothing recent in
//     the clause.
//
// The phrases live in crisis_phrases_*.go, one file per language.

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

// ParseConcern reads a level as String spells it.
func ParseConcern(s string) (Concern, bool) {
	switch s {
	case "danger":
		return ConcernDanger, true
	case "relapse":
		return ConcernRelapse, true
	case "benign", "none":
		return ConcernNone, true
	}
	return ConcernNone, false
}

// ScreenPhrases are a house's own additions to the screener, from
// [house.crisis] extra_phrases, extra_relapse_phrases and ignore_phrases.
// They are plain phrases, not patterns: they are normalised like the text,
// and match whole words.
type ScreenPhrases struct {
	// Danger and Relapse are extra phrases for each level.
	Danger, Relapse []string
	// Ignore are phrases that must never count, such as a local idiom.
	Ignore []string
}

// Lexicon is one language's screening data. Patterns are regular
// expressions over normalised text: lowercase ASCII words separated by
// single spaces, one clause at a time, so "$" is the end of a clause.
// {NAME} inserts the fragment NAME. Each pattern matches whole words.
type Lexicon struct {
	// Lang is the language code, "en" or "es".
	Lang string
	// Spellings maps a chat spelling or contraction, as normalised (no
	// apostrophes), to the words it stands for.
	Spellings map[string]string
	// Keywords are the words whose small typos are corrected: the words
	// that carry the meaning of a crisis phrase.
	Keywords []string
	// RealWords are ordinary words one typo away from a keyword, which must
	// never be "corrected" into one ("relaxed" is not "relapsed").
	RealWords []string
	// Fragments are named pieces of patterns.
	Fragments map[string]string
	// Ignore lists phrases blanked out before matching.
	Ignore []PhraseGroup
	// Danger and Relapse are the phrase groups for each level.
	Danger, Relapse []PhraseGroup
	// DangerAcross and RelapseAcross are phrases matched across the
	// clauses of a whole message, joined by " . ", for signs that take two
	// sentences ("thanks for everything. goodbye"). No negation or subject
	// checks apply to them.
	DangerAcross, RelapseAcross []PhraseGroup
	// Fillers are words dropped before matching ("bro", "lol", "wey"), so
	// that "ya no quiero estar aqui bro" ends where its phrase ends.
	Fillers []string
	// Retractions take back what came before them in the message ("jk",
	// "es broma"); what comes after still counts.
	Retractions []string
	// Departures say the message is about leaving for a good reason
	// (graduating, moving, a trip): a farewell group's match then is one.
	Departures []string
	// Hyperbole marks a joking frame ("if … one more time", "makes me want
	// to"). With a laughter or irony marker in the message (lol, jaja, 😂,
	// 🙃) it takes the message back; without one, the words count.
	Hyperbole []string
	// Passed says a craving has passed ("called my sponsor and it
	// passed"): a craving group's match with it later in the message is
	// not a concern. Disclosed use and danger are never taken back.
	Passed []string
	// Negators turn a following match off ("not", "never", "no").
	Negators []string
	// Breakers end a negation's reach ("and", "but").
	Breakers []string
	// Others are words that make the subject someone else ("my sponsor",
	// "she"); Self are those that make it the writer ("i", "my").
	Others, Self []string
	// Past marks a clause as a story from the past ("last year", "200 days
	// sober"); Recent marks it as now again ("last night", "today") and
	// outweighs Past. Story marks a frame that nothing recent outweighs
	// ("the old me would have", "back when I was using").
	Past, Recent, Story []string
}

// PhraseGroup is one way people talk, with the patterns that cover it.
type PhraseGroup struct {
	// About says what the group covers, for reviewers and crisis-eval.
	About string
	// AnySubject is set for groups whose patterns name their own subject,
	// so "my kids would be better off without me" is not someone else's.
	AnySubject bool
	// Craving is set for groups of wanting to use, which a later "it
	// passed" (Lexicon.Passed) takes back; a disclosed use stays one.
	Craving bool
	// Farewell is set for goodbye groups, which a departure in the same
	// message (Lexicon.Departures) explains.
	Farewell bool
	// Patterns are regular expressions over normalised text (see Lexicon).
	Patterns []string
}

// Screener finds danger and relapse language in text addressed to the bot.
// It is safe for concurrent use; build one with NewScreener.
type Screener struct {
	spell  speller
	ignore []*filtered
	langs  []*compiledLexicon
	extra  []*compiledGroup
	// index numbers every pattern above and finds their needles in a text
	// (screen_needles.go).
	index *needleIndex
}

type compiledLexicon struct {
	lang              string
	groups            []*compiledGroup // danger groups first
	across            []*compiledGroup
	retract, passed   *filtered
	departs, jokes    *filtered
	negators          map[string]bool
	breakers          map[string]bool
	others, self      map[string]bool
	past, recent      *filtered
	story             *filtered
	negationReach     int
	othersReachTokens int
}

type compiledGroup struct {
	level Concern
	about string
	re    *filtered
	// lex checks negation and context within a clause; nil for groups
	// matched across a message and for a house's own phrases, which are
	// checked for negation only (extraMatches).
	lex *compiledLexicon
	// anySubject groups name their own subject ("everyone would be better
	// off without me"), so a third person before them is not someone
	// else's story.
	anySubject bool
	// craving groups are taken back by a later "it passed".
	craving bool
	// farewell groups are explained by a departure in the message.
	farewell bool
}

// builtinLexicons are the languages the screener reads, every one at once:
// a resident may switch language mid-sentence.
func builtinLexicons() []*Lexicon { return []*Lexicon{englishLexicon(), spanishLexicon()} }

// NewScreener compiles the built-in lexicons together with a house's
// additions. An addition that normalises to nothing is an error. Compiling
// the lexicons takes tens of milliseconds: build one and derive each
// house's screener from it with With.
func NewScreener(extra ScreenPhrases) (*Screener, error) {
	s, err := newScreener(builtinLexicons())
	if err != nil {
		return nil, err
	}
	return s.With(extra)
}

// With returns a screener that reads like s and also knows a house's own
// phrases. s is not changed; the built-in lexicons are shared, not
// compiled again.
func (s *Screener) With(extra ScreenPhrases) (*Screener, error) {
	out := *s
	out.ignore = append([]*filtered(nil), s.ignore...)
	out.extra = append([]*compiledGroup(nil), s.extra...)
	out.index = s.index.clone()
	add := func(level Concern, phrases []string) error {
		for _, p := range phrases {
			re, err := out.phraseRegexp(p)
			if err != nil {
				return err
			}
			out.index.add(re)
			if level == ConcernNone {
				out.ignore = append(out.ignore, re)
				continue
			}
			out.extra = append(out.extra, &compiledGroup{level: level, about: "the house's own phrases", re: re})
		}
		return nil
	}
	for _, l := range []struct {
		level   Concern
		phrases []string
	}{{ConcernDanger, extra.Danger}, {ConcernRelapse, extra.Relapse}, {ConcernNone, extra.Ignore}} {
		if err := add(l.level, l.phrases); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

func newScreener(lexs []*Lexicon) (*Screener, error) {
	s := &Screener{index: newNeedleIndex()}
	vocab := map[string]bool{}
	for _, lx := range lexs {
		cl, ignore, err := compileLexicon(lx, vocab)
		if err != nil {
			return nil, fmt.Errorf("lexicon %s: %w", lx.Lang, err)
		}
		s.langs = append(s.langs, cl)
		s.ignore = append(s.ignore, ignore...)
	}
	s.spell = newSpeller(lexs, vocab)
	s.index.add(s.patterns()...)
	// A resident may mix languages ("no quiero, i dont want to"), so every
	// language's negations and subjects count in every language's phrases.
	for _, a := range s.langs {
		for _, b := range s.langs {
			for _, m := range []struct{ to, from map[string]bool }{{a.negators, b.negators}, {a.breakers, b.breakers}, {a.others, b.others}, {a.self, b.self}} {
				for w := range m.from {
					m.to[w] = true
				}
			}
		}
	}
	return s, nil
}

// patterns lists every set of patterns the screener matches.
func (s *Screener) patterns() []*filtered {
	out := slices.Clone(s.ignore)
	for _, g := range s.extra {
		out = append(out, g.re)
	}
	for _, l := range s.langs {
		for _, g := range slices.Concat(l.groups, l.across) {
			out = append(out, g.re)
		}
		out = append(out, l.retract, l.passed, l.departs, l.jokes, l.past, l.recent, l.story)
	}
	return out
}

// CheckPhrase reports whether a house's own phrase can be used: it must
// hold at least one word once normalised that is not a filler the screener
// drops ("bro", "lol"). check-config uses it.
func CheckPhrase(p string) error {
	fillers := map[string]bool{}
	for _, lx := range builtinLexicons() {
		for _, f := range lx.Fillers {
			fillers[f] = true
		}
	}
	words := 0
	for _, c := range splitClauses(p) {
		for _, w := range c {
			if !fillers[w] {
				words++
			}
		}
	}
	if words == 0 {
		return fmt.Errorf("%q has no words to match", p)
	}
	if utf8.RuneCountInString(p) > 200 {
		return fmt.Errorf("is longer than 200 characters")
	}
	return nil
}

// phraseRegexp turns a house's plain phrase into a whole-word pattern, read
// through the same normaliser and speller as the text.
func (s *Screener) phraseRegexp(p string) (*filtered, error) {
	if err := CheckPhrase(p); err != nil {
		return nil, err
	}
	var words []string
	for _, c := range splitClauses(p) {
		words = append(words, s.spell.words(c)...)
	}
	if len(words) == 0 {
		// An empty pattern would match every message.
		return nil, fmt.Errorf("%q has no words to match", p)
	}
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return wholeWords(strings.Join(words, " "))
}

// wholeWords compiles patterns so that each matches whole words only.
func wholeWords(patterns ...string) (*filtered, error) {
	f := &filtered{}
	for _, p := range patterns {
		re, err := regexp.Compile(`(?:^| )(?:` + p + `)(?: |$)`)
		if err != nil {
			return nil, err
		}
		f.parts = append(f.parts, filteredPart{re: re, needles: requiredSubstrings(p)})
	}
	return f, nil
}

// filtered is a set of patterns, each with a cheap test in front of it: a
// match must contain one of the pattern's needles, so a text holding none
// of them cannot match and the regexp is not run. Running every phrase's
// regexp on every clause is what screening costs, and most clauses hold no
// needle of most phrases. Results are exactly the regexps' own.
type filtered struct {
	parts []filteredPart
	// The parts' ids are consecutive (needleIndex.add numbers them so),
	// so the parts that may match a text are the candidates' bits in the
	// words of their range. For each such word, from the one that holds
	// the first part's id: mask keeps the bits of f's parts, and always
	// sets those of the parts with no needles, which run on every text.
	// Both are nil until an index numbers the parts.
	mask, always []uint64
}

type filteredPart struct {
	re *regexp.Regexp
	// needles is nil when the pattern has no telling substring.
	needles []string
	// id numbers the part in its screener's needleIndex.
	id int32
}

// mayMatch reports whether the text holds one of the part's needles.
func (p *filteredPart) mayMatch(t scanned) bool {
	return p.needles == nil || t.c.has(p.id)
}

// candidates yields, in order, the parts that may match t: those with a
// needle t holds, and those with none. It reads the candidates' words of
// f's range, not each part: a screener has thousands of parts, and a text
// holds the needles of a few.
func (f *filtered) candidates(t scanned) iter.Seq[*filteredPart] {
	return func(yield func(*filteredPart) bool) {
		if f.mask == nil {
			for i := range f.parts {
				if p := &f.parts[i]; p.mayMatch(t) && !yield(p) {
					return
				}
			}
			return
		}
		first := int(f.parts[0].id)
		w0 := first >> 6
		for k, mask := range f.mask {
			w := w0 + k
			for set := t.c[w]&mask | f.always[k]; set != 0; set &= set - 1 {
				if !yield(&f.parts[w<<6+bits.TrailingZeros64(set)-first]) {
					return
				}
			}
		}
	}
}

// numbered sets mask and always once an index has numbered f's parts,
// which must have consecutive ids.
func (f *filtered) numbered() {
	f.mask, f.always = nil, nil
	if len(f.parts) == 0 {
		return
	}
	first := int(f.parts[0].id)
	w0 := first >> 6
	f.mask = make([]uint64, (first+len(f.parts)-1)>>6-w0+1)
	f.always = make([]uint64, len(f.mask))
	for i := range f.parts {
		p := &f.parts[i]
		id := int(p.id)
		if id != first+i {
			panic("filtered: parts numbered out of order")
		}
		f.mask[id>>6-w0] |= 1 << (id & 63)
		if p.needles == nil {
			f.always[id>>6-w0] |= 1 << (id & 63)
		}
	}
}

// MatchString reports whether any pattern matches.
func (f *filtered) MatchString(t scanned) bool {
	for p := range f.candidates(t) {
		if p.re.MatchString(t.text) {
			return true
		}
	}
	return false
}

// FindAllStringIndex returns every pattern's matches.
func (f *filtered) FindAllStringIndex(t scanned) [][]int {
	var out [][]int
	for p := range f.candidates(t) {
		out = append(out, p.re.FindAllStringIndex(t.text, -1)...)
	}
	return out
}

// blank replaces every pattern's matches in text with " _ ". The spans
// are found in the original text and merged first, so the order of the
// patterns never matters: "rope for the tug of war" is blanked whole even
// though "tug of war" is a phrase of its own.
func (f *filtered) blank(t scanned) string {
	text := t.text
	spans := f.FindAllStringIndex(t)
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	at := 0
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		b.WriteString(text[at:start])
		b.WriteString(" _ ")
		at = end
	}
	b.WriteString(text[at:])
	return b.String()
}

// requiredSubstrings returns strings of which every match of the pattern
// contains at least one, or nil when it cannot tell or they would be too
// short to filter anything out. It reads the parsed pattern (needleSets):
// a sequence of short alternatives ("(?:die|dying) (?:to|for)") is spelled
// out into the phrases it can be ("die to", "dying for"), so that a
// pattern made of short words still gets needles.
func requiredSubstrings(p string) []string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	set := needleSets(re.Simplify()).best()
	if set == nil {
		return nil
	}
	for _, n := range set {
		if len(n) < 3 {
			return nil // too short to filter anything out
		}
	}
	return set
}

// Limits of the needle analysis: the strings a piece of a pattern is
// spelled out into, and the needles of one pattern.
const (
	maxExact   = 64
	maxNeedles = 256
)

// needleSet is what the analysis knows of a piece of a pattern. exact,
// when known (exactOK), lists every string the piece can match ("" for
// an optional one); req, when not nil, lists strings of which every match
// holds one.
type needleSet struct {
	exact   []string
	exactOK bool
	req     []string
}

// best is the most telling set of strings every match holds one of: the
// required set or the exact one; nil when neither is known.
func (n needleSet) best() []string {
	out := n.req
	if n.exactOK && len(n.exact) <= maxNeedles && (out == nil || better(n.exact, out)) {
		out = n.exact
	}
	return out
}

func exactly(strs ...string) needleSet { return needleSet{exact: strs, exactOK: true} }

// needleSets reads a simplified pattern. A literal is exact; a sequence
// spells out runs of exact pieces while they stay few, and requires the
// most telling of those runs and its pieces' own sets; an alternation is
// exact when each branch is, and requires one of each branch's sets; an
// optional piece is exact with "" but requires nothing.
func needleSets(re *syntax.Regexp) needleSet {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return needleSet{}
		}
		return exactly(string(re.Rune))
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		// Zero-width: reading them as "" only widens what may match.
		return exactly("")
	case syntax.OpCharClass:
		var strs []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if strs = append(strs, string(r)); len(strs) > 8 {
					return needleSet{}
				}
			}
		}
		return exactly(strs...)
	case syntax.OpCapture:
		return needleSets(re.Sub[0])
	case syntax.OpQuest:
		sub := needleSets(re.Sub[0])
		if !sub.exactOK {
			return needleSet{}
		}
		return exactly(union(sub.exact, []string{""})...)
	case syntax.OpPlus:
		return needleSet{req: needleSets(re.Sub[0]).best()}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return needleSet{req: needleSets(re.Sub[0]).best()}
		}
	case syntax.OpConcat:
		return concatNeedles(re.Sub)
	case syntax.OpAlternate:
		var exact, req []string
		exactOK, reqOK := true, true
		for _, sub := range re.Sub {
			n := needleSets(sub)
			if exactOK = exactOK && n.exactOK; exactOK {
				exact = union(exact, n.exact)
				exactOK = len(exact) <= maxExact
			}
			b := n.best()
			if reqOK = reqOK && b != nil; reqOK {
				req = union(req, b)
				reqOK = len(req) <= maxNeedles
			}
		}
		out := needleSet{exact: exact, exactOK: exactOK}
		if reqOK {
			out.req = req
		}
		return out
	}
	return needleSet{}
}

// concatNeedles reads a sequence of pieces (needleSets).
func concatNeedles(subs []*syntax.Regexp) needleSet {
	var best []string
	consider := func(set []string) {
		if set != nil && better(set, best) {
			best = set
		}
	}
	run, whole := []string{""}, true
	for _, sub := range subs {
		n := needleSets(sub)
		consider(n.req)
		if n.exactOK && len(run)*len(n.exact) <= maxExact {
			run = cross(run, n.exact)
			continue
		}
		// The run ends here: it is required as it stands.
		if len(run) <= maxNeedles {
			consider(run)
		}
		whole = false
		run = []string{""}
		if n.exactOK {
			run = n.exact
		}
	}
	if len(run) <= maxNeedles {
		consider(run)
	}
	if whole {
		return needleSet{exact: run, exactOK: true, req: best}
	}
	return needleSet{req: best}
}

// cross is every string of a followed by one of b.
func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return union(nil, out)
}

// union is a and b without repeats, in order.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// better prefers needles that are longer at their shortest, then fewer.
func better(a, b []string) bool {
	if b == nil {
		return true
	}
	shortest := func(set []string) int {
		n := 1 << 30
		for _, s := range set {
			n = min(n, len(s))
		}
		return n
	}
	if sa, sb := min(shortest(a), 6), min(shortest(b), 6); sa != sb {
		return sa > sb
	}
	return len(a) < len(b)
}

var fragmentRef = regexp.MustCompile(`\{([A-Z_]+)\}`)

// expand replaces {NAME} references with their fragments, recursively.
func expand(p string, frags map[string]string, depth int) (string, error) {
	if depth > 8 {
		return "", fmt.Errorf("fragments nest too deep in %q", p)
	}
	var err error
	out := fragmentRef.ReplaceAllStringFunc(p, func(ref string) string {
		name := ref[1 : len(ref)-1]
		f, ok := frags[name]
		if !ok {
			err = fmt.Errorf("unknown fragment %s in %q", ref, p)
			return ""
		}
		x, e := expand(f, frags, depth+1)
		if e != nil {
			err = e
		}
		return "(?:" + x + ")"
	})
	return out, err
}

func compileLexicon(lx *Lexicon, vocab map[string]bool) (*compiledLexicon, []*filtered, error) {
	cl := &compiledLexicon{
		lang: lx.Lang, negators: set(lx.Negators), breakers: set(lx.Breakers),
		others: set(lx.Others), self: set(lx.Self), negationReach: 4, othersReachTokens: 8,
	}
	compile := func(patterns []string) (*filtered, error) {
		expanded := make([]string, len(patterns))
		for i, p := range patterns {
			x, err := expand(p, lx.Fragments, 0)
			if err != nil {
				return nil, err
			}
			collectWords(x, vocab)
			expanded[i] = x
		}
		return wholeWords(expanded...)
	}
	group := func(g PhraseGroup) (*filtered, error) {
		if len(g.Patterns) == 0 {
			return nil, fmt.Errorf("group %q has no patterns", g.About)
		}
		return compile(g.Patterns)
	}
	// Phrase groups, within a clause (lex set: negation and subject
	// checks apply) and across the clauses of a message (no checks).
	for _, lv := range []struct {
		level  Concern
		groups []PhraseGroup
		into   *[]*compiledGroup
		lex    *compiledLexicon
	}{
		{ConcernDanger, lx.Danger, &cl.groups, cl}, {ConcernRelapse, lx.Relapse, &cl.groups, cl},
		{ConcernDanger, lx.DangerAcross, &cl.across, nil}, {ConcernRelapse, lx.RelapseAcross, &cl.across, nil},
	} {
		for _, g := range lv.groups {
			re, err := group(g)
			if err != nil {
				return nil, nil, err
			}
			*lv.into = append(*lv.into, &compiledGroup{level: lv.level, about: lx.Lang + ": " + g.About, re: re, lex: lv.lex, anySubject: g.AnySubject, craving: g.Craving, farewell: g.Farewell})
		}
	}
	var ignore []*filtered
	for _, g := range lx.Ignore {
		re, err := group(g)
		if err != nil {
			return nil, nil, err
		}
		ignore = append(ignore, re)
	}
	var err error
	if cl.past, err = compile(lx.Past); err != nil {
		return nil, nil, err
	}
	if cl.recent, err = compile(lx.Recent); err != nil {
		return nil, nil, err
	}
	if cl.story, err = compile(lx.Story); err != nil {
		return nil, nil, err
	}
	if cl.retract, err = compile(lx.Retractions); err != nil {
		return nil, nil, err
	}
	if cl.passed, err = compile(lx.Passed); err != nil {
		return nil, nil, err
	}
	if cl.departs, err = compile(lx.Departures); err != nil {
		return nil, nil, err
	}
	if cl.jokes, err = compile(lx.Hyperbole); err != nil {
		return nil, nil, err
	}
	for _, w := range lx.Keywords {
		vocab[w] = true
	}
	return cl, ignore, nil
}

// collectWords adds the words written in a pattern to vocab, so that
// stretched spellings of them ("pleeease") can be folded back. It reads
// the pattern's text, not its parse: the parser factors "hope|hoping" into
// "hop(?:e|ing)".
func collectWords(p string, vocab map[string]bool) {
	for _, m := range patternWord.FindAllStringSubmatch(p, -1) {
		if m[1] != `\\` {
			vocab[m[2]] = true
		}
	}
}

// patternWord finds runs of letters in a pattern, with the character
// before them, so escapes such as \b and \w are skipped.
var patternWord = regexp.MustCompile(`(^|[^a-z])([a-z]+)`)

func set(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// Screen returns the highest level of concern found in text.
func (s *Screener) Screen(text string) Concern {
	c, _ := s.Explain(text)
	return c
}

// Explain is Screen, also naming the phrase group that matched, for
// crisis-eval and reviewers. It never logs anything.
func (s *Screener) Explain(text string) (Concern, string) {
	laughing := mayLaugh(text) && laughter.MatchString(text) && !inEarnest.MatchString(strings.ToLower(text))
	var clauses []scanned
	for _, raw := range splitClauses(blankReportedSpeech(text)) {
		clause := scanned{text: strings.Join(s.spell.words(raw), " ")}
		clause.c = s.index.scan(clause.text)
		for _, re := range s.ignore {
			// A blanked clause is scanned again: blanking joins words
			// that were apart.
			if t := re.blank(clause); t != clause.text {
				clause = scanned{t, s.index.scan(t)}
			}
		}
		if t := strings.Join(strings.Fields(clause.text), " "); t != clause.text {
			clause = scanned{t, s.index.scan(t)}
		}
		if clause.text != "" {
			clauses = append(clauses, clause)
		}
	}
	// A retraction ("jk", "es broma") takes back what came before it, in
	// its clause or earlier ones; what is said after it still counts.
	for i := len(clauses) - 1; i >= 0; i-- {
		if s.retracted(clauses[i]) {
			clauses = clauses[i+1:]
			break
		}
	}
	whole := s.joined(clauses)
	departing, joking := false, false
	for _, l := range s.langs {
		departing = departing || l.departs.MatchString(whole)
		joking = joking || (laughing && l.jokes.MatchString(whole))
	}
	if joking {
		return ConcernNone, "a joke, laughed at"
	}
	best, why := ConcernNone, ""
	for i, clause := range clauses {
		// A form's label answered "none" ("Thoughts of self-harm: none",
		// "Cravings: 0") is a question, not a statement.
		if i+1 < len(clauses) && isNegativeAnswer(clauses[i+1].text) {
			continue
		}
		for _, g := range s.extra {
			if g.level > best && s.extraMatches(g, clause) {
				best, why = g.level, g.about
			}
		}
		for _, l := range s.langs {
			for _, g := range l.groups {
				if g.level > best && !(g.farewell && departing) && g.matches(clause) && !(g.craving && s.passedAfter(clauses[i:])) {
					best, why = g.level, g.about
				}
			}
		}
		if best == ConcernDanger {
			return best, why
		}
	}
	if len(clauses) > 1 {
		for _, l := range s.langs {
			for _, g := range l.across {
				if g.level > best && !departing && g.re.MatchString(whole) && !(g.craving && s.passedAfter(clauses)) {
					best, why = g.level, g.about
				}
			}
		}
	}
	return best, why
}

// extraMatches reports whether a house's own phrase is in the clause and
// not negated ("not going to the quarry"). Negations are shared by every
// language, so the first lexicon's check serves.
func (s *Screener) extraMatches(g *compiledGroup, clause scanned) bool {
	for _, loc := range g.re.FindAllStringIndex(clause) {
		if len(s.langs) == 0 || !s.langs[0].negated(strings.Fields(clause.text[:loc[0]])) {
			return true
		}
	}
	return false
}

// joined is the clauses of a message joined by " . ", as the phrases
// matched across clauses read them, with its own candidates: a needle may
// span the join.
func (s *Screener) joined(clauses []scanned) scanned {
	texts := make([]string, len(clauses))
	for i, c := range clauses {
		texts[i] = c.text
	}
	t := strings.Join(texts, " . ")
	return scanned{t, s.index.scan(t)}
}

// retracted reports whether a clause takes back what was said.
func (s *Screener) retracted(clause scanned) bool {
	for _, l := range s.langs {
		if l.retract.MatchString(clause) {
			return true
		}
	}
	return false
}

// laughter finds the markers that make a frame a joke; inEarnest finds
// the words that say it is not one.
var (
	laughter  = regexp.MustCompile(`(?i)\b(?:lo+l|lmf?a+o+|rofl|(?:ha){2,}h?|(?:ja){2,}j?|(?:je){2,}|xd|jk)\b|😂|🤣|🙃|🙈|💀|😆|😅|😹`)
	inEarnest = regexp.MustCompile(`\b(?:not (?:even )?(?:joking|kidding)|no joke|for real|fr|serious(?:ly)?|en serio|no es broma|neta)\b`)
)

// mayLaugh is laughter's cheap test: every match holds, in any case, one
// of the letter pairs its words begin with, or a byte outside ASCII (the
// emoji, and the Kelvin sign that (?i) reads as k), so a text with none of
// them cannot match and the regexp is not run.
func mayLaugh(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return true
		}
		if i+1 < len(text) {
			switch string([]byte{text[i] | 0x20, text[i+1] | 0x20}) {
			case "lo", "lm", "ro", "ha", "ja", "je", "xd", "jk":
				return true
			}
		}
	}
	return false
}

// reportedSpeech finds words someone else said, in quotes, after a verb
// of saying: "my roommate said "I don't want to be here anymore"".
var reportedSpeech = regexp.MustCompile(`(?i)(?:^|[^\pL\d])([\pL\d]+)(?:[\s,]+[\pL\d]+){0,4}?[\s,]+(?:said|says|saying|told me|tells me|wrote|writes|posted|posting|texted|texting|yelled|screamed|crying|kept saying|keeps saying|asked|asking|ask|dijo|me dijo|dec[ií]a|escribi[oó]|puso|me cont[oó]|llorando|gritando)\s*[:,]?\s*["“«]([^"”»]{1,400})["”»]`)

// blankReportedSpeech removes words quoted from someone else, which are
// their story, not the writer's. The writer quoting themselves ("I told
// my sponsor "I want to die"") keeps their words.
func blankReportedSpeech(text string) string {
	if !strings.ContainsAny(text, "\"“«") {
		return text // no quotation, and the pattern needs one
	}
	return reportedSpeech.ReplaceAllStringFunc(text, func(m string) string {
		sub := reportedSpeech.FindStringSubmatch(m)
		switch strings.ToLower(sub[1]) {
		case "i", "im", "i'm", "yo", "me":
			return m
		}
		open := strings.IndexAny(m, "\"“«")
		return m[:open] + " . "
	})
}

// passedAfter reports whether the clauses from a relapse match on say the
// craving has passed.
func (s *Screener) passedAfter(clauses []scanned) bool {
	rest := s.joined(clauses)
	for _, l := range s.langs {
		if l.passed.MatchString(rest) {
			return true
		}
	}
	return false
}

// matches reports whether the group matches the clause somewhere it counts:
// not negated, not about someone else, and not in a story from the past
// ("back when I was using") unless that part of the clause is about now too.
func (g *compiledGroup) matches(t scanned) bool {
	l, clause := g.lex, t.text
	for _, loc := range g.re.FindAllStringIndex(t) {
		before := strings.Fields(clause[:loc[0]])
		// A phrase that is itself a negation ("don't come looking", "no
		// point in living") is not turned around by an earlier "not".
		match := clause[loc[0]:loc[1]]
		negatedHere := !startsNegated(match) && l.negated(before)
		// A phrase that names the writer ("si yo no existiera", "without
		// me") is the writer's, whoever was named before it.
		if negatedHere || (!g.anySubject && !l.namesSelf(match) && l.someoneElse(before)) {
			continue
		}
		// The clause's candidates serve for its part (see scanned).
		part := scanned{l.part(clause, loc[0], loc[1]), t.c}
		if l.story.MatchString(part) || (l.past.MatchString(part) && !l.recent.MatchString(part)) {
			continue
		}
		return true
	}
	return false
}

// part returns the stretch of a clause around [start, end) between
// breakers: in "200 days sober and I want to die" the sobriety count is in
// another part than the wish.
func (l *compiledLexicon) part(clause string, start, end int) string {
	from, to := 0, len(clause)
	words := strings.Fields(clause[:start])
	for i := len(words) - 1; i >= 0; i-- {
		if l.breakers[words[i]] {
			from = len(strings.Join(words[:i+1], " "))
			break
		}
	}
	pos := end
	for _, w := range strings.Fields(clause[end:]) {
		i := strings.Index(clause[pos:], w)
		if l.breakers[w] {
			to = pos + i
			break
		}
		pos += i + len(w)
	}
	return clause[from:to]
}

// negated reports whether a negator stands within reach before a match,
// with no breaker ("and", "but") in between. "no" followed by "i" is an
// answer ("no, I want to…"), not a negation.
func (l *compiledLexicon) negated(before []string) bool {
	for i, n := len(before)-1, 0; i >= 0 && n < l.negationReach; i, n = i-1, n+1 {
		w := before[i]
		if l.breakers[w] {
			return false
		}
		if l.negators[w] {
			// "sin" and "without" negate the word right after them only:
			// "sin dormir metiendome cristal" is not "sin cristal".
			if (w == "sin" || w == "without") && n > 0 {
				continue
			}
			next := ""
			if i+1 < len(before) {
				next = before[i+1]
			}
			switch {
			case w == "no" && l.self[next]:
				// "no i want to…" answers a question; it negates nothing.
				continue
			case w == "deje" && next != "de":
				// "deje de tomar" stops; "ya deje cartas" leaves something.
				continue
			case w == "not" || w == "never" || w == "no":
				// "can't stop thinking about using" and "can't quit
				// drinking" say the opposite of a negation.
				if canNotStop[next] {
					return false
				}
			case canNotStop[w] && i > 0 && (before[i-1] == "not" || before[i-1] == "never"):
				return false
			}
			return true
		}
	}
	return false
}

// startsNegated reports whether a matched phrase begins with a negation.
func startsNegated(match string) bool {
	m := strings.TrimSpace(match)
	for _, p := range []string{"not ", "no ", "never ", "do not ", "does not ", "did not ", "can not ", "will not ", "would not ", "am not ", "no one ", "nobody ", "ya no ", "nunca ", "nadie "} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// negativeAnswers are the answers that say "not at all" to the label
// before them.
var negativeAnswers = map[string]bool{
	"none": true, "no": true, "nope": true, "0": true, "zero": true, "never": true, "not today": true, "na": true,
	"n a": true, "nothing": true, "not really": true, "not much": true, "not once": true, "not at all": true, "cero": true, "no way": true, "nah": true, "never once": true, "nunca": true, "nada": true, "ninguno": true, "ninguna": true, "ningunos": true, "0 10": true, "no thanks": true,
}

// isNegativeAnswer reports whether a clause answers "not at all", alone or
// followed by a form's next item number ("no 2").
func isNegativeAnswer(clause string) bool {
	if negativeAnswers[clause] {
		return true
	}
	trimmed := strings.TrimRight(clause, " 0123456789")
	return trimmed != clause && trimmed != "" && negativeAnswers[trimmed]
}

// canNotStop are the verbs that turn "not" around: "can't stop", "can't
// quit", "can't help", "can't shake".
var canNotStop = map[string]bool{"stop": true, "stopped": true, "quit": true, "help": true, "shake": true, "ignore": true, "escape": true, "mind": true, "care": true, "promise": true, "dejo": true, "paro": true}

// someoneElse reports whether the nearest subject before a match is someone
// other than the writer ("my sponsor", "she", "mi hermano"). A person in
// the object's place ("called my sister to say goodbye") is not the
// subject, and a possessive right before the match ("her overdose") makes
// it theirs.
func (l *compiledLexicon) someoneElse(before []string) bool {
	for i, n := len(before)-1, 0; i >= 0 && n < l.othersReachTokens; i, n = i-1, n+1 {
		w := before[i]
		switch {
		case l.self[w], l.breakers[w]:
			// After "and" or "but" the subject is new, and when it is left
			// out ("my sponsor isn't answering and the rope is…") it is the
			// writer.
			return false
		case possessives[w]:
			if i == len(before)-1 {
				return true
			}
		case (w == "who" || w == "que") && i == len(before)-1 && i > 0 && someOther(l, before[max(0, i-6):i]):
			// "a man who jumped", "a guy at the bus stop who was nodding
			// off": the relative clause's subject is that person.
			return true
		case l.others[w] || (len(w) > 3 && strings.HasSuffix(w, "s") && l.others[w[:len(w)-1]]):
			// "my dad's drinking" reads "my dads drinking": a possessive.
			j := i - 1
			for j >= 0 && determiners[before[j]] {
				j--
			}
			if i == len(before)-1 && !objectPronouns[w] && (j < 0 || !prepositions[before[j]]) {
				// Right before the match it is its subject ("a guy jumped"),
				// unless it is an object ("told him") or follows a
				// preposition ("las pastillas de la abuela").
				return true
			}
			if j < 0 || l.breakers[before[j]] || clauseOpeners[before[j]] || subjectPronouns[w] {
				return true
			}
		}
	}
	return false
}

// namesSelf reports whether a matched phrase names the writer outright:
// a subject pronoun ("si yo no existiera") or one after a preposition
// ("without me", "sin mi"). A bare clitic ("me aviento") does not count,
// for Spanish puts one on every reflexive verb.
func (l *compiledLexicon) namesSelf(match string) bool {
	words := strings.Fields(match)
	for k, w := range words {
		if !l.self[w] {
			continue
		}
		if selfSubjects[w] || (k > 0 && (prepositions[words[k-1]] || words[k-1] == "without" || words[k-1] == "sin")) {
			return true
		}
	}
	return false
}

// someOther reports whether words name someone other than the writer.
func someOther(l *compiledLexicon, words []string) bool {
	for _, w := range words {
		if l.others[w] {
			return true
		}
	}
	return false
}

// Words that decide whether a person named before a match is its subject.
var (
	selfSubjects    = map[string]bool{"i": true, "yo": true, "myself": true, "conmigo": true}
	objectPronouns  = map[string]bool{"him": true, "her": true, "them": true, "his": true, "their": true, "me": true, "you": true}
	prepositions    = map[string]bool{"of": true, "from": true, "with": true, "to": true, "at": true, "for": true, "about": true, "de": true, "del": true, "con": true, "para": true, "pa": true}
	possessives     = map[string]bool{"his": true, "her": true, "their": true, "su": true, "sus": true}
	determiners     = map[string]bool{"my": true, "his": true, "her": true, "their": true, "the": true, "a": true, "our": true, "your": true, "this": true, "that": true, "old": true, "best": true, "mi": true, "mis": true, "su": true, "sus": true, "el": true, "la": true, "un": true, "una": true, "nuestro": true}
	clauseOpeners   = map[string]bool{"that": true, "when": true, "if": true, "who": true, "como": true, "cuando": true, "que": true, "si": true, "said": true, "says": true, "dijo": true}
	subjectPronouns = map[string]bool{"he": true, "she": true, "they": true, "hes": true, "shes": true, "theyre": true, "someone": true, "somebody": true, "ella": true, "ellos": true, "ellas": true, "alguien": true}
)

// splitClauses normalises text into clauses of words: lowercase, accents
// and curly quotes folded, apostrophes dropped, letters and digits kept.
// Sentence punctuation, emoji, symbols and line breaks end a clause;
// other punctuation and invalid UTF-8 separate words.
func splitClauses(text string) [][]string {
	var (
		clauses [][]string
		words   []string
		word    strings.Builder
	)
	endWord := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	endClause := func() {
		endWord()
		if len(words) > 0 {
			clauses = append(clauses, words)
			words = nil
		}
	}
	for _, r := range norm.NFD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining accent: "é" reads as "e", "ñ" as "n".
		case r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`' || r == '´':
			// "don't" and "dont" read the same.
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			word.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			word.WriteRune(r + 'a' - 'A')
		case unicode.IsLetter(r):
			word.WriteRune(unicode.ToLower(r))
		case r == utf8.RuneError:
			// Invalid UTF-8 (U+FFFD is a symbol, which would end the clause).
			endWord()
		case strings.ContainsRune(".!?;:,\n\r…¡¿", r) || unicode.IsSymbol(r):
			endClause()
		default:
			endWord()
		}
	}
	endClause()
	return clauses
}

// speller turns a clause's raw words into the lexicon's words.
type speller struct {
	spellings map[string][]string
	// pairs are two-word spellings ("w o" for "w/o").
	pairs map[[2]string][]string
	// squeezedSpellings maps a chat spelling with its doubled letters
	// collapsed ("wana") to the spelling ("wanna").
	squeezedSpellings map[string]string
	vocab             map[string]bool
	// squeezed maps a word with repeated letters collapsed ("kil") to the
	// longest vocabulary word that collapses to it ("kill").
	squeezed map[string]string
	keywords []string
	real     map[string]bool
	fillers  map[string]bool
}

func newSpeller(lexs []*Lexicon, vocab map[string]bool) speller {
	sp := speller{spellings: map[string][]string{}, pairs: map[[2]string][]string{}, squeezedSpellings: map[string]string{},
		vocab: vocab, squeezed: map[string]string{}, real: map[string]bool{}, fillers: map[string]bool{}}
	for _, lx := range lexs {
		for _, f := range lx.Fillers {
			sp.fillers[f] = true
		}
		for k, v := range lx.Spellings {
			if a, b, ok := strings.Cut(k, " "); ok {
				sp.pairs[[2]string{a, b}] = strings.Fields(v)
				continue
			}
			sp.spellings[k] = strings.Fields(v)
			if sq := squeeze(k); sq != k {
				sp.squeezedSpellings[sq] = k
			}
		}
		sp.keywords = append(sp.keywords, lx.Keywords...)
		for _, w := range lx.RealWords {
			sp.real[w] = true
		}
	}
	words := make([]string, 0, len(vocab))
	for w := range vocab {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		k := squeeze(w)
		if old, ok := sp.squeezed[k]; !ok || len(w) > len(old) {
			sp.squeezed[k] = w
		}
	}
	sort.Strings(sp.keywords)
	return sp
}

// words spells out one clause's words.
func (sp *speller) words(raw []string) []string {
	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		w := raw[i]
		if i+1 < len(raw) {
			if exp, ok := sp.pairs[[2]string{w, raw[i+1]}]; ok {
				out = append(out, exp...)
				i++
				continue
			}
		}
		if exp, ok := sp.spellings[w]; ok {
			out = append(out, exp...)
			continue
		}
		if sp.fillers[w] || sp.fillers[squeeze(w)] {
			continue
		}
		w = sp.correct(w)
		if exp, ok := sp.spellings[w]; ok {
			out = append(out, exp...)
			continue
		}
		out = append(out, w)
	}
	return out
}

// correct folds a stretched or misspelled word back to the vocabulary:
// repeated letters ("sooo", "killl"), a dropped final g ("killin"), and
// one or two small typos in a keyword ("suicde", "realpse").
func (sp *speller) correct(w string) string {
	// A dropped final g ("killin", "usin") is read as the -ing word even
	// when the short form also appears somewhere in the patterns.
	if len(w) >= 4 && strings.HasSuffix(w, "in") && sp.vocab[w+"g"] {
		return w + "g"
	}
	if sp.vocab[w] || sp.real[w] || len(w) > 40 {
		return w
	}
	// A stretched word ("sooo", "diiie") folds to the vocabulary word with
	// the same letters; an unstretched one only to a keyword ("pils").
	if v, ok := sp.squeezed[squeeze(w)]; ok && len(w) >= 2 {
		return v
	}
	if k, ok := sp.squeezedSpellings[squeeze(w)]; ok {
		return k
	}
	n := utf8.RuneCountInString(w)
	if n < 3 {
		return w
	}
	best, bestD := "", 3
	for _, k := range sp.keywords {
		kn := len(k)
		if abs(kn-n) > 2 || k[0] != w[0] {
			continue
		}
		// Two typos from eight letters on, one in words of five to seven,
		// and in shorter ones only a dropped or swapped letter ("usd",
		// "wnat"), since a changed letter makes another word ("dye").
		allowed := 1
		switch {
		case kn >= 8 && n >= 7:
			allowed = 2
		case kn < 5 && (n < kn-1 || n > kn || n < 3):
			continue
		case kn < 5 && n == kn && !isSwap(w, k):
			continue
		}
		if d := osaDistance(w, k, allowed); d <= allowed && d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return best
	}
	return w
}

// isSwap reports whether a is b with two neighbouring letters swapped.
func isSwap(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// squeeze collapses runs of one letter: "sooo" → "so", "kill" → "kil".
func squeeze(w string) string {
	var b strings.Builder
	var last rune = -1
	for _, r := range w {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// osaDistance is the optimal string alignment distance between a and b (an
// edit is an insertion, deletion, substitution or swap of neighbours),
// giving up early once it exceeds max.
func osaDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// screenerFor returns the screener for text addressed to the bot in house h
// (nil when the house is unknown).
func (b *Bot) screenerFor(h *House) *Screener {
	if s := b.screeners[h]; s != nil {
		return s
	}
	return b.screener
}
