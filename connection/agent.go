package connection

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gplay/agent"
	"gplay/module"
)

// AgentDeployer finds the gplay binary that runs as the agent on a target,
// uploads it once per host and starts it. One run shares one AgentDeployer,
// so each local binary is hashed once, and its sum is remembered between
// runs while the file is unchanged (SumCache).
//
// On the target the binary lives in a per-user cache named by its SHA-256,
// ~/.cache/gplay/agent/<sha256> (directories 0700; /tmp/gplay-<uid>/agent
// when the home directory is not writable). An upload goes to a temporary
// file whose hash is checked on the target before it is renamed into place,
// so a cut upload never leaves a file that runs. Later runs reuse the file;
// before every start it is checked again, cheaply (see startScript), so a
// modified file is replaced instead of run.
type AgentDeployer struct {
	// Executable is the agent for targets of this machine's OS and
	// architecture; empty means this executable (os.Executable).
	Executable string
	// Dirs are searched for gplay-<os>-<arch> (what `make dist` builds)
	// for other targets; nil means $GPLAY_AGENT_DIR, then the executable's
	// directory and its dist/ subdirectory.
	Dirs []string
	// Timeout bounds starting one agent, privilege escalation prompt
	// included, as Ansible's timeout does for the become prompt; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Logf receives one timing line per host for uploads and agent starts
	// (shown at -vvv); nil discards them. It never receives secrets.
	Logf func(format string, args ...any)
	// SumCache is the directory that remembers the SHA-256 of local agent
	// binaries between runs (see hash); empty means
	// $XDG_CACHE_HOME/gplay/sums, else ~/.cache/gplay/sums; "none" hashes
	// every run.
	SumCache string

	mu   sync.Mutex
	bins map[string]*agentBinary
}

// agentBinary is a local agent executable for one platform, hashed once.
type agentBinary struct {
	once sync.Once
	path string
	sum  string
	size int64
	err  error
}

func (d *AgentDeployer) logf(format string, args ...any) {
	if d.Logf != nil {
		d.Logf(format, args...)
	}
}

func (d *AgentDeployer) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return DefaultTimeout
}

// Preload hashes this machine's agent binary in the background, so that
// the first agent start does not wait for it (tens of milliseconds for a
// 20 MB binary) after the connection is up.
func (d *AgentDeployer) Preload() {
	go d.binary(runtime.GOOS, runtime.GOARCH)
}

// platform maps `uname -sm` to Go's GOOS/GOARCH.
func platform(uname string) (goos, goarch string, err error) {
	f := strings.Fields(uname)
	if len(f) != 2 {
		return "", "", fmt.Errorf("unexpected `uname -sm` output %q", uname)
	}
	goos = strings.ToLower(f[0])
	switch f[1] {
	case "x86_64", "amd64":
		goarch = "amd64"
	case "aarch64", "arm64":
		goarch = "arm64"
	case "i386", "i486", "i586", "i686":
		goarch = "386"
	case "armv6l", "armv7l":
		goarch = "arm"
	case "ppc64le", "s390x", "riscv64":
		goarch = f[1]
	default:
		return "", "", fmt.Errorf("unsupported target platform %q", uname)
	}
	return goos, goarch, nil
}

// binary returns the local agent for goos/goarch, hashing it on first use.
func (d *AgentDeployer) binary(goos, goarch string) *agentBinary {
	key := goos + "/" + goarch
	d.mu.Lock()
	if d.bins == nil {
		d.bins = map[string]*agentBinary{}
	}
	b := d.bins[key]
	if b == nil {
		b = &agentBinary{}
		d.bins[key] = b
	}
	d.mu.Unlock()
	b.once.Do(func() {
		b.path, b.err = d.find(goos, goarch)
		if b.err == nil {
			b.sum, b.size, b.err = d.hash(b.path)
		}
	})
	return b
}

func (d *AgentDeployer) find(goos, goarch string) (string, error) {
	exe := d.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", fmt.Errorf("find the gplay executable: %w", err)
		}
	}
	if goos == runtime.GOOS && goarch == runtime.GOARCH {
		return exe, nil
	}
	name := "gplay-" + goos + "-" + goarch
	dirs := d.Dirs
	if dirs == nil {
		if v := os.Getenv("GPLAY_AGENT_DIR"); v != "" {
			dirs = append(dirs, v)
		}
		dirs = append(dirs, filepath.Dir(exe), filepath.Join(filepath.Dir(exe), "dist"))
	}
	for _, dir := range dirs {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no gplay agent for %s/%s: run `make dist` and put dist/%s next to gplay or in $GPLAY_AGENT_DIR (looked in %s)",
		goos, goarch, name, strings.Join(dirs, ", "))
}

// hash returns the SHA-256 and size of the local binary at path. Hashing
// 15-20 MB costs tens of milliseconds of CPU in every run, so the sum is
// remembered with the file's stamp (device, inode, size, change time in
// nanoseconds): any write, rename over or chmod changes the change time, and
// no user can set it back, so a matching stamp means the same content.
func (d *AgentDeployer) hash(path string) (string, int64, error) {
	dir := d.SumCache
	switch dir {
	case "none":
		return hashFile(path)
	case "":
		if x := os.Getenv("XDG_CACHE_HOME"); filepath.IsAbs(x) {
			dir = filepath.Join(x, "gplay", "sums")
		} else if h, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(h, ".cache", "gplay", "sums")
		} else {
			return hashFile(path)
		}
	}
	stamp, ok := fileStamp(path)
	if !ok {
		return hashFile(path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return hashFile(path)
	}
	key := sha256.Sum256([]byte(abs))
	entry := filepath.Join(dir, hex.EncodeToString(key[:16]))
	if b, err := os.ReadFile(entry); err == nil {
		if st, sum, ok := strings.Cut(strings.TrimSpace(string(b)), " sha256="); ok && st == stamp && len(sum) == 64 {
			if size, err := strconv.ParseInt(strings.Fields(stamp)[2], 10, 64); err == nil {
				return sum, size, nil
			}
		}
	}
	sum, size, err := hashFile(path)
	if err != nil {
		return sum, size, err
	}
	if after, ok := fileStamp(path); ok && after == stamp {
		// best effort: without the entry the next run hashes again
		if os.MkdirAll(dir, 0o700) == nil {
			if f, err := os.CreateTemp(dir, ".tmp-*"); err == nil {
				_, werr := fmt.Fprintf(f, "%s sha256=%s\n", stamp, sum)
				if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), entry) != nil {
					_ = os.Remove(f.Name())
				}
			}
		}
	}
	return sum, size, nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("read agent binary: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read agent binary %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// fileStamp is what identifies a file's content without reading it: device,
// inode, size and change time.
func fileStamp(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !fi.Mode().IsRegular() {
		return "", false
	}
	return fmt.Sprintf("%d %d %d %d.%09d", st.Dev, st.Ino, fi.Size(), st.Ctim.Sec, st.Ctim.Nsec), true
}

// HostAgents are the agents running on one host over one connection: one
// per become user and method, all started from one uploaded binary. The
// engine's connector keeps one per host for the run. Safe for concurrent
// use.
type HostAgents struct {
	d    *AgentDeployer
	conn Conn
	name string

	// ctx outlives single tasks: the agents' commands run until Close.
	ctx    context.Context
	cancel context.CancelFunc

	prepMu    sync.Mutex
	prepared  bool
	bin       *agentBinary
	loginUser string
	loginPath string // the login user's cache file for bin, once known

	mu     sync.Mutex
	agents map[string]*agentSlot
	closed bool
}

type agentSlot struct {
	ready chan struct{}
	a     *Agent
	err   error
}

// Host returns the agents of the host name (for messages) reached through c.
func (d *AgentDeployer) Host(name string, c Conn) *HostAgents {
	ctx, cancel := context.WithCancel(context.Background())
	return &HostAgents{d: d, conn: c, name: name, ctx: ctx, cancel: cancel, agents: map[string]*agentSlot{}}
}

// Agent returns the running agent for the become settings b, starting it
// (and uploading the binary) on first use. A failed start is not kept: the
// next call tries again. Connection failures wrap ErrUnreachable; a wrong
// or missing become password is an ordinary error saying so.
func (h *HostAgents) Agent(ctx context.Context, b Become) (*Agent, error) {
	if h.loginName() == "" {
		if err := h.prepare(ctx); err != nil {
			return nil, err
		}
	}
	b = h.effective(b)
	key := b.key()
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil, errors.New("connection closed")
		}
		s := h.agents[key]
		if s == nil {
			s = &agentSlot{ready: make(chan struct{})}
			h.agents[key] = s
			h.mu.Unlock()
			s.a, s.err = h.start(ctx, b)
			if s.err != nil {
				h.drop(key, s)
			}
			close(s.ready)
			return s.a, s.err
		}
		h.mu.Unlock()
		select {
		case <-s.ready:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		if s.err == nil && s.a.Alive() {
			return s.a, nil
		}
		if s.err != nil {
			return nil, s.err
		}
		// The agent died (its channel ended): forget it and start another.
		h.drop(key, s)
	}
}

func (h *HostAgents) drop(key string, s *agentSlot) {
	h.mu.Lock()
	if h.agents[key] == s {
		delete(h.agents, key)
	}
	h.mu.Unlock()
}

// Close stops every agent of the host: their stdin closes, so each exits
// at once (Serve returns at EOF); any that does not is killed.
func (h *HostAgents) Close() error {
	h.mu.Lock()
	h.closed = true
	slots := h.agents
	h.agents = nil
	h.mu.Unlock()
	for _, s := range slots {
		<-s.ready
		if s.a != nil {
			// The agent's exit status after a close says nothing useful.
			_ = s.a.Close()
		}
	}
	h.cancel()
	return nil
}

// prepareScript prints the target's platform, the login user's name and
// its agent cache directory, in one round trip.
const prepareScript = `umask 077; uname -sm; id -un; ` + cacheDirScript + `; printf '%s\n' "$d"`

// cacheDirScript sets d to this user's agent cache directory, creating it
// 0700: ~/.cache/gplay/agent, else /tmp/gplay-<uid>/agent when HOME is
// unset or not writable (system users), but only when that directory is
// ours and private, so another user cannot plant a binary there. d is empty
// when neither works.
const cacheDirScript = `d=$HOME/.cache/gplay/agent; ` +
	`{ [ -n "$HOME" ] && { [ -d "$d" ] || mkdir -p "$d" 2>/dev/null; } && [ -O "$d" ] && [ -w "$d" ]; } || ` +
	`{ d=/tmp/gplay-$(id -u); { [ -d "$d" ] || mkdir -m 700 "$d" 2>/dev/null; } && [ -O "$d" ] && [ "$(stat -c %a "$d")" = 700 ] && d=$d/agent && { [ -d "$d" ] || mkdir "$d"; } || d=; }`

func (h *HostAgents) prepare(ctx context.Context) error {
	h.prepMu.Lock()
	defer h.prepMu.Unlock()
	if h.prepared && h.loginPath != "" {
		return nil
	}
	start := time.Now()
	var out, errb bytes.Buffer
	code, err := h.conn.Exec(ctx, shCommand(prepareScript), nil, &out, &errb)
	if err != nil {
		return fmt.Errorf("find the platform of %s: %w", h.name, err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if code != 0 || len(lines) < 3 {
		return fmt.Errorf("find the platform of %s: exit status %d: %s", h.name, code, strings.TrimSpace(errb.String()))
	}
	goos, goarch, err := platform(lines[0])
	if err != nil {
		return fmt.Errorf("%s: %w", h.name, err)
	}
	bin := h.d.binary(goos, goarch)
	if bin.err != nil {
		return fmt.Errorf("%s: %w", h.name, bin.err)
	}
	h.bin = bin
	h.loginUser = lines[1]
	if h.loginUser == "" {
		return fmt.Errorf("find the login user on %s: `id -un` printed nothing", h.name)
	}
	if lines[2] != "" {
		h.loginPath = lines[2] + "/" + bin.sum
	}
	h.prepared = true
	h.d.logf("<%s> gplay agent: %s/%s, login user %s, cache %s (%s)", h.name, goos, goarch, h.loginUser, lines[2], time.Since(start).Round(time.Millisecond))
	return nil
}

// loginName is the login user: the connection's when it knows it,
// otherwise what prepare found ("" before that).
func (h *HostAgents) loginName() string {
	h.prepMu.Lock()
	defer h.prepMu.Unlock()
	if h.loginUser == "" {
		if u, ok := h.conn.(interface{ User() string }); ok {
			h.loginUser = u.User()
		}
	}
	return h.loginUser
}

// effective drops become when it changes nothing: become_user is the
// login user. Ansible would still run sudo; gplay skips it, which also
// works on hosts without sudo (docs/compat.md).
func (h *HostAgents) effective(b Become) Become {
	if !b.Enabled {
		return Become{}
	}
	if b.Method == "" {
		b.Method = "sudo"
	}
	if b.User == "" {
		b.User = "root"
	}
	if b.User == h.loginName() {
		return Become{}
	}
	return b
}

// start launches the agent as b, uploading the binary first when the
// target has no verified copy. The upload goes to the login user's cache,
// from which root (become_user root) copies it into its own; any other
// become user cannot read that 0700 directory, so it gets its own upload.
//
// A warm run needs one round trip: before the target's platform is known,
// the agent is started optimistically with this machine's binary, which
// the target can only have cached when it runs on the same platform; only
// when that finds nothing is the platform asked for (uname -sm).
func (h *HostAgents) start(ctx context.Context, b Become) (*Agent, error) {
	h.prepMu.Lock()
	guess := !h.prepared
	if guess {
		h.bin = h.d.binary(runtime.GOOS, runtime.GOARCH)
		guess = h.bin.err == nil
	}
	h.prepMu.Unlock()
	if guess {
		begin := time.Now()
		a, err := h.launch(ctx, b)
		if err == nil {
			h.prepMu.Lock()
			h.prepared = true
			h.prepMu.Unlock()
			h.d.logf("<%s> gplay agent (cached %s) started as %s (pid %d) in %s", h.name, h.bin.sum[:12], a.hello.User, a.hello.PID, time.Since(begin).Round(time.Millisecond))
			return a, nil
		}
		if !errors.Is(err, errAgentMissing) {
			return nil, err
		}
		if err := h.prepare(ctx); err != nil {
			return nil, err
		}
	}
	// When the guess was right about the platform, the launch just failed
	// for want of the binary: upload it at once.
	h.prepMu.Lock()
	missing := guess && h.bin.path == h.d.binary(runtime.GOOS, runtime.GOARCH).path
	h.prepMu.Unlock()
	for attempt := 0; ; attempt++ {
		begin := time.Now()
		var a *Agent
		err := errAgentMissing
		if !missing || attempt > 0 {
			a, err = h.launch(ctx, b)
		}
		if !errors.Is(err, errAgentMissing) {
			if err == nil {
				h.d.logf("<%s> gplay agent started as %s (pid %d) in %s", h.name, a.hello.User, a.hello.PID, time.Since(begin).Round(time.Millisecond))
			}
			return a, err
		}
		if attempt > 0 {
			return nil, fmt.Errorf("start the gplay agent on %s as %s: the uploaded agent is missing or does not verify", h.name, b.describe(h.loginUser))
		}
		as := Become{}
		if b.Enabled && b.User != "root" {
			as = b
		}
		if err := h.install(ctx, as); err != nil {
			return nil, err
		}
	}
}

// errAgentMissing means the start script found no verified agent binary.
var errAgentMissing = errors.New("gplay agent not installed")

// missingMark is what the start script prints on stderr when it has no
// verified binary to run.
const missingMark = "gplay-agent-missing"

// startScript runs as the agent's user: it finds a verified copy of the
// binary and execs it as `gplay agent`, or prints missingMark and exits 97.
//
// Verifying 18 MB with sha256sum before every start would cost tens of
// milliseconds per host, so a verified file gets a stamp beside it: its
// size, inode and change time (ctime, which no user can set back). The
// hash is checked again whenever the stamp does not match, so any write to
// the file, chmod or replacement, makes it verify again (and, when it was
// tampered with, be replaced by a new upload instead of run). Stamps are
// trusted only when both files belong to the user. Another user's copy
// (the login user's, for become root) is always hashed, then copied into
// the user's own cache.
//
// The fallback path comes as $1, so that the login user's shell can expand
// its own $HOME in it before sudo changes users.
func startScript(sum string) string {
	return `umask 077; S=` + sum + `; ` +
		`ok() { [ -f "$1" ] && [ -x "$1" ] || return 1; st=$(stat -c '%s %i %z' "$1" 2>/dev/null) || return 1; ` +
		`[ -O "$1" ] && [ -O "$1.ok" ] && IFS= read -r ok <"$1.ok" && [ "$st" = "$ok" ] && return 0; ` +
		`printf '%s  %s\n' "$S" "$1" | sha256sum -c --status 2>/dev/null || return 1; ` +
		`[ -O "$1" ] && printf '%s\n' "$st" >"$1.ok"; return 0; }; ` +
		cacheDirScript + `; ` +
		`if [ -n "$d" ] && ok "$d/$S"; then exec "$d/$S" agent; fi; ` +
		`f=${1-}; ` +
		`if [ -n "$f" ] && [ "$f" != "$d/$S" ] && ok "$f"; then ` +
		`if [ -n "$d" ] && cp "$f" "$d/.$S.$$" 2>/dev/null && mv -f "$d/.$S.$$" "$d/$S" && ok "$d/$S"; then exec "$d/$S" agent; fi; ` +
		`rm -f "$d/.$S.$$"; exec "$f" agent; fi; ` +
		`echo ` + missingMark + ` >&2; exit 97`
}

// installScript runs as the agent's user with the binary on stdin: into a
// temporary file, checked against its SHA-256, then renamed into place and
// stamped. A failed check removes the temporary file and exits 96.
func installScript(sum string) string {
	return `umask 077; S=` + sum + `; ` + cacheDirScript + `; ` +
		`[ -n "$d" ] || { echo "no writable agent cache directory (HOME=$HOME)" >&2; exit 95; }; ` +
		`t=$d/.$S.$$; trap 'rm -f "$t"' EXIT; cat >"$t" || exit 94; ` +
		`printf '%s  %s\n' "$S" "$t" | sha256sum -c --status || { echo "the uploaded gplay agent does not match its SHA-256 $S" >&2; exit 96; }; ` +
		`chmod 700 "$t" && mv -f "$t" "$d/$S" && stat -c '%s %i %z' "$d/$S" >"$d/$S.ok"`
}

// install uploads the binary as the user b names (the login user when b
// is zero).
func (h *HostAgents) install(ctx context.Context, b Become) error {
	begin := time.Now()
	f, err := os.Open(h.bin.path)
	if err != nil {
		return fmt.Errorf("upload the gplay agent to %s: %w", h.name, err)
	}
	defer f.Close()
	if err := h.runAs(ctx, b, installScript(h.bin.sum), f); err != nil {
		return fmt.Errorf("upload the gplay agent to %s: %w", h.name, err)
	}
	el := time.Since(begin)
	h.d.logf("<%s> gplay agent uploaded (%d bytes, sha256 %s) for %s in %s (%.1f MB/s)", h.name, h.bin.size, h.bin.sum[:12],
		b.describe(h.loginUser), el.Round(time.Millisecond), float64(h.bin.size)/1e6/el.Seconds())
	return nil
}

// launch runs startScript as b and returns the agent once it said hello.
func (h *HostAgents) launch(ctx context.Context, b Become) (*Agent, error) {
	h.prepMu.Lock()
	sum, fallback := h.bin.sum, shellQuote(h.loginPath)
	if h.loginPath == "" {
		fallback = `"$HOME"/.cache/gplay/agent/` + sum
	}
	h.prepMu.Unlock()
	if b.Enabled && b.Method == "su" && h.loginPath == "" {
		// su's command string is expanded by the become user's shell.
		fallback = ""
	}
	p, err := h.escalate(ctx, b, startScript(sum), fallback, nil)
	if err != nil {
		return nil, err
	}
	a := &Agent{host: h.name, conn: h.conn, timeout: h.d.timeout(), stream: p.stream, stderr: p.stderr, done: make(chan struct{})}
	a.client, a.hello = p.client, p.client.Hello()
	go func() {
		// The exit status is of no interest: Alive and Call notice the end.
		_, _ = p.stream.Wait()
		close(a.done)
	}()
	return a, nil
}

// Agent is one running `gplay agent` on a host, as one user. Calls are one
// framed request and one response on its channel.
type Agent struct {
	host    string
	conn    Conn
	timeout time.Duration
	client  *agent.Client
	hello   agent.Hello
	stream  Stream
	stderr  *stderrWatch
	done    chan struct{}
}

// Hello returns what the agent said when it started (its pid, uid, user).
func (a *Agent) Hello() agent.Hello { return a.hello }

// Alive reports whether the agent's command is still running.
func (a *Agent) Alive() bool {
	select {
	case <-a.done:
		return false
	default:
		return true
	}
}

// Call runs one module request on the agent. When the agent's channel
// ends (the connection dropped, the agent died) the error wraps both
// agent.ErrLost and ErrUnreachable, with the agent's last stderr lines.
//
// While a request runs, the connection is pinged every second: a host cut
// off from the network (no RST, no FIN) is declared lost after the timeout
// instead of when TCP gives up, minutes later; a long task on a healthy
// host is not affected, as sshd itself answers the pings.
func (a *Agent) Call(ctx context.Context, req agent.Request) (module.Result, error) {
	var silent atomic.Bool
	if p, ok := a.conn.(*SSHConn); ok {
		stop := make(chan struct{})
		defer close(stop)
		go watchdog(p, a.timeout, stop, &silent)
	}
	res, err := a.client.Call(ctx, req)
	if err != nil && errors.Is(err, agent.ErrLost) {
		msg := err.Error()
		if silent.Load() {
			msg = fmt.Sprintf("connection lost: no answer from the host for %s (%s)", a.timeout, err)
		}
		if tail := a.stderr.tail(); tail != "" {
			msg += " (agent stderr: " + tail + ")"
		}
		return res, markUnreachable(fmt.Errorf("%s: %w", a.host, lostError{msg: msg}))
	}
	return res, err
}

// watchdog closes c when a keepalive goes unanswered for timeout while a
// request is pending, which ends the agent's channel and so the request.
func watchdog(c *SSHConn, timeout time.Duration, stop <-chan struct{}, silent *atomic.Bool) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if !c.ping(timeout) {
			select {
			case <-stop:
			default:
				silent.Store(true)
				c.dead()
			}
			return
		}
	}
}

// lostError keeps agent.ErrLost in the chain under a longer message.
type lostError struct{ msg string }

func (e lostError) Error() string { return e.msg }
func (e lostError) Unwrap() error { return agent.ErrLost }

// Close ends the agent without waiting for it: its stdin closes, which
// makes it exit, and its channel closes, which sshd turns into EOF and
// SIGHUP-free pipe closes for anything it still runs. Not waiting keeps the
// end of a run free of round trips.
func (a *Agent) Close() error {
	// Errors: the channel may be gone already, which ends the agent too.
	_ = a.client.Close()
	return a.stream.Close()
}

// shCommand runs script with /bin/sh whatever the user's login shell is.
func shCommand(script string) string { return "/bin/sh -c " + shellQuote(script) }
