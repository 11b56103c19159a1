// Command porchlight runs the Porchlight bot and its operator tools.
//
// Subcommands: run, demo, check-config, migrate, backup, digest, export,
// erase, audit, crisis-eval, slack, discord, load and version, each with --help. Exit codes: 0 for success, 1 for a runtime failure, 2 for a
// usage or config error.
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

// env is what a subcommand gets: its arguments and the process's streams.
type env struct {
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
		{"digest", "print a house's weekly digest (text, markdown, html, json, csv)", cmdDigest},
		{"export", "write everything stored about a member as JSON", cmdExport},
		{"erase", "erase everything stored about a member", cmdErase},
		{"audit", "list staff reads, role changes, exports and erasures", cmdAudit},
		{"crisis-eval", "measure the crisis screener on labelled corpora", cmdCrisisEval},
		{"slack", "Slack tools: print the app manifest", cmdSlack},
		{"discord", "Discord tools: print the invite URL", cmdDiscord},
		{"load", "measure the core's throughput on a real database", cmdLoad},
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, sc := range subcommands() {
		if sc.name == args[0] {
			return sc.run(ctx, env{args: args[1:], stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv})
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

// runSubcommands runs "porchlight TOOL SUB ...": help for TOOL with no
// SUB or with -h, the named SUB with the rest of the arguments, and a usage
// error naming the choices for anything else.
func runSubcommands(ctx context.Context, e env, tool, usage, about string, subs ...subcommand) int {
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		w := e.stdout
		if len(e.args) == 0 {
			w = e.stderr
		}
		fmt.Fprintln(w, "Usage: porchlight "+tool+" "+usage)
		fmt.Fprintln(w, "\n"+about+"\n\nSubcommands:")
		for _, c := range subs {
			fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
		}
		if len(e.args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	names := make([]string, len(subs))
	for i, c := range subs {
		if c.name == e.args[0] {
			sub := e
			sub.args = e.args[1:]
			return c.run(ctx, sub)
		}
		names[i] = c.name
	}
	fmt.Fprintf(e.stderr, "porchlight %s: unknown subcommand %q (try %s)\n", tool, e.args[0], strings.Join(names, ", "))
	return exitUsage
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

// parse parses flags; it returns an exit code and false when the command
// should stop (help asked for, or a usage error).
func parse(fs *flag.FlagSet, e env) (int, bool) {
	// The flag package prints the usage itself on -h, to the error
	// stream; asked for, help goes to stdout, once.
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(e.args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK, false
	case err != nil:
		fmt.Fprintln(out, err)
		fs.Usage()
		return exitUsage, false
	}
	return exitOK, true
}

func cmdVersion(_ context.Context, e env) int {
	fs := flags(e, "version", "", "Print Porchlight's version.")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	fmt.Fprintf(e.stdout, "porchlight %s\n", version())
	return exitOK
}

// version is the version "porchlight version" prints and "run" logs: the
// release version set with -ldflags, else the module version Go stamped
// (a tag, or a pseudo-version from the commit), followed by the VCS
// revision, whether the tree had changes, and the Go toolchain.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return formatVersion(Version, info)
}

// formatVersion formats a version from the -ldflags release (may be empty)
// and the build information (may be nil), as
// "v1.2.0 (revision 0123456789ab, modified, go1.26.0)".
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
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		details = append(details, "revision "+rev[:min(12, len(rev))])
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
