package connection

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gplay/agent"
	"gplay/internal/sshdtest"
	"gplay/pyval"
)

var (
	testAgentOnce sync.Once
	testAgentPath string
	testAgentErr  error
)

// testAgentBinary builds testdata/testagent once per test binary: an agent
// with test modules only (test.whoami, test.sleep).
func testAgentBinary(t *testing.T) string {
	t.Helper()
	testAgentOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gplay-testagent-")
		if err != nil {
			testAgentErr = err
			return
		}
		testAgentPath = filepath.Join(dir, "testagent")
		out, err := exec.Command("go", "build", "-o", testAgentPath, "./testdata/testagent").CombinedOutput()
		if err != nil {
			testAgentErr = fmt.Errorf("build testagent: %v\n%s", err, out)
		}
	})
	if testAgentErr != nil {
		t.Fatal(testAgentErr)
	}
	return testAgentPath
}

// logLines collects a deployer's Logf output.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *logLines) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// agentRun is one simulated gplay run against the env's host: its own
// deployer, connection and agents, closed in t.Cleanup.
type agentRun struct {
	pid    int // of the agent start() started
	log    *logLines
	conn   *SSHConn
	agents *HostAgents
}

func newAgentRun(t *testing.T, e *testEnv, tg Target) *agentRun {
	t.Helper()
	r := &agentRun{log: &logLines{}}
	d := &AgentDeployer{Executable: testAgentBinary(t), Logf: r.log.logf, Timeout: 10 * time.Second}
	r.conn = dial(t, e.dialer, tg)
	r.agents = d.Host("testhost", r.conn)
	t.Cleanup(func() { _ = r.agents.Close() })
	return r
}

func whoami(t *testing.T, a *Agent) *pyval.Dict {
	t.Helper()
	res, err := a.Call(testCtx(t), agent.Request{Module: "test.whoami"})
	if err != nil {
		t.Fatalf("test.whoami: %v", err)
	}
	return res.ToDict()
}

func dictStr(d *pyval.Dict, k string) string {
	v, _ := d.Get(k)
	return pyval.Str(v)
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestAgentUploadReuseAndTamper: the first run uploads the agent into the
// user's 0700 cache; the next run reuses it without an upload; a cached
// file that was modified is replaced by a new upload and never run.
func TestAgentUploadReuseAndTamper(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	sum := fileSum(t, testAgentBinary(t))
	home := strings.TrimSpace(run(t, dial(t, e.dialer, e.target), "echo $HOME"))
	cached := filepath.Join(home, ".cache/gplay/agent", sum)

	start := func(t *testing.T) *agentRun {
		r := newAgentRun(t, e, e.target)
		a, err := r.agents.Agent(testCtx(t), Become{})
		if err != nil {
			t.Fatalf("start agent: %v\nlog:\n%s", err, r.log)
		}
		r.pid = a.Hello().PID
		if got := dictStr(whoami(t, a), "user"); got != e.srv.TestUser {
			t.Fatalf("agent runs as %q, want %q", got, e.srv.TestUser)
		}
		// A second request on the same host reuses the same agent.
		b, err := r.agents.Agent(testCtx(t), Become{})
		if err != nil || b != a {
			t.Fatalf("second Agent() = %p, %v; want the same agent %p", b, err, a)
		}
		return r
	}

	r1 := start(t)
	if n := r1.log.count("uploaded"); n != 1 {
		t.Errorf("first run: %d uploads, want 1; log:\n%s", n, r1.log)
	}
	if got := fileSum(t, cached); got != sum {
		t.Errorf("cached agent sha256 = %s, want %s", got, sum)
	}
	for _, dir := range []string{filepath.Join(home, ".cache"), filepath.Join(home, ".cache/gplay"), filepath.Dir(cached)} {
		st, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %v, want 0700", dir, st.Mode().Perm())
		}
	}

	r2 := start(t)
	if n := r2.log.count("uploaded"); n != 0 {
		t.Errorf("second run: %d uploads, want 0 (reuse); log:\n%s", n, r2.log)
	}
	// Both runs end (a running binary cannot be written to).
	for _, r := range []*agentRun{r1, r2} {
		if err := r.agents.Close(); err != nil {
			t.Fatal(err)
		}
		pidGone(t, r.pid, 10*time.Second)
	}

	// Tamper with the cached file in place (same size, same inode): the
	// stamp no longer matches, the hash check fails, a new upload replaces
	// it. The tampered file would leave a marker if it ran.
	ranMarker := filepath.Join(sharedDir(t), "tampered-ran")
	script := []byte("#!/bin/sh\ntouch " + ranMarker + "\n")
	// The kernel may release the executable a moment after the process is
	// reaped (ETXTBSY until then), so poll for a little while.
	var f *os.File
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		f, err = os.OpenFile(cached, os.O_WRONLY, 0)
		if !errors.Is(err, syscall.ETXTBSY) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(script, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r3 := start(t)
	if n := r3.log.count("uploaded"); n != 1 {
		t.Errorf("after tampering: %d uploads, want 1; log:\n%s", n, r3.log)
	}
	if _, err := os.Stat(ranMarker); err == nil {
		t.Error("the tampered cached agent was run")
	}
	if got := fileSum(t, cached); got != sum {
		t.Errorf("after tampering, cached agent sha256 = %s, want %s", got, sum)
	}
	if n := r1.log.count("gplay agent started"); n != 1 {
		t.Errorf("first run logged %d agent starts, want 1 (timing line); log:\n%s", n, r1.log)
	}
}

// TestBecome runs agents through sudo and su as a non-root login user.
func TestBecome(t *testing.T) {
	t.Parallel()
	nopasswd := newEnv(t, sshdtest.Options{Sudo: "nopasswd"})
	passwd := newEnv(t, sshdtest.Options{Sudo: "password"})
	other, otherPassword, _ := sshdtest.NewUser(t)
	t.Cleanup(func() { removeRootCache(t) })
	tests := []struct {
		name     string
		env      *testEnv
		become   Become
		wantUser string
		wantErr  string
	}{
		{"sudo without password", nopasswd, Become{Enabled: true}, "root", ""},
		{"sudo with password", passwd, Become{Enabled: true, Password: passwd.srv.Password}, "root", ""},
		{"sudo NOPASSWD ignores a given password", nopasswd, Become{Enabled: true, Password: "unused-secret"}, "root", ""},
		{"sudo to another user", passwd, Become{Enabled: true, User: other, Password: passwd.srv.Password}, other, ""},
		{"sudo wrong password", passwd, Become{Enabled: true, Password: "wrong-secret-123"}, "", "Incorrect sudo password"},
		{"sudo missing password", passwd, Become{Enabled: true}, "", "Missing sudo password"},
		{"su with password", nopasswd, Become{Enabled: true, Method: "su", User: other, Password: otherPassword}, other, ""},
		{"su wrong password", nopasswd, Become{Enabled: true, Method: "su", User: other, Password: "wrong-secret-456"}, "", "Incorrect su password"},
		{"su missing password", nopasswd, Become{Enabled: true, Method: "su", User: other}, "", "Missing su password"},
		{"become the login user is a no-op", nopasswd, Become{Enabled: true, User: nopasswd.srv.TestUser}, nopasswd.srv.TestUser, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newAgentRun(t, tc.env, tc.env.target)
			begin := time.Now()
			a, err := r.agents.Agent(testCtx(t), tc.become)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("Agent(%s) error = %v, want %q", tc.name, err, tc.wantErr)
				}
				if errors.Is(err, ErrUnreachable) {
					t.Errorf("a become failure is not an unreachable host: %v", err)
				}
				if el := time.Since(begin); el > 8*time.Second {
					t.Errorf("failing took %v, want it fast", el)
				}
				return
			}
			if err != nil {
				t.Fatalf("Agent: %v\nlog:\n%s", err, r.log)
			}
			me := whoami(t, a)
			if got := dictStr(me, "user"); got != tc.wantUser {
				t.Errorf("agent runs as %q, want %q", got, tc.wantUser)
			}
			// The password reaches neither the agent's argv nor its
			// environment.
			pid, _ := strconv.Atoi(dictStr(me, "pid"))
			for _, f := range []string{"cmdline", "environ"} {
				b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, f))
				if err != nil {
					t.Fatal(err)
				}
				if tc.become.Password != "" && bytes.Contains(b, []byte(tc.become.Password)) {
					t.Errorf("password found in the agent's %s", f)
				}
			}
			// Another become setting on the same host gets its own agent;
			// the same one is reused.
			plain, err := r.agents.Agent(testCtx(t), Become{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.become.User != tc.env.srv.TestUser && plain == a {
				t.Error("become and plain requests share one agent")
			}
			again, err := r.agents.Agent(testCtx(t), tc.become)
			if err != nil || again != a {
				t.Errorf("same become again = %p, %v; want the running agent %p", again, err, a)
			}
		})
	}
}

// removeRootCache removes what become-root tests cached in /root (they
// run on the developer's machine).
func removeRootCache(t *testing.T) {
	sum := fileSum(t, testAgentBinary(t))
	for _, p := range []string{"/root/.cache/gplay/agent/" + sum, "/root/.cache/gplay/agent/" + sum + ".ok"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Error(err)
		}
	}
}

func TestBecomeCommandKeepsSecretsOut(t *testing.T) {
	for _, b := range []Become{
		{Enabled: true, Method: "sudo", User: "root", Password: "s3cret"},
		{Enabled: true, Method: "su", User: "app", Password: "s3cret"},
	} {
		cmd, err := becomeCommand(b, "exec x agent", "", "[marker] password:")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cmd, "s3cret") {
			t.Errorf("becomeCommand(%s) = %q contains the password", b.Method, cmd)
		}
	}
	if _, err := becomeCommand(Become{Enabled: true, Method: "doas"}, "x", "", ""); err == nil {
		t.Error("becomeCommand(doas) succeeded, want an unsupported method error")
	}
}

// pidGone polls until the process is gone (or a zombie reaped later).
func pidGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if f := strings.Fields(string(b)); len(f) > 2 && f[2] == "Z" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent process %d still running after %v", pid, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAgentEndsWithTheConnection: closing the connection leaves no agent
// process behind, and a call on it then fails as unreachable.
func TestAgentEndsWithTheConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	r := newAgentRun(t, e, e.target)
	a, err := r.agents.Agent(testCtx(t), Become{})
	if err != nil {
		t.Fatal(err)
	}
	pid := a.Hello().PID
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
		t.Fatalf("agent pid %d not running: %v", pid, err)
	}
	if err := r.conn.Close(); err != nil {
		t.Fatal(err)
	}
	pidGone(t, pid, 10*time.Second)
	_, err = a.Call(testCtx(t), agent.Request{Module: "test.whoami"})
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, agent.ErrLost) {
		t.Errorf("call after close: %v, want ErrUnreachable and agent.ErrLost", err)
	}
}

// TestAgentEndsWhenTheControllerDies: a controller process SIGKILLed in
// the middle of a request leaves no agent behind.
func TestAgentEndsWhenTheControllerDies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	cfg, err := json.Marshal(controllerConfig{Home: e.home, Target: e.target, Agent: testAgentBinary(t)})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GPLAY_TEST_CONTROLLER="+string(cfg))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("controller: %v\n%s", err, stderr.String())
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("controller said %q", line)
	}
	// The controller's request (test.sleep) is running on the agent now.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the status says so
	pidGone(t, pid, 10*time.Second)
}

type controllerConfig struct {
	Home   string
	Target Target
	Agent  string
}

// controller is the test binary acting as a gplay controller: it starts an
// agent, prints its pid and runs a long request until it is killed.
func controller(cfgJSON string) int {
	var cfg controllerConfig
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	c, err := (&Dialer{HomeDir: cfg.Home, AgentSocket: "none"}).DialSSH(ctx, cfg.Target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	h := (&AgentDeployer{Executable: cfg.Agent}).Host("testhost", c)
	a, err := h.Agent(ctx, Become{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	errc := make(chan error, 1)
	go func() {
		_, err := a.Call(ctx, agent.Request{Module: "test.sleep", Args: pyval.DictOf("seconds", int64(300))})
		errc <- err
	}()
	time.Sleep(200 * time.Millisecond) // let the request reach the agent
	fmt.Println(a.Hello().PID)
	fmt.Fprintln(os.Stderr, <-errc)
	return 1
}
