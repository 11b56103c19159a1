package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/storage"
)

// cliActor is who the audit names for a command line read, export or
// erasure: the operating-system user who ran it, beside the command, as
// "os:alice via porchlight export". The user comes from os/user, or $USER
// where the system cannot say (a container without /etc/passwd).
func cliActor(e env) string {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = e.getenv("USER")
	}
	if name == "" {
		name = "unknown"
	}
	return "os:" + name + " via porchlight " + e.name
}

// openCore opens the database and a core over the config's houses, for the
// operator commands that work on stored data without connecting anywhere.
// They run beside the bot, without its instance lock, so they never
// migrate: a database an older Porchlight left (perhaps still running) is
// refused, with what to do, and cfgFile is the config to name there.
func openCore(ctx context.Context, cfg *config.Config, cfgFile string, houses []*bot.House) (*storage.DB, *bot.Bot, error) {
	db, err := storage.Open(ctx, cfg.Storage.Path, storage.NoMigrate())
	var se *storage.SchemaError
	if errors.As(err, &se) {
		return nil, nil, fmt.Errorf("the database is at schema version %d; this porchlight needs %d: stop the bot and run `porchlight migrate --config %s` first", se.Have, se.Want, cfgFile)
	}
	if err != nil {
		return nil, nil, err
	}
	b, err := bot.New(bot.Config{Store: db, Houses: houses})
	if err == nil {
		err = b.Start(ctx)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, b, nil
}

// memberFlags are the flags that name one member: a platform user id and,
// when the config has several houses, the house.
type memberFlags struct{ member, house *string }

func addMemberFlags(fs *flag.FlagSet) memberFlags {
	return memberFlags{
		member: fs.String("member", "", "the `MEMBER`: their member id (as the audit shows it: 12 or member:12), their\nplatform user id (as in the config's operators and mentors), or @Name"),
		house:  fs.String("house", "", "the house's `NAME`; needed when the config has more than one house"),
	}
}

// pick finds the house the flags name and checks that a member is named.
func (mf memberFlags) pick(houses []*bot.House) (*bot.House, error) {
	if *mf.member == "" {
		return nil, errors.New("--member is required: a member id, a platform user id or @Name")
	}
	return pickHouse(houses, *mf.house)
}

// pickHouse finds a house by name; the name may be left out when the
// config has one house.
func pickHouse(houses []*bot.House, name string) (*bot.House, error) {
	if name == "" {
		if len(houses) == 1 {
			return houses[0], nil
		}
		return nil, fmt.Errorf("the config has %d houses; name one with --house", len(houses))
	}
	for _, h := range houses {
		if h.Name == name {
			return h, nil
		}
	}
	return nil, fmt.Errorf("no house named %q in the config", name)
}

// memberError reports an export's or erasure's error: a member that
// cannot be found, or that --member names ambiguously, is a usage error.
func memberError(e env, err error, who string, h *bot.House) int {
	switch {
	case errors.Is(err, bot.ErrNoMember):
		return e.usageError("nothing is stored about %s in %s (name a member by member id, platform user id or @Name)", who, h.Name)
	case bot.ErrorCode(err) == bot.EInvalid:
		return e.usageError("%s", bot.ErrorMessage(err))
	}
	return e.fail(err)
}

func cmdExport(ctx context.Context, e env) int {
	fs := flags(e, "export", "--config FILE --member MEMBER [--house NAME] [--out FILE]", `Write everything stored about one member, current or former, as JSON, to
standard output or to --out (created with mode 0600). The JSON follows a
versioned schema (schema_version; see docs/export-schema.md). The export is
audited, with the operating-system user who ran it.`)
	mf := addMemberFlags(fs)
	out := fs.String("out", "", "write to `FILE` instead of standard output; it must not exist")
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	h, err := mf.pick(houses)
	if err != nil {
		return e.usageError("%v", err)
	}
	if *out != "" {
		if err := checkNew(*out); err != nil {
			return e.usageError("%v", err)
		}
	}
	db, b, err := openCore(ctx, cfg, configFile(e, fs), houses)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	data, err := b.ExportData(ctx, h, *mf.member, cliActor(e))
	if err != nil {
		return memberError(e, err, *mf.member, h)
	}
	if *out == "" {
		fmt.Fprintf(e.stdout, "%s\n", data)
		return exitOK
	}
	if err := writeNew(*out, append(data, '\n')); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s.\n", *out)
	return exitOK
}

func cmdErase(ctx context.Context, e env) int {
	fs := flags(e, "erase", "--config FILE --member MEMBER [--house NAME] --yes", `Erase everything stored about one member: their check-in answers, missed
check-ins, granted roles and profile. It cannot be undone, so it needs --yes.
The erasure is audited. Counts in digests already sent are not recomputed.`)
	mf := addMemberFlags(fs)
	yes := fs.Bool("yes", false, "confirm the erasure")
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	h, err := mf.pick(houses)
	if err != nil {
		return e.usageError("%v", err)
	}
	if !*yes {
		return e.usageError("this erases everything stored about %s in %s and cannot be undone; add --yes to confirm", *mf.member, h.Name)
	}
	db, b, err := openCore(ctx, cfg, configFile(e, fs), houses)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	if err := b.EraseData(ctx, h, *mf.member, cliActor(e)); err != nil {
		return memberError(e, err, *mf.member, h)
	}
	fmt.Fprintf(e.stdout, "Erased everything stored about %s in %s.\n", *mf.member, h.Name)
	return exitOK
}

func cmdAudit(ctx context.Context, e env) int {
	fs := flags(e, "audit", "--config FILE [--since YYYY-MM-DD]", `List the audit log: staff reads of individual answers, role changes, exports
and erasures, oldest first. Times are UTC.`)
	since := fs.String("since", "", "list entries from this `DATE` (YYYY-MM-DD, UTC) on; default: the last 30 days")
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	from := time.Now().UTC().AddDate(0, 0, -30)
	if *since != "" {
		t, err := time.Parse(time.DateOnly, *since)
		if err != nil {
			return e.usageError("--since %q is not a date as YYYY-MM-DD", *since)
		}
		from = t
	}
	// The core syncs the configured houses, so their ids name them.
	db, _, err := openCore(ctx, cfg, configFile(e, fs), houses)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	rows, err := db.Audits(ctx, from)
	if err != nil {
		return e.fail(err)
	}
	names := houseNames(houses)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tHOUSE\tACTOR\tACTION\tSUBJECT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.At.Format("2006-01-02 15:04"), names(r.HouseID), r.Actor, r.Action, r.Subject)
	}
	tw.Flush()
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "No audit entries since %s.\n", from.Format(time.DateOnly))
	}
	return exitOK
}
