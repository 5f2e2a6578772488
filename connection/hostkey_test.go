package connection

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"

	"gplay/internal/sshdtest"
)

// fixCommand extracts the shell command a host key error suggests.
func fixCommand(t *testing.T, msg, after, before string) string {
	t.Helper()
	i := strings.Index(msg, after)
	if i < 0 {
		t.Fatalf("error %q has no %q", msg, after)
	}
	cmd := msg[i+len(after):]
	if before != "" {
		j := strings.Index(cmd, before)
		if j < 0 {
			t.Fatalf("error %q has no %q after the fix", msg, before)
		}
		cmd = cmd[:j]
	}
	return cmd
}

func knownLines(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func TestHostKeyUnknownRejectedThenFixedWithHint(t *testing.T) {
	t.Parallel()
	needBinary(t, "ssh-keyscan")
	e := newEnv(t, sshdtest.Options{})
	if err := os.WriteFile(e.knownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := e.dialer.DialSSH(testCtx(t), e.target)
	var hke *HostKeyError
	if !errors.As(err, &hke) || !errors.Is(err, ErrUnreachable) {
		t.Fatalf("DialSSH = %v, want a HostKeyError wrapping ErrUnreachable", err)
	}
	if hke.Changed() {
		t.Errorf("Changed() = true for an unknown host")
	}
	fp := ssh.FingerprintSHA256(hke.Key)
	found := false
	for _, k := range e.srv.HostKeys {
		found = found || ssh.FingerprintSHA256(k) == fp
	}
	if !found || !strings.Contains(err.Error(), fp) {
		t.Errorf("error %q: want the fingerprint of one of the server's keys (%s)", err, fp)
	}
	port := strconv.Itoa(e.srv.Port)
	want := "ssh-keyscan -p " + port + " 127.0.0.1 >> " + e.knownHosts
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want the fix %q", err, want)
	}
	// The suggested fix must work as printed.
	fix := fixCommand(t, err.Error(), "record it with: ", " (or set")
	if out, err := exec.Command("/bin/sh", "-c", fix).CombinedOutput(); err != nil {
		t.Fatalf("running the suggested fix %q: %v: %s", fix, err, out)
	}
	c := dial(t, e.dialer, e.target)
	run(t, c, "true")
}

func TestHostKeyChangedRejectedThenFixedWithHint(t *testing.T) {
	t.Parallel()
	needBinary(t, "ssh-keygen")
	e := newEnv(t, sshdtest.Options{})
	other := sshdtest.Start(t, sshdtest.Options{})
	// Record the other server's keys under this server's address.
	changed := strings.ReplaceAll(other.KnownHosts, "]:"+strconv.Itoa(other.Port), "]:"+strconv.Itoa(e.srv.Port))
	if err := os.WriteFile(e.knownHosts, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"", "-o StrictHostKeyChecking=accept-new"} {
		tg := e.target
		tg.ExtraArgs = mode
		_, err := e.dialer.DialSSH(testCtx(t), tg)
		var hke *HostKeyError
		if !errors.As(err, &hke) || !hke.Changed() || !errors.Is(err, ErrUnreachable) {
			t.Fatalf("DialSSH with %q = %v, want a changed-key HostKeyError", mode, err)
		}
		for _, want := range []string{"REMOTE HOST IDENTIFICATION HAS CHANGED", ssh.FingerprintSHA256(hke.Key),
			e.knownHosts + ":1", "ssh-keygen -f " + e.knownHosts + " -R '[127.0.0.1]:" + strconv.Itoa(e.srv.Port) + "'"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q, want %q", err, want)
			}
		}
		if knownLines(t, e.knownHosts) != 2 {
			t.Errorf("known_hosts changed by a rejected connection")
		}
	}
	_, err := e.dialer.DialSSH(testCtx(t), e.target)
	fix := fixCommand(t, err.Error(), "remove the old key with: ", "")
	if out, err := exec.Command("/bin/sh", "-c", fix).CombinedOutput(); err != nil {
		t.Fatalf("running the suggested fix %q: %v: %s", fix, err, out)
	}
	_, err = e.dialer.DialSSH(testCtx(t), e.target)
	var hke *HostKeyError
	if !errors.As(err, &hke) || hke.Changed() {
		t.Errorf("after the fix DialSSH = %v, want an unknown-host error", err)
	}
}

func TestHostKeyAcceptNewRecordsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	if err := os.WriteFile(e.knownHosts, []byte("# comment without newline"), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := e.target
	tg.ExtraArgs = "-o StrictHostKeyChecking=accept-new -o HashKnownHosts=yes"
	// Parallel first connections must record the key once.
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := e.dialer.DialSSH(testCtx(t), tg)
			if err == nil {
				c.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("DialSSH with accept-new: %v", err)
		}
	}
	// The existing last line lacked a newline; the entry must not be glued
	// to it.
	b, err := os.ReadFile(e.knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 || lines[0] != "# comment without newline" || !strings.HasPrefix(lines[1], "|1|") {
		t.Fatalf("known_hosts = %q, want the comment and one hashed entry (HashKnownHosts yes)", b)
	}
	db, err := knownhosts.NewDB(e.knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if keys := db.HostKeys(e.srv.Addr); len(keys) != 1 {
		t.Errorf("known_hosts keys for %s = %d, want 1", e.srv.Addr, len(keys))
	}
	// Now strict checking accepts the recorded key.
	c := dial(t, e.dialer, e.target)
	run(t, c, "true")
}

func TestHostKeyCheckingOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	if err := os.WriteFile(e.knownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tg := e.target
	tg.NoHostKeyChecking = true
	c := dial(t, e.dialer, tg)
	run(t, c, "true")
	if n := knownLines(t, e.knownHosts); n != 0 {
		t.Errorf("host_key_checking=False wrote %d lines to known_hosts, want 0", n)
	}
	tg = e.target
	tg.CommonArgs += " -o StrictHostKeyChecking=no"
	c = dial(t, e.dialer, tg)
	run(t, c, "true")
}

// The server prefers ed25519; with only its ecdsa key recorded, gplay must
// ask for ecdsa instead of reporting a changed key.
func TestHostKeyPrefersKnownAlgorithm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{HostKeyTypes: []string{"ed25519", "ecdsa", "rsa"}})
	for _, keep := range []string{"ecdsa-sha2-nistp256", "ssh-rsa"} {
		var lines []string
		for _, l := range strings.Split(e.srv.KnownHosts, "\n") {
			if strings.Contains(l, " "+keep+" ") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 1 {
			t.Fatalf("no %s line in %q", keep, e.srv.KnownHosts)
		}
		if err := os.WriteFile(e.knownHosts, []byte(lines[0]+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c := dial(t, e.dialer, e.target)
		run(t, c, "true")
	}
}

// StrictHostKeyChecking=ask (ssh's default) asks on a terminal, as ssh does.
func TestHostKeyAskWithTerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	for _, tc := range []struct {
		answer string
		ok     bool
	}{{"no", false}, {"yes", true}} {
		if err := os.WriteFile(e.knownHosts, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		p := &testPrompter{answer: tc.answer}
		d := &Dialer{HomeDir: e.home, AgentSocket: "none", Prompter: p}
		c, err := d.DialSSH(testCtx(t), e.target)
		if tc.ok != (err == nil) {
			t.Fatalf("answer %q: DialSSH error = %v", tc.answer, err)
		}
		if err == nil {
			c.Close()
		}
		q, _ := p.last.Load().(string)
		if p.prompts.Load() != 1 || !strings.Contains(q, "key fingerprint is SHA256:") {
			t.Errorf("answer %q: %d prompts, last %q; want one question with the fingerprint", tc.answer, p.prompts.Load(), q)
		}
		if got, want := knownLines(t, e.knownHosts), map[bool]int{true: 1, false: 0}[tc.ok]; got != want {
			t.Errorf("answer %q: known_hosts has %d lines, want %d", tc.answer, got, want)
		}
	}
}

// With HostKeyAlias the keys are recorded under the alias, so the fix
// rewrites ssh-keyscan's host field.
func TestHostKeyAliasHint(t *testing.T) {
	t.Parallel()
	needBinary(t, "ssh-keyscan")
	e := newEnv(t, sshdtest.Options{})
	if err := os.WriteFile(e.knownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tg := e.target
	tg.ExtraArgs = "-o HostKeyAlias=myalias"
	_, err := e.dialer.DialSSH(testCtx(t), tg)
	var hke *HostKeyError
	if !errors.As(err, &hke) || hke.Host != "[myalias]:"+strconv.Itoa(e.srv.Port) {
		t.Fatalf("DialSSH = %v, want an unknown-key error for the alias", err)
	}
	fix := fixCommand(t, err.Error(), "record it with: ", " (or set")
	if out, err := exec.Command("/bin/sh", "-c", fix).CombinedOutput(); err != nil {
		t.Fatalf("running the suggested fix %q: %v: %s", fix, err, out)
	}
	c := dial(t, e.dialer, tg)
	run(t, c, "true")
}

// TestHostKeyOnPort22: known_hosts names port-22 hosts without a port
// ("host", not "[host]:22"); verification and the preferred algorithms
// must still find them.
func TestHostKeyOnPort22(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	kh := filepath.Join(t.TempDir(), "known_hosts")
	line := "198.18.0.12 " + string(ssh.MarshalAuthorizedKey(signer.PublicKey()))
	if err := os.WriteFile(kh, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := newHostKeyChecker(&hostConfig{HostName: "198.18.0.12", Port: 22, StrictHostKeyChecking: "yes", UserKnownHostsFiles: []string{kh}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.callback("", &net.TCPAddr{IP: net.ParseIP("198.18.0.12"), Port: 22}, signer.PublicKey()); err != nil {
		t.Errorf("callback(known key on port 22) = %v, want nil", err)
	}
	if got := c.algorithms(); len(got) == 0 || got[0] != ssh.KeyAlgoED25519 {
		t.Errorf("algorithms() = %v, want [%s]", got, ssh.KeyAlgoED25519)
	}
}
