package vault

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// writeFileAtomic replaces path with data so that a crash leaves either the
// old or the new content, never a mix: a temp file in the same directory,
// fsync, the old file's mode and owner (0600 for a new file), rename, fsync
// of the directory. A symlink is followed and its target replaced, as
// ansible-vault follows links to the files it rewrites.
func writeFileAtomic(path string, data []byte) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	mode := fs.FileMode(0o600)
	var old os.FileInfo
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("write %s: not a regular file", path)
		}
		old, mode = st, st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".gplay-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if old != nil {
		keepOwner(tmp, old)
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		// The rename is durable only once the directory is synced; some
		// file systems refuse to sync a directory, which loses nothing
		// already written, so that error is not reported.
		d.Sync()
		d.Close()
	}
	return nil
}

// keepOwner gives the new file the old one's owner when they differ. Only
// root may do that; for anyone else the file ends up theirs, as it would
// with any editor, so a failure is not an error.
func keepOwner(f *os.File, old os.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Getuid() && int(st.Gid) == os.Getgid()) {
		return
	}
	_ = f.Chown(int(st.Uid), int(st.Gid)) // see above: failing is fine
}

// shredRemove overwrites a plaintext temp file with zeros before removing
// it, as ansible-vault shreds its edit files, so the plaintext does not stay
// in freed disk blocks (as far as the file system allows).
func shredRemove(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err == nil {
		if st, serr := f.Stat(); serr == nil {
			_, err = io.CopyN(f, zeroReader{}, st.Size())
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		return rerr
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
