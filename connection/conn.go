package connection

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"time"
)

// ErrUnreachable classifies failures to reach or log in to a host: DNS,
// TCP, proxy, handshake, host key and authentication failures, and a
// connection lost while a command runs. The engine reports such a host as
// UNREACHABLE (exit code 4) instead of FAILED. Test with errors.Is.
var ErrUnreachable = errors.New("host unreachable")

// unreachable marks err as an ErrUnreachable without changing its text.
type unreachable struct{ err error }

func (u *unreachable) Error() string        { return u.err.Error() }
func (u *unreachable) Unwrap() error        { return u.err }
func (u *unreachable) Is(target error) bool { return target == ErrUnreachable }

func markUnreachable(err error) error {
	if err == nil || errors.Is(err, ErrUnreachable) {
		return err
	}
	return &unreachable{err}
}

// Conn runs commands on one host. The engine and the agent protocol client
// call it; all methods are safe for concurrent use, each Exec or Open using
// its own session (OpenSSH's sshd allows MaxSessions, default 10, at once).
type Conn interface {
	// Exec runs cmd through the login shell of the remote user (sh -c for
	// Local) and waits for it. stdin may be nil; otherwise it is copied to
	// the command until EOF and then closed. stdout and stderr may be nil to
	// discard. A command that ran returns its exit status (128+n when killed
	// by signal n) and a nil error; err is set only when the command could not
	// be run or waited for (wrapping ErrUnreachable when the connection
	// failed) or ctx ended, in which case the remote command is killed and
	// exitCode is -1.
	Exec(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) (exitCode int, err error)

	// Open starts cmd as a long-lived process with pipes, for the agent
	// protocol. stderr receives the command's standard error (nil discards
	// it). Cancelling ctx, or Stream.Close, kills the command.
	Open(ctx context.Context, cmd string, stderr io.Writer) (Stream, error)

	// Put writes content to the file dst on the host, atomically (a
	// temporary file in the same directory, then a rename), with the given
	// permission bits.
	Put(ctx context.Context, dst string, content io.Reader, mode fs.FileMode) error

	// Close ends the connection. Commands still running are killed.
	Close() error
}

// Stream is a running command started by Conn.Open.
type Stream interface {
	// Stdin is the command's standard input; closing it sends EOF.
	Stdin() io.WriteCloser
	// Stdout is the command's standard output. It must be read, or the
	// command blocks once the transport's window is full.
	Stdout() io.Reader
	// Wait waits for the command to exit and returns its exit status, as
	// Conn.Exec does.
	Wait() (exitCode int, err error)
	// Close kills the command if it still runs and releases the session.
	Close() error
}

// Prompter asks the user for a secret or an answer, for encrypted private
// keys and keyboard-interactive questions that no configured password
// answers. A Dialer calls it from one goroutine at a time. Without a
// Prompter (no terminal) such keys and questions fail with a clear message.
type Prompter interface {
	Prompt(ctx context.Context, prompt string, echo bool) (string, error)
}

// DefaultTimeout is Ansible's default connection timeout (the timeout setting,
// -T): it bounds the TCP connect and the SSH handshake.
const DefaultTimeout = 10 * time.Second

// Target describes how to reach one host, from inventory variables and
// command-line flags. Zero values mean "not set": OpenSSH configuration or
// the defaults then apply, as with Ansible's ssh connection plugin.
type Target struct {
	// Name is the inventory hostname, used in messages only.
	Name string
	// Connection is "ssh" (the default when empty) or "local"
	// (ansible_connection).
	Connection string
	// Host is what ssh is asked to connect to (ansible_host, else the
	// inventory hostname); ssh_config Host blocks match against it.
	Host string
	// Port overrides the ssh_config Port (ansible_port).
	Port int
	// User overrides the ssh_config User (ansible_user, -u).
	User string
	// IdentityFiles are tried before ssh_config IdentityFile entries
	// (--private-key, ansible_ssh_private_key_file).
	IdentityFiles []string
	// Password is used for password and keyboard-interactive authentication
	// (ansible_password, -k, --connection-password-file). It is a secret: it
	// never reaches argv, the environment, logs or error text.
	Password string
	// CommonArgs and ExtraArgs are OpenSSH command-line options
	// (ansible_ssh_common_args / --ssh-common-args and ansible_ssh_extra_args /
	// --ssh-extra-args), split shell-style. Supported: -o Key=Value,
	// -J, -i, -p, -l, -F; other flags are ignored.
	CommonArgs string
	ExtraArgs  string
	// NoHostKeyChecking disables host key verification
	// (host_key_checking=False, ANSIBLE_HOST_KEY_CHECKING=False).
	NoHostKeyChecking bool
	// Timeout bounds the TCP connect and the SSH handshake (-T, timeout).
	// Zero means ssh_config ConnectTimeout, else DefaultTimeout.
	Timeout time.Duration
	// Become holds privilege escalation settings for commands run through
	// this target.
	Become Become
}

// Become is privilege escalation for an agent (become, become_method,
// become_user, become_password). The agent itself runs as the become user,
// so the password is given once per host, user and method in a run.
type Become struct {
	Enabled bool
	// Method is "sudo" (the default) or "su".
	Method string
	// User is the user to become; empty means root.
	User string
	// Password answers the sudo or su prompt. It is a secret: it is
	// written to the command's stdin only after the prompt appeared, and
	// never reaches argv, the environment, logs or error text.
	Password string
}
