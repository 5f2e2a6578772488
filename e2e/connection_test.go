package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"

	"gplay/internal/testbed"
)

var (
	gplayOnce sync.Once
	gplayPath string
	gplayErr  error
)

// gplayBinary is $GPLAY_BIN, or gplay built once from this module.
func gplayBinary(t *testing.T) string {
	t.Helper()
	gplayOnce.Do(func() {
		if p := os.Getenv("GPLAY_BIN"); p != "" {
			gplayPath = p
			return
		}
		dir, err := os.MkdirTemp("", "gplay-e2e-")
		if err != nil {
			gplayErr = err
			return
		}
		gplayPath = filepath.Join(dir, "gplay")
		if out, err := exec.Command("go", "build", "-o", gplayPath, "gplay").CombinedOutput(); err != nil {
			gplayErr = fmt.Errorf("build gplay: %v\n%s", err, out)
		}
	})
	if gplayErr != nil {
		t.Fatal(gplayErr)
	}
	return gplayPath
}

// result is one finished gplay run.
type result struct {
	out      string
	code     int
	duration time.Duration
}

// playbook writes the inventory and playbook into a temporary directory.
func playbook(t *testing.T, inventory, book string) (inv, path string) {
	t.Helper()
	dir := t.TempDir()
	inv, path = filepath.Join(dir, "hosts.ini"), filepath.Join(dir, "book.yml")
	if err := os.WriteFile(inv, []byte(inventory), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(book), 0o644); err != nil {
		t.Fatal(err)
	}
	return inv, path
}

func gplayCmd(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(gplayBinary(t), args...)
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	return cmd
}

func runGplay(t *testing.T, args ...string) result {
	t.Helper()
	cmd := gplayCmd(t, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begin := time.Now()
	err := cmd.Run()
	r := result{out: out.String(), duration: time.Since(begin)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run gplay: %v", err)
	}
	return r
}

func (r result) must(t *testing.T, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(r.out) {
			t.Errorf("output does not match %s:\n%s", p, r.out)
		}
	}
}

// sshTo returns a root SSH client for a test host, verifying its key.
func sshTo(t *testing.T, bed *testbed.Bed, h testbed.Host) *ssh.Client {
	t.Helper()
	keyPEM, err := os.ReadFile(bed.Key)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	kh, err := knownhosts.NewDB(bed.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(h.Addr, "22")
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: kh.HostKeyCallback(), HostKeyAlgorithms: kh.HostKeyAlgorithms(addr),
		Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func onHost(t *testing.T, c *ssh.Client, cmd string) string {
	t.Helper()
	out, err := run(c, cmd)
	if err != nil {
		t.Fatalf("%s: %v (%s)", cmd, err, out)
	}
	return out
}

// agentPattern matches a gplay agent started from the per-user cache.
const agentPattern = `/gplay/agent/[0-9a-f]{64} agent`

// agentsOn lists the gplay agent processes on a host.
func agentsOn(t *testing.T, c *ssh.Client) string {
	t.Helper()
	out, _ := run(c, "pgrep -af '"+agentPattern+"' || true")
	return out
}

// noAgentsWithin polls until no gplay agent runs on the host.
func noAgentsWithin(t *testing.T, c *ssh.Client, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		left := agentsOn(t, c)
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gplay agents still running after %v:\n%s", d, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestProxyJump reaches h2 only through h1 (ProxyJump in
// ansible_ssh_common_args): h2 sees the connection come from h1.
func TestProxyJump(t *testing.T) {
	bed := testbed.Get(t)
	h1, h2 := bed.Hosts[0], bed.Hosts[1]
	inv, book := playbook(t, fmt.Sprintf(`h2 ansible_host=%s ansible_user=root ansible_ssh_private_key_file=%s ansible_ssh_common_args='-o UserKnownHostsFile=%s -J root@%s'
`, h2.Addr, bed.Key, bed.KnownHosts, h1.Addr), `- hosts: all
  gather_facts: false
  tasks:
    - shell: echo "$SSH_CONNECTION"
      register: conn
      changed_when: false
    - assert:
        that: conn.stdout.split()[0] == '`+h1.Addr+`'
        fail_msg: "h2 saw the connection from {{ conn.stdout }}"
`)
	r := runGplay(t, "-i", inv, book)
	if r.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", r.code, r.out)
	}
	r.must(t, `(?m)^h2\s+: ok=2 .*unreachable=0\s+failed=0`)
}

// TestUnreachableHost: a host nobody answers for is UNREACHABLE within the
// timeout while the others finish; the run exits 4.
func TestUnreachableHost(t *testing.T) {
	bed := testbed.Get(t)
	inv, book := playbook(t, bed.Inventory()+"\n[ghosts]\nghost ansible_host=198.18.0.250\n", `- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
    - file: { path: /tmp/e2e-unreachable, state: touch }
`)
	r := runGplay(t, "-i", inv, "-T", "3", book)
	if r.code != 4 {
		t.Errorf("exit code %d, want 4\n%s", r.code, r.out)
	}
	r.must(t, `fatal: \[ghost\]: UNREACHABLE!`, `(?m)^ghost\s+: ok=0 .*unreachable=1`)
	for _, h := range bed.Hosts {
		r.must(t, `(?m)^`+h.Name+`\s+: ok=2 .*unreachable=0\s+failed=0`)
	}
	// -T 3 plus the other hosts' work, far from TCP's minutes.
	if r.duration > 20*time.Second {
		t.Errorf("run took %v with -T 3", r.duration)
	}
}

// leader returns the PID of a test host's systemd (the child of its
// systemd-nspawn), whose network namespace is the host's.
func leader(t *testing.T, h testbed.Host) string {
	t.Helper()
	out, err := exec.Command("pgrep", "-f", "systemd-nspawn .*--machine=gplay-"+h.Name+"$").Output()
	if err != nil {
		t.Fatalf("find %s's systemd-nspawn: %v", h.Name, err)
	}
	nspawn := strings.Fields(string(out))[0]
	out, err = exec.Command("pgrep", "-P", nspawn).Output()
	if err != nil {
		t.Fatalf("find %s's leader: %v", h.Name, err)
	}
	return strings.Fields(string(out))[0]
}

func inHostNet(t *testing.T, pid string, args ...string) {
	t.Helper()
	if out, err := exec.Command("nsenter", append([]string{"-t", pid, "-n"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("nsenter %v: %v\n%s", args, err, out)
	}
}

// TestHostCutMidRun: a host whose network goes away while a task runs
// becomes UNREACHABLE within the timeout; the others finish; exit code 4.
func TestHostCutMidRun(t *testing.T) {
	bed := testbed.Get(t)
	victim := bed.Hosts[len(bed.Hosts)-1]
	pid := leader(t, victim)
	inv, book := playbook(t, bed.Inventory(), `- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
    - command: sleep 4
    - file: { path: /tmp/e2e-cut, state: touch }
`)
	cmd := gplayCmd(t, "-i", inv, "-T", "3", book)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	restored := false
	restore := func() {
		if restored {
			return
		}
		restored = true
		inHostNet(t, pid, "ip", "link", "set", "host0", "up")
		inHostNet(t, pid, "ip", "route", "replace", "default", "via", "198.18.0.1")
	}
	t.Cleanup(restore)
	// The cut happens during `sleep 4` (connect and the first task take
	// well under two seconds on the testbed).
	time.Sleep(2 * time.Second)
	inHostNet(t, pid, "ip", "link", "set", "host0", "down")
	cut := time.Now()
	err := cmd.Wait()
	took := time.Since(cut)
	restore()
	r := result{out: out.String(), duration: time.Since(begin)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	}
	if r.code != 4 {
		t.Errorf("exit code %d, want 4\n%s", r.code, r.out)
	}
	r.must(t, `fatal: \[`+victim.Name+`\]: UNREACHABLE!`, `(?m)^`+victim.Name+`\s+: ok=1 .*unreachable=1`)
	for _, h := range bed.Hosts[:len(bed.Hosts)-1] {
		r.must(t, `(?m)^`+h.Name+`\s+: ok=3 .*unreachable=0\s+failed=0`)
	}
	// Detected within -T 3 plus the one-second keepalive period, after
	// the sleep task would have ended anyway.
	if took > 10*time.Second {
		t.Errorf("run ended %v after the cut, want within the timeout", took)
	}
}

// TestControllerKilledMidRun: gplay SIGKILLed while a module writes a file
// leaves either no file or the whole file (temp + rename), no temporary
// files in the target directory, and no agent process on the host.
func TestControllerKilledMidRun(t *testing.T) {
	bed := testbed.Get(t)
	h := bed.Hosts[0]
	c := sshTo(t, bed, h)
	const size = 8 << 20
	inv, book := playbook(t, fmt.Sprintf("%s ansible_host=%s ansible_user=root ansible_ssh_private_key_file=%s ansible_ssh_common_args='-o UserKnownHostsFile=%s'\n",
		h.Name, h.Addr, bed.Key, bed.KnownHosts), fmt.Sprintf(`- hosts: all
  gather_facts: false
  tasks:
    - copy: { content: "{{ 'x' * %d }}", dest: /opt/e2e-kill/big }
    - command: sleep 30
`, size))
	killedWhileRunning := 0
	for _, delay := range []time.Duration{300 * time.Millisecond, 1200 * time.Millisecond, 2500 * time.Millisecond, 4 * time.Second} {
		t.Run(delay.String(), func(t *testing.T) {
			onHost(t, c, "rm -rf /opt/e2e-kill && mkdir -p /opt/e2e-kill")
			cmd := gplayCmd(t, "-i", inv, book)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			before := agentsOn(t, c)
			if before != "" {
				killedWhileRunning++
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait() // killed: its status says so
			noAgentsWithin(t, c, 10*time.Second)
			files := onHost(t, c, "ls -A /opt/e2e-kill")
			t.Logf("killed after %v: agent before the kill %q, files after %q", delay, before, files)
			switch files {
			case "":
			case "big":
				if got := onHost(t, c, "stat -c %s /opt/e2e-kill/big"); got != fmt.Sprint(size) {
					t.Errorf("big has %s bytes, want %d (half-written)", got, size)
				}
			default:
				t.Errorf("left in /opt/e2e-kill: %q, want nothing or big", files)
			}
		})
	}
	if killedWhileRunning == 0 {
		t.Error("no kill happened while an agent ran: the test proved nothing")
	}
}
