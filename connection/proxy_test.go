package connection

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gplay/internal/sshdtest"
)

// jumpSpec is "user@127.0.0.1:port" for a jump server.
func jumpSpec(s *sshdtest.Server) string {
	return s.TestUser + "@" + s.Addr
}

// withJumps returns a target env whose known_hosts also lists the jump
// servers and whose ssh args also offer their client keys.
func withJumps(t *testing.T, e *testEnv, jumps ...*sshdtest.Server) Target {
	t.Helper()
	kh := e.srv.KnownHosts
	tg := e.target
	for _, j := range jumps {
		kh += j.KnownHosts
		tg.CommonArgs += " -i " + j.ClientKeyFile
	}
	if err := os.WriteFile(e.knownHosts, []byte(kh), 0o600); err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestProxyJump(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	j1 := sshdtest.Start(t, sshdtest.Options{})
	j2 := sshdtest.Start(t, sshdtest.Options{})
	noForward := sshdtest.Start(t, sshdtest.Options{Config: []string{"AllowTcpForwarding no"}})
	tg := withJumps(t, e, j1, j2, noForward)

	for _, tc := range []struct {
		name, args string
		via        []*sshdtest.Server
	}{
		{"one hop -J", "-J " + jumpSpec(j1), []*sshdtest.Server{j1}},
		{"one hop -o ProxyJump", "-o ProxyJump=ssh://" + jumpSpec(j2), []*sshdtest.Server{j2}},
		{"two hops", "-J " + jumpSpec(j1) + "," + jumpSpec(j2), []*sshdtest.Server{j1, j2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := tg
			tg.ExtraArgs = tc.args
			c := dial(t, e.dialer, tg)
			if got := run(t, c, "id -un"); got != e.srv.TestUser+"\n" {
				t.Errorf("id -un = %q, want %q", got, e.srv.TestUser)
			}
			// Each hop authenticated its own user, which proves the path.
			for _, j := range tc.via {
				if !strings.Contains(j.Log(), "Accepted publickey for "+j.TestUser) {
					t.Errorf("jump host %s has no login for %s", j.Addr, j.TestUser)
				}
			}
		})
	}

	t.Run("jump host refuses forwarding", func(t *testing.T) {
		tg := tg
		tg.ExtraArgs = "-J " + jumpSpec(noForward)
		_, err := e.dialer.DialSSH(testCtx(t), tg)
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "through jump host") {
			t.Errorf("DialSSH = %v, want ErrUnreachable through the jump host", err)
		}
	})

	t.Run("jump host key unknown", func(t *testing.T) {
		// A known_hosts file without the jump host: each hop is verified.
		kh := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(kh, []byte(e.srv.KnownHosts), 0o600); err != nil {
			t.Fatal(err)
		}
		tg := tg
		tg.CommonArgs = strings.Replace(tg.CommonArgs, e.knownHosts, kh, 1)
		tg.ExtraArgs = "-J " + jumpSpec(j1)
		_, err := e.dialer.DialSSH(testCtx(t), tg)
		var hke *HostKeyError
		if !errors.As(err, &hke) || hke.Host != "[127.0.0.1]:"+strconv.Itoa(j1.Port) {
			t.Fatalf("DialSSH = %v, want an unknown host key error for the jump host", err)
		}
		// ssh -G prints the hop as user@[host]:port.
		if !strings.HasPrefix(err.Error(), "jump host "+j1.TestUser+"@[127.0.0.1]:"+strconv.Itoa(j1.Port)+": ") {
			t.Errorf("error %q does not name the jump host", err)
		}
	})
}

func TestProxyCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "marker")
	tg := e.target
	tg.ExtraArgs = `-o ProxyCommand="env GPLAY_TEST_NETCAT=1 GPLAY_TEST_NETCAT_MARKER=` + marker + ` ` + self + ` %h %p"`
	c := dial(t, e.dialer, tg)
	if got := run(t, c, "echo via proxy"); got != "via proxy\n" {
		t.Errorf("Exec = %q", got)
	}
	b, err := os.ReadFile(marker)
	if err != nil {
		t.Fatalf("proxy command did not run: %v", err)
	}
	if want := "127.0.0.1 " + strconv.Itoa(e.srv.Port); string(b) != want {
		t.Errorf("proxy command got %q, want %%h %%p expanded to %q", b, want)
	}

	// A proxy that cannot connect: its stderr explains the failure.
	tg.Port = freeTCPPort(t)
	_, err = e.dialer.DialSSH(testCtx(t), tg)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "netcat: dial tcp") {
		t.Errorf("DialSSH through a failing proxy = %v, want ErrUnreachable with the proxy's stderr", err)
	}
}
