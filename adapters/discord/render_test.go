package discord

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/bot"
)

func TestFormatText(t *testing.T) {
	at := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"*bold* and _italic_", "**bold** and _italic_"},
		{"a * b * c", "a * b * c"},
		{"2*3*4", "2*3*4"},
		{"**already**", "**already**"},
		{"• *Mood*: 4\n• *Win*: a walk", "• **Mood**: 4\n• **Win**: a walk"},
		{"Closes " + bot.FormatTime(bot.SourceLang(), at, time.UTC) + ".", "Closes <t:1767366240:F>."},
		{"Starts " + bot.FormatTimeUntil(bot.SourceLang(), at, time.UTC) + ".", "Starts <t:1767366240:F> (<t:1767366240:R>)."},
		{"Use " + bot.Cmd("help") + ".", "Use /help."},
	}
	for _, tc := range tests {
		if got := formatText(tc.in, bot.Naming{}); got != tc.want {
			t.Errorf("formatText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCustomIDs(t *testing.T) {
	a := &Adapter{stash: newStash(time.Hour)}
	long := strings.Repeat("v", 120)
	tests := []struct {
		i          int
		id, value  string
		wantPrefix string
	}{
		{0, "join:accept", "", "0|join:accept"},
		{3, "form:answer", "yes", "3|form:answer|yes"},
		{1, "form:answer", long, "~"},
		{2, "x:" + long, "", "~"},
	}
	for _, tc := range tests {
		cid := a.customID(tc.i, tc.id, tc.value)
		if !strings.HasPrefix(cid, tc.wantPrefix) || utf8.RuneCountInString(cid) > maxCustomID {
			t.Errorf("customID(%d, %q, %q) = %q, want prefix %q within 100", tc.i, tc.id, clipRunes(tc.value, 10), cid, tc.wantPrefix)
		}
		id, value, ok := a.decodeCustomID(cid)
		if !ok || id != tc.id || value != tc.value {
			t.Errorf("decode(%q) = %q, %q, %v", cid, id, clipRunes(value, 10), ok)
		}
	}
	if _, _, ok := a.decodeCustomID("~99.99"); ok {
		t.Error("an unknown stash key decodes")
	}
}

func TestModalLimits(t *testing.T) {
	a := &Adapter{stash: newStash(time.Hour)}
	var fields []bot.Field
	for i := range 7 {
		fields = append(fields, bot.Field{ID: string(rune('a' + i)), Kind: bot.KindText, Label: "Q", MaxLen: 5000})
	}
	longID := "form:" + strings.Repeat("9", 120)
	d := a.modal(bot.SourceLang(), bot.Form{ID: longID, Title: "", Fields: fields})
	if len(d.Components) != 5 {
		t.Errorf("rows = %d, want 5", len(d.Components))
	}
	if d.Title != "Porchlight" || !strings.HasPrefix(d.CustomID, "~") {
		t.Errorf("title %q id %q", d.Title, d.CustomID)
	}
	if st, ok := a.stash.get(d.CustomID); !ok || st.formID != longID {
		t.Errorf("stashed form id = %+v", st)
	}
	in := d.Components[0].(label).Component.(textInput)
	if in.MaxLength != 4000 || in.Style != discordgo.TextInputParagraph {
		t.Errorf("input = %+v", in)
	}
}

// TestModalFields checks that every field with choices is a select in a
// Label, free text a text input in one, and the JSON is Discord's shape.
func TestModalFields(t *testing.T) {
	a := &Adapter{stash: newStash(time.Hour)}
	long := "How are you feeling today, all things considered, honestly?"
	f := bot.Form{ID: "checkin:7", Title: "Check-in", Fields: []bot.Field{
		{ID: "mood", Kind: bot.KindScale, Label: long, Min: 1, Max: 5, Options: []string{"rough", "low", "okay", "good", "great"}, Required: true, Value: "4"},
		{ID: "win", Kind: bot.KindText, Label: "A win", MaxLen: 300},
		{ID: "reach", Kind: bot.KindYesNo, Label: "Reach out?"},
		{ID: "vis", Kind: bot.KindChoice, Label: "Who sees it", Options: []string{"private", "mentors", "house"}, Required: true},
		{ID: "many", Kind: bot.KindScale, Label: "Out of 30", Min: 1, Max: 30},
	}}
	b, err := json.Marshal(a.modal(bot.SourceLang(), f))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Components []struct {
			Type        int    `json:"type"`
			Label       string `json:"label"`
			Description string `json:"description"`
			Component   struct {
				Type      int            `json:"type"`
				CustomID  string         `json:"custom_id"`
				Label     *string        `json:"label"`
				Required  bool           `json:"required"`
				MinValues *int           `json:"min_values"`
				Options   []selectOption `json:"options"`
			} `json:"component"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	wantTypes := []int{3, 4, 3, 3, 4}
	for i, c := range got.Components {
		if c.Type != 18 || c.Component.Type != wantTypes[i] || c.Component.CustomID != f.Fields[i].ID || c.Component.Label != nil {
			t.Errorf("component %d = %+v, want a Label around type %d", i, c, wantTypes[i])
		}
	}
	mood := got.Components[0]
	if utf8.RuneCountInString(mood.Label) != 45 || mood.Description != long {
		t.Errorf("long question: label %q description %q", mood.Label, mood.Description)
	}
	if len(mood.Component.Options) != 5 || mood.Component.Options[3] != (selectOption{Label: "4 – good", Value: "4", Default: true}) || !mood.Component.Required {
		t.Errorf("mood select = %+v", mood.Component)
	}
	if reach := got.Components[2].Component; reach.Required || *reach.MinValues != 0 || len(reach.Options) != 2 {
		t.Errorf("optional yes/no = %+v", reach)
	}
	if many := got.Components[4]; !strings.Contains(many.Description, "a number from 1 to 30") {
		t.Errorf("a scale too long for a select says what it takes: %+v", many)
	}
}

func TestApplicationCommands(t *testing.T) {
	defs := ApplicationCommands([]*bot.Command{
		{Name: "resources", Description: "", Run: noop},
		{Name: "vote", Description: strings.Repeat("d", 150), Run: noop, Options: []bot.Option{
			{Name: "Pick", Type: bot.OptString, Choices: []string{"a", "b"}, MaxLen: 9000},
		}},
	})
	if defs[0].Description != "resources" {
		t.Errorf("empty description = %q", defs[0].Description)
	}
	if n := utf8.RuneCountInString(defs[1].Description); n != 100 {
		t.Errorf("description is %d characters", n)
	}
	o := defs[1].Options[0]
	if o.Name != "pick" || len(o.Choices) != 2 || o.MaxLength != 6000 || o.Type != discordgo.ApplicationCommandOptionString {
		t.Errorf("option = %+v", o)
	}
}

func TestRebase(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.URL.Path }))
	t.Cleanup(srv.Close)
	a, err := New(Config{Token: "abc.def.ghi", APIBase: srv.URL + "/proxy/"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.session.Client.Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "/proxy/api/v9/gateway" {
		t.Errorf("path at the base = %q", got)
	}
	if a.session.Token != "Bot abc.def.ghi" || a.session.ShouldRetryOnRateLimit || a.session.MaxRestRetries != 0 {
		t.Errorf("session = token %q retry %v max %d", a.session.Token, a.session.ShouldRetryOnRateLimit, a.session.MaxRestRetries)
	}
	if _, err := New(Config{}, nil); err == nil {
		t.Error("New without a token succeeded")
	}
	if _, err := New(Config{Token: "x", APIBase: "ftp://x"}, nil); err == nil {
		t.Error("New with an ftp base succeeded")
	}
}

// TestHistoryCommandIsTyped: /history from the real registry is a slash
// command with a user option first and an integer option, so Discord
// offers a person picker and accepts only numbers for weeks.
func TestHistoryCommandIsTyped(t *testing.T) {
	var history *discordgo.ApplicationCommand
	for _, d := range ApplicationCommands(bot.AllCommands()) {
		if d.Name == "history" {
			history = d
		}
	}
	if history == nil || len(history.Options) != 2 {
		t.Fatalf("history = %+v", history)
	}
	if o := history.Options[0]; o.Name != "resident" || o.Type != discordgo.ApplicationCommandOptionUser || !o.Required {
		t.Errorf("first option = %+v, want the required resident", o)
	}
	if o := history.Options[1]; o.Name != "weeks" || o.Type != discordgo.ApplicationCommandOptionInteger || o.Required {
		t.Errorf("second option = %+v, want optional integer weeks", o)
	}
}

// TestResolvedName: a user option's name is the server nickname, else the
// display name, else the username.
func TestResolvedName(t *testing.T) {
	r := &discordgo.ApplicationCommandInteractionDataResolved{
		Users: map[string]*discordgo.User{
			"1": {Username: "kim_r", GlobalName: "Kim"}, "2": {Username: "lee_b"}, "3": {Username: "ash", GlobalName: "Ash"},
		},
		Members: map[string]*discordgo.Member{"3": {Nick: "Ashley"}},
	}
	for id, want := range map[string]string{"1": "Kim", "2": "lee_b", "3": "Ashley", "4": ""} {
		if got := resolvedName(r, id); got != want {
			t.Errorf("resolvedName(%s) = %q, want %q", id, got, want)
		}
	}
	if got := resolvedName(nil, "1"); got != "" {
		t.Errorf("no resolved data = %q", got)
	}
}

// TestStaffCommandsAreHidden checks default_member_permissions: staff-only
// commands ask for a permission (sent as a string), the others none.
func TestStaffCommandsAreHidden(t *testing.T) {
	defs := ApplicationCommands([]*bot.Command{
		{Name: "digest", Description: "d", Run: noop, Roles: bot.Staff},
		{Name: "role", Description: "r", Roles: bot.OnlyOwners, Subs: []*bot.Command{{Name: "mentor", Description: "m", Run: noop, Roles: bot.OnlyOwners}}},
		{Name: "activity", Description: "a", Subs: []*bot.Command{
			{Name: "add", Description: "a", Run: noop, Roles: bot.Staff}, {Name: "list", Description: "l", Run: noop, Roles: bot.Members}}},
		{Name: "help", Description: "h", Run: noop, Roles: bot.Anyone},
	})
	b, err := json.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Name  string  `json:"name"`
		Perms *string `json:"default_member_permissions"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("default_member_permissions is not a string: %v", err)
	}
	want := map[string]string{"digest": "8192", "role": "32", "activity": "", "help": ""}
	for _, c := range got {
		p := ""
		if c.Perms != nil {
			p = *c.Perms
		}
		if p != want[c.Name] {
			t.Errorf("/%s default_member_permissions = %q, want %q", c.Name, p, want[c.Name])
		}
	}
}

// TestChoicesAreLocalised: /goal cadence's choices are shown in English
// and, through name_localizations, in Spanish; their value is the code.
func TestChoicesAreLocalised(t *testing.T) {
	var how *discordgo.ApplicationCommandOption
	for _, d := range ApplicationCommands(bot.AllCommands()) {
		for _, s := range d.Options {
			if d.Name == "goal" && s.Name == "cadence" && len(s.Options) == 1 {
				how = s.Options[0]
			}
		}
	}
	if how == nil || len(how.Choices) != 4 {
		t.Fatalf("/goal cadence how = %+v", how)
	}
	c := how.Choices[1]
	if c.Name != "every 2 weeks" || c.Value != "every-2-weeks" || c.NameLocalizations[discordgo.SpanishES] != "cada 2 semanas" || c.NameLocalizations[discordgo.SpanishLATAM] != "cada 2 semanas" {
		t.Errorf("choice = %+v, want every 2 weeks, cada 2 semanas in Spanish, valued every-2-weeks", c)
	}
	if w := how.Choices[0]; w.Name != "weekly" || w.NameLocalizations[discordgo.SpanishES] != "semanal" {
		t.Errorf("weekly = %+v", w)
	}
}
