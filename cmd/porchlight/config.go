package main

import (
	"time"

	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/scheduler"
)

// configOptions are the options every command loads its config with: the
// token environment variables from getenv, and the scheduler's own parser
// for cron specs, so that a spec check-config accepts is one that runs.
func configOptions(getenv func(string) string) config.Options {
	return config.Options{Getenv: getenv, CheckCron: parseCron}
}

// parseCron checks a cron spec exactly as the scheduler will read it.
func parseCron(spec string, loc *time.Location) error {
	_, err := scheduler.Parse(spec, loc)
	return err
}
