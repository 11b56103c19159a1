package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/porchlight/porchlight/storage"
)

func cmdRestore(ctx context.Context, e env) int {
	fs := flags(e, "restore", "--config FILE BACKUP",
		"Replace the database with a copy of BACKUP (a file from porchlight backup or\n"+
			"[storage] backup_dir), with the bot stopped. It refuses while a porchlight runs\n"+
			"on the database, and refuses a backup that is damaged or from a newer\n"+
			"Porchlight. The current database is kept aside, with its -wal and -shm, as\n"+
			"<database>.before-restore-<time>; BACKUP itself is only read. The restored\n"+
			"database is brought to this version's schema before restore exits.")
	cfg, _, code, ok := configCmdArgs(e, fs, true)
	if !ok {
		return code
	}
	if fs.NArg() != 1 {
		return e.usageError("give exactly one BACKUP file")
	}
	backup := fs.Arg(0)
	st, err := os.Stat(backup)
	switch {
	case err != nil:
		return e.usageError("%v", err)
	case !st.Mode().IsRegular():
		return e.usageError("%s is not a file", backup)
	}
	if cur, err := os.Stat(cfg.Storage.Path); err == nil && os.SameFile(st, cur) {
		return e.usageError("%s is the database itself; name a backup", backup)
	}
	r, err := storage.Restore(ctx, cfg.Storage.Path, backup, time.Now())
	if err != nil {
		if r != nil && r.Aside != "" {
			fmt.Fprintf(e.stderr, "porchlight %s: the database that was there is kept at %s\n", e.name, r.Aside)
		}
		return e.fail(err)
	}
	w := e.stdout
	fmt.Fprintf(w, "Restored %s from %s (schema version %d", cfg.Storage.Path, backup, r.From)
	if r.To != r.From {
		fmt.Fprintf(w, ", brought up to %d", r.To)
	}
	fmt.Fprintln(w, ").")
	if r.Aside != "" {
		fmt.Fprintf(w, "The database it replaced is kept at %s", r.Aside)
		if len(r.Moved) > 1 {
			fmt.Fprint(w, " (with its -wal and -shm files)")
		}
		fmt.Fprintln(w, "; delete it once the bot runs well.")
	}
	_, err = fmt.Fprintln(w, "Start the bot again. What happened after the backup was taken is not in it; messages that\n"+
		"were waiting to be sent when it was taken are sent again.")
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}
