package render_test

import (
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
