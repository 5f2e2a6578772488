package modules

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"gplay/module"
)

// fileArgs are Ansible's file-common arguments (Spec.FileCommon).
type fileArgs struct {
	Mode       any    `arg:"mode"`
	Owner      string `arg:"owner"`
	Group      string `arg:"group"`
	Attributes string `arg:"attributes"`
}

// stateDiff is the before/after of a path's state that file-like modules
// report under --diff ({"path": ..., "state": ..., "mode": ...}).
type stateDiff struct {
	Before, After map[string]any
}

func newStateDiff(path string) *stateDiff {
	return &stateDiff{Before: map[string]any{"path": path}, After: map[string]any{"path": path}}
}

func (d *stateDiff) set(key string, before, after any) {
	if d == nil {
		return
	}
	d.Before[key] = before
	d.After[key] = after
}

func (d *stateDiff) diff() module.Diff { return module.Diff{Before: d.Before, After: d.After} }

// fileState is Ansible's get_state (modules/file.py): absent, link,
// directory, hard (a file with more than one link) or file.
func fileState(h module.Host, path string) (string, error) {
	fi, err := h.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent", nil
	}
	if err != nil {
		return "", err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return "link", nil
	case fi.IsDir():
		return "directory", nil
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return "hard", nil
	}
	return "file", nil
}

func exists(h module.Host, path string) bool {
	_, err := h.Stat(path)
	return err == nil
}

func lexists(h module.Host, path string) bool {
	_, err := h.Lstat(path)
	return err == nil
}

func isDir(h module.Host, path string) bool {
	fi, err := h.Stat(path)
	return err == nil && fi.IsDir()
}

// octalMode prints a mode as Ansible does ('0%03o').
func octalMode(m uint32) string { return fmt.Sprintf("0%03o", m) }

// permBits are the bits chmod sets (Ansible's S_IMODE).
func permBits(fi fs.FileInfo) uint32 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Mode & 0o7777
	}
	m := uint32(fi.Mode().Perm())
	if fi.Mode()&fs.ModeSetuid != 0 {
		m |= 0o4000
	}
	if fi.Mode()&fs.ModeSetgid != 0 {
		m |= 0o2000
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		m |= 0o1000
	}
	return m
}

func toFileMode(m uint32) fs.FileMode {
	fm := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		fm |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		fm |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		fm |= fs.ModeSticky
	}
	return fm
}

// resolveMode turns the mode argument into permission bits for the object
// described by fi, as set_mode_if_different does: an int is taken as is
// (YAML's 0644 is already 420), a string is octal ("0644", "644") or
// symbolic ("u=rw,g+X").
func resolveMode(mode any, fi fs.FileInfo) (uint32, error) {
	var m int64
	switch t := mode.(type) {
	case int64:
		m = t
	case float64:
		m = int64(t)
	default:
		s := strings.TrimSpace(fmt.Sprint(mode))
		o := strings.TrimPrefix(strings.TrimPrefix(s, "0o"), "0O")
		if n, err := strconv.ParseInt(o, 8, 64); err == nil {
			m = n
		} else {
			sym, err := symbolicMode(fi, s)
			if err != nil {
				return 0, fmt.Errorf("mode must be in octal or symbolic form")
			}
			return sym, nil
		}
		if m&^0o7777 != 0 {
			return 0, fmt.Errorf("Invalid mode supplied, only permission info is allowed")
		}
	}
	return uint32(m), nil
}

var modeOpRE = regexp.MustCompile(`[+=-]`)

// symbolicMode applies chmod-style clauses to fi's current mode, as
// Ansible's _symbolic_mode_to_octal (module_utils/basic.py): an empty who
// means "a" limited by the umask; X applies to directories and to files
// that already have an execute bit.
func symbolicMode(fi fs.FileInfo, spec string) (uint32, error) {
	cur := uint32(0)
	isDir := false
	if fi != nil {
		cur = permBits(fi)
		isDir = fi.IsDir()
	}
	umask := uint32(module.Umask())
	for _, clause := range strings.Split(spec, ",") {
		ops := modeOpRE.FindAllString(clause, -1)
		parts := modeOpRE.Split(clause, -1)
		if len(ops) == 0 {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
		}
		who := parts[0]
		useUmask := who == ""
		if who == "" || who == "a" {
			who = "ugo"
		}
		if strings.Trim(who, "ugo") != "" {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
		}
		for i, perms := range parts[1:] {
			if strings.Trim(perms, "rwxXstugo") != "" {
				return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
			}
			for _, u := range who {
				apply := permsFor(cur, isDir, u, perms, useUmask, umask)
				switch ops[i] {
				case "=":
					mask := map[rune]uint32{'u': 0o4700, 'g': 0o2070, 'o': 0o1007}[u]
					cur = cur&^mask | apply
				case "+":
					cur |= apply
				case "-":
					cur &^= apply
				}
			}
		}
	}
	return cur, nil
}

func permsFor(prev uint32, isDir bool, who rune, perms string, useUmask bool, umask uint32) uint32 {
	shift := map[rune]uint{'u': 6, 'g': 3, 'o': 0}[who]
	rev := ^umask & 0o7777
	bit := func(b uint32) uint32 {
		b <<= shift
		if useUmask {
			return b & rev
		}
		return b
	}
	var m uint32
	for _, p := range perms {
		switch p {
		case 'r':
			m |= bit(4)
		case 'w':
			m |= bit(2)
		case 'x':
			m |= bit(1)
		case 'X':
			if isDir || prev&0o111 != 0 {
				m |= 1 << shift
			}
		case 's':
			if who == 'u' {
				m |= 0o4000
			} else if who == 'g' {
				m |= 0o2000
			}
		case 't':
			if who == 'o' {
				m |= 0o1000
			}
		case 'u', 'g', 'o':
			from := map[rune]uint{'u': 6, 'g': 3, 'o': 0}[p]
			m |= ((prev >> from) & 7) << shift
		}
	}
	return m
}

// lookupUID resolves an owner argument: a number or a user name.
func lookupUID(owner string) (int, error) {
	if n, err := strconv.Atoi(owner); err == nil {
		return n, nil
	}
	u, err := user.Lookup(owner)
	if err != nil {
		return 0, fmt.Errorf("chown failed: failed to look up user %s", owner)
	}
	return strconv.Atoi(u.Uid)
}

// lookupGID resolves a group argument: a number or a group name.
func lookupGID(group string) (int, error) {
	if n, err := strconv.Atoi(group); err == nil {
		return n, nil
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return 0, fmt.Errorf("chgrp failed: failed to look up group %s", group)
	}
	return strconv.Atoi(g.Gid)
}

// applyAttrs is Ansible's set_fs_attributes_if_different: it observes
// path's owner, group, mode and attributes, records differences in d and,
// unless check, applies them. A path that does not exist under check
// reports changed (it would have been created by the caller's plan).
// Symlinks keep their mode: Linux has no lchmod.
func applyAttrs(ctx context.Context, h module.Host, check bool, path string, fa fileArgs, d *stateDiff) (bool, error) {
	if fa.Mode == nil && fa.Owner == "" && fa.Group == "" && fa.Attributes == "" {
		return false, nil
	}
	fi, err := h.Lstat(path)
	if err != nil {
		if check && errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, err
	}
	changed := false
	st, _ := fi.Sys().(*syscall.Stat_t)
	if fa.Owner != "" && st != nil {
		uid, err := lookupUID(fa.Owner)
		if err != nil {
			return false, err
		}
		if uint32(uid) != st.Uid {
			d.set("owner", int64(st.Uid), int64(uid))
			changed = true
			if !check {
				if err := h.Lchown(path, uid, -1); err != nil {
					return false, fmt.Errorf("chown failed: %w", err)
				}
			}
		}
	}
	if fa.Group != "" && st != nil {
		gid, err := lookupGID(fa.Group)
		if err != nil {
			return false, err
		}
		if uint32(gid) != st.Gid {
			d.set("group", int64(st.Gid), int64(gid))
			changed = true
			if !check {
				if err := h.Lchown(path, -1, gid); err != nil {
					return false, fmt.Errorf("chgrp failed: %w", err)
				}
			}
		}
	}
	if fa.Mode != nil && fi.Mode()&fs.ModeSymlink == 0 {
		want, err := resolveMode(fa.Mode, fi)
		if err != nil {
			return false, err
		}
		if prev := permBits(fi); prev != want {
			d.set("mode", octalMode(prev), octalMode(want))
			changed = true
			if !check {
				if err := h.Chmod(path, toFileMode(want)); err != nil {
					return false, fmt.Errorf("chmod failed: %w", err)
				}
			}
		}
	}
	if fa.Attributes != "" {
		c, err := applyChattr(ctx, h, check, path, fa.Attributes, d)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	return changed, nil
}

// applyChattr is set_attributes_if_different: the flags as lsattr reads
// them to observe, chattr to change ("+i", "-a" or a full set).
func applyChattr(ctx context.Context, h module.Host, check bool, path, attrs string, d *stateDiff) (bool, error) {
	op := "="
	if strings.HasPrefix(attrs, "+") || strings.HasPrefix(attrs, "-") {
		op, attrs = attrs[:1], attrs[1:]
	}
	_, existing, err := h.Attrs(path)
	if err != nil {
		existing = ""
	}
	if existing == attrs && op != "-" {
		return false, nil
	}
	d.set("attributes", existing, op+attrs)
	if !check {
		res, err := h.Exec(ctx, module.Cmd{Argv: []string{"chattr", op + attrs, path}})
		if err != nil {
			return false, fmt.Errorf("chattr failed: %w", err)
		}
		if res.RC != 0 || len(res.Stderr) > 0 {
			return false, fmt.Errorf("chattr failed: Error while setting attributes: %s%s", res.Stdout, res.Stderr)
		}
	}
	return true, nil
}

// pathInfo is what Ansible's add_path_info adds to a result whose path or
// dest exists: uid, gid, owner, group, mode, state, size.
type pathInfo struct {
	UID   *int64 `json:"uid,omitempty"`
	GID   *int64 `json:"gid,omitempty"`
	Owner string `json:"owner,omitempty"`
	Group string `json:"group,omitempty"`
	Mode  string `json:"mode,omitempty"`
	State string `json:"state,omitempty"`
	Size  *int64 `json:"size,omitempty"`
}

func statPathInfo(h module.Host, path string) pathInfo {
	if !exists(h, path) {
		return pathInfo{}
	}
	fi, err := h.Lstat(path)
	if err != nil {
		return pathInfo{}
	}
	var pi pathInfo
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		uid, gid := int64(st.Uid), int64(st.Gid)
		pi.UID, pi.GID = &uid, &gid
		pi.Owner, pi.Group = userName(st.Uid), groupName(st.Gid)
	}
	pi.Mode = octalMode(permBits(fi))
	pi.State, _ = fileState(h, path)
	if pi.State == "link" {
		pi.State = "link"
	}
	size := fi.Size()
	pi.Size = &size
	return pi
}

func userName(uid uint32) string {
	if u, err := user.LookupId(strconv.Itoa(int(uid))); err == nil {
		return u.Username
	}
	return strconv.Itoa(int(uid))
}

func groupName(gid uint32) string {
	if g, err := user.LookupGroupId(strconv.Itoa(int(gid))); err == nil {
		return g.Name
	}
	return strconv.Itoa(int(gid))
}

// fileDigest returns the hex digest of a file's content.
func fileDigest(h module.Host, path string, newHash func() hash.Hash) (string, error) {
	f, err := h.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hh := newHash()
	if _, err := io.Copy(hh, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(hh.Sum(nil)), nil
}

func sha1File(h module.Host, path string) (string, error) { return fileDigest(h, path, sha1.New) }
func md5File(h module.Host, path string) (string, error)  { return fileDigest(h, path, md5.New) }

func sha1Bytes(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

func md5Bytes(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// backupFile copies path to path.<pid>.<timestamp>~ as Ansible's
// backup_local does, returning the backup's name.
func backupFile(h module.Host, path string, stamp string) (string, error) {
	data, err := h.ReadFile(path)
	if err != nil {
		return "", err
	}
	fi, err := h.Stat(path)
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s.%d.%s~", path, syscall.Getpid(), stamp)
	if err := h.WriteFile(name, data, fi.Mode().Perm()); err != nil {
		return "", fmt.Errorf("backup %s: %w", path, err)
	}
	if err := h.Chmod(name, fi.Mode()); err != nil {
		return "", err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		// best effort, as shutil.copy2 keeps what it can
		_ = h.Lchown(name, int(st.Uid), int(st.Gid)) // unprivileged runs cannot chown
	}
	return name, nil
}

// parentMustExist fails as Ansible does when a file's directory is missing.
func parentDir(path string) string { return filepath.Dir(path) }

// mkdirParents is os.makedirs through the host: dir and its missing
// parents, default mode.
func mkdirParents(h module.Host, dir string) error {
	if dir == "" || dir == "." || exists(h, dir) {
		return nil
	}
	if err := mkdirParents(h, filepath.Dir(dir)); err != nil {
		return err
	}
	if err := h.Mkdir(dir, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// evalSymlinks resolves path when it exists (os.path.realpath for the
// write target of an edited file: the link stays, its target changes).
func evalSymlinks(h module.Host, path string) (string, error) {
	if _, err := h.Lstat(path); err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(path)
}

// validateContent writes data to a temporary file next to dest and runs
// the validate command on it, as lineinfile, replace and blockinfile do:
// a non-zero exit fails with "failed to validate: rc:N error:...".
func validateContent(ctx context.Context, h module.Host, validate, dest string, data []byte) error {
	if !strings.Contains(validate, "%s") {
		return fmt.Errorf("validate must contain %%s: %s", validate)
	}
	dir := filepath.Dir(dest)
	if !isDir(h, dir) {
		dir = "/tmp"
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".gplay-validate-%d", syscall.Getpid()))
	if err := h.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	defer h.Remove(tmp) // our own temporary file
	argv, err := shellSplit(strings.ReplaceAll(strings.ReplaceAll(validate, "%s", tmp), "%%", "%"))
	if err != nil {
		return err
	}
	r, err := h.Exec(ctx, module.Cmd{Argv: argv})
	if err != nil {
		return fmt.Errorf("failed to validate: %w", err)
	}
	if r.RC != 0 {
		return fmt.Errorf("failed to validate: rc:%d error:%s", r.RC, toText(r.Stderr))
	}
	return nil
}

// jsonUnmarshal is encoding/json.Unmarshal, named here so that files that
// only need it do not import encoding/json for one call.
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// errNotExist is fs.ErrNotExist, for errors.Is on host errors.
var errNotExist = fs.ErrNotExist
