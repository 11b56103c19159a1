package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/porchlight/porchlight/bot"
)

// cmdCrisisEval measures the crisis screener on labelled corpora: recall
// per level and language, false positives on benign lines, and every miss.
func cmdCrisisEval(_ context.Context, e env) int {
	fs := flags(e, "crisis-eval", "[--config FILE [--house NAME]] [FILE ...]",
		"Measure the crisis screener on labelled corpora and print recall per level and\n"+
			"language, the false-positive rate on benign lines, and every miss.\n"+
			"With no FILE, the corpora shipped in the binary are measured. A corpus has one\n"+
			"example a line: label (danger, relapse or benign), language, category and text,\n"+
			"separated by tabs; lines starting with # are comments.\n"+
			"With --config, a house's own phrases (extra_phrases, extra_relapse_phrases,\n"+
			"ignore_phrases) are measured too: the first house's, or the one --house names.")
	cfgPath := fs.String("config", "", "a TOML config `FILE` whose house phrases to include")
	houseName := fs.String("house", "", "the house `NAME` whose phrases to include (default: the first)")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	var phrases bot.ScreenPhrases
	if *cfgPath != "" {
		cfg, ok := loadConfig(e, *cfgPath)
		if !ok {
			return exitUsage
		}
		houses, err := cfg.Houses()
		if err != nil {
			return e.usageError("%v", err)
		}
		h := houses[0]
		if *houseName != "" {
			h = nil
			for _, c := range houses {
				if c.Name == *houseName {
					h = c
				}
			}
			if h == nil {
				return e.usageError("no house named %q in %s", *houseName, *cfgPath)
			}
		}
		phrases = h.Crisis.Phrases
	} else if *houseName != "" {
		return e.usageError("--house needs --config")
	}
	s, err := bot.NewScreener(phrases)
	if err != nil {
		return e.usageError("%v", err)
	}
	type corpus struct {
		name string
		open func() (io.ReadCloser, error)
	}
	var corpora []corpus
	for _, name := range fs.Args() {
		corpora = append(corpora, corpus{name, func() (io.ReadCloser, error) { return os.Open(name) }})
	}
	if len(corpora) == 0 {
		for _, name := range bot.ShippedCorpora {
			corpora = append(corpora, corpus{"bot/" + name, func() (io.ReadCloser, error) { return bot.OpenShippedCorpus(name) }})
		}
	}
	var all []bot.CorpusLine
	for _, c := range corpora {
		f, err := c.open()
		if err != nil {
			return e.usageError("%v", err) // a FILE that cannot be read
		}
		lines, err := bot.ReadCorpus(f)
		f.Close()
		if err != nil {
			return e.usageError("%s: %v", c.name, err)
		}
		bot.Evaluate(s, lines).Report(e.stdout, c.name)
		fmt.Fprintln(e.stdout)
		all = append(all, lines...)
	}
	if len(corpora) > 1 {
		fmt.Fprintf(e.stdout, "all %d corpora: %s\n", len(corpora), bot.Evaluate(s, all).Summary())
	}
	return exitOK
}
