// Command porchlight runs the Porchlight bot and its operator tools.
//
// Subcommands: run, demo, check-config, migrate, backup, restore, digest,
// export, erase, audit, outbox, crisis-eval, slack, discord, load,
// healthcheck, doctor and version. Each prints its help once, on standard output, with --help
// (exit 0).
//
// Exit codes, the same for every command:
//
//   - 0: success.
//   - 1: a runtime failure: the command was right, and failed while it
//     worked (the database, the disk, a platform).
//   - 2: a usage or config error, found before any work: an unknown flag,
//     a missing or bad argument, an invalid config, a file to read that
//     cannot be, a file to write that exists already, a house or member the
//     data does not have. Fixing the command line or the config fixes it.
//
// Every error is one line on standard error, "porchlight COMMAND: what went
// wrong".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // house time zones work on hosts without zoneinfo
)

// Version, when set at build time (go build -ldflags "-X main.Version=v1.2.0"),
// is the release version; left empty, the version comes from the build
// information Go records in every binary (see version).
var Version = ""

// Exit codes.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// env is what a subcommand gets: its name, its arguments and the process's
// streams.
type env struct {
	// name is the command as typed after "porchlight": "backup",
	// "slack manifest". It prefixes the command's error messages.
	name   string
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// subcommand is one "porchlight NAME" entry, or one SUB of a tool's
// "porchlight TOOL SUB" (runSubcommands).
type subcommand struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) int
}

func subcommands() []subcommand {
	return []subcommand{
		{"run", "run the bot with a config file", cmdRun},
		{"demo", "run the bot in this terminal, with no setup", cmdDemo},
		{"check-config", "validate a config file", cmdCheckConfig},
		{"migrate", "create or upgrade the database", cmdMigrate},
		{"backup", "copy the live database to a file", cmdBackup},
		{"restore", "replace the database with a backup, the bot stopped", cmdRestore},
		{"digest", "print a house's weekly digest (text, markdown, html, json, csv)", cmdDigest},
		{"export", "write everything stored about a member as JSON", cmdExport},
		{"erase", "erase everything stored about a member", cmdErase},
		{"audit", "list staff reads, role changes, exports and erasures", cmdAudit},
		{"outbox", "list, retry or drop the outgoing messages that failed", cmdOutbox},
		{"crisis-eval", "measure the crisis screener on labelled corpora", cmdCrisisEval},
		{"slack", "Slack tools: print the app manifest", cmdSlack},
		{"discord", "Discord tools: print the invite URL", cmdDiscord},
		{"load", "measure the core's throughput on a real database", cmdLoad},
		{"healthcheck", "ask a running bot's health listener if it is alive or ready", cmdHealthcheck},
		{"doctor", "print a report to paste into a support request (--online asks the platforms)", cmdDoctor},
		{"version", "print the version", cmdVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// run is main without the process: testable with any arguments and streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		usage(stderr) // a usage error: no command
		return exitUsage
	}
	if isHelp(args[0]) {
		usage(stdout)
		return exitOK
	}
	for _, sc := range subcommands() {
		if sc.name == args[0] {
			return sc.run(ctx, env{name: sc.name, args: args[1:], stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv})
		}
	}
	fmt.Fprintf(stderr, "porchlight: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Porchlight — a peer-support check-in bot for recovery homes.")
	fmt.Fprintln(w, "\nUsage: porchlight <command> [flags]\n\nCommands:")
	for _, sc := range subcommands() {
		fmt.Fprintf(w, "  %-14s %s\n", sc.name, sc.summary)
	}
	fmt.Fprintln(w, "\nRun 'porchlight <command> --help' for a command's flags.")
}

// isHelp reports whether arg asks for help in place of a command.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// usageError prints a usage or config error of e's command, one line
// prefixed with its name, and returns exitUsage.
func (e env) usageError(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "porchlight %s: %s\n", e.name, fmt.Sprintf(format, args...))
	return exitUsage
}

// unexpected is the usage error of a command that takes only flags, given
// an argument besides them.
func (e env) unexpected(fs *flag.FlagSet) int {
	return e.usageError("unexpected argument %q (this command takes only flags; see --help)", fs.Arg(0))
}

// fail prints a runtime failure of e's command, one line prefixed with its
// name, and returns exitRuntime.
func (e env) fail(err error) int {
	fmt.Fprintf(e.stderr, "porchlight %s: %v\n", e.name, err)
	return exitRuntime
}

// runSubcommands runs "porchlight TOOL SUB ...": help for TOOL with -h (on
// stdout, exit 0) or with no SUB (on stderr, a usage error), the named SUB
// with the rest of the arguments, and a usage error naming the choices for
// anything else.
func runSubcommands(ctx context.Context, e env, synopsis, about string, subs ...subcommand) int {
	if len(e.args) == 0 || isHelp(e.args[0]) {
		w, code := e.stdout, exitOK
		if len(e.args) == 0 {
			w, code = e.stderr, exitUsage
		}
		fmt.Fprintln(w, "Usage: porchlight "+e.name+" "+synopsis)
		fmt.Fprintln(w, "\n"+about+"\n\nSubcommands:")
		for _, c := range subs {
			fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
		}
		return code
	}
	names := make([]string, len(subs))
	for i, c := range subs {
		if c.name == e.args[0] {
			sub := e
			sub.name = e.name + " " + c.name
			sub.args = e.args[1:]
			return c.run(ctx, sub)
		}
		names[i] = c.name
	}
	return e.usageError("unknown subcommand %q (try %s)", e.args[0], strings.Join(names, ", "))
}

// flags returns a flag set for a subcommand that prints its help to stdout
// on --help and its errors to stderr.
func flags(e env, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: porchlight %s %s\n\n%s\n", name, synopsis, about)
		if hasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses e's arguments with fs. Flags may come before, between or
// after the other arguments ("backup OUT --config FILE" works), except
// after a "--", which ends the flags. It returns an exit code and false
// when the command should stop: help asked for (printed once, on stdout,
// exit 0) or a usage error (the error and the help on stderr, exit 2).
func parse(fs *flag.FlagSet, e env) (int, bool) {
	// The flag package prints the usage itself, to its output; it is
	// silenced here so help is printed once, where it belongs.
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	args, rest := e.args, []string(nil)
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK, false
		case err != nil:
			fs.SetOutput(out)
			e.usageError("%v", err)
			fs.Usage()
			return exitUsage, false
		}
		left := fs.Args()
		if used := len(args) - len(left); len(left) == 0 || (used > 0 && args[used-1] == "--") {
			rest = append(rest, left...)
			break
		}
		rest, args = append(rest, left[0]), left[1:]
	}
	// fs.Args() is what the flags left: the positional arguments, in order.
	fs.Parse(append([]string{"--"}, rest...))
	return exitOK, true
}

func cmdVersion(_ context.Context, e env) int {
	fs := flags(e, "version", "", "Print Porchlight's version: the release, or the module version and the\nversion-control revision it was built from.")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.unexpected(fs)
	}
	fmt.Fprintf(e.stdout, "porchlight %s\n", version())
	return exitOK
}

// version is the version "porchlight version" prints and "run" logs: the
// release version set with -ldflags, else the module version Go stamped
// (a tag, or a pseudo-version from the commit), followed by the VCS
// revision, the time of that commit, whether the tree had changes, and the
// Go toolchain. Go records no time of the build itself (builds are
// reproducible); the commit's time, vcs.time, is the build's source time.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return formatVersion(Version, info)
}

// formatVersion formats a version from the -ldflags release (may be empty)
// and the build information (may be nil), as
// "v1.2.0 (revision 0123456789ab, committed 2026-12-07T10:45:08Z, modified, go1.26.0)".
func formatVersion(release string, info *debug.BuildInfo) string {
	v := release
	if v == "" && info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "devel" // go run, or a build without module or VCS information
	}
	if info == nil {
		return v
	}
	var details []string
	var rev, modified, built string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			built = s.Value
		}
	}
	if rev != "" {
		details = append(details, "revision "+rev[:min(12, len(rev))])
	}
	if built != "" {
		details = append(details, "committed "+built)
	}
	if modified == "true" {
		details = append(details, "modified")
	}
	if info.GoVersion != "" {
		details = append(details, info.GoVersion)
	}
	if len(details) == 0 {
		return v
	}
	return v + " (" + strings.Join(details, ", ") + ")"
}
