package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// DefaultServerAliveInterval is used when ssh_config sets no
// ServerAliveInterval: long plays keep their connections through NAT and
// firewalls that drop idle TCP sessions.
const DefaultServerAliveInterval = 30 * time.Second

// maxJumpDepth bounds ProxyJump chains, including jump hosts that have
// their own ProxyJump.
const maxJumpDepth = 8

// Dialer opens SSH connections. The zero value is ready to use; its fields
// must not change after the first Dial. A Dialer caches decrypted private
// keys, so one run should share one Dialer (a Pool does).
type Dialer struct {
	// SSHPath is the OpenSSH client run as "ssh -G" to read the OpenSSH
	// configuration. Empty means "ssh" from PATH when present; "none" makes
	// gplay read ~/.ssh/config and /etc/ssh/ssh_config itself.
	SSHPath string
	// HomeDir replaces the user's home directory for ~ in paths and for the
	// default ~/.ssh files when ssh_config is read without ssh. Empty means
	// $HOME.
	HomeDir string
	// AgentSocket is the ssh-agent socket. Empty means SSH_AUTH_SOCK; "none"
	// disables the agent. IdentityAgent in ssh_config takes precedence.
	AgentSocket string
	// Prompter asks for key passphrases and keyboard-interactive answers;
	// nil when there is no terminal.
	Prompter Prompter
	// SSHConfigCache is the directory where answers of "ssh -G" are kept
	// between runs (see sshGCache). Empty means $XDG_CACHE_HOME/gplay/ssh-G,
	// else ~/.cache/gplay/ssh-G; "none" disables the cache.
	SSHConfigCache string
	// Logf receives debug messages (host, resolved settings, auth methods);
	// nil discards them. It never receives secrets.
	Logf func(format string, args ...any)

	keys     keyCache
	digests  sync.Map   // ssh configuration digests of this run (sshGCache)
	promptMu sync.Mutex // one prompt at a time across parallel dials
}

func (d *Dialer) logf(format string, args ...any) {
	if d.Logf != nil {
		d.Logf(format, args...)
	}
}

func (d *Dialer) resolver() (resolver, error) {
	r := resolver{home: d.HomeDir}
	if r.home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return r, fmt.Errorf("find home directory: %w", err)
		}
		r.home = h
	}
	if u, err := user.Current(); err == nil {
		r.localUser, r.sshHome = u.Username, u.HomeDir
	} else {
		r.localUser = os.Getenv("USER")
	}
	switch d.SSHConfigCache {
	case "none":
	case "":
		if x := os.Getenv("XDG_CACHE_HOME"); filepath.IsAbs(x) {
			r.cache.dir = filepath.Join(x, "gplay", "ssh-G")
		} else {
			r.cache.dir = filepath.Join(r.home, ".cache", "gplay", "ssh-G")
		}
	default:
		r.cache.dir = d.SSHConfigCache
	}
	r.cache.digests = &d.digests
	if r.sshHome == "" {
		r.cache.dir = "" // cannot tell which ~/.ssh/config ssh reads
	}
	switch d.SSHPath {
	case "none":
	case "":
		if p, err := exec.LookPath("ssh"); err == nil {
			r.sshPath = p
		}
	default:
		r.sshPath = d.SSHPath
	}
	return r, nil
}

// targetArgs turns a Target into ssh command-line options in the order
// Ansible's ssh plugin builds its command (plugins/connection/ssh.py
// _build_command): host key checking, port, private key, user, then the
// common and extra args. For most options the first value wins, so inventory
// values beat both --ssh-common-args and ssh_config.
func targetArgs(t Target) (sshArgs, error) {
	var a sshArgs
	if t.NoHostKeyChecking {
		a.Options = append(a.Options, sshOption{"stricthostkeychecking", "no"})
	}
	if t.Port != 0 {
		a.Options = append(a.Options, sshOption{"port", strconv.Itoa(t.Port)})
	}
	for _, f := range t.IdentityFiles {
		a.Options = append(a.Options, sshOption{"identityfile", f})
	}
	if t.User != "" {
		a.Options = append(a.Options, sshOption{"user", t.User})
	}
	for _, s := range []struct{ name, val string }{{"ssh_common_args", t.CommonArgs}, {"ssh_extra_args", t.ExtraArgs}} {
		words, err := splitShell(s.val)
		if err != nil {
			return a, fmt.Errorf("%s: %w", s.name, err)
		}
		more, err := parseSSHArgs(words)
		if err != nil {
			return a, fmt.Errorf("%s: %w", s.name, err)
		}
		a.Options = append(a.Options, more.Options...)
		if a.ConfigFile == "" {
			a.ConfigFile = more.ConfigFile
		}
	}
	return a, nil
}

// Dial connects to the target and returns a connection the caller owns.
// Failures to connect or authenticate wrap ErrUnreachable; invalid settings
// are ordinary errors.
func (d *Dialer) Dial(ctx context.Context, t Target) (Conn, error) {
	local, err := isLocal(t.Connection)
	if err != nil {
		return nil, err
	}
	if local {
		return Local{}, nil
	}
	return d.DialSSH(ctx, t)
}

// isLocal maps ansible_connection to a transport. "smart" and paramiko mean
// SSH to Ansible too; gplay has one SSH implementation for all of them.
func isLocal(connection string) (bool, error) {
	switch strings.TrimPrefix(connection, "ansible.builtin.") {
	case "local":
		return true, nil
	case "", "ssh", "smart", "paramiko", "paramiko_ssh":
		return false, nil
	}
	return false, fmt.Errorf("connection type %q is not supported (want ssh or local)", connection)
}

// DialSSH is Dial for SSH targets.
func (d *Dialer) DialSSH(ctx context.Context, t Target) (*SSHConn, error) {
	host := t.Host
	if host == "" {
		host = t.Name
	}
	if host == "" {
		return nil, errors.New("ssh target has no host")
	}
	args, err := targetArgs(t)
	if err != nil {
		return nil, err
	}
	r, err := d.resolver()
	if err != nil {
		return nil, err
	}
	hc, err := r.resolve(ctx, host, args)
	if err != nil {
		return nil, err
	}
	d.logf("ssh %s: %s@%s port %d, proxyjump %q, proxycommand %q, host key checking %s, known hosts %v",
		host, hc.User, hc.HostName, hc.Port, hc.ProxyJump, hc.ProxyCommand, hc.StrictHostKeyChecking, hc.UserKnownHostsFiles)
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = hc.ConnectTimeout
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	explicit := map[string]bool{}
	for _, o := range args.Options {
		if o.Key == "identityfile" {
			explicit[r.expand(o.Value, hc)] = true
		}
	}
	// Jump hosts inherit the command-line options that are not about the
	// target itself (known_hosts files, StrictHostKeyChecking, identities),
	// so an inventory's ssh args apply to the whole path.
	var inherit []sshOption
	for _, o := range args.Options {
		switch o.Key {
		case "hostname", "port", "user", "proxyjump", "proxycommand", "hostkeyalias":
		default:
			inherit = append(inherit, o)
		}
	}
	p := &dialPlan{d: d, r: r, timeout: timeout, inherit: inherit, configFile: args.ConfigFile}
	client, closers, err := p.connect(ctx, hc, explicit, t.Password, nil, 0)
	if err != nil {
		return nil, err
	}
	c := &SSHConn{
		client:  client,
		closers: closers,
		desc:    fmt.Sprintf("%s@%s", hc.User, net.JoinHostPort(hc.HostName, strconv.Itoa(hc.Port))),
		user:    hc.User,
		done:    make(chan struct{}),
		slots:   make(chan struct{}, maxSessions),
	}
	go func() {
		// Wait returns when the transport ends, for whatever reason; the
		// reason is reported by the operation that notices.
		_ = client.Wait()
		close(c.done)
	}()
	interval := hc.ServerAliveInterval
	if interval <= 0 {
		interval = DefaultServerAliveInterval
	}
	go c.keepalive(interval, max(hc.ServerAliveCountMax, 1))
	return c, nil
}

// dialPlan carries what every hop of one Dial shares.
type dialPlan struct {
	d          *Dialer
	r          resolver
	timeout    time.Duration
	inherit    []sshOption
	configFile string
}

// connect opens an authenticated SSH client to hc: through via when given,
// else through hc's ProxyJump hosts or ProxyCommand, else over TCP. closers
// release what the client depends on (jump clients, proxy processes), in
// order.
func (p *dialPlan) connect(ctx context.Context, hc *hostConfig, explicit map[string]bool, password string, via *ssh.Client, depth int) (*ssh.Client, []io.Closer, error) {
	addr := net.JoinHostPort(hc.HostName, strconv.Itoa(hc.Port))
	p.d.logf("ssh: connecting to %s@%s (alias %s)", hc.User, addr, hc.Alias)
	var closers []io.Closer
	fail := func(err error) (*ssh.Client, []io.Closer, error) {
		closeAll(closers)
		return nil, nil, err
	}

	if via == nil && hc.ProxyJump != "" && hc.ProxyJump != "none" {
		if depth >= maxJumpDepth {
			return fail(fmt.Errorf("ProxyJump chain deeper than %d hosts at %s", maxJumpDepth, hc.Alias))
		}
		for _, spec := range strings.Split(hc.ProxyJump, ",") {
			hop, err := p.resolveHop(ctx, spec)
			if err != nil {
				return fail(err)
			}
			// Hops after the first are reached through the previous one;
			// the first may have its own ProxyJump or ProxyCommand.
			c, cl, err := p.connect(ctx, hop, nil, "", via, depth+1)
			if err != nil {
				return fail(fmt.Errorf("jump host %s: %w", spec, err))
			}
			closers = append(cl, closers...)
			closers = append([]io.Closer{c}, closers...)
			via = c
		}
	}

	var conn net.Conn
	var proxy *proxyProcess
	var err error
	switch {
	case via != nil:
		dctx, cancel := context.WithTimeout(ctx, p.timeout)
		conn, err = via.DialContext(dctx, "tcp", addr)
		cancel()
		if err != nil {
			err = fmt.Errorf("connect to %s through jump host: %w", addr, err)
		}
	case hc.ProxyCommand != "" && hc.ProxyCommand != "none":
		proxy, err = startProxyCommand(p.r.expand(hc.ProxyCommand, hc))
		if err == nil {
			conn = proxy.conn
			closers = append([]io.Closer{proxy}, closers...)
		}
	default:
		nd := net.Dialer{Timeout: p.timeout}
		conn, err = nd.DialContext(ctx, "tcp", addr)
		if err != nil {
			err = fmt.Errorf("connect to %s: %w", addr, err)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			// A cancelled run is not an unreachable host.
			return fail(fmt.Errorf("connect to %s: %w", addr, context.Cause(ctx)))
		}
		return fail(markUnreachable(err))
	}

	checker, err := newHostKeyChecker(hc, hc.StrictHostKeyChecking == "no")
	if err != nil {
		// Closing an unused connection reports nothing useful.
		_ = conn.Close()
		return fail(err)
	}
	guard := newHandshakeGuard(conn, p.timeout)
	if p.d.Prompter != nil && !hc.BatchMode {
		checker.ask = func(question string) (string, error) {
			guard.pause()
			defer guard.resume()
			p.d.promptMu.Lock()
			defer p.d.promptMu.Unlock()
			return p.d.Prompter.Prompt(ctx, question, true)
		}
	}
	auth := &authenticator{d: p.d, hc: hc, explicit: explicit, password: password, guard: guard, ctx: ctx}
	defer auth.close()
	cfg := &ssh.ClientConfig{
		User:              hc.User,
		Auth:              auth.methods(),
		HostKeyCallback:   checker.callback,
		HostKeyAlgorithms: checker.algorithms(),
		BannerCallback:    func(string) error { return nil },
	}
	stop := context.AfterFunc(ctx, func() { guard.abort() })
	p.d.logf("ssh %s: authenticating as %s with %d methods", addr, hc.User, len(cfg.Auth))
	sc, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if !stop() && err == nil {
		// Cancelled just as the handshake finished: the abort may have
		// closed the connection under the new client.
		_ = sc.Close()
		err = context.Cause(ctx)
	}
	timedOut := guard.finish()
	if err != nil {
		// The handshake error says more than the close.
		_ = conn.Close()
		var hke *HostKeyError
		switch {
		case errors.As(err, &hke):
			return fail(hke)
		case timedOut:
			err = fmt.Errorf("ssh handshake with %s timed out after %s", addr, p.timeout)
		case ctx.Err() != nil:
			// Cancelled, not unreachable.
			return fail(fmt.Errorf("ssh handshake with %s: %w", addr, context.Cause(ctx)))
		case strings.Contains(err.Error(), "unable to authenticate"):
			err = fmt.Errorf("ssh authentication as %s to %s failed (%s): %w", hc.User, addr, auth.describe(), err)
		default:
			err = fmt.Errorf("ssh handshake with %s: %w", addr, err)
		}
		if proxy != nil {
			err = fmt.Errorf("%w%s", err, proxy.failure())
		}
		return fail(markUnreachable(err))
	}
	return ssh.NewClient(sc, chans, reqs), closers, nil
}

// resolveHop reads the OpenSSH configuration of one ProxyJump entry:
// [user@]host[:port] or ssh://[user@]host[:port].
func (p *dialPlan) resolveHop(ctx context.Context, spec string) (*hostConfig, error) {
	s := strings.TrimPrefix(strings.TrimSpace(spec), "ssh://")
	var opts []sshOption
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		opts = append(opts, sshOption{"user", s[:i]})
		s = s[i+1:]
	}
	host := s
	if h, port, err := net.SplitHostPort(s); err == nil {
		host = h
		opts = append(opts, sshOption{"port", port})
	}
	if host == "" {
		return nil, fmt.Errorf("bad ProxyJump entry %q", spec)
	}
	opts = append(opts, p.inherit...)
	return p.r.resolve(ctx, host, sshArgs{Options: opts, ConfigFile: p.configFile})
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		// Teardown after a failure or on Close: the first error is not
		// actionable and later closers must still run.
		_ = c.Close()
	}
}

// handshakeGuard closes the connection when the handshake takes longer than
// the timeout. x/crypto's ClientConfig.Timeout covers only the TCP dial, and
// a server that accepts but never speaks would hang the run. Closing works
// for every transport (TCP, proxy pipes, jump channels), unlike deadlines.
// The clock stops while the user is being prompted.
type handshakeGuard struct {
	mu      sync.Mutex
	conn    net.Conn
	timeout time.Duration
	timer   *time.Timer
	fired   bool
	done    bool
}

func newHandshakeGuard(conn net.Conn, timeout time.Duration) *handshakeGuard {
	g := &handshakeGuard{conn: conn, timeout: timeout}
	g.timer = time.AfterFunc(timeout, g.expire)
	return g
}

func (g *handshakeGuard) expire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return
	}
	g.fired = true
	// The handshake sees the closed connection and fails.
	_ = g.conn.Close()
}

func (g *handshakeGuard) abort() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.done {
		_ = g.conn.Close()
	}
}

func (g *handshakeGuard) pause() { g.timer.Stop() }

func (g *handshakeGuard) resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.done && !g.fired {
		g.timer.Reset(g.timeout)
	}
}

// finish stops the guard and reports whether it fired.
func (g *handshakeGuard) finish() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done = true
	g.timer.Stop()
	return g.fired
}

// proxyProcess is a ProxyCommand connected through a socket pair, the way
// ssh runs it: the command's stdin and stdout are one end, gplay's net.Conn
// the other.
type proxyProcess struct {
	conn    net.Conn
	cmd     *exec.Cmd
	stderr  *tailBuffer
	exited  chan struct{}
	closeMu sync.Once
}

func startProxyCommand(command string) (*proxyProcess, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("proxy command: socketpair: %w", err)
	}
	ours := os.NewFile(uintptr(fds[0]), "proxycommand")
	theirs := os.NewFile(uintptr(fds[1]), "proxycommand-child")
	defer theirs.Close()
	defer ours.Close()
	p := &proxyProcess{stderr: &tailBuffer{max: 4096}, exited: make(chan struct{})}
	// As ssh does: exec through /bin/sh so the proxy replaces the shell.
	p.cmd = exec.Command("/bin/sh", "-c", "exec "+command)
	p.cmd.Stdin = theirs
	p.cmd.Stdout = theirs
	p.cmd.Stderr = p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return nil, markUnreachable(fmt.Errorf("start proxy command %q: %w", command, err))
	}
	go func() {
		// The exit status is reported through failure().
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	p.conn, err = net.FileConn(ours)
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("proxy command: %w", err)
	}
	return p, nil
}

// failure describes how the proxy command ended, for handshake errors.
func (p *proxyProcess) failure() string {
	select {
	case <-p.exited:
	case <-time.After(time.Second):
		return ""
	}
	msg := "; proxy command " + p.cmd.ProcessState.String()
	if s := strings.TrimSpace(p.stderr.String()); s != "" {
		msg += ": " + s
	}
	return msg
}

func (p *proxyProcess) kill() {
	// Kill the process group: the proxy may have children (sh -c, nc).
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

func (p *proxyProcess) Close() error {
	p.closeMu.Do(func() {
		_ = p.conn.Close()
		select {
		case <-p.exited:
		case <-time.After(2 * time.Second):
			p.kill()
		}
	})
	return nil
}

// tailBuffer keeps the last max bytes written, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
