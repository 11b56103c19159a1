package bot

import (
	"reflect"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"a b  c", []string{"a", "b", "c"}, false},
		{`"movie night" fri`, []string{"movie night", "fri"}, false},
		{"“curly quotes” x", []string{"curly quotes", "x"}, false},
		{`""`, []string{""}, false},
		{`"open`, nil, true},
	}
	for _, tt := range tests {
		got, err := Tokenize(tt.in)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseArgs(t *testing.T) {
	cmd := &Command{Name: "pair", Options: []Option{
		{Name: "a", Type: OptUser, Required: true},
		{Name: "n", Type: OptInt},
		{Name: "on", Type: OptBool},
		{Name: "note", Type: OptString, Rest: true, MaxLen: 20},
	}}
	tests := []struct {
		raw     string
		want    Args
		wantErr string
	}{
		{"<@U1> 3 on hello there", Args{"a": "U1", "n": "3", "on": "true", "note": "hello there"}, ""},
		{"<@!123>", Args{"a": "123"}, ""},
		{"<@U1|robin> 2", Args{"a": "U1", "n": "2"}, ""},
		{"", nil, "Missing <a>"},
		{"robin", nil, "must mention someone"},
		{"<@U1> x", nil, "whole number"},
		{"<@U1> 1 maybe", nil, "on or off"},
		{"<@U1> 1 on " + strings.Repeat("x", 21), nil, "limit is 20"},
	}
	for _, tt := range tests {
		got, err := ParseArgs(cmd, "partner", tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(ErrorMessage(err), tt.wantErr) {
				t.Errorf("ParseArgs(%q) error = %v, want %q", tt.raw, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseArgs(%q) = %v, %v; want %v", tt.raw, got, err, tt.want)
		}
	}
}

func FuzzParseArgs(f *testing.F) {
	cmd := &Command{Name: "x", Options: []Option{{Name: "u", Type: OptUser}, {Name: "n", Type: OptInt}, {Name: "s", Type: OptString, Rest: true}}}
	for _, s := range []string{"", "<@U1> 2 hi", `"a b" c`, "“x", "<@> 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		args, err := ParseArgs(cmd, "", raw)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("ParseArgs(%q): error code %q, want invalid", raw, ErrorCode(err))
			}
			return
		}
		if args == nil {
			t.Fatal("nil args without error")
		}
	})
}

func TestFieldNormalize(t *testing.T) {
	mood := Field{ID: "mood", Kind: KindScale, Label: "Mood", Min: 1, Max: 5, Options: []string{"rough", "low", "okay", "good", "great"}, Required: true}
	vis := Field{ID: "v", Kind: KindChoice, Label: "Who", Options: []string{"private", "mentors", "house"}}
	yn := Field{ID: "y", Kind: KindYesNo, Label: "Reach"}
	txt := Field{ID: "t", Kind: KindText, Label: "Win", MaxLen: 5}
	tests := []struct {
		f       Field
		in      string
		want    string
		wantErr bool
	}{
		{mood, "3", "3", false},
		{mood, " 5 ", "5", false},
		{mood, "great", "5", false},
		{mood, "0", "", true},
		{mood, "", "", true},
		{mood, "abc", "", true},
		{vis, "House", "house", false},
		{vis, "2", "mentors", false},
		{vis, "all", "", true},
		{vis, "", "", false},
		{yn, "Yes", "yes", false},
		{yn, "n", "no", false},
		{yn, "maybe", "", true},
		{txt, "héllo", "héllo", false},
		{txt, "toolong", "", true},
	}
	for _, tt := range tests {
		got, err := tt.f.Normalize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s.Normalize(%q) = %q, %v; want %q, err %v", tt.f.ID, tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// The registry is built without a core: no store, clock or houses.
func TestAllCommandsWithoutACore(t *testing.T) {
	cmds := AllCommands()
	names := map[string]bool{}
	for _, c := range cmds {
		names[c.Name] = true
	}
	for _, want := range []string{"join", "checkin", "resources", "partner", "activity", "mydata", "help"} {
		if !names[want] {
			t.Errorf("AllCommands lacks /%s", want)
		}
	}
}
