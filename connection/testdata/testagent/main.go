// Command testagent is a gplay agent with test modules only, for the
// connection package's integration tests: it builds in seconds and does not
// depend on the built-in modules or the CLI.
package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"gplay/agent"
	"gplay/module"
)

type testModule struct {
	id  module.ID
	run func(ctx context.Context, req module.Request) (module.Result, error)
}

func (m testModule) Info() module.Info {
	return module.Info{ID: m.id, Spec: module.Spec{Params: []module.Param{{Name: "seconds", Type: module.TypeInt}}}, CheckMode: module.SupportFull}
}

func (m testModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	return m.run(ctx, req)
}

func main() {
	if len(os.Args) != 2 || os.Args[1] != "agent" {
		fmt.Fprintln(os.Stderr, "usage: testagent agent")
		os.Exit(2)
	}
	reg := module.NewRegistry()
	reg.Register(testModule{id: "test.whoami", run: func(context.Context, module.Request) (module.Result, error) {
		name := ""
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
		home, _ := os.UserHomeDir()
		return module.Result{Return: map[string]any{"uid": os.Getuid(), "user": name, "pid": os.Getpid(), "home": home}}, nil
	}})
	reg.Register(testModule{id: "test.sleep", run: func(ctx context.Context, req module.Request) (module.Result, error) {
		n, _ := req.Args.Get("seconds").(int64)
		select {
		case <-ctx.Done():
			return module.Result{}, ctx.Err()
		case <-time.After(time.Duration(n) * time.Second):
			return module.Result{}, nil
		}
	}})
	h := agent.Hello{Agent: "testagent", PID: os.Getpid(), UID: os.Getuid()}
	if u, err := user.Current(); err == nil {
		h.User = u.Username
	}
	if err := agent.Serve(context.Background(), os.Stdin, os.Stdout, reg, h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
