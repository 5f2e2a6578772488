package sshdtest_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"gplay/internal/sshdtest"
)

func run(t *testing.T, addr string, cfg *ssh.ClientConfig, cmd string) string {
	t.Helper()
	c, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("ssh.Dial(%s) as %s: %v", addr, cfg.User, err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(cmd)
	if err != nil {
		t.Fatalf("run %q: %v: %s", cmd, err, out)
	}
	return string(out)
}

func TestKeyAuthEcho(t *testing.T) {
	t.Parallel()
	s := sshdtest.Start(t, sshdtest.Options{})
	for _, user := range []string{s.TestUser, s.User} {
		if got := run(t, s.Addr, s.ClientConfig(user), "echo hi; id -un"); got != "hi\n"+user+"\n" {
			t.Errorf("as %s: echo hi; id -un = %q, want %q", user, got, "hi\n"+user+"\n")
		}
	}
	if len(s.HostKeys) != 2 || strings.Count(s.KnownHosts, "\n") != 2 {
		t.Errorf("HostKeys = %d, KnownHosts = %q; want 2 keys and 2 lines", len(s.HostKeys), s.KnownHosts)
	}
	if !strings.HasPrefix(s.KnownHosts, "[127.0.0.1]:") {
		t.Errorf("KnownHosts = %q, want lines for [127.0.0.1]:port", s.KnownHosts)
	}
}

func TestPasswordAuth(t *testing.T) {
	t.Parallel()
	s := sshdtest.Start(t, sshdtest.Options{Password: true})
	cfg := &ssh.ClientConfig{
		User:            s.TestUser,
		Auth:            []ssh.AuthMethod{ssh.Password(s.Password)},
		HostKeyCallback: s.HostKeyCallback(),
	}
	if got := run(t, s.Addr, cfg, "id -un"); got != s.TestUser+"\n" {
		t.Errorf("id -un = %q, want %q", got, s.TestUser)
	}
	cfg.Auth = []ssh.AuthMethod{ssh.Password("wrong")}
	if _, err := ssh.Dial("tcp", s.Addr, cfg); err == nil {
		t.Errorf("dial with a wrong password succeeded")
	}
}

func TestKeyboardInteractive(t *testing.T) {
	t.Parallel()
	s := sshdtest.Start(t, sshdtest.Options{KeyboardInteractive: true})
	var prompts []string
	cfg := &ssh.ClientConfig{
		User: s.TestUser,
		Auth: []ssh.AuthMethod{ssh.KeyboardInteractive(func(name, instr string, qs []string, echos []bool) ([]string, error) {
			answers := make([]string, len(qs))
			for i, q := range qs {
				prompts = append(prompts, q)
				answers[i] = s.Password
			}
			return answers, nil
		})},
		HostKeyCallback: s.HostKeyCallback(),
	}
	if got := run(t, s.Addr, cfg, "id -un"); got != s.TestUser+"\n" {
		t.Errorf("id -un = %q, want %q", got, s.TestUser)
	}
	if len(prompts) == 0 || !strings.Contains(strings.ToLower(prompts[0]), "password") {
		t.Errorf("keyboard-interactive prompts = %q, want a password prompt", prompts)
	}
}

func TestStopAndExtraConfig(t *testing.T) {
	t.Parallel()
	s := sshdtest.Start(t, sshdtest.Options{
		HostKeyTypes: []string{"ed25519"},
		Config:       []string{"SetEnv GPLAY_SSHDTEST=extra"},
	})
	if got := run(t, s.Addr, s.ClientConfig(s.TestUser), "echo $GPLAY_SSHDTEST"); got != "extra\n" {
		t.Errorf("extra config: echo $GPLAY_SSHDTEST = %q, want %q", got, "extra\n")
	}
	s.Stop()
	if _, err := ssh.Dial("tcp", s.Addr, s.ClientConfig(s.TestUser)); err == nil {
		t.Errorf("dial after Stop succeeded")
	}
	if !bytes.Contains([]byte(s.Log()), []byte("Server listening on "+s.Host)) {
		t.Errorf("Log() = %q, want the listening line", s.Log())
	}
}

func TestSudo(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"nopasswd", "password"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := sshdtest.Start(t, sshdtest.Options{Sudo: mode})
			cmd := "sudo -n id -u"
			if mode == "password" {
				// The password arrives on stdin, never in argv.
				cmd = "sudo -S -p '' id -u"
			}
			c, err := ssh.Dial("tcp", s.Addr, s.ClientConfig(s.TestUser))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			sess.Stdin = strings.NewReader(s.Password + "\n")
			out, err := sess.CombinedOutput(cmd)
			if err != nil || string(out) != "0\n" {
				t.Errorf("%s = %q, %v; want uid 0", cmd, out, err)
			}
		})
	}
}
