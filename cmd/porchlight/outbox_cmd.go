package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// cmdOutbox runs "porchlight outbox SUBCOMMAND": the operator's view of
// the messages the sender gave up on.
func cmdOutbox(ctx context.Context, e env) int {
	return runSubcommands(ctx, e, "list|retry|drop --config FILE [ID…]",
		"See and handle the outgoing messages that failed: a message the platform refused for good,\n"+
			"that ran out of attempts, or that could not be read back from the database. They are\n"+
			"kept, never sent, until you retry or drop them. Nothing here shows a message's text.",
		subcommand{"list", "list the failed messages", cmdOutboxList},
		subcommand{"retry", "send failed messages again: retry --config FILE ID…", cmdOutboxRetry},
		subcommand{"drop", "give up on failed messages for good: drop --config FILE ID…", cmdOutboxDrop})
}

func cmdOutboxList(ctx context.Context, e env) int {
	fs := flags(e, "outbox list", "--config FILE [--all]", `List the failed outgoing messages, oldest first: id, house, platform, target
kind (channel, dm, ephemeral), kind of message (crisis_alert, reach_out, share…;
"-" when unknown), when it was created (UTC), attempts, status and the reason it
failed. Never the text, nor whom a direct message was for.`)
	all := fs.Bool("all", false, "include the messages already dropped")
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "porchlight outbox list: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	// The core syncs the configured houses, so their ids name them.
	db, _, err := openCore(ctx, cfg, configFile(e, fs), houses)
	if err != nil {
		fmt.Fprintf(e.stderr, "porchlight outbox list: %v\n", err)
		return exitRuntime
	}
	defer db.Close()
	rows, err := db.FailedOutbox(ctx, *all)
	if err != nil {
		fmt.Fprintf(e.stderr, "porchlight outbox list: %v\n", err)
		return exitRuntime
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stdout, "No failed messages.")
		return exitOK
	}
	names := houseNames(houses)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tHOUSE\tPLATFORM\tTARGET\tKIND\tCREATED (UTC)\tATTEMPTS\tSTATUS\tREASON")
	for _, r := range rows {
		kind := string(r.Kind)
		if kind == "" {
			kind = "-"
		}
		created := "-"
		if !r.CreatedAt.IsZero() {
			created = r.CreatedAt.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.ID, names(r.HouseID), r.Platform, r.TargetKind, kind, created, r.Attempts, r.Status, r.Reason)
	}
	tw.Flush()
	return exitOK
}

func cmdOutboxRetry(ctx context.Context, e env) int {
	return settleOutbox(ctx, e, "retry", `Make failed messages pending again, due now, with their attempts reset: the
running bot sends them within a few seconds. All or nothing: if an id is not a
failed message, nothing changes. Each retry is audited.`,
		func(db *storage.DB, ids []int64) error {
			return db.RetryOutbox(ctx, ids, time.Now().UTC(), cliActor(e))
		},
		"Retried %d message(s); the bot will send them shortly.\n")
}

func cmdOutboxDrop(ctx context.Context, e env) int {
	return settleOutbox(ctx, e, "drop", `Give up on failed messages for good: they leave the list and are never sent.
They stay in the database, marked dropped, until the house's retention removes
them ("outbox list --all" shows them). All or nothing: if an id is not a failed
message, nothing changes. Each drop is audited.`,
		func(db *storage.DB, ids []int64) error { return db.DropOutbox(ctx, ids, time.Now().UTC(), cliActor(e)) },
		"Dropped %d message(s).\n")
}

// settleOutbox is "outbox retry" and "outbox drop": parse the ids, apply
// do to them, and report.
func settleOutbox(ctx context.Context, e env, name, about string, do func(*storage.DB, []int64) error, done string) int {
	fs := flags(e, "outbox "+name, "--config FILE ID…", about)
	cfg, houses, code, ok := configCmdArgs(e, fs, true)
	if !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(e.stderr, "porchlight outbox %s: name at least one message ID (see outbox list)\n", name)
		return exitUsage
	}
	ids := make([]int64, 0, fs.NArg())
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			fmt.Fprintf(e.stderr, "porchlight outbox %s: %q is not a message ID (a positive number from outbox list)\n", name, a)
			return exitUsage
		}
		ids = append(ids, id)
	}
	db, _, err := openCore(ctx, cfg, configFile(e, fs), houses)
	if err != nil {
		fmt.Fprintf(e.stderr, "porchlight outbox %s: %v\n", name, err)
		return exitRuntime
	}
	defer db.Close()
	switch err := do(db, ids); {
	case errors.Is(err, bot.ErrNotFound), errors.Is(err, storage.ErrNotFailed):
		fmt.Fprintf(e.stderr, "porchlight outbox %s: %v; nothing was changed\n", name, err)
		return exitRuntime
	case err != nil:
		fmt.Fprintf(e.stderr, "porchlight outbox %s: %v\n", name, err)
		return exitRuntime
	}
	fmt.Fprintf(e.stdout, done, len(ids))
	return exitOK
}

// houseNames returns a function naming a house id of the config; "-" for
// none or an unknown one.
func houseNames(houses []*bot.House) func(int64) string {
	names := map[int64]string{}
	for _, h := range houses {
		names[h.ID] = h.Name
	}
	return func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "-"
	}
}
