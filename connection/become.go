package connection

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"gplay/agent"
)

// key identifies the agent a Become needs. The password is not part of
// it: an agent that runs as the user needs no password any more.
func (b Become) key() string {
	if !b.Enabled {
		return ""
	}
	return b.Method + "\x00" + b.User
}

// describe names the user commands run as, for messages.
func (b Become) describe(login string) string {
	if !b.Enabled {
		return login
	}
	return b.User + " (" + b.Method + ")"
}

// becomeCommand wraps the sh script in the become method, as Ansible's
// become plugins do (plugins/become/sudo.py, su.py). sudo gets -n when
// there is no password, so a rule that needs one fails at once instead of
// waiting; with a password, -S reads it from stdin and -p sets a random
// prompt that cannot be confused with anything the command prints.
//
// args are appended to the sh command line unquoted, so the login user's
// shell expands them (the login user's $HOME for a become user's script).
func becomeCommand(b Become, script, args, marker string) (string, error) {
	inner := shCommand(script)
	if args != "" {
		inner += " gplay " + args
	}
	if !b.Enabled {
		return inner, nil
	}
	switch b.Method {
	case "sudo":
		if b.Password == "" {
			return "sudo -H -S -n -u " + shellQuote(b.User) + " " + inner, nil
		}
		return "sudo -H -S -p " + shellQuote(marker) + " -u " + shellQuote(b.User) + " " + inner, nil
	case "su":
		// su runs the command with the user's shell; su reads the password
		// from stdin when there is no terminal (util-linux).
		return "su " + shellQuote(b.User) + " -c " + shellQuote(inner), nil
	}
	return "", fmt.Errorf("become method %q is not supported (want sudo or su)", b.Method)
}

// genericPrompt matches a password prompt that is not our marker: su's
// "Password: ", sudo-rs' "[sudo: authenticate] Password: ", a localized
// sudo. Only an unterminated last line counts, as prompts end without a
// newline.
var genericPrompt = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(password|passwort|mot de passe|contraseña)[^\n]*:\s*$`)
})

// Messages as Ansible words them (plugins/connection/ssh.py: "Incorrect
// %s password", "Missing %s password"; "Timeout (%ds) waiting for
// privilege escalation prompt").
var (
	incorrectPassword = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)sorry, try again|incorrect password|authentication failure|authentication failed`)
	})
	missingPassword = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)a password is required|a terminal is required|no askpass program`)
	})
)

// stderrWatch collects a command's stderr: it reports password prompts
// while the command starts and keeps the last lines for error messages.
type stderrWatch struct {
	mu       sync.Mutex
	buf      []byte
	scanFrom int
	marker   string
	secret   string
	watching bool
	prompts  chan struct{}
}

func newStderrWatch(marker, secret string) *stderrWatch {
	return &stderrWatch{marker: marker, secret: secret, watching: true, prompts: make(chan struct{}, 8)}
}

func (w *stderrWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if w.watching {
		for {
			rest := w.buf[w.scanFrom:]
			if w.marker != "" {
				if i := bytes.Index(rest, []byte(w.marker)); i >= 0 {
					w.scanFrom += i + len(w.marker)
					w.signal()
					continue
				}
			}
			if genericPrompt().Match(rest[bytes.LastIndexByte(rest, '\n')+1:]) {
				w.scanFrom = len(w.buf)
				w.signal()
			}
			break
		}
	}
	// Keep the last 8 KB: enough for a panic's first lines.
	if len(w.buf) > 64<<10 {
		drop := len(w.buf) - 8<<10
		w.buf = append([]byte(nil), w.buf[drop:]...)
		w.scanFrom = max(0, w.scanFrom-drop)
	}
	return len(p), nil
}

func (w *stderrWatch) signal() {
	select {
	case w.prompts <- struct{}{}:
	default:
	}
}

// stopWatching ends prompt detection once the agent runs: what it writes
// later is diagnostics, not prompts.
func (w *stderrWatch) stopWatching() {
	w.mu.Lock()
	w.watching = false
	w.mu.Unlock()
}

// text returns everything kept, with the prompt marker and any echo of the
// secret removed.
func (w *stderrWatch) text() string {
	w.mu.Lock()
	s := string(w.buf)
	w.mu.Unlock()
	if w.marker != "" {
		s = strings.ReplaceAll(s, w.marker, "")
	}
	if w.secret != "" {
		s = strings.ReplaceAll(s, w.secret, "********")
	}
	return s
}

// tail returns the last few non-empty lines of stderr, joined by "; ".
func (w *stderrWatch) tail() string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(w.text()))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 6 {
		lines = lines[len(lines)-6:]
	}
	return strings.Join(lines, "; ")
}

// escalated is a command started through escalate, past its become prompt.
type escalated struct {
	stream Stream
	stderr *stderrWatch
	client *agent.Client // set when the command is an agent
}

// readyMark is printed by scripts run through runAs once they run, so that
// their stdin content is sent only after the become prompt is answered.
const readyMark = "gplay-ready\n"

// escalate starts script as b and answers the become prompt. With content
// nil the script must become an agent: escalate returns once its hello
// arrived. Otherwise the script must print readyMark first; escalate then
// streams content to its stdin and waits for it to exit successfully.
//
// The password goes to stdin only after a prompt appeared on stderr, and
// only once: a second prompt means it was wrong, and the command is killed
// at once ("Incorrect sudo password") rather than left waiting. Everything
// is bounded by the deployer's timeout.
func (h *HostAgents) escalate(ctx context.Context, b Become, script, args string, content io.Reader) (*escalated, error) {
	marker := ""
	if b.Enabled && b.Method == "sudo" && b.Password != "" {
		var r [16]byte
		// crypto/rand never fails on Linux.
		_, _ = rand.Read(r[:])
		marker = "[sudo via gplay, key=" + hex.EncodeToString(r[:]) + "] password:"
	}
	if content != nil {
		script = `printf '` + strings.TrimSuffix(readyMark, "\n") + `\n'; ` + script
	}
	cmd, err := becomeCommand(b, script, args, marker)
	if err != nil {
		return nil, err
	}
	w := newStderrWatch(marker, b.Password)
	st, err := h.conn.Open(h.ctx, cmd, w)
	if err != nil {
		return nil, err
	}
	p := &escalated{stream: st, stderr: w}
	fail := func(err error) (*escalated, error) {
		// Killing a command that already ended reports nothing useful.
		_ = st.Close()
		return nil, err
	}
	type started struct {
		c   *agent.Client
		err error
	}
	startc := make(chan started, 1)
	go func() {
		if content == nil {
			c, err := agent.NewClient(st.Stdout(), st.Stdin())
			startc <- started{c, err}
			return
		}
		buf := make([]byte, len(readyMark))
		_, err := io.ReadFull(st.Stdout(), buf)
		if err == nil && string(buf) != readyMark {
			err = fmt.Errorf("unexpected output %q", buf)
		}
		startc <- started{nil, err}
	}()
	timeout := h.d.timeout()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	method := b.Method
	sent := false
	for {
		select {
		case s := <-startc:
			w.stopWatching()
			if s.err != nil {
				return fail(h.startFailure(b, st, w, s.err))
			}
			if content == nil {
				p.client = s.c
				return p, nil
			}
			return p, h.finish(ctx, b, p, content)
		case <-w.prompts:
			if !b.Enabled {
				continue
			}
			if b.Password == "" {
				return fail(fmt.Errorf("Missing %s password", method))
			}
			if sent {
				return fail(fmt.Errorf("Incorrect %s password", method))
			}
			sent = true
			if _, err := io.WriteString(st.Stdin(), b.Password+"\n"); err != nil {
				return fail(h.startFailure(b, st, w, err))
			}
		case <-timer.C:
			what := "the gplay agent to start"
			if b.Enabled {
				what = "privilege escalation prompt"
			}
			return fail(fmt.Errorf("Timeout (%ds) waiting for %s on %s: %s", int(timeout.Seconds()), what, h.name, w.tail()))
		case <-ctx.Done():
			return fail(context.Cause(ctx))
		}
	}
}

// finish streams content to a runAs script and waits for it to succeed.
func (h *HostAgents) finish(ctx context.Context, b Become, p *escalated, content io.Reader) error {
	copyErr := make(chan error, 1)
	go func() {
		_, err := io.Copy(p.stream.Stdin(), content)
		if cerr := p.stream.Stdin().Close(); err == nil {
			err = cerr
		}
		copyErr <- err
	}()
	// Anything the script prints after readyMark is drained, so it never
	// blocks on a full window.
	go func() { _, _ = io.Copy(io.Discard, p.stream.Stdout()) }()
	stop := context.AfterFunc(ctx, func() { _ = p.stream.Close() })
	defer stop()
	code, err := p.stream.Wait()
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("as %s: exit status %d: %s", b.describe("the login user"), code, p.stderr.tail())
	}
	if err := <-copyErr; err != nil {
		return fmt.Errorf("as %s: %w", b.describe("the login user"), err)
	}
	return nil
}

// runAs runs script as b with content on its stdin (see escalate).
func (h *HostAgents) runAs(ctx context.Context, b Become, script string, content io.Reader) error {
	_, err := h.escalate(ctx, b, script, "", content)
	return err
}

// startFailure explains why a command ended before it started properly:
// the agent binary is missing, the become password was missing or wrong,
// the connection dropped, or the command failed for another reason.
func (h *HostAgents) startFailure(b Become, st Stream, w *stderrWatch, cause error) error {
	codec := make(chan struct {
		code int
		err  error
	}, 1)
	go func() {
		c, err := st.Wait()
		codec <- struct {
			code int
			err  error
		}{c, err}
	}()
	code := -1
	select {
	case r := <-codec:
		if r.err != nil {
			return r.err
		}
		code = r.code
	case <-time.After(5 * time.Second):
	}
	text := w.text()
	switch {
	case strings.Contains(text, missingMark):
		return errAgentMissing
	case b.Enabled && missingPassword().MatchString(text):
		return fmt.Errorf("Missing %s password", b.Method)
	case b.Enabled && incorrectPassword().MatchString(text):
		return fmt.Errorf("Incorrect %s password", b.Method)
	}
	if tail := w.tail(); tail != "" {
		return fmt.Errorf("start the gplay agent on %s as %s: exit status %d: %s", h.name, b.describe(h.loginUser), code, tail)
	}
	if errors.Is(cause, agent.ErrLost) || errors.Is(cause, io.EOF) || errors.Is(cause, io.ErrUnexpectedEOF) {
		return fmt.Errorf("start the gplay agent on %s as %s: exit status %d", h.name, b.describe(h.loginUser), code)
	}
	return fmt.Errorf("start the gplay agent on %s as %s: %w", h.name, b.describe(h.loginUser), cause)
}
