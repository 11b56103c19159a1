package bot

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OptionType is the type of a command option.
type OptionType string

// The option types. Platforms that type their options (Discord) map them to
// native types; others pass raw text, parsed by ParseArgs.
const (
	OptString OptionType = "string"
	OptInt    OptionType = "int"
	OptUser   OptionType = "user"
	OptBool   OptionType = "bool"
)

// Option is one typed argument of a command.
type Option struct {
	Name string
	// Description is the catalogue ID of the option's description, which
	// ends in ".desc"; the same ID ending in ".name" is its name in each
	// language (for Discord's localised names).
	Description string
	Type        OptionType
	Required    bool
	// Choices restricts a string option to these values, the codes its
	// handler gets.
	Choices []string
	// ChoiceIDs, when set, are the catalogue messages of Choices' words,
	// in order: a choice is read as its code or as its words in any
	// language of the catalogue ("semanal", "cada 2 semanas"), and a
	// platform's picker shows the words in the reader's language.
	ChoiceIDs []string
	// Rest makes the last string option take the remaining text.
	Rest bool
	// MaxLen bounds a string option, in characters (0: 200).
	MaxLen int
}

// CommandFunc runs a command. It returns the reply for the caller; an error
// rolls back the transaction and is shown by its user-safe message.
type CommandFunc func(r *Request) (Response, error)

// Command is one entry of the registry. A command either has a Run function
// and Options, or Subs (one level of subcommands), each with their own.
type Command struct {
	Name string
	// Description is the catalogue ID of the command's description, which
	// ends in ".desc"; the same ID ending in ".name" is its name in each
	// language (for Discord's localised names).
	Description string
	Options     []Option
	// Roles may run the command; a single place in the core enforces it.
	Roles Role
	// Refusal, when set, is what someone hears who may not run the
	// command, as a catalogue message ID read in their language, instead
	// of the generic "only … can"; kinder where a resident might well ask.
	Refusal string
	// Run handles the command.
	Run CommandFunc
	// Prepare, when set, runs before the command's write transaction, in
	// a read transaction with the same house, role and arguments; the
	// rendering it returns runs after that read transaction ends, and its
	// result reaches Run as r.Prepared. A command that reads much and
	// renders (a digest or a history with its chart) does that there, so
	// that its write transaction only records and queues. Run must still
	// work without it: r.Prepared is nil when Prepare or the rendering
	// failed, and Run checks that what was prepared is what it is asked.
	Prepare func(r *Request) (render func() (any, error), err error)
	// Subs are subcommands ("/checkin pause").
	Subs []*Command
	// NoHouse lets the command run without a resolved house (for /help).
	NoHouse bool
}

// Usage is a one-line synopsis, such as "/checkin pause <until>", with the
// command as a Cmd marker so that each platform names it its own way.
func (c *Command) Usage(parent string) string {
	var b strings.Builder
	b.WriteString(cmdMarkerOf(strings.TrimSpace(parent + " " + c.Name)))
	for _, o := range c.Options {
		if o.Required {
			fmt.Fprintf(&b, " <%s>", o.Name)
		} else {
			fmt.Fprintf(&b, " [%s]", o.Name)
		}
	}
	return b.String()
}

// Describe is the command's description in l.
func (c *Command) Describe(l Lang) string { return l.T(c.Description) }

// NameIn is the command's name in l, for platforms that localise command
// names (Discord); the registry name is what every platform invokes.
func (c *Command) NameIn(l Lang) string { return l.T(nameID(c.Description)) }

// Describe is the option's description in l.
func (o Option) Describe(l Lang) string { return l.T(o.Description) }

// NameIn is the option's name in l (see Command.NameIn).
func (o Option) NameIn(l Lang) string { return l.T(nameID(o.Description)) }

// ChoiceIn is choice i's words in l: its catalogue message, or its code.
func (o Option) ChoiceIn(l Lang, i int) string {
	if i < len(o.ChoiceIDs) {
		return l.T(o.ChoiceIDs[i])
	}
	return o.Choices[i]
}

// choice returns the code of the choice input names, in any language
// (see ChoiceIDs); ok is false for none.
func (o Option) choice(input string) (string, bool) {
	for i, c := range o.Choices {
		if strings.EqualFold(c, strings.TrimSpace(input)) || (i < len(o.ChoiceIDs) && Same(o.ChoiceIDs[i], input)) {
			return c, true
		}
	}
	return "", false
}

// choicesText lists the option's choices in the reader's words.
func (o Option) choicesText() Phrase {
	return func(l Lang) string {
		words := make([]string, len(o.Choices))
		for i := range o.Choices {
			words[i] = o.ChoiceIn(l, i)
		}
		return strings.Join(words, ", ")
	}
}

// nameID is the catalogue ID of a command's or option's name, beside its
// description's.
func nameID(descID string) string { return strings.TrimSuffix(descID, ".desc") + ".name" }

// prepares reports whether c or one of its subcommands has a Prepare; nil
// (no such command) has none.
func (c *Command) prepares() bool {
	if c == nil {
		return false
	}
	if c.Prepare != nil {
		return true
	}
	for _, s := range c.Subs {
		if s.Prepare != nil {
			return true
		}
	}
	return false
}

// Sub returns the named subcommand, or nil.
func (c *Command) Sub(name string) *Command {
	for _, s := range c.Subs {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Registry is the single list of commands. Help text, Discord command
// definitions and the Slack manifest are all generated from it.
type Registry struct {
	cmds []*Command
}

var commandName = regexp.MustCompile(`^[a-z0-9][-a-z0-9_]{0,31}$`)

// Add registers a command. It panics on a malformed or duplicate definition,
// because that is a programming error found by any test.
func (r *Registry) Add(c *Command) {
	check := func(c *Command) {
		if !commandName.MatchString(c.Name) {
			panic(fmt.Sprintf("command name %q is not a valid command name", c.Name))
		}
		// Descriptions may name commands (Cmd markers); the limit is on
		// what a reader sees, in every language.
		if !strings.HasSuffix(c.Description, ".desc") {
			panic(fmt.Sprintf("command %q: description %q is not a catalogue ID ending in .desc", c.Name, c.Description))
		}
		for _, code := range catalog().Languages() {
			if n := utf8.RuneCountInString(Naming{}.Render(c.Describe(catalog().Lang(code)))); n < 1 || n > 100 {
				panic(fmt.Sprintf("command %q: description in %s must be 1-100 characters", c.Name, code))
			}
		}
		if c.Run == nil && len(c.Subs) == 0 {
			panic(fmt.Sprintf("command %q has neither Run nor Subs", c.Name))
		}
	}
	check(c)
	for _, s := range c.Subs {
		check(s)
		if s.Roles == 0 {
			s.Roles = c.Roles
		}
	}
	if r.Lookup(c.Name) != nil {
		panic(fmt.Sprintf("command %q registered twice", c.Name))
	}
	r.cmds = append(r.cmds, c)
	sort.Slice(r.cmds, func(i, j int) bool { return r.cmds[i].Name < r.cmds[j].Name })
}

// Lookup returns the named command, or nil.
func (r *Registry) Lookup(name string) *Command {
	for _, c := range r.cmds {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns every command, sorted by name.
func (r *Registry) All() []*Command { return append([]*Command(nil), r.cmds...) }

// Args are a command's parsed options.
type Args map[string]string

// String returns the named option's value, or "".
func (a Args) String(name string) string { return a[name] }

// Int returns the named integer option; ParseArgs has validated it.
func (a Args) Int(name string) int {
	n, _ := strconv.Atoi(a[name])
	return n
}

// Bool returns the named boolean option.
func (a Args) Bool(name string) bool { return a[name] == "true" }

// Has reports whether the option was given.
func (a Args) Has(name string) bool { _, ok := a[name]; return ok }

var mention = regexp.MustCompile(`^<@!?([A-Za-z0-9_.-]+)(\|[^>]*)?>$`)

// Tokenize splits argument text at spaces, keeping "quoted strings"
// (straight or curly quotes) together.
func Tokenize(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inQuote := rune(0)
	started := false
	for _, r := range s {
		switch {
		case inQuote != 0:
			if r == inQuote || (inQuote == '“' && r == '”') {
				inQuote = 0
				continue
			}
			cur.WriteRune(r)
		case r == '"' || r == '“':
			inQuote = r
			started = true
		case r == ' ' || r == '\t' || r == '\n':
			if started || cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteRune(r)
		}
	}
	if inQuote != 0 {
		return nil, Fail(EInvalid, "core.usage.quote")
	}
	if started || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

// ParseArgs parses raw argument text against a command's options:
// positional values in option order, with a Rest option taking what is left.
// User options accept a <@ID> mention (adapters normalise their mention
// syntax to that form). Errors are user-safe and show the usage.
func ParseArgs(c *Command, parent, raw string) (Args, error) {
	toks, err := Tokenize(raw)
	if err != nil {
		return nil, err
	}
	args := Args{}
	usage := c.Usage(parent)
	i := 0
	for _, o := range c.Options {
		if i >= len(toks) {
			if o.Required {
				return nil, Fail(EInvalid, "core.usage.missing", "Option", o.Name, "Usage", usage)
			}
			continue
		}
		v := toks[i]
		i++
		if o.Rest {
			v = strings.Join(toks[i-1:], " ")
			i = len(toks)
		}
		if err := setOption(args, o, v, usage); err != nil {
			return nil, err
		}
	}
	if i < len(toks) {
		return nil, Fail(EInvalid, "core.usage.too_many", "Usage", usage)
	}
	return args, nil
}

// CheckOptions validates options a platform delivered already split out.
func CheckOptions(c *Command, parent string, given map[string]string) (Args, error) {
	args := Args{}
	usage := c.Usage(parent)
	for _, o := range c.Options {
		v, ok := given[o.Name]
		if !ok || v == "" {
			if o.Required {
				return nil, Fail(EInvalid, "core.usage.missing", "Option", o.Name, "Usage", usage)
			}
			continue
		}
		if o.Type == OptUser && !strings.HasPrefix(v, "<@") {
			// Typed platforms deliver a user as a bare id, not a mention.
			v = "<@" + v + ">"
		}
		if err := setOption(args, o, v, usage); err != nil {
			return nil, err
		}
	}
	for k := range given {
		if !hasOption(c, k) {
			return nil, Fail(EInvalid, "core.usage.unknown_option", "Option", quoted(k, 32), "Usage", usage)
		}
	}
	return args, nil
}

func hasOption(c *Command, name string) bool {
	for _, o := range c.Options {
		if o.Name == name {
			return true
		}
	}
	return false
}

func setOption(args Args, o Option, v, usage string) error {
	switch o.Type {
	case OptInt:
		if _, err := strconv.Atoi(v); err != nil {
			return Fail(EInvalid, "core.usage.number", "Option", o.Name, "Given", quoted(v, 20), "Usage", usage)
		}
	case OptBool:
		switch {
		case Same("core.on", v) || Same("core.yes", v) || strings.EqualFold(v, "true"):
			v = "true"
		case Same("core.off", v) || Same("core.no", v) || strings.EqualFold(v, "false"):
			v = "false"
		default:
			return Fail(EInvalid, "core.usage.on_off", "Option", o.Name, "Usage", usage)
		}
	case OptUser:
		m := mention.FindStringSubmatch(v)
		if m == nil {
			return Fail(EInvalid, "core.usage.mention", "Option", o.Name, "Usage", usage)
		}
		v = m[1]
	default:
		limit := o.MaxLen
		if limit == 0 {
			limit = 200
		}
		if n := utf8.RuneCountInString(v); n > limit {
			return Fail(EInvalid, "core.usage.too_long", "Option", o.Name, "Length", n, "Limit", limit)
		}
		if len(o.Choices) > 0 {
			c, ok := o.choice(v)
			if !ok {
				return Fail(EInvalid, "core.usage.one_of", "Option", o.Name, "Choices", o.choicesText(), "Usage", usage)
			}
			v = c
		}
	}
	args[o.Name] = v
	return nil
}

// quoted shows text a person typed inside an error message: invalid
// UTF-8 and control characters become harmless, it is clipped to n
// characters, and it is put in quotes. %q would escape each bad byte into
// four characters and make the message long and unreadable.
func quoted(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return "“" + clip(s, n) + "”"
}

// clip shortens s for echoing in an error message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
