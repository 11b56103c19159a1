package i18n

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

// TestThirdLanguageIsOneFile: adding a language is adding one file beside
// the others, with every message; nothing else changes. The test writes
// a stand-in "French" file holding every English message and loads the
// catalogue with it.
func TestThirdLanguageIsOneFile(t *testing.T) {
	fsys := fstest.MapFS{}
	all := map[string]any{}
	err := fs.WalkDir(files, "locales", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		fsys[path] = &fstest.MapFile{Data: data}
		if strings.HasSuffix(path, ".en.toml") {
			var msgs map[string]any
			if err := toml.Unmarshal(data, &msgs); err != nil {
				return err
			}
			for id, m := range msgs {
				all[id] = m
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(all); err != nil {
		t.Fatal(err)
	}
	fsys["locales/all.fr.toml"] = &fstest.MapFile{Data: buf.Bytes()}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has("fr") || c.Match("fr-CA") != "fr" {
		t.Fatalf("languages %v: the new file's language is not offered", c.Languages())
	}
	if got, want := len(c.IDs("fr")), len(c.IDs(Source)); got != want {
		t.Errorf("fr has %d messages, want all %d", got, want)
	}
	if got := c.Lang("fr").T("language.name"); got != "English" {
		t.Errorf("fr language.name = %q, want the file's own text", got)
	}
}
