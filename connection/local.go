package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Local runs commands on this machine (ansible_connection=local) with the
// same contract as SSHConn: /bin/sh -c, exit status as data, cancellation
// kills the whole process group.
type Local struct{}

var _ Conn = Local{}

func localCommand(ctx context.Context, cmd string) *exec.Cmd {
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	// A process group of its own, so cancellation reaches the children the
	// shell started, as killpg does for SSH sessions.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	// Children that keep stdout open must not block Wait forever.
	c.WaitDelay = 5 * time.Second
	return c
}

func localExit(ctx context.Context, err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	if ctx.Err() != nil {
		return -1, fmt.Errorf("local command cancelled: %w", context.Cause(ctx))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return -1, fmt.Errorf("local command: %w", err)
}

// Exec implements Conn.
func (Local) Exec(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	c := localCommand(ctx, cmd)
	c.Stdin, c.Stdout, c.Stderr = stdin, stdout, stderr
	return localExit(ctx, c.Run())
}

// Open implements Conn.
func (Local) Open(ctx context.Context, cmd string, stderr io.Writer) (Stream, error) {
	c := localCommand(ctx, cmd)
	c.Stderr = stderr
	in, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("start local command: %w", err)
	}
	return &localStream{ctx: ctx, cmd: c, stdin: in, stdout: out, waited: make(chan struct{})}, nil
}

type localStream struct {
	ctx    context.Context
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.Reader
	waited chan struct{}
	code   int
	err    error
	once   sync.Once
}

func (s *localStream) Stdin() io.WriteCloser { return s.stdin }
func (s *localStream) Stdout() io.Reader     { return s.stdout }

func (s *localStream) Wait() (int, error) {
	s.once.Do(func() {
		s.code, s.err = localExit(s.ctx, s.cmd.Wait())
		close(s.waited)
	})
	return s.code, s.err
}

func (s *localStream) Close() error {
	select {
	case <-s.waited:
		return nil
	default:
	}
	// Kill errors mean the process is already gone; Wait reaps it.
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	_, _ = s.Wait()
	return nil
}

// Put implements Conn: a temporary file in dst's directory renamed over dst.
func (Local) Put(ctx context.Context, dst string, content io.Reader, mode fs.FileMode) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".gplay-tmp-")
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err := io.Copy(f, content); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	if err := f.Chmod(mode.Perm()); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	ok = true
	return nil
}

// Close implements Conn; a Local connection holds nothing.
func (Local) Close() error { return nil }
