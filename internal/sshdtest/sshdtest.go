package sshdtest

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SSHDPath is the OpenSSH server binary the helper runs.
const SSHDPath = "/usr/sbin/sshd"

// Options configures one sshd. The zero value gives public-key authentication
// only, with ed25519 and ecdsa host keys.
type Options struct {
	// Password enables PasswordAuthentication (for Server.TestUser).
	Password bool
	// KeyboardInteractive enables keyboard-interactive authentication through
	// PAM (UsePAM yes), which asks for Server.TestUser's password.
	KeyboardInteractive bool
	// HostKeyTypes lists the host key types to generate, in sshd_config order:
	// "ed25519", "ecdsa" (P-256) or "rsa" (3072 bits, slow to generate).
	// Empty means ed25519 and ecdsa.
	HostKeyTypes []string
	// Sudo lets TestUser run sudo, for become tests: "nopasswd" (NOPASSWD:
	// ALL) or "password" (asks for Server.Password every time). Empty means
	// no sudo rights. The rule lives in /etc/sudoers.d only for the test.
	Sudo string
	// Config lines are appended after the generated sshd_config, so they may
	// start Match blocks. Earlier keywords win in sshd_config, so use Config to
	// add settings, not to override the generated ones.
	Config []string
}

// Server is a running sshd. All fields are read-only.
type Server struct {
	Addr string // "127.0.0.1:port"
	Host string // "127.0.0.1"
	Port int

	// HostKeys are the server's public host keys, in Options.HostKeyTypes order.
	HostKeys []ssh.PublicKey
	// KnownHosts holds one known_hosts line per host key, for "[127.0.0.1]:port".
	KnownHosts string

	// User is "root", which may log in with the client key.
	User string
	// TestUser is a local user created for this server (removed in
	// t.Cleanup) with /bin/sh as its shell, a home directory, the client key
	// authorized, and Password as its password. Prefer it when root is not
	// needed: root's login shell may source slow rc files (Debian's bash
	// reads ~/.bashrc for every ssh command).
	TestUser string
	Password string
	// ClientKeyFile is an unencrypted OpenSSH private key (mode 0600) whose
	// public key is authorized for User and TestUser.
	ClientKeyFile string
	// ClientSigner signs with the key in ClientKeyFile.
	ClientSigner ssh.Signer

	Dir        string // private directory holding config, keys, pid file and log
	ConfigFile string
	LogFile    string

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// Available reports why sshd cannot run on this machine, or nil when it can.
func Available() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("sshd needs root to authenticate users (euid %d)", os.Geteuid())
	}
	if _, err := os.Stat(SSHDPath); err != nil {
		return fmt.Errorf("no OpenSSH server binary (install openssh-server): %w", err)
	}
	return nil
}

// Unavailable skips the test with the reason, or fails it when GPLAY_E2E is
// "required", so that CI cannot pass with integration tests silently skipped.
func Unavailable(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("GPLAY_E2E") == "required" {
		t.Fatalf("GPLAY_E2E=required but the integration test cannot run: %s", reason)
	}
	t.Skipf("SKIPPED integration test: %s (set GPLAY_E2E=required to make this a failure)", reason)
}

// Start runs a new sshd for the test and stops it in t.Cleanup.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if err := Available(); err != nil {
		Unavailable(t, err.Error())
	}
	// sshd refuses to start without its privilege separation directory,
	// which only the systemd unit creates.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		Unavailable(t, fmt.Sprintf("create /run/sshd: %v", err))
	}

	dir := t.TempDir()
	s := &Server{
		Host:       "127.0.0.1",
		User:       "root",
		Dir:        dir,
		ConfigFile: filepath.Join(dir, "sshd_config"),
		LogFile:    filepath.Join(dir, "sshd.log"),
	}

	types := opts.HostKeyTypes
	if len(types) == 0 {
		types = []string{"ed25519", "ecdsa"}
	}
	var hostKeyFiles []string
	for _, typ := range types {
		priv, err := generateKey(typ)
		if err != nil {
			t.Fatalf("sshdtest: %v", err)
		}
		file := filepath.Join(dir, "ssh_host_"+typ+"_key")
		signer := writeKey(t, file, priv)
		s.HostKeys = append(s.HostKeys, signer.PublicKey())
		hostKeyFiles = append(hostKeyFiles, file)
	}

	clientKey, err := generateKey("ed25519")
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	s.ClientKeyFile = filepath.Join(dir, "id_ed25519")
	s.ClientSigner = writeKey(t, s.ClientKeyFile, clientKey)
	var home string
	s.TestUser, s.Password, home = createUser(t)
	if opts.Sudo != "" {
		allowSudo(t, s.TestUser, opts.Sudo)
	}
	// sshd reads authorized_keys as the user logging in, so it lives in the
	// test user's home, not under the 0700 parents of t.TempDir().
	authorized := filepath.Join(home, "authorized_keys")
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(s.ClientSigner.PublicKey()), 0o644); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}

	// A free port is only free until someone else takes it: retry the
	// whole start when sshd reports the address in use.
	for attempt := 1; ; attempt++ {
		port := freePort(t)
		s.Port = port
		s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(port))
		writeConfig(t, s, opts, hostKeyFiles, authorized)
		err := s.start(t)
		if err == nil {
			break
		}
		if attempt < 5 && strings.Contains(s.Log(), "Address already in use") {
			continue
		}
		t.Fatalf("sshdtest: %v\nsshd log:\n%s", err, s.Log())
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("sshd log (%s):\n%s", s.Addr, s.Log())
		}
	})

	var kh strings.Builder
	for _, k := range s.HostKeys {
		kh.WriteString(knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, k))
		kh.WriteByte('\n')
	}
	s.KnownHosts = kh.String()
	return s
}

func (s *Server) start(t testing.TB) error {
	t.Helper()
	logf, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", s.ConfigFile)
	cmd.Stdout = logf
	cmd.Stderr = logf
	// Own process group, so a Ctrl-C on the test does not reach sshd first
	// and cleanup can still stop it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", SSHDPath, err)
	}
	exited := make(chan struct{})
	go func() {
		// The exit status is reported through the log; Wait only reaps.
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	s.stopOnce = sync.Once{}

	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("sshd exited before accepting connections (%s)", cmd.ProcessState)
		default:
		}
		if ready(s.Addr) {
			return nil
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("sshd did not accept connections on %s within 15s", s.Addr)
		}
		select {
		case <-exited:
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ready reports whether an SSH server answers on addr with its banner, which
// tells our sshd apart from anything else that might hold the port.
func ready(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-2.0-OpenSSH")
}

// Stop terminates sshd and waits for it. It is safe to call more than once;
// tests call it to make the server's address unreachable.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		// Signal errors mean the process is already gone.
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// Log returns what sshd has logged so far.
func (s *Server) Log() string {
	b, err := os.ReadFile(s.LogFile)
	if err != nil {
		return fmt.Sprintf("(cannot read sshd log: %v)", err)
	}
	return string(b)
}

// ClientConfig returns an x/crypto client configuration that logs in as
// user with the client key and accepts exactly the server's host keys.
func (s *Server) ClientConfig(user string) *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(s.ClientSigner)},
		HostKeyCallback: s.HostKeyCallback(),
		Timeout:         10 * time.Second,
	}
}

// HostKeyCallback accepts exactly the server's host keys.
func (s *Server) HostKeyCallback() ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		for _, k := range s.HostKeys {
			if bytes.Equal(k.Marshal(), key.Marshal()) {
				return nil
			}
		}
		return fmt.Errorf("sshdtest: unexpected host key %s for %s", ssh.FingerprintSHA256(key), hostname)
	}
}

func writeConfig(t testing.TB, s *Server, opts Options, hostKeys []string, authorized string) {
	t.Helper()
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	kbd := opts.KeyboardInteractive
	lines := []string{
		"ListenAddress " + s.Addr,
	}
	for _, f := range hostKeys {
		lines = append(lines, "HostKey "+f)
	}
	lines = append(lines,
		"PidFile "+filepath.Join(s.Dir, "sshd.pid"),
		"AuthorizedKeysFile "+authorized,
		// The key files live under /tmp, which StrictModes rejects.
		"StrictModes no",
		"LogLevel VERBOSE",
		"PermitRootLogin prohibit-password",
		"PubkeyAuthentication yes",
		"PasswordAuthentication "+yesNo(opts.Password || kbd),
		// Without PAM, Linux sshd has no keyboard-interactive device.
		"UsePAM "+yesNo(kbd),
		"KbdInteractiveAuthentication "+yesNo(kbd),
		"PrintMotd no",
		"MaxStartups 100",
		"Subsystem sftp internal-sftp",
	)
	lines = append(lines, opts.Config...)
	if err := os.WriteFile(s.ConfigFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sshdtest: find a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	return port
}

func generateKey(typ string) (crypto.Signer, error) {
	switch typ {
	case "ed25519":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	case "ecdsa":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 3072)
	}
	return nil, fmt.Errorf("unknown key type %q (want ed25519, ecdsa or rsa)", typ)
}

// writeKey stores priv in OpenSSH format with mode 0600, as ssh and sshd
// require, and returns its signer.
func writeKey(t testing.TB, file string, priv crypto.Signer) ssh.Signer {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(priv, "sshdtest")
	if err != nil {
		t.Fatalf("sshdtest: marshal key: %v", err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	return signer
}

// createUser adds a local user with a random password and a home directory,
// and removes both in t.Cleanup. The password reaches chpasswd on stdin, never in argv.
func createUser(t testing.TB) (user, password, home string) {
	t.Helper()
	user = "gplayt" + randomHex(t, 4)
	password = "pw-" + randomHex(t, 12)
	// The home directory must be reachable by the user, which the 0700
	// parents of t.TempDir() are not.
	home, err := os.MkdirTemp("", "gplay-sshdtest-home-")
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(home); err != nil {
			t.Errorf("sshdtest: %v", err)
		}
	})
	// useradd and userdel fail ("cannot lock /etc/passwd", exit 1 or 10)
	// while another parallel test holds the lock, so they are retried.
	if err := runLocked("useradd", "-M", "-d", home, "-s", "/bin/sh", user); err != nil {
		t.Fatalf("sshdtest: create user %s: %v", user, err)
	}
	t.Cleanup(func() {
		if err := runLocked("userdel", "-f", user); err != nil {
			t.Errorf("sshdtest: remove user %s: %v", user, err)
		}
	})
	if err := os.Chown(home, userID(t, user), -1); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(user + ":" + password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sshdtest: set password for %s: %v: %s", user, err, out)
	}
	return user, password, home
}

func userID(t testing.TB, user string) int {
	t.Helper()
	out, err := exec.Command("id", "-u", user).Output()
	if err != nil {
		t.Fatalf("sshdtest: id -u %s: %v", user, err)
	}
	uid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("sshdtest: id -u %s: %v", user, err)
	}
	return uid
}

func runLocked(name string, args ...string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err == nil {
			return nil
		}
		var ee *exec.ExitError
		locked := errors.As(err, &ee) && (ee.ExitCode() == 1 || ee.ExitCode() == 10) &&
			bytes.Contains(out, []byte("lock"))
		if !locked || time.Now().After(deadline) {
			return fmt.Errorf("%s: %v: %s", name, err, bytes.TrimSpace(out))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	return hex.EncodeToString(b)
}

// allowSudo installs a sudoers rule for user, checked with visudo first so a
// mistake can never break sudo on the machine, and removes it in t.Cleanup.
func allowSudo(t testing.TB, user, mode string) {
	t.Helper()
	var rule string
	switch mode {
	case "nopasswd":
		rule = user + " ALL=(ALL:ALL) NOPASSWD: ALL\n"
	case "password":
		// No cached credentials: every become must send the password.
		rule = "Defaults:" + user + " timestamp_timeout=0\n" + user + " ALL=(ALL:ALL) ALL\n"
	default:
		t.Fatalf("sshdtest: Sudo %q, want nopasswd or password", mode)
	}
	if _, err := os.Stat("/etc/sudoers.d"); err != nil {
		Unavailable(t, fmt.Sprintf("sudo is not installed (/etc/sudoers.d: %v)", err))
	}
	staged := filepath.Join(t.TempDir(), "sudoers")
	if err := os.WriteFile(staged, []byte(rule), 0o440); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	if out, err := exec.Command("visudo", "-c", "-q", "-f", staged).CombinedOutput(); err != nil {
		t.Fatalf("sshdtest: visudo rejects the sudoers rule: %v: %s", err, out)
	}
	// sudo ignores files in sudoers.d whose names contain a dot.
	file := filepath.Join("/etc/sudoers.d", "gplay-sshdtest-"+user)
	if err := os.WriteFile(file, []byte(rule), 0o440); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	t.Cleanup(func() {
		if err := os.Remove(file); err != nil {
			t.Errorf("sshdtest: %v", err)
		}
	})
}

// NewUser creates another local user with a random password and a home
// directory, removed in t.Cleanup: a become_user for su tests, whose
// password TestUser can give.
func NewUser(t testing.TB) (user, password, home string) {
	t.Helper()
	if err := Available(); err != nil {
		Unavailable(t, err.Error())
	}
	return createUser(t)
}
