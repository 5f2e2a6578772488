// Command gplay runs Ansible playbooks: the same playbooks, inventories and
// command line as ansible-playbook, in one static binary with Go-native
// modules and no Python on the targets.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"gplay/engine"

	"github.com/urfave/cli/v3"
)

// Set at build time with -ldflags "-X main.version=… -X main.commit=…".
var (
	version = "dev"
	commit  = "unknown"
)

// ansibleVersion is the ansible-core release whose behaviour gplay matches;
// playbooks see it as ansible_version.
const ansibleVersion = "2.14.18"

// Exit codes, as ansible-playbook uses them (lib/ansible/cli/__init__.py,
// executor/task_queue_manager.py).
const (
	exitOK          = 0
	exitError       = 1
	exitHostFailed  = 2
	exitUnreachable = 4
	exitBadOptions  = 5
	exitInterrupted = 99
	exitUnexpected  = 250
)

// exitError carries an exit code through urfave/cli to main.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitCodeError) Unwrap() error { return e.err }

// withCode marks err with the exit code main should return.
func withCode(code int, err error) error { return &exitCodeError{code: code, err: err} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// The first Ctrl-C cancels the run, which stops cleanly; handing
		// the signals back makes a second one kill gplay at once.
		<-ctx.Done()
		stop()
	}()
	if len(os.Args) == 2 && os.Args[1] == "agent" {
		// the agent starts on every target once per run: skip building
		// the command line it does not need
		if err := runAgent(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "ERROR! %v\n", err)
			os.Exit(exitError)
		}
		os.Exit(exitOK)
	}
	os.Exit(run(ctx, os.Args))
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string) int {
	return runWith(ctx, args, runPlaybook)
}

// runWith is run with the playbook runner given (tests pass one that
// panics). A panic is an unexpected exception for Ansible: one line,
// exit 250, the stack only at -vvv.
func runWith(ctx context.Context, args []string, runPlaybook func(context.Context, *playbookOptions) error) (code int) {
	defer func() {
		if v := recover(); v != nil {
			code = exitCode(ctx, withCode(exitUnexpected, &engine.InternalError{Value: v, Stack: debug.Stack()}), args)
		}
	}()
	err := newApp(runPlaybook).Run(ctx, args)
	return exitCode(ctx, err, args)
}

// verbosity counts -v flags in args, for the -vvv that shows a stack.
func verbosity(args []string) int {
	n := 0
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--verbose" {
			n++
			continue
		}
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.Trim(a[1:], "v") == "" {
			n += len(a) - 1
		}
	}
	return n
}

// exitCode maps an error to Ansible's exit codes in one place and prints it.
func exitCode(ctx context.Context, err error, args []string) int {
	if err == nil {
		return exitOK
	}
	var ce *exitCodeError
	var ie *engine.InternalError
	code := exitError
	switch {
	case errors.As(err, &ce):
		code = ce.code
		if errors.As(err, &ie) {
			code = exitUnexpected
		}
	case errors.As(err, &ie):
		code = exitUnexpected
	case ctx.Err() != nil:
		code = exitInterrupted
	}
	if ce == nil || ce.err != nil {
		fmt.Fprintf(os.Stderr, "ERROR! %v\n", err)
		if ie != nil && verbosity(args) >= 3 {
			fmt.Fprintf(os.Stderr, "the full traceback was:\n\n%s", ie.Stack)
		}
	}
	return code
}

func versionText() string {
	return fmt.Sprintf("gplay %s (commit %s)\n  ansible-core compatibility = %s\n", version, commit, ansibleVersion)
}

// newApp builds the command line; runPlaybook is what the root command does
// with its parsed options (tests pass their own).
func newApp(runPlaybook func(context.Context, *playbookOptions) error) *cli.Command {
	cli.VersionPrinter = func(cmd *cli.Command) { fmt.Fprint(cmd.Root().Writer, versionText()) }
	app := playbookCommand(runPlaybook)
	app.Name = "gplay"
	app.Version = version
	// ansible-playbook's flags belong to running playbooks, not to the
	// subcommands (urfave/cli makes flags persistent unless Local).
	for _, f := range app.Flags {
		switch f := f.(type) {
		case *cli.StringFlag:
			f.Local = true
		case *cli.StringSliceFlag:
			f.Local = true
		case *cli.BoolFlag:
			f.Local = true
		case *cli.IntFlag:
			f.Local = true
		}
	}
	app.Commands = []*cli.Command{inventoryCommand(), vaultCommand(), agentCommand()}
	app.OnUsageError = func(_ context.Context, cmd *cli.Command, err error, _ bool) error {
		// argparse's way, as ansible-playbook: one "prog: error:" line, exit 2
		return usageError("%s", argparseMessage(cmd, err.Error()))
	}
	return app
}

// argparseMessage rewords a command-line parse error of urfave/cli (Go's
// flag package) the way Python's argparse words it for ansible-playbook.
func argparseMessage(cmd *cli.Command, msg string) string {
	flagNames := func(name string) string {
		for _, f := range cmd.Flags {
			names := f.Names()
			if !slices.Contains(names, name) {
				continue
			}
			var short, long []string
			for _, n := range names {
				if len(n) == 1 {
					short = append(short, "-"+n)
				} else {
					long = append(long, "--"+n)
				}
			}
			return strings.Join(append(short, long...), "/")
		}
		return "-" + name
	}
	dashed := func(name string) string {
		if len(name) == 1 {
			return "-" + name
		}
		return "--" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unrecognized arguments: " + dashed(name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "argument " + flagNames(strings.TrimLeft(name, "-")) + ": expected one argument"
	}
	var val, name string
	if n, _ := fmt.Sscanf(msg, "invalid value %q for flag -%s", &val, &name); n == 2 {
		name = strings.TrimSuffix(strings.TrimLeft(name, "-"), ":")
		kind := "int"
		for _, f := range cmd.Flags {
			if slices.Contains(f.Names(), name) {
				if _, ok := f.(*cli.BoolFlag); ok {
					kind = "bool"
				}
			}
		}
		return fmt.Sprintf("argument %s: invalid %s value: '%s'", flagNames(name), kind, val)
	}
	return msg
}
