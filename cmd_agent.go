package main

import (
	"context"
	"os"
	"os/user"

	"github.com/urfave/cli/v3"

	"gplay/agent"
	"gplay/module"
	_ "gplay/modules" // the built-in modules register themselves in module.Default
)

// agentCommand is what the controller starts on a target: the same binary,
// serving module requests on stdin/stdout until the channel closes.
func agentCommand() *cli.Command {
	return &cli.Command{
		Name:   "agent",
		Usage:  "serve module requests on stdin/stdout (started by gplay on targets)",
		Hidden: true,
		Action: func(ctx context.Context, _ *cli.Command) error {
			return runAgent(ctx)
		},
	}
}

func runAgent(ctx context.Context) error {
	h := agent.Hello{Agent: version + " " + commit, PID: os.Getpid(), UID: os.Getuid()}
	if u, err := user.Current(); err == nil {
		h.User = u.Username
	}
	return agent.Serve(ctx, os.Stdin, os.Stdout, module.Default, h)
}
