package connection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gplay/internal/sshdtest"
)

// conns returns an SSH connection and a Local one, for tests of the Conn
// contract that both must honour.
func conns(t *testing.T) map[string]Conn {
	t.Helper()
	e := newEnv(t, sshdtest.Options{})
	return map[string]Conn{"ssh": dial(t, e.dialer, e.target), "local": Local{}}
}

// sharedDir is a directory both the test user and this process can write.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gplay-conn-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExecContract(t *testing.T) {
	t.Parallel()
	for name, c := range conns(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				cmd, stdin     string
				code           int
				stdout, stderr string
			}{
				{cmd: "echo out; echo err >&2", stdout: "out\n", stderr: "err\n"},
				{cmd: "exit 3", code: 3},
				{cmd: "kill -9 $$", code: 128 + 9},
				{cmd: "tr a-z A-Z", stdin: "hello\n", stdout: "HELLO\n"},
				{cmd: "cat >/dev/null; echo done", stdin: strings.Repeat("x", 1<<20), stdout: "done\n"},
			} {
				var stdin io.Reader
				if tc.stdin != "" {
					stdin = strings.NewReader(tc.stdin)
				}
				var out, errb bytes.Buffer
				code, err := c.Exec(testCtx(t), tc.cmd, stdin, &out, &errb)
				if err != nil || code != tc.code || out.String() != tc.stdout || errb.String() != tc.stderr {
					t.Errorf("Exec(%q) = %d, %v, stdout %q, stderr %q; want %d, nil, %q, %q",
						tc.cmd, code, err, out.String(), errb.String(), tc.code, tc.stdout, tc.stderr)
				}
			}
		})
	}
}

// processGone waits until pid no longer exists.
func processGone(t *testing.T, pid int) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		// A zombie waiting for its reaper is gone as far as the test cares.
		if err != nil || strings.Contains(string(b), ") Z ") {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func waitPidFile(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(file)
		if err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no pid in %s", file)
	return 0
}

func TestCancelKillsRemoteCommand(t *testing.T) {
	t.Parallel()
	for name, c := range conns(t) {
		t.Run(name, func(t *testing.T) {
			pidFile := filepath.Join(sharedDir(t), "pid")
			ctx, cancel := context.WithCancel(testCtx(t))
			type result struct {
				code int
				err  error
			}
			done := make(chan result, 1)
			go func() {
				// The sleep is a child of the shell: killing only the shell
				// would leave it running.
				code, err := c.Exec(ctx, "sleep 300 & echo $! > "+pidFile+"; wait", nil, nil, nil)
				done <- result{code, err}
			}()
			pid := waitPidFile(t, pidFile)
			cancel()
			select {
			case r := <-done:
				if r.code != -1 || !errors.Is(r.err, context.Canceled) {
					t.Errorf("cancelled Exec = %d, %v; want -1 and context.Canceled", r.code, r.err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Exec did not return after cancel")
			}
			if !processGone(t, pid) {
				t.Errorf("remote process %d still runs after cancel", pid)
			}
		})
	}
}

func TestOpenStream(t *testing.T) {
	t.Parallel()
	for name, c := range conns(t) {
		t.Run(name, func(t *testing.T) {
			var errb bytes.Buffer
			st, err := c.Open(testCtx(t), "echo started >&2; cat", &errb)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			// A request/response exchange, as the agent protocol does.
			for i := 0; i < 3; i++ {
				msg := fmt.Sprintf("request %d\n", i)
				if _, err := io.WriteString(st.Stdin(), msg); err != nil {
					t.Fatalf("write: %v", err)
				}
				buf := make([]byte, len(msg))
				if _, err := io.ReadFull(st.Stdout(), buf); err != nil || string(buf) != msg {
					t.Fatalf("read = %q, %v; want %q", buf, err, msg)
				}
			}
			if err := st.Stdin().Close(); err != nil {
				t.Fatalf("close stdin: %v", err)
			}
			if code, err := st.Wait(); code != 0 || err != nil {
				t.Errorf("Wait = %d, %v; want 0, nil", code, err)
			}
			if errb.String() != "started\n" {
				t.Errorf("stderr = %q, want %q", errb.String(), "started\n")
			}

			// Close kills a command that never ends.
			pidFile := filepath.Join(sharedDir(t), "pid")
			st, err = c.Open(testCtx(t), "echo $$ > "+pidFile+"; exec sleep 300", nil)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			pid := waitPidFile(t, pidFile)
			if err := st.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if !processGone(t, pid) {
				t.Errorf("process %d still runs after Stream.Close", pid)
			}

			// So does cancelling the context Open was given.
			ctx, cancel := context.WithCancel(testCtx(t))
			pidFile = filepath.Join(sharedDir(t), "pid")
			st, err = c.Open(ctx, "echo $$ > "+pidFile+"; exec sleep 300", nil)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			pid = waitPidFile(t, pidFile)
			cancel()
			if code, err := st.Wait(); code != -1 || !errors.Is(err, context.Canceled) {
				t.Errorf("Wait after cancel = %d, %v; want -1, context.Canceled", code, err)
			}
			if !processGone(t, pid) {
				t.Errorf("process %d still runs after cancel", pid)
			}
		})
	}
}

func TestPut(t *testing.T) {
	t.Parallel()
	for name, c := range conns(t) {
		t.Run(name, func(t *testing.T) {
			dst := filepath.Join(sharedDir(t), "it's a file")
			content := strings.Repeat("line\n", 10000)
			for _, mode := range []os.FileMode{0o640, 0o755} {
				if err := c.Put(testCtx(t), dst, strings.NewReader(content), mode); err != nil {
					t.Fatalf("Put: %v", err)
				}
				b, err := os.ReadFile(dst)
				if err != nil || string(b) != content {
					t.Fatalf("content after Put: %d bytes, %v; want %d bytes", len(b), err, len(content))
				}
				st, err := os.Stat(dst)
				if err != nil || st.Mode().Perm() != mode {
					t.Errorf("mode after Put = %v, %v; want %v", st.Mode().Perm(), err, mode)
				}
			}
			entries, err := os.ReadDir(filepath.Dir(dst))
			if err != nil || len(entries) != 1 {
				t.Errorf("directory after Put has %d entries (%v), want only the file", len(entries), err)
			}
			err = c.Put(testCtx(t), "/nonexistent/dir/file", strings.NewReader("x"), 0o644)
			if err == nil || errors.Is(err, ErrUnreachable) {
				t.Errorf("Put into a missing directory = %v, want an ordinary error", err)
			}
		})
	}
}

func TestPoolReusesOneConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	p := NewPool(e.dialer)
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Pool.Close: %v", err)
		}
	})
	var wg sync.WaitGroup
	conns := make([]Conn, 8)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.Get(testCtx(t), e.target)
			if err != nil {
				t.Errorf("Get: %v", err)
				return
			}
			conns[i] = c
			for j := 0; j < 10; j++ {
				if got := run(t, c, "echo "+strconv.Itoa(j)); got != strconv.Itoa(j)+"\n" {
					t.Errorf("Exec = %q", got)
				}
			}
		}()
	}
	wg.Wait()
	for _, c := range conns[1:] {
		if c != conns[0] {
			t.Fatalf("Get returned different connections for one host")
		}
	}
	if n := strings.Count(e.srv.Log(), "Accepted publickey"); n != 1 {
		t.Errorf("sshd accepted %d logins for 80 commands, want 1", n)
	}

	// Closing the pooled connection (reset_connection) makes Get reconnect.
	if err := conns[0].Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	c, err := p.Get(testCtx(t), e.target)
	if err != nil || c == conns[0] {
		t.Fatalf("Get after Close = %v, %v; want a new connection", c, err)
	}
	run(t, c, "true")
	if n := strings.Count(e.srv.Log(), "Accepted publickey"); n != 2 {
		t.Errorf("sshd accepted %d logins, want 2 after a reset", n)
	}
	// Local targets need no dial.
	if lc, err := p.Get(testCtx(t), Target{Connection: "local"}); err != nil || lc != (Local{}) {
		t.Errorf("Get(local) = %v, %v", lc, err)
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	// A server that accepts TCP but never speaks SSH.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	silentPort := silent.Addr().(*net.TCPAddr).Port

	d := &Dialer{HomeDir: t.TempDir(), AgentSocket: "none"}
	for _, tc := range []struct {
		name string
		tg   Target
		want string
	}{
		{"closed port", Target{Host: "127.0.0.1", Port: freeTCPPort(t), User: "nobody"}, "connection refused"},
		{"silent server", Target{Host: "127.0.0.1", Port: silentPort, User: "nobody", Timeout: 300 * time.Millisecond},
			"ssh handshake with 127.0.0.1:" + strconv.Itoa(silentPort) + " timed out after 300ms"},
		{"silent server, ConnectTimeout", Target{Host: "127.0.0.1", Port: silentPort, User: "nobody", CommonArgs: "-o ConnectTimeout=1"},
			"timed out after 1s"},
		{"unknown host name", Target{Host: "no-such-host.invalid", User: "nobody"}, "no-such-host.invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := d.DialSSH(testCtx(t), tc.tg)
			if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DialSSH = %v, want ErrUnreachable containing %q", err, tc.want)
			}
			if el := time.Since(start); el > 8*time.Second {
				t.Errorf("DialSSH took %v", el)
			}
		})
	}

	t.Run("cancelled during handshake", func(t *testing.T) {
		// Cancel once the TCP connection is accepted: the handshake runs.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ctx, cancel := context.WithCancel(testCtx(t))
		go func() {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			// The client speaks first: its banner means the handshake runs.
			if _, err := c.Read(make([]byte, 1)); err != nil {
				return
			}
			cancel()
			// Hold the connection until the dialer gave up.
			_, _ = io.Copy(io.Discard, c)
		}()
		start := time.Now()
		_, err = d.DialSSH(ctx, Target{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, User: "nobody", Timeout: time.Minute})
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "ssh handshake") {
			t.Errorf("DialSSH = %v, want context.Canceled (not ErrUnreachable) during the ssh handshake", err)
		}
		if el := time.Since(start); el > 10*time.Second {
			t.Errorf("cancelled DialSSH took %v", el)
		}
	})
}

func TestConnectionLostIsUnreachable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	c := dial(t, e.dialer, e.target)
	// Kill the sshd process serving this session: the transport drops.
	_, err := c.Exec(testCtx(t), "kill -9 $PPID; sleep 10", nil, nil, nil)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Exec on a dropped connection = %v, want ErrUnreachable", err)
	}
	if _, err := c.Exec(testCtx(t), "true", nil, nil, nil); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Exec after the drop = %v, want ErrUnreachable", err)
	}
}

// A peer that stops answering is detected by keepalives
// (ServerAliveInterval x ServerAliveCountMax) and the connection is closed.
func TestKeepaliveDetectsDeadPeer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	tg := e.target
	tg.ExtraArgs = "-o ServerAliveInterval=1 -o ServerAliveCountMax=2"
	c := dial(t, e.dialer, tg)
	pid, err := strconv.Atoi(strings.TrimSpace(run(t, c, "echo $PPID")))
	if err != nil {
		t.Fatal(err)
	}
	// Freeze the sshd process serving the connection: TCP stays up, but
	// nothing answers any more.
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		_ = syscall.Kill(pid, syscall.SIGCONT)
	})
	deadline := time.Now().Add(15 * time.Second)
	for c.Alive() {
		if time.Now().After(deadline) {
			t.Fatal("connection to a frozen peer still alive after 15s of 1s keepalives")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := c.Exec(testCtx(t), "true", nil, nil, nil); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Exec after keepalive failure = %v, want ErrUnreachable", err)
	}
}

// A pooled connection that died is replaced on the next Get.
func TestPoolRedialsDeadConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	p := NewPool(e.dialer)
	t.Cleanup(func() { p.Close() })
	c1, err := p.Get(testCtx(t), e.target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c1.Exec(testCtx(t), "kill -9 $PPID; sleep 10", nil, nil, nil); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Exec that drops the connection = %v, want ErrUnreachable", err)
	}
	c2, err := p.Get(testCtx(t), e.target)
	if err != nil || c2 == c1 {
		t.Fatalf("Get after the drop = %v, %v; want a new connection", c2, err)
	}
	run(t, c2, "true")
}
