package connection

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"gplay/internal/sshdtest"
)

// testEnv is one sshd plus a client side that knows its host keys: a
// private home, a known_hosts file and a Target for the test user.
type testEnv struct {
	srv        *sshdtest.Server
	home       string
	knownHosts string
	dialer     *Dialer
	target     Target
}

func newEnv(t *testing.T, opts sshdtest.Options) *testEnv {
	t.Helper()
	srv := sshdtest.Start(t, opts)
	home := t.TempDir()
	kh := filepath.Join(home, "known_hosts")
	if err := os.WriteFile(kh, []byte(srv.KnownHosts), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testEnv{
		srv:        srv,
		home:       home,
		knownHosts: kh,
		dialer:     &Dialer{HomeDir: home, AgentSocket: "none"},
		target: Target{
			Name:          "testhost",
			Host:          srv.Host,
			Port:          srv.Port,
			User:          srv.TestUser,
			IdentityFiles: []string{srv.ClientKeyFile},
			// -F /dev/null keeps the machine's ~/.ssh/config and
			// /etc/ssh/ssh_config out of the tests.
			CommonArgs: "-F /dev/null -o UserKnownHostsFile=" + kh + " -o GlobalKnownHostsFile=/dev/null",
		},
	}
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// needBinary skips (or fails under GPLAY_E2E=required) without an OpenSSH
// client tool the test runs.
func needBinary(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		sshdtest.Unavailable(t, "no "+name+" binary (openssh-client)")
	}
}

// run executes cmd and fails the test unless it exits 0.
func run(t *testing.T, c Conn, cmd string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := c.Exec(testCtx(t), cmd, nil, &out, &errb)
	if err != nil || code != 0 {
		t.Fatalf("Exec(%q) = %d, %v; stderr %q", cmd, code, err, errb.String())
	}
	return out.String()
}

func dial(t *testing.T, d *Dialer, tg Target) *SSHConn {
	t.Helper()
	c, err := d.DialSSH(testCtx(t), tg)
	if err != nil {
		t.Fatalf("DialSSH(%s:%d as %s): %v", tg.Host, tg.Port, tg.User, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// freeTCPPort returns a loopback port nothing listens on.
func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}
