package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gplay/connection"
	"gplay/engine"
	"gplay/module"
	"gplay/pyval"
)

// sshConnector is the engine's Connector for SSH hosts: it turns a host's
// connection variables and the command-line defaults into a
// connection.Target, keeps one pooled connection per host, and runs each
// module request as one round trip to the host's agent (one agent per
// become user and method).
type sshConnector struct {
	defaults  sshDefaults
	pool      *connection.Pool
	deployer  *connection.AgentDeployer
	secretErr error // reading -k/-K passwords failed; every host fails with it
}

// sshDefaults are the command-line and ansible.cfg values that inventory
// variables override, as with Ansible's connection options (variables win
// over keywords and flags).
type sshDefaults struct {
	user, privateKey, commonArgs, extraArgs string
	timeout                                 time.Duration
	hostKeyChecking                         bool
	// connPassword and becomePassword come from -k/--connection-password-file
	// and -K/--become-password-file. Secrets: never logged or shown.
	connPassword, becomePassword string
}

// newSSHConnector builds the SSH connector for a run from the playbook
// options and ansible.cfg. Password prompts (-k, -K) happen here, before
// the run starts; a failure to read a password fails every SSH host with
// the reason. At -vvv the agent upload and start times are printed once per
// host, at -vvvv also how each connection is made.
func newSSHConnector(o *playbookOptions, cfg ansibleCfg) engine.Connector {
	return newSSHConnectorWithAgent(o, cfg, "")
}

// newSSHConnectorWithAgent is newSSHConnector with another agent binary
// than this executable (tests run a built gplay).
func newSSHConnectorWithAgent(o *playbookOptions, cfg ansibleCfg, agentBinary string) *sshConnector {
	c := &sshConnector{defaults: sshDefaults{
		user: o.User, privateKey: o.PrivateKey, commonArgs: o.SSHCommonArgs, extraArgs: o.SSHExtraArgs,
		timeout: time.Duration(o.Timeout) * time.Second, hostKeyChecking: hostKeyChecking(cfg),
	}}
	d := &connection.Dialer{}
	var prompter *connection.TerminalPrompter
	if p, err := connection.NewTerminalPrompter(); err == nil {
		prompter = p
		d.Prompter = p
	}
	if o.passwordsRead {
		c.defaults.connPassword, c.defaults.becomePassword = o.connPassword, o.becomePassword
	} else {
		c.defaults.connPassword, c.defaults.becomePassword, c.secretErr = readPasswords(o, prompter)
	}
	var logMu sync.Mutex
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	c.deployer = &connection.AgentDeployer{Executable: agentBinary, Timeout: c.defaults.timeout}
	c.deployer.Preload()
	if o.Verbosity >= 3 {
		c.deployer.Logf = logf
	}
	if o.Verbosity >= 4 {
		d.Logf = logf
	}
	c.pool = connection.NewPool(d)
	return c
}

// hostKeyChecking is ANSIBLE_HOST_KEY_CHECKING or [defaults]
// host_key_checking; on unless turned off.
func hostKeyChecking(cfg ansibleCfg) bool {
	if v, ok := setting(cfg, "ANSIBLE_HOST_KEY_CHECKING", "defaults", "host_key_checking"); ok {
		return cfgBool(v)
	}
	return true
}

// readPasswords reads the connection and become passwords from their
// files or asks for them, as ansible-playbook's ask_passwords does before
// it loads the inventory. Without a terminal the prompt goes to stderr and
// the answer is a line of stdin (Python's getpass fallback, so
// `echo pw | gplay -K` works); stdin at its end means no password and no
// more questions, as Ansible's EOFError handling: the run goes on and a
// host that needs the password fails there.
func readPasswords(o *playbookOptions, p connection.Prompter) (conn, become string, err error) {
	return readPasswordsFrom(o, p, os.Stdin, os.Stderr)
}

func readPasswordsFrom(o *playbookOptions, p connection.Prompter, stdin io.Reader, stderr io.Writer) (conn, become string, err error) {
	var lines *bufio.Reader // one reader: -k and -K read successive lines
	ask := func(prompt string) (string, error) {
		if p != nil {
			return p.Prompt(context.Background(), prompt, false)
		}
		if lines == nil {
			lines = bufio.NewReader(stdin)
		}
		fmt.Fprint(stderr, "Warning: Password input may be echoed.\n"+prompt)
		line, err := lines.ReadString('\n')
		if line == "" && err != nil {
			return "", io.EOF
		}
		return strings.TrimSuffix(line, "\n"), nil
	}
	switch {
	case o.AskPass:
		conn, err = ask("SSH password: ")
	case o.ConnPassFile != "":
		conn, err = readSecretFile(o.ConnPassFile)
	}
	if errors.Is(err, io.EOF) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	switch {
	case o.AskBecomePass && o.AskPass:
		become, err = ask("BECOME password[defaults to SSH password]: ")
		if become == "" && err == nil {
			become = conn
		}
	case o.AskBecomePass:
		become, err = ask("BECOME password: ")
	case o.BecomePassFile != "":
		become, err = readSecretFile(o.BecomePassFile)
	}
	if errors.Is(err, io.EOF) {
		return conn, "", nil
	}
	if err != nil {
		return "", "", err
	}
	return conn, become, nil
}

// readSecretFile reads a password file as get_password_from_file: "-" is
// stdin, an executable file is run for its output, and the result, without
// surrounding line ends, must not be empty.
func readSecretFile(path string) (string, error) {
	name := path
	if path != "-" {
		// argparse's unfrack_path makes the name absolute
		name, _ = filepath.Abs(path)
	}
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else if fi, serr := os.Stat(path); serr != nil {
		return "", fmt.Errorf("The password file %s was not found", name)
	} else if fi.Mode()&0o111 != 0 && !fi.IsDir() {
		var stderr bytes.Buffer
		cmd := exec.Command(path)
		cmd.Stderr = &stderr
		b, err = cmd.Output()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("The password script %s returned an error (rc=%d): %s", name, ee.ExitCode(), strings.TrimSpace(stderr.String()))
		}
	} else {
		b, err = os.ReadFile(path)
		b = bytes.TrimSpace(b)
	}
	if err != nil {
		// The error names the file, never its content.
		return "", fmt.Errorf("Could not read password file %s: %w", name, err)
	}
	s := strings.Trim(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("Empty password was provided from file (%s)", name)
	}
	return s, nil
}

// Connect implements engine.Connector: it dials the host (or reuses the
// pooled connection) so that an unreachable host is known before its first
// task.
func (c *sshConnector) Connect(ctx context.Context, t engine.Target) (engine.Conn, error) {
	if c.secretErr != nil {
		return nil, c.secretErr
	}
	target, err := c.target(t)
	if err != nil {
		return nil, err
	}
	hc := &sshHostConn{c: c, name: t.Host, target: target, vars: t.Vars}
	if _, err := hc.agents(ctx); err != nil {
		return nil, err
	}
	return hc, nil
}

// target maps a host's connection variables onto a connection.Target.
func (c *sshConnector) target(t engine.Target) (connection.Target, error) {
	v := hostVars{t.Vars}
	tg := connection.Target{
		Name:       t.Host,
		Connection: v.str("ansible_connection"),
		Host:       v.str("ansible_host", "ansible_ssh_host"),
		User:       v.str("ansible_user", "ansible_ssh_user"),
		Password:   v.str("ansible_password", "ansible_ssh_pass", "ansible_ssh_password"),
		CommonArgs: v.str("ansible_ssh_common_args"),
		ExtraArgs:  v.str("ansible_ssh_extra_args"),
		Timeout:    c.defaults.timeout,
	}
	if tg.Host == "" {
		tg.Host = t.Host
	}
	if tg.User == "" {
		tg.User = c.defaults.user
	}
	if tg.Password == "" {
		tg.Password = c.defaults.connPassword
	}
	if !v.has("ansible_ssh_common_args") {
		tg.CommonArgs = c.defaults.commonArgs
	}
	if !v.has("ansible_ssh_extra_args") {
		tg.ExtraArgs = c.defaults.extraArgs
	}
	if k := v.str("ansible_ssh_private_key_file", "ansible_private_key_file"); k != "" {
		tg.IdentityFiles = []string{k}
	} else if c.defaults.privateKey != "" {
		tg.IdentityFiles = []string{c.defaults.privateKey}
	}
	if p := v.str("ansible_port", "ansible_ssh_port"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return tg, fmt.Errorf("invalid ansible_port %q for %s", p, t.Host)
		}
		tg.Port = n
	}
	if s := v.str("ansible_timeout", "ansible_ssh_timeout"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return tg, fmt.Errorf("invalid ansible_timeout %q for %s", s, t.Host)
		}
		tg.Timeout = time.Duration(n) * time.Second
	}
	check := c.defaults.hostKeyChecking
	if s := v.str("ansible_host_key_checking", "ansible_ssh_host_key_checking"); s != "" {
		check = cfgBool(s)
	}
	tg.NoHostKeyChecking = !check
	return tg, nil
}

// hostVars reads connection variables, which may be strings, ints or
// booleans in the inventory.
type hostVars struct{ d *pyval.Dict }

func (h hostVars) has(names ...string) bool {
	if h.d == nil {
		return false
	}
	for _, n := range names {
		if v, ok := h.d.Get(n); ok && v != nil {
			return true
		}
	}
	return false
}

func (h hostVars) str(names ...string) string {
	if h.d == nil {
		return ""
	}
	for _, n := range names {
		if v, ok := h.d.Get(n); ok && v != nil {
			return pyval.Str(v)
		}
	}
	return ""
}

// sshHostConn is one host's engine.Conn. The engine keeps it for the whole
// run; when the pooled connection died since the last task, the next task
// dials again (as Ansible does per task) and starts fresh agents.
type sshHostConn struct {
	c      *sshConnector
	name   string
	target connection.Target
	vars   *pyval.Dict

	mu   sync.Mutex
	conn connection.Conn
	ha   *connection.HostAgents
}

func (h *sshHostConn) agents(ctx context.Context) (*connection.HostAgents, error) {
	conn, err := h.c.pool.Get(ctx, h.target)
	if err != nil {
		return nil, engineError(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ha == nil || h.conn != conn {
		if h.ha != nil {
			// The old connection is gone; its agents went with it.
			_ = h.ha.Close()
		}
		h.conn, h.ha = conn, h.c.deployer.Host(h.name, conn)
	}
	return h.ha, nil
}

// become resolves a request's become settings: ansible_become* variables
// win over the task's keywords and the command line, as in Ansible.
func (h *sshHostConn) become(req engine.Request) connection.Become {
	v := hostVars{h.vars}
	b := connection.Become{Enabled: req.Become, Method: req.BecomeMethod, User: req.BecomeUser}
	if s := v.str("ansible_become"); s != "" {
		b.Enabled = cfgBool(s)
	}
	if s := v.str("ansible_become_method"); s != "" {
		b.Method = s
	}
	if s := v.str("ansible_become_user"); s != "" {
		b.User = s
	}
	if !b.Enabled {
		return connection.Become{}
	}
	b.Password = v.str("ansible_become_password", "ansible_become_pass")
	if b.Password == "" {
		b.Password = h.c.defaults.becomePassword
	}
	return b
}

// RunModule implements engine.Conn: one request to the host's agent for
// the request's become settings.
func (h *sshHostConn) RunModule(ctx context.Context, req engine.Request) (module.Result, error) {
	ha, err := h.agents(ctx)
	if err != nil {
		return module.Result{}, err
	}
	a, err := ha.Agent(ctx, h.become(req))
	if err != nil {
		return module.Result{}, engineError(err)
	}
	res, err := a.Call(ctx, req.Request)
	return res, engineError(err)
}

// Close implements engine.Conn: the agents end, then the connection.
func (h *sshHostConn) Close() error {
	h.mu.Lock()
	ha, conn := h.ha, h.conn
	h.ha, h.conn = nil, nil
	h.mu.Unlock()
	if ha != nil {
		// Agents that fail to stop are killed with their connection.
		_ = ha.Close()
	}
	if conn != nil {
		return conn.Close()
	}
	return nil
}

// engineError marks connection failures as engine.ErrUnreachable, keeping
// the message (Ansible's UNREACHABLE msg is the ssh error).
func engineError(err error) error {
	if err != nil && errors.Is(err, connection.ErrUnreachable) && !errors.Is(err, engine.ErrUnreachable) {
		return &unreachableError{err}
	}
	return err
}

type unreachableError struct{ err error }

func (u *unreachableError) Error() string { return u.err.Error() }
func (u *unreachableError) Unwrap() []error {
	return []error{u.err, engine.ErrUnreachable}
}
