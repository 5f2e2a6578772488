// Package testbed boots real Debian 12 hosts (systemd as PID 1, sshd, apt) for
// end-to-end tests, through testdata/testbed/testbed.sh.
//
// A test package calls Main from TestMain: the hosts boot once per package
// run and are torn down when the last package using them finishes, even when
// tests fail. Packages running at the same time share the hosts: each holds a
// shared lock while it runs, and only the one that can take the lock
// exclusively at the end tears them down.
package testbed

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Host is one booted test host.
type Host struct {
	Name string // h1, h2, …
	Addr string // its address on the bridge
}

// Bed is a set of running hosts and how to reach them.
type Bed struct {
	Hosts      []Host
	Key        string // private key authorised for root on every host
	KnownHosts string // known_hosts file with every host's keys
	State      string // the script's state directory
	script     string
	lock       *os.File
}

// Required reports whether tests must not skip for lack of test hosts
// (GPLAY_E2E=required, as CI sets it).
func Required() bool { return os.Getenv("GPLAY_E2E") == "required" }

// Skip skips t loudly, or fails it when skipping is not allowed.
func Skip(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("GPLAY_E2E=required but the test hosts cannot run: %s", why)
	}
	t.Skipf("SKIPPED (no test hosts): %s", why)
}

// current is the bed booted by Main for this test binary; nil when it could not boot.
var (
	current *Bed
	bootErr error
)

// Main boots n hosts, runs the package's tests and tears the hosts down
// unless another test package still uses them. Call it from TestMain.
func Main(m *testing.M, n int) {
	flag.Parse() // for testing.Short, before m.Run parses
	if testing.Short() {
		bootErr = errors.New("-short given: end-to-end tests need the test hosts")
	} else {
		current, bootErr = Up(n)
	}
	if bootErr != nil {
		fmt.Fprintf(os.Stderr, "\n*** testbed: %v\n\n", bootErr)
	}
	code := m.Run()
	if current != nil {
		if err := current.Release(); err != nil {
			fmt.Fprintf(os.Stderr, "testbed: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// Get returns the hosts booted by Main, or skips (fails under
// GPLAY_E2E=required) when they could not boot.
func Get(t testing.TB) *Bed {
	t.Helper()
	if current == nil {
		why := "testbed.Main was not called from TestMain"
		if bootErr != nil {
			why = bootErr.Error()
		}
		Skip(t, why)
	}
	return current
}

// Up boots n hosts (or joins hosts another package booted) and returns them.
// It fails with a reason when this machine cannot run them.
func Up(n int) (*Bed, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("not root (systemd-nspawn and bridges need root)")
	}
	if _, err := exec.LookPath("systemd-nspawn"); err != nil {
		return nil, errors.New("systemd-nspawn not installed (Debian package systemd-container)")
	}
	script, err := findScript()
	if err != nil {
		return nil, err
	}
	b := &Bed{script: script, State: stateDir()}
	if err := os.MkdirAll(b.State, 0o755); err != nil {
		return nil, err
	}
	// Hold a shared lock for as long as we use the hosts (see Release).
	if b.lock, err = os.OpenFile(filepath.Join(b.State, "users.lock"), os.O_CREATE|os.O_RDWR, 0o644); err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(b.lock.Fd()), syscall.LOCK_SH); err != nil {
		b.lock.Close()
		return nil, err
	}
	// Booting is serialised: two packages must not run `up` at once.
	upLock, err := os.OpenFile(filepath.Join(b.State, "up.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		b.lock.Close()
		return nil, err
	}
	defer upLock.Close()
	if err := syscall.Flock(int(upLock.Fd()), syscall.LOCK_EX); err != nil {
		b.lock.Close()
		return nil, err
	}
	if out, err := b.run("up", fmt.Sprint(n)); err != nil {
		b.lock.Close()
		return nil, fmt.Errorf("testbed up %d: %v\n%s", n, err, out)
	}
	net := os.Getenv("GPLAY_TESTBED_NET")
	if net == "" {
		net = "198.18.0"
	}
	for i := 1; i <= n; i++ {
		b.Hosts = append(b.Hosts, Host{Name: fmt.Sprintf("h%d", i), Addr: fmt.Sprintf("%s.%d", net, 10+i)})
	}
	b.Key = filepath.Join(b.State, "id_ed25519")
	b.KnownHosts = filepath.Join(b.State, "known_hosts")
	return b, nil
}

// Release drops this package's hold on the hosts and tears them down when
// no other package holds them.
func (b *Bed) Release() error {
	if b.lock == nil {
		return nil
	}
	defer func() { b.lock.Close(); b.lock = nil }()
	if err := syscall.Flock(int(b.lock.Fd()), syscall.LOCK_UN); err != nil {
		return err
	}
	if err := syscall.Flock(int(b.lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil // another package still uses them; it tears down
	}
	if os.Getenv("GPLAY_TESTBED_KEEP") != "" {
		return nil
	}
	if out, err := b.run("down"); err != nil {
		return fmt.Errorf("testbed down: %v\n%s", err, out)
	}
	return nil
}

// Inventory returns an INI inventory naming every host in group masters, with
// the key and known_hosts file that verify them.
func (b *Bed) Inventory() string {
	var s strings.Builder
	s.WriteString("[masters]\n")
	for _, h := range b.Hosts {
		fmt.Fprintf(&s, "%s ansible_host=%s\n", h.Name, h.Addr)
	}
	fmt.Fprintf(&s, "\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=%s\n", b.Key)
	fmt.Fprintf(&s, "ansible_ssh_common_args='-o UserKnownHostsFile=%s'\n", b.KnownHosts)
	return s.String()
}

func (b *Bed) run(args ...string) (string, error) {
	cmd := exec.Command("bash", append([]string{b.script}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func stateDir() string {
	if s := os.Getenv("GPLAY_TESTBED_STATE"); s != "" {
		return s
	}
	return "/var/lib/gplay-testbed"
}

// findScript locates testdata/testbed/testbed.sh from the module root, which
// is found by walking up from the test's working directory.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "testdata", "testbed", "testbed.sh")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("testbed script missing: %s", p)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testbed script not found: no go.mod above the test directory")
		}
		dir = parent
	}
}
