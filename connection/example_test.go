package connection_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"gplay/connection"
)

// The engine keeps one Pool per run and asks it for each host's connection
// before every task.
func ExamplePool() {
	d := &connection.Dialer{}
	if p, err := connection.NewTerminalPrompter(); err == nil {
		d.Prompter = p // passphrases and host key questions, when a terminal exists
	}
	pool := connection.NewPool(d)
	defer pool.Close()

	ctx := context.Background()
	conn, err := pool.Get(ctx, connection.Target{
		Name:       "web1",
		Host:       "10.0.0.5",                        // ansible_host
		User:       "deploy",                          // ansible_user
		CommonArgs: "-o ProxyJump=admin@bastion:2222", // ansible_ssh_common_args
		Timeout:    10 * time.Second,                  // -T
	})
	if errors.Is(err, connection.ErrUnreachable) {
		fmt.Println("UNREACHABLE!", err)
		return
	}
	if err != nil {
		fmt.Println("FAILED!", err)
		return
	}
	var stdout, stderr bytes.Buffer
	rc, err := conn.Exec(ctx, "uname -r", nil, &stdout, &stderr)
	fmt.Println(rc, err, stdout.String())
}
