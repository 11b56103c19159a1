package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
)

func TestDigestCommandLine(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	if code, _, stderr := porchlight(t, "/join\n1\n", "run", "--config", cfg); code != exitOK {
		t.Fatalf("join: exit %d: %s", code, stderr)
	}
	// This week in the house's zone: the resident just joined.
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	week := bot.ISOWeek(time.Now(), chicago)
	code, out, stderr := porchlight(t, "", "digest", "--config", cfg, "--week", week)
	if code != exitOK || !strings.Contains(out, "Weekly digest — Cedar House, "+week) || !strings.Contains(out, "Joined: You") {
		t.Fatalf("text digest: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = porchlight(t, "", "digest", "--config", cfg, "--week", week, "--format", "json")
	var doc map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("json digest: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, key := range []string{"house", "week", "period_start", "period_end", "residents", "totals", "activities", "partners", "support", "milestones"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("json lacks %q", key)
		}
	}
	res := doc["residents"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "name", "checkins_expected", "checkins_answered", "missed", "paused_days", "mood_avg", "support_requests"} {
		if _, ok := res[key]; !ok {
			t.Errorf("json resident lacks %q", key)
		}
	}
	if code, out, _ := porchlight(t, "", "digest", "--config", cfg, "--week", week, "--format", "csv"); code != exitOK || !strings.HasPrefix(out, "house,week,id,name,") || strings.Count(out, "\n") != 2 {
		t.Errorf("csv digest: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	html, chart := filepath.Join(dir, "d.html"), filepath.Join(dir, "d.png")
	if code, _, stderr := porchlight(t, "", "digest", "--config", cfg, "--week", week, "--format", "html", "--out", html, "--chart", chart); code != exitOK {
		t.Fatalf("html digest: exit %d: %s", code, stderr)
	}
	page, _ := os.ReadFile(html)
	if !bytes.Contains(page, []byte(`src="data:image/png;base64,`)) {
		t.Error("the html page has no embedded chart")
	}
	data, _ := os.ReadFile(chart)
	if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 400 {
		t.Errorf("chart: %v", err)
	}
	// --locale writes the texts in another language; the JSON stays the
	// same codes and numbers.
	code, out, stderr = porchlight(t, "", "digest", "--config", cfg, "--week", week, "--locale", "es")
	if code != exitOK || !strings.Contains(out, "Resumen semanal — Cedar House, "+week) || !strings.Contains(out, "Se unieron: You") {
		t.Errorf("text digest in Spanish: exit %d\n%s\n%s", code, out, stderr)
	}
	if code, _, stderr := porchlight(t, "", "digest", "--config", cfg, "--week", "la-pasada", "--locale", "es"); code != exitUsage || !strings.Contains(stderr, "forma ISO") {
		t.Errorf("bad week in Spanish: exit %d: %s", code, stderr)
	}
	for _, bad := range [][]string{{"--format", "pdf"}, {"--week", "lastweek"}, {"--house", "Nowhere"}, {"--locale", "xx"}} {
		if code, _, stderr := porchlight(t, "", append([]string{"digest", "--config", cfg}, bad...)...); code != exitUsage {
			t.Errorf("digest %v: exit %d (%s), want %d", bad, code, stderr, exitUsage)
		}
	}
	if code, out, _ := porchlight(t, "", "audit", "--config", cfg, "--since", "2000-01-01"); code != exitOK || strings.Count(out, "digest.read") < 4 {
		t.Errorf("audit of digest reads:\n%s", out)
	}
}

// TestDigestHTMLExample keeps the HTML example the README points to,
// bot/testdata/digest.html, current: it is the golden week's digest
// (bot/testdata/digest.json, written by the core's TestDigestGoldenFormats)
// rendered as "porchlight digest --format html" renders it, chart included.
// After a deliberate change: go test ./cmd/porchlight -run
// TestDigestHTMLExample -update, and look at the page.
func TestDigestHTMLExample(t *testing.T) {
	raw, err := os.ReadFile("../../bot/testdata/digest.json")
	if err != nil {
		t.Fatal(err)
	}
	var d bot.Digest
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	png, err := digestChart(&d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := render.DigestHTML(&d, png)
	if err != nil {
		t.Fatal(err)
	}
	const golden = "../../bot/testdata/digest.html"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date (go test ./cmd/porchlight -run TestDigestHTMLExample -update after a deliberate change)", golden)
	}
	if !bytes.Contains(got, []byte(`src="data:image/png;base64,iVBORw0KGgo`)) {
		t.Error("the example has no PNG chart embedded")
	}
}
