package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
	"github.com/porchlight/porchlight/render"
)

// digestChart draws a digest's chart, titled with its house and week, in
// the digest's language.
func digestChart(d *bot.Digest) ([]byte, error) {
	return render.DigestChart(d.Lang, d.House+" — "+d.Week, d.Trend)
}

func cmdDigest(ctx context.Context, e env) int {
	fs := flags(e, "digest", "--config FILE [--house NAME] [--week 2026-W47] [--format text|markdown|html|json|csv] [--locale en|es] [--out FILE] [--chart FILE.png]",
		`Print a house's weekly digest from the database, without contacting any
platform: participation, mood (averages need three residents), support,
activities, partners and milestones. The week is an ISO week (default: last
week) in the house's time zone. Reading it is audited.

Formats: text (as in chat), markdown, html (one self-contained page with the
chart), json (the documented contract; see the README) and csv (one row per
resident). The text, markdown and html formats and the chart are in English,
or in the language --locale names; json and csv are codes and numbers in
any language.`)
	house := fs.String("house", "", "the house's `NAME` (may be left out when the config has one house)")
	week := fs.String("week", "", "the ISO `WEEK`, such as 2026-W47 (default: last week)")
	format := fs.String("format", "text", "`FORMAT`: text, markdown, html, json or csv")
	out := fs.String("out", "", "write to `FILE` (mode 0600) instead of standard output")
	chartOut := fs.String("chart", "", "also write the chart as a PNG to `FILE.png`")
	locale := fs.String("locale", i18n.Source, "the `LANGUAGE` of the text, markdown, html and chart: "+strings.Join(i18n.Default().Languages(), " or "))
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	switch *format {
	case "text", "markdown", "html", "json", "csv":
	default:
		return e.usageError("--format %q: use text, markdown, html, json or csv", *format)
	}
	if !i18n.Default().Has(*locale) {
		return e.usageError("--locale %q: use %s", *locale, strings.Join(i18n.Default().Languages(), " or "))
	}
	lang := i18n.Default().Lang(*locale)
	h, err := pickHouse(houses, *house)
	if err != nil {
		return e.usageError("%v", err)
	}
	for _, path := range []string{*out, *chartOut} {
		if path == "" {
			continue
		}
		if err := checkNew(path); err != nil {
			return e.usageError("%v", err)
		}
	}
	db, b, err := openCore(ctx, cfg, configFile(e, fs), houses)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	d, err := b.Digest(ctx, h, *week, cliActor(e))
	if err != nil {
		if bot.ErrorCode(err) == bot.EInvalid {
			return e.usageError("%s", bot.ErrorText(lang, err))
		}
		return e.fail(err)
	}
	d.Lang = lang
	var png []byte
	if *format == "html" || *chartOut != "" {
		if png, err = digestChart(d); err != nil {
			return e.fail(err)
		}
	}
	var data []byte
	switch *format {
	case "text":
		data = []byte(render.DigestText(d) + "\n")
	case "markdown":
		data = []byte(render.DigestMarkdown(d))
	case "html":
		data, err = render.DigestHTML(d, png)
	case "json":
		data, err = render.DigestJSON(d)
		data = append(data, '\n')
	case "csv":
		data, err = render.DigestCSV(d)
	}
	if err == nil && *chartOut != "" {
		err = writeNew(*chartOut, png)
	}
	if err == nil && *out != "" {
		err = writeNew(*out, data)
	} else if err == nil {
		_, err = e.stdout.Write(data)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// checkNew checks, before any work, that an output file the command line
// names does not exist yet: the commands never overwrite a file, and
// saying so up front is a usage error, not a failure halfway.
func checkNew(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists already; choose another name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// writeNew writes a new file readable only by its owner; it never
// overwrites one (checkNew said so up front; this holds even if the file
// appeared since).
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists already; choose another name", path)
		}
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
