package connection

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHConn is an authenticated SSH connection to one host, multiplexing any
// number of commands over one transport.
type SSHConn struct {
	client  *ssh.Client
	closers []io.Closer // jump clients and proxy processes behind client
	desc    string      // user@host:port
	user    string      // the login user
	done    chan struct{}
	slots   chan struct{} // one token per open session, see maxSessions

	closeOnce sync.Once
	closed    atomic.Bool
	closeErr  error
	onClose   func() // set by Pool to forget the connection
}

var _ Conn = (*SSHConn)(nil)

// String returns "user@host:port".
func (c *SSHConn) String() string { return c.desc }

// User returns the user the connection logged in as.
func (c *SSHConn) User() string { return c.user }

// Alive reports whether the transport is still up, as far as is known
// without a round trip.
func (c *SSHConn) Alive() bool {
	if c.closed.Load() {
		return false
	}
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// Close ends the connection and everything it depends on. Commands still
// running are killed by sshd when their channels close.
func (c *SSHConn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		err := c.client.Close()
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
			c.closeErr = err
		}
		closeAll(c.closers)
		if c.onClose != nil {
			c.onClose()
		}
	})
	return c.closeErr
}

// broken reports whether the transport is gone, with one keepalive round
// trip when that is not yet known: a session that ends without an exit
// status may be a dead connection or a misbehaving server.
func (c *SSHConn) broken() bool {
	if !c.Alive() {
		return true
	}
	return !c.ping(5 * time.Second)
}

// lost classifies err: when the transport is gone it is ErrUnreachable, as
// Ansible reports a host whose connection dropped mid-task.
func (c *SSHConn) lost(err error) error {
	if c.broken() {
		c.dead()
		return markUnreachable(fmt.Errorf("connection to %s lost: %w", c.desc, err))
	}
	return err
}

// dead closes a connection found broken, so that a Pool forgets it at once
// instead of handing it out until x/crypto notices the transport is gone.
func (c *SSHConn) dead() {
	// The transport is already gone; closing only releases resources.
	_ = c.Close()
}

// maxSessions bounds the sessions gplay opens at once on one connection,
// below sshd's default MaxSessions of 10.
const maxSessions = 8

// newSession opens a session, waiting for a free slot. sshd frees a slot
// only once both sides closed the previous channel, which happens after
// Session.Close returns, so a refused open is retried for a short while.
func (c *SSHConn) newSession(ctx context.Context) (*ssh.Session, func(), error) {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, context.Cause(ctx)
	}
	release := func() { <-c.slots }
	delay := 10 * time.Millisecond
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := c.client.NewSession()
		if err == nil {
			return s, release, nil
		}
		var oce *ssh.OpenChannelError
		if !errors.As(err, &oce) {
			release()
			c.dead()
			return nil, nil, markUnreachable(fmt.Errorf("open session on %s: %w", c.desc, err))
		}
		if time.Now().After(deadline) {
			release()
			// The server refused (MaxSessions reached, administratively
			// prohibited): the host is reachable.
			return nil, nil, fmt.Errorf("open session on %s: %w", c.desc, err)
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			release()
			return nil, nil, context.Cause(ctx)
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

// Exec implements Conn.
func (c *SSHConn) Exec(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if err := ctx.Err(); err != nil {
		return -1, err
	}
	s, release, err := c.newSession(ctx)
	if err != nil {
		return -1, err
	}
	defer release()
	s.Stdout = stdout
	s.Stderr = stderr
	var in io.WriteCloser
	if stdin != nil {
		// Our own copy, not x/crypto's: Session.Wait would wait for a stdin
		// that never ends even after the command exited.
		if in, err = s.StdinPipe(); err != nil {
			_ = s.Close()
			return -1, err
		}
	}
	if err := s.Start(cmd); err != nil {
		_ = s.Close()
		return -1, c.lost(fmt.Errorf("start command on %s: %w", c.desc, err))
	}
	if in != nil {
		go func() {
			// Ends at EOF of stdin or when the channel closes; write
			// errors just mean the command stopped reading.
			_, _ = io.Copy(in, stdin)
			_ = in.Close()
		}()
	}
	waitc := make(chan error, 1)
	go func() { waitc <- s.Wait() }()
	select {
	case err := <-waitc:
		_ = s.Close()
		return c.exitStatus(err)
	case <-ctx.Done():
		c.kill(s, waitc)
		return -1, fmt.Errorf("command on %s cancelled: %w", c.desc, context.Cause(ctx))
	}
}

// kill stops a remote command: SIGKILL to its process group (sshd's
// session_signal_req uses killpg), then the channel is closed, which also
// ends commands on servers that ignore signal requests once they next
// touch their stdio.
func (c *SSHConn) kill(s *ssh.Session, waitc <-chan error) {
	// Errors: the command may have exited already, or the server refuses.
	_ = s.Signal(ssh.SIGKILL)
	_ = s.Close()
	if waitc != nil {
		select {
		case <-waitc:
		case <-time.After(5 * time.Second):
		}
	}
}

func (c *SSHConn) exitStatus(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *ssh.ExitError
	if errors.As(err, &ee) {
		// ExitStatus is 128+n for a command killed by signal n.
		return ee.ExitStatus(), nil
	}
	var em *ssh.ExitMissingError
	if errors.As(err, &em) {
		return -1, c.lost(fmt.Errorf("command on %s ended without an exit status", c.desc))
	}
	return -1, c.lost(fmt.Errorf("wait for command on %s: %w", c.desc, err))
}

// Open implements Conn.
func (c *SSHConn) Open(ctx context.Context, cmd string, stderr io.Writer) (Stream, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, release, err := c.newSession(ctx)
	if err != nil {
		return nil, err
	}
	s.Stderr = stderr
	st := &sshStream{c: c, s: s, ctx: ctx, release: sync.OnceFunc(release)}
	if st.stdin, err = s.StdinPipe(); err == nil {
		st.stdout, err = s.StdoutPipe()
	}
	if err != nil {
		_ = s.Close()
		st.release()
		return nil, err
	}
	if err := s.Start(cmd); err != nil {
		_ = s.Close()
		st.release()
		return nil, c.lost(fmt.Errorf("start command on %s: %w", c.desc, err))
	}
	st.stop = context.AfterFunc(ctx, func() { c.kill(s, nil) })
	return st, nil
}

type sshStream struct {
	c       *SSHConn
	s       *ssh.Session
	ctx     context.Context
	stdin   io.WriteCloser
	stdout  io.Reader
	stop    func() bool
	release func() // frees the session slot, once

	waitOnce sync.Once
	code     int
	err      error
}

func (st *sshStream) Stdin() io.WriteCloser { return st.stdin }
func (st *sshStream) Stdout() io.Reader     { return st.stdout }

func (st *sshStream) Wait() (int, error) {
	st.waitOnce.Do(func() {
		err := st.s.Wait()
		st.stop()
		_ = st.s.Close()
		st.release()
		if st.ctx.Err() != nil {
			st.code, st.err = -1, fmt.Errorf("command on %s cancelled: %w", st.c.desc, context.Cause(st.ctx))
			return
		}
		st.code, st.err = st.c.exitStatus(err)
	})
	return st.code, st.err
}

func (st *sshStream) Close() error {
	st.stop()
	st.c.kill(st.s, nil)
	st.release()
	return nil
}

// Put implements Conn with one command, so it works wherever a shell does
// (no sftp subsystem needed): the content streams to a temporary file next
// to dst, which is then renamed over it.
func (c *SSHConn) Put(ctx context.Context, dst string, content io.Reader, mode fs.FileMode) error {
	var stderr bytes.Buffer
	code, err := c.Exec(ctx, putCommand(dst, mode), content, nil, &stderr)
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	if code != 0 {
		return fmt.Errorf("upload %s: exit status %d: %s", dst, code, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func putCommand(dst string, mode fs.FileMode) string {
	var b [6]byte
	// crypto/rand never fails on Linux.
	_, _ = rand.Read(b[:])
	tmp := shellQuote(dst + ".gplay-tmp-" + hex.EncodeToString(b[:]))
	return fmt.Sprintf("umask 077 && cat > %[1]s && chmod %04[2]o %[1]s && mv -f %[1]s %[3]s || { rc=$?; rm -f %[1]s; exit $rc; }",
		tmp, mode.Perm(), shellQuote(dst))
}

// ping sends an OpenSSH keepalive request and reports whether the server
// answered in time. OpenSSH answers with a failure reply; any reply counts.
func (c *SSHConn) ping(timeout time.Duration) bool {
	res := make(chan error, 1)
	go func() {
		_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
		res <- err
	}()
	select {
	case err := <-res:
		return err == nil
	case <-c.done:
		return false
	case <-time.After(timeout):
		return false
	}
}

// keepalive pings every interval and closes the connection after maxMissed
// unanswered pings, like ServerAliveInterval and ServerAliveCountMax.
func (c *SSHConn) keepalive(interval time.Duration, maxMissed int) {
	t := time.NewTicker(interval)
	defer t.Stop()
	missed := 0
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		if c.ping(interval) {
			missed = 0
			continue
		}
		missed++
		if missed >= maxMissed {
			// The transport is dead; Wait in DialSSH notices the close.
			_ = c.client.Close()
			return
		}
	}
}
