package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gplay/agent"
	"gplay/pyval"
)

// TestAgentProcess starts `gplay agent` as the controller does on a target
// (a separate process on pipes) and runs real modules through it.
func TestAgentProcess(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "gplay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "agent")
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	c, err := agent.NewClient(stdout, stdin)
	must(t, err)
	if h := c.Hello(); h.PID != cmd.Process.Pid || h.UID != os.Getuid() {
		t.Errorf("hello = %+v, want pid %d", h, cmd.Process.Pid)
	}
	dest := filepath.Join(t.TempDir(), "motd")
	tests := []struct {
		req  agent.Request
		want string // a fragment of the registered dict's repr
	}{
		{agent.Request{Module: "ping"}, "'ping': 'pong'"},
		{agent.Request{Module: "ansible.builtin.command", Args: pyval.DictOf("_raw_params", "echo hello")}, "'stdout': 'hello'"},
		{agent.Request{Module: "copy", Args: pyval.DictOf("content", "hi\n", "dest", dest)}, "'changed': True"},
		{agent.Request{Module: "copy", Args: pyval.DictOf("content", "hi\n", "dest", dest)}, "'changed': False"},
	}
	for _, tc := range tests {
		res, err := c.Call(context.Background(), tc.req)
		if got := pyval.Repr(res.ToDict()); err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: %s (err %v), want %s", tc.req.Module, pyval.Repr(tc.req.Args), got, err, tc.want)
		}
	}
	must(t, c.Close())
	if err := cmd.Wait(); err != nil {
		t.Fatalf("agent exit after stdin closed: %v", err)
	}
}
