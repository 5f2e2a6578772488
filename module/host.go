package module

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Host is the target as a module sees it. Every change a module makes goes
// through a mutating method, so that under check mode the read-only Host
// (ReadOnly) can refuse it with ErrCheckMode. Reads may also go straight to
// the OS (setup reads /proc), since modules always run on the target.
//
// Paths are absolute paths on the target.
type Host interface {
	// Observing: always allowed.
	Stat(name string) (fs.FileInfo, error)
	Lstat(name string) (fs.FileInfo, error)
	ReadFile(name string) ([]byte, error)
	Open(name string) (fs.File, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	Readlink(name string) (string, error)
	// Attrs reads name's inode flags and generation as `lsattr -vd` shows
	// them: the flag letters in lsattr's order (no dashes) and the version
	// in decimal. Like lsattr it fails for anything but a regular file or
	// a directory, and on filesystems without flags.
	Attrs(name string) (version, flags string, err error)
	// Query runs a command that does not change the host (dpkg-query,
	// systemctl show, apt-get -s); it runs under check too.
	Query(ctx context.Context, c Cmd) (CmdResult, error)

	// Changing: refused under check with an error wrapping ErrCheckMode.
	//
	// WriteFile replaces name atomically: a temporary file in the same
	// directory, written, synced, given the old file's mode and owner (or
	// perm for a new file), then renamed over name. A reader never sees a
	// half-written file.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	Mkdir(name string, perm fs.FileMode) error
	Remove(name string) error
	RemoveAll(name string) error
	Symlink(target, name string) error
	Link(oldname, newname string) error
	Rename(oldname, newname string) error
	Chmod(name string, mode fs.FileMode) error
	// Lchown changes the owner of name itself (not a symlink's target);
	// -1 keeps a value.
	Lchown(name string, uid, gid int) error
	// Chtimes sets the access and modification times of name itself (not a
	// symlink's target).
	Chtimes(name string, atime, mtime time.Time) error
	// Exec runs a command that may change the host.
	Exec(ctx context.Context, c Cmd) (CmdResult, error)
}

// Cmd is a command to run on the target.
type Cmd struct {
	// Argv is the program and its arguments; Argv[0] is looked up in PATH.
	Argv []string
	Dir  string
	// Stdin is fed to the command; nil means no input (/dev/null).
	Stdin []byte
	// Env are extra KEY=VALUE entries on top of the host's environment.
	Env []string
}

// CmdResult is a finished command. A command that ran and exited non-zero
// is not an error: RC says so.
type CmdResult struct {
	RC     int
	Stdout []byte
	Stderr []byte
}

// Local returns the Host of the machine the code runs on. env is added to
// the environment of every command (the task's environment: keyword).
func Local(env map[string]string) Host {
	var e []string
	for k, v := range env {
		e = append(e, k+"="+v)
	}
	return localHost{env: e}
}

type localHost struct{ env []string }

func (localHost) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (localHost) Lstat(name string) (fs.FileInfo, error)     { return os.Lstat(name) }
func (localHost) ReadFile(name string) ([]byte, error)       { return os.ReadFile(name) }
func (localHost) Open(name string) (fs.File, error)          { return os.Open(name) }
func (localHost) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (localHost) Readlink(name string) (string, error)       { return os.Readlink(name) }

// attrLetters are e2fsprogs' flag letters in lsattr's print order.
var attrLetters = []struct {
	bit    uint32
	letter byte
}{
	{0x1, 's'}, {0x2, 'u'}, {0x8, 'S'}, {0x10000, 'D'}, {0x10, 'i'}, {0x20, 'a'}, {0x40, 'd'}, {0x80, 'A'},
	{0x4, 'c'}, {0x800, 'E'}, {0x4000, 'j'}, {0x1000, 'I'}, {0x8000, 't'}, {0x20000, 'T'}, {0x80000, 'e'},
	{0x800000, 'C'}, {0x2000000, 'x'}, {0x40000000, 'F'}, {0x10000000, 'N'}, {0x20000000, 'P'}, {0x100000, 'V'},
	{0x400, 'm'},
}

// fsIocGetVersion is _IOR('v', 1, long), which x/sys does not name: the
// GETFLAGS request ('f', 1, long) with the other type byte.
const fsIocGetVersion = unix.FS_IOC_GETFLAGS&^0xff00 | 'v'<<8

// Attrs reads the flags with the FS_IOC_GETFLAGS/GETVERSION ioctls, as
// lsattr does, without starting it (a process start per stat task).
func (localHost) Attrs(name string) (string, string, error) {
	st, err := os.Lstat(name)
	if err != nil {
		return "", "", err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		return "", "", fmt.Errorf("%s: %w", name, unix.EOPNOTSUPP)
	}
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return "", "", err
	}
	defer unix.Close(fd)
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil {
		return "", "", err
	}
	gen, err := unix.IoctlGetUint32(fd, fsIocGetVersion)
	if err != nil {
		return "", "", err
	}
	var b []byte
	for _, a := range attrLetters {
		if flags&a.bit != 0 {
			b = append(b, a.letter)
		}
	}
	return fmt.Sprint(gen), string(b), nil
}
func (localHost) Mkdir(name string, perm fs.FileMode) error { return os.Mkdir(name, perm) }
func (localHost) Remove(name string) error                  { return os.Remove(name) }
func (localHost) RemoveAll(name string) error               { return os.RemoveAll(name) }
func (localHost) Symlink(target, name string) error         { return os.Symlink(target, name) }
func (localHost) Link(oldname, newname string) error        { return os.Link(oldname, newname) }
func (localHost) Rename(oldname, newname string) error      { return os.Rename(oldname, newname) }
func (localHost) Chmod(name string, mode fs.FileMode) error { return os.Chmod(name, mode) }
func (localHost) Lchown(name string, uid, gid int) error    { return os.Lchown(name, uid, gid) }

func (localHost) Chtimes(name string, atime, mtime time.Time) error {
	ts := []unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), unix.NsecToTimespec(mtime.UnixNano())}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, name, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &fs.PathError{Op: "chtimes", Path: name, Err: err}
	}
	return nil
}

func (localHost) WriteFile(name string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, ".gplay-tmp-"+base+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp) // best effort: the write already failed
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// as Ansible's atomic_move: a replaced file keeps its mode and owner
	if old, serr := os.Stat(name); serr == nil {
		if err = os.Chmod(tmp, old.Mode().Perm()|old.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
			return err
		}
		if st, ok := old.Sys().(*syscall.Stat_t); ok {
			if cerr := os.Lchown(tmp, int(st.Uid), int(st.Gid)); cerr != nil && !errors.Is(cerr, fs.ErrPermission) {
				return cerr
			}
		}
	} else {
		if err = os.Chmod(tmp, perm&^Umask()); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp, name); err != nil {
		return err
	}
	// make the rename durable
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: some filesystems refuse fsync on directories
		d.Close()
	}
	return nil
}

func (h localHost) Query(ctx context.Context, c Cmd) (CmdResult, error) { return h.run(ctx, c) }
func (h localHost) Exec(ctx context.Context, c Cmd) (CmdResult, error)  { return h.run(ctx, c) }

func (h localHost) run(ctx context.Context, c Cmd) (CmdResult, error) {
	if len(c.Argv) == 0 {
		return CmdResult{}, errors.New("run: empty command")
	}
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	cmd.Dir = c.Dir
	cmd.Env = append(append(os.Environ(), h.env...), c.Env...)
	if c.Stdin != nil {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	// Cancelling (Ctrl-C, a lost controller) kills the whole process group,
	// not only the shell: `sleep 30; echo` must not outlive the task, nor
	// hold the output pipes open so that Wait hangs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := CmdResult{Stdout: out.Bytes(), Stderr: errb.Bytes()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.RC = ee.ExitCode()
		if res.RC < 0 {
			// killed by a signal: Python's subprocess reports -signum
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				res.RC = -int(ws.Signal())
			}
		}
		return res, ctx.Err()
	}
	if err != nil {
		return res, fmt.Errorf("run %s: %w", c.Argv[0], err)
	}
	return res, nil
}

// ReadOnly wraps h so that every changing method fails with an error
// wrapping ErrCheckMode. Call gives modules this Host under check.
func ReadOnly(h Host) Host { return readOnly{h} }

type readOnly struct{ h Host }

func refuse(op, path string) error { return &fs.PathError{Op: op, Path: path, Err: ErrCheckMode} }

func (r readOnly) Stat(name string) (fs.FileInfo, error)      { return r.h.Stat(name) }
func (r readOnly) Lstat(name string) (fs.FileInfo, error)     { return r.h.Lstat(name) }
func (r readOnly) ReadFile(name string) ([]byte, error)       { return r.h.ReadFile(name) }
func (r readOnly) Open(name string) (fs.File, error)          { return r.h.Open(name) }
func (r readOnly) ReadDir(name string) ([]fs.DirEntry, error) { return r.h.ReadDir(name) }
func (r readOnly) Readlink(name string) (string, error)       { return r.h.Readlink(name) }
func (r readOnly) Attrs(name string) (string, string, error)  { return r.h.Attrs(name) }
func (r readOnly) Query(ctx context.Context, c Cmd) (CmdResult, error) {
	return r.h.Query(ctx, c)
}
func (readOnly) WriteFile(name string, _ []byte, _ fs.FileMode) error { return refuse("write", name) }
func (readOnly) Mkdir(name string, _ fs.FileMode) error               { return refuse("mkdir", name) }
func (readOnly) Remove(name string) error                             { return refuse("remove", name) }
func (readOnly) RemoveAll(name string) error                          { return refuse("remove", name) }
func (readOnly) Symlink(_, name string) error                         { return refuse("symlink", name) }
func (readOnly) Link(_, name string) error                            { return refuse("link", name) }
func (readOnly) Rename(old, _ string) error                           { return refuse("rename", old) }
func (readOnly) Chmod(name string, _ fs.FileMode) error               { return refuse("chmod", name) }
func (readOnly) Lchown(name string, _, _ int) error                   { return refuse("chown", name) }
func (readOnly) Chtimes(name string, _, _ time.Time) error            { return refuse("chtimes", name) }
func (readOnly) Exec(_ context.Context, c Cmd) (CmdResult, error) {
	return CmdResult{}, refuse("exec", strings.Join(c.Argv, " "))
}

// Umask returns the process's umask, read from /proc so that no other
// goroutine ever sees it changed (syscall.Umask can only set it); 022
// when unknown.
func Umask() fs.FileMode {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				var m uint32
				if _, err := fmt.Sscanf(strings.TrimSpace(v), "%o", &m); err == nil {
					return fs.FileMode(m)
				}
			}
		}
	}
	return 0o022
}
