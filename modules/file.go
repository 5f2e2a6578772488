package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gplay/module"
)

// fileModule is ansible.builtin.file: the state of a path (file,
// directory, link, hard, touch, absent) and its attributes.
//
// Differences from Ansible, on purpose: check and real runs report the
// same diff (a directory or file created by the run shows only its state
// change, not the mode it was given right after creation), and a symlink's
// own mode is never "changed" (Linux has no lchmod; Ansible reports a
// change on every run).
type fileModule struct{}

func init() { module.Register(fileModule{}) }

func (fileModule) Info() module.Info {
	id := module.ID("ansible.builtin.file")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "state", Choices: []any{"absent", "directory", "file", "hard", "link", "touch"}},
				{Name: "path", Type: module.TypePath, Required: true, Aliases: []string{"dest", "name"}},
				{Name: "_original_basename"},
				{Name: "recurse", Type: module.TypeBool, Default: false},
				{Name: "force", Type: module.TypeBool, Default: false},
				{Name: "follow", Type: module.TypeBool, Default: true},
				{Name: "_diff_peek", Type: module.TypeBool},
				{Name: "src", Type: module.TypePath},
				{Name: "modification_time"},
				{Name: "modification_time_format", Default: "%Y%m%d%H%M.%S"},
				{Name: "access_time"},
				{Name: "access_time_format", Default: "%Y%m%d%H%M.%S"},
			},
			FileCommon: true,
		},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportPartial,
	}
}

type fileParams struct {
	State            string  `arg:"state"`
	Path             string  `arg:"path"`
	OriginalBasename string  `arg:"_original_basename"`
	Recurse          bool    `arg:"recurse"`
	Force            bool    `arg:"force"`
	Follow           bool    `arg:"follow"`
	DiffPeek         *bool   `arg:"_diff_peek"`
	Src              *string `arg:"src"`
	MTime            *string `arg:"modification_time"`
	MTimeFormat      string  `arg:"modification_time_format"`
	ATime            *string `arg:"access_time"`
	ATimeFormat      string  `arg:"access_time_format"`
	fileArgs
}

type fileResult struct {
	Path          string  `json:"path,omitempty"`
	Dest          string  `json:"dest,omitempty"`
	Src           *string `json:"src,omitempty"`
	AppearsBinary *bool   `json:"appears_binary,omitempty"`
	pathInfo
}

// fileOp carries one file-module run: the request's host and modes and the
// result being built.
type fileOp struct {
	ctx   context.Context
	h     module.Host
	check bool
	p     fileParams
	diff  *stateDiff
	warn  []string
}

func (fileModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p fileParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	op := &fileOp{ctx: ctx, h: req.Host, check: req.Check, p: p}
	h := req.Host

	// as additional_parameter_handling: a directory path means the file
	// inside it, for states that create a file
	if p.State != "link" && p.State != "absent" && isDir(h, p.Path) {
		base := p.OriginalBasename
		if base == "" && p.Src != nil {
			base = filepath.Base(*p.Src)
		}
		if base != "" {
			op.p.Path = filepath.Join(p.Path, base)
		}
	}
	prev, err := fileState(h, op.p.Path)
	if err != nil {
		return module.Result{}, err
	}
	if op.p.State == "" {
		switch {
		case prev != "absent":
			op.p.State = prev
		case p.Recurse:
			op.p.State = "directory"
		default:
			op.p.State = "file"
		}
	}
	if p.Recurse && op.p.State != "directory" {
		return module.Result{Return: fileResult{Path: op.p.Path}}, errors.New("recurse option requires state to be 'directory'")
	}
	if p.Src != nil && op.p.State != "link" && op.p.State != "hard" {
		return module.Result{Return: fileResult{Path: op.p.Path}}, errors.New("src option requires state to be 'link' or 'hard'")
	}
	if req.Check && op.p.State != "absent" {
		op.warnMissingOwners()
	}
	if p.DiffPeek != nil {
		ab := appearsBinary(h, op.p.Path)
		return module.Result{Return: fileResult{Path: op.p.Path, AppearsBinary: &ab}}, nil
	}

	var res fileResult
	var changed bool
	switch op.p.State {
	case "absent":
		res, changed, err = op.absent(prev)
	case "file":
		res, changed, err = op.file(prev)
	case "directory":
		res, changed, err = op.directory(prev)
	case "link":
		res, changed, err = op.link(prev)
	case "hard":
		res, changed, err = op.hard(prev)
	case "touch":
		res, changed, err = op.touch(prev)
	}
	out := module.Result{Changed: changed, Warnings: op.warn}
	if op.diff != nil && req.Diff {
		out.Diff = []module.Diff{op.diff.diff()}
	}
	if err != nil {
		out.Return = res
		return out, err
	}
	if p := res.Path + res.Dest; p != "" && res.State != "absent" {
		res.pathInfo = statPathInfo(h, p)
	}
	out.Return = res
	return out, nil
}

func (op *fileOp) warnMissingOwners() {
	if o := op.p.Owner; o != "" {
		if _, err := lookupUID(o); err != nil {
			op.warn = append(op.warn, fmt.Sprintf("failed to look up user %s. Create user up to this point in real play", o))
		}
	}
	if g := op.p.Group; g != "" {
		if _, err := lookupGID(g); err != nil {
			op.warn = append(op.warn, fmt.Sprintf("failed to look up group %s. Create group up to this point in real play", g))
		}
	}
}

func appearsBinary(h module.Host, path string) bool {
	f, err := h.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 8192)
	n, _ := f.Read(buf) // an unreadable file is taken as text, as Ansible does
	return strings.IndexByte(string(buf[:n]), 0) >= 0
}

// initialDiff is Ansible's initial_diff: path, and the state change; a
// removed directory lists its content.
func (op *fileOp) initialDiff(path, state, prev string) {
	op.diff = newStateDiff(path)
	if prev == state {
		return
	}
	op.diff.set("state", prev, state)
	if state == "absent" && prev == "directory" {
		dirs, files := []string{}, []string{}
		walkTree(op.h, path, func(p string, d fs.DirEntry) {
			if d.IsDir() {
				dirs = append(dirs, p)
			} else {
				files = append(files, p)
			}
		})
		op.diff.Before["path_content"] = map[string]any{"directories": dirs, "files": files}
	}
}

// walkTree visits everything below root (not root itself), parents first,
// without following symlinks.
func walkTree(h module.Host, root string, fn func(path string, d fs.DirEntry)) {
	ents, err := h.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range ents {
		p := filepath.Join(root, e.Name())
		fn(p, e)
		if e.IsDir() {
			walkTree(h, p, fn)
		}
	}
}

func (op *fileOp) absent(prev string) (fileResult, bool, error) {
	path := op.p.Path
	if prev == "absent" {
		return fileResult{Path: path, pathInfo: pathInfo{State: "absent"}}, false, nil
	}
	op.initialDiff(path, "absent", prev)
	if !op.check {
		var err error
		if prev == "directory" {
			if err = op.h.RemoveAll(path); err != nil {
				return fileResult{}, false, fmt.Errorf("rmtree failed: %w", err)
			}
		} else if err = op.h.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fileResult{Path: path}, false, fmt.Errorf("unlinking failed: %w ", err)
		}
	}
	return fileResult{Path: path, pathInfo: pathInfo{State: "absent"}}, true, nil
}

// followed returns the path attributes apply to: a symlink's final target
// when follow is set (load_file_common_arguments).
func (op *fileOp) followed(path string) string {
	if !op.p.Follow {
		return path
	}
	if fi, err := op.h.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			return real
		}
	}
	return path
}

func (op *fileOp) file(prev string) (fileResult, bool, error) {
	path := op.p.Path
	if prev != "file" && op.p.Follow && prev == "link" {
		path = op.followed(path)
		prev, _ = fileState(op.h, path)
	}
	if prev != "file" && prev != "hard" {
		return fileResult{Path: path, pathInfo: pathInfo{State: prev}}, false, fmt.Errorf("file (%s) is %s, cannot continue", path, prev)
	}
	op.initialDiff(path, "file", prev)
	changed, err := applyAttrs(op.ctx, op.h, op.check, path, op.p.fileArgs, op.diff)
	if err != nil {
		return fileResult{Path: path}, false, err
	}
	tc, err := op.timestamps(path, "preserve", true)
	return fileResult{Path: path}, changed || tc, err
}

func (op *fileOp) directory(prev string) (fileResult, bool, error) {
	path := op.p.Path
	if op.p.Follow && prev == "link" {
		path = op.followed(path)
		prev, _ = fileState(op.h, path)
	}
	op.initialDiff(path, "directory", prev)
	if prev == "absent" {
		if op.check {
			return fileResult{Path: path}, true, nil
		}
		// mkdir -p, giving each created directory the attributes
		cur := ""
		if filepath.IsAbs(path) {
			cur = "/"
		}
		for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
			cur = filepath.Join(cur, part)
			if lexists(op.h, cur) {
				continue
			}
			if err := op.h.Mkdir(cur, 0o777); err != nil && !(errors.Is(err, fs.ErrExist) && isDir(op.h, cur)) {
				return fileResult{Path: path}, false, fmt.Errorf("There was an issue creating %s as requested: %w", cur, err)
			}
			if _, err := applyAttrs(op.ctx, op.h, false, cur, op.p.fileArgs, nil); err != nil {
				return fileResult{Path: path}, false, fmt.Errorf("There was an issue creating %s as requested: %w", cur, err)
			}
		}
		if _, err := op.timestamps(path, "preserve", false); err != nil {
			return fileResult{Path: path}, false, err
		}
		return fileResult{Path: path}, true, nil
	}
	if prev != "directory" {
		return fileResult{Path: path}, false, fmt.Errorf("%s already exists as a %s", path, prev)
	}
	changed, err := applyAttrs(op.ctx, op.h, op.check, path, op.p.fileArgs, op.diff)
	if err != nil {
		return fileResult{Path: path}, false, err
	}
	tc, err := op.timestamps(path, "preserve", true)
	if err != nil {
		return fileResult{Path: path}, false, err
	}
	changed = changed || tc
	if op.p.Recurse {
		rc, err := op.recurse(path)
		if err != nil {
			return fileResult{Path: path}, false, err
		}
		changed = changed || rc
	}
	return fileResult{Path: path}, changed, nil
}

// recurse is recursive_set_attributes: attributes on everything below
// path; with follow, symlinked directories are descended too.
func (op *fileOp) recurse(root string) (bool, error) {
	changed := false
	ents, err := op.h.ReadDir(root)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		p := filepath.Join(root, e.Name())
		c, err := applyAttrs(op.ctx, op.h, op.check, p, op.p.fileArgs, nil)
		if err != nil {
			return false, err
		}
		tc, err := op.timestamps(p, "preserve", false)
		if err != nil {
			return false, err
		}
		changed = changed || c || tc
		if e.IsDir() {
			rc, err := op.recurse(p)
			if err != nil {
				return false, err
			}
			changed = changed || rc
		} else if e.Type()&fs.ModeSymlink != 0 && op.p.Follow {
			target, err := op.h.Readlink(p)
			if err != nil {
				continue
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(root, target)
			}
			if fi, err := op.h.Stat(target); err == nil {
				if fi.IsDir() {
					rc, err := op.recurse(target)
					if err != nil {
						return false, err
					}
					changed = changed || rc
				}
				c, err := applyAttrs(op.ctx, op.h, op.check, target, op.p.fileArgs, nil)
				if err != nil {
					return false, err
				}
				changed = changed || c
			}
		}
	}
	return changed, nil
}

func (op *fileOp) link(prev string) (fileResult, bool, error) {
	path := op.p.Path
	h := op.h
	var src *string
	if op.p.Src != nil {
		s := *op.p.Src
		src = &s
	} else if op.p.Follow && exists(h, path) {
		if t, err := h.Readlink(path); err == nil {
			src = &t
		}
	}
	fail := func(format string, a ...any) (fileResult, bool, error) {
		return fileResult{Path: path, Src: src}, false, fmt.Errorf(format, a...)
	}
	rel := filepath.Dir(path)
	if fi, err := h.Lstat(path); err == nil && fi.IsDir() {
		rel = path
	}
	if src != nil && !op.p.Force {
		abs := *src
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(rel, abs)
		}
		if !exists(h, abs) {
			return fail("src file does not exist, use \"force=yes\" if you really want to create the link: %s", abs)
		}
	}
	switch {
	case prev == "directory" && !op.p.Force:
		return fail("refusing to convert from %s to symlink for %s", prev, path)
	case prev == "directory":
		if ents, _ := h.ReadDir(path); len(ents) > 0 {
			return fail("the directory %s is not empty, refusing to convert it", path)
		}
	case (prev == "file" || prev == "hard") && !op.p.Force:
		return fail("refusing to convert from %s to symlink for %s", prev, path)
	}
	op.initialDiff(path, "link", prev)
	changed := false
	if prev == "link" {
		if src != nil {
			old, err := h.Readlink(path)
			if err != nil {
				return fail("%v", err)
			}
			if old != *src {
				op.diff.set("src", old, *src)
				changed = true
			}
		}
	} else {
		if src == nil {
			return fileResult{}, false, errors.New("src is required for creating new symlinks")
		}
		changed = true
	}
	if changed && !op.check {
		if prev != "absent" {
			tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%d.%d.tmp", syscall.Getpid(), time.Now().UnixNano()))
			if prev == "directory" {
				if err := h.Remove(path); err != nil {
					return fail("Error while replacing: %v", err)
				}
			}
			if err := h.Symlink(*src, tmp); err != nil {
				return fail("Error while replacing: %v", err)
			}
			if err := h.Rename(tmp, path); err != nil {
				_ = h.Remove(tmp) // the rename error is the one to report
				return fail("Error while replacing: %v", err)
			}
		} else if err := h.Symlink(*src, path); err != nil {
			return fail("Error while linking: %v", err)
		}
	}
	res := fileResult{Dest: path, Src: src}
	if op.check && !lexists(h, path) {
		return res, changed, nil
	}
	target := op.followed(path)
	if op.p.Follow && !exists(h, target) {
		if op.p.Mode != nil || op.p.Owner != "" || op.p.Group != "" {
			op.warn = append(op.warn, "Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.")
		}
		return res, changed, nil
	}
	if op.check && changed {
		// the link will point elsewhere; its target's attributes are unknown
		return res, changed, nil
	}
	c, err := applyAttrs(op.ctx, h, op.check, target, op.p.fileArgs, op.diff)
	if err != nil {
		return res, false, err
	}
	tc, err := op.timestamps(target, "preserve", true)
	return res, changed || c || tc, err
}

func (op *fileOp) hard(prev string) (fileResult, bool, error) {
	path := op.p.Path
	h := op.h
	src := op.p.Src
	fail := func(format string, a ...any) (fileResult, bool, error) {
		return fileResult{Dest: path, Src: src}, false, fmt.Errorf(format, a...)
	}
	if prev != "hard" && src == nil {
		return fileResult{}, false, errors.New("src is required for creating new hardlinks")
	}
	if src != nil && !exists(h, *src) {
		return fail("src does not exist")
	}
	op.initialDiff(path, "hard", prev)
	changed := false
	sameInode := func() bool {
		a, err1 := h.Stat(path)
		b, err2 := h.Stat(*src)
		if err1 != nil || err2 != nil {
			return false
		}
		return a.Sys().(*syscall.Stat_t).Ino == b.Sys().(*syscall.Stat_t).Ino
	}
	switch prev {
	case "absent":
		changed = true
	case "link":
		old, _ := h.Readlink(path)
		if old != *src {
			op.diff.set("src", old, *src)
			changed = true
		}
	case "hard":
		if src != nil && !sameInode() {
			changed = true
			if !op.p.Force {
				return fail("Cannot link, different hard link exists at destination")
			}
		}
	case "file":
		if sameInode() {
			// the file already is a link to src (st_nlink counts it)
			break
		}
		changed = true
		if !op.p.Force {
			return fail("Cannot link, %s exists at destination", prev)
		}
	case "directory":
		return fail("Cannot link: different hard link exists at destination")
	}
	if changed && !op.check {
		if prev != "absent" {
			tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%d.%d.tmp", syscall.Getpid(), time.Now().UnixNano()))
			if err := h.Link(*src, tmp); err != nil {
				return fail("Error while replacing: %v", err)
			}
			if err := h.Rename(tmp, path); err != nil {
				_ = h.Remove(tmp) // the rename error is the one to report
				return fail("Error while replacing: %v", err)
			}
		} else if err := h.Link(*src, path); err != nil {
			return fail("Error while linking: %v", err)
		}
	}
	res := fileResult{Dest: path, Src: src}
	if op.check && !exists(h, path) {
		return res, changed, nil
	}
	attrPath := path
	if op.check && changed {
		attrPath = *src // after the link, path is src's inode
	}
	c, err := applyAttrs(op.ctx, h, op.check, attrPath, op.p.fileArgs, op.diff)
	if err != nil {
		return res, false, err
	}
	tc, err := op.timestamps(attrPath, "preserve", true)
	return res, changed || c || tc, err
}

func (op *fileOp) touch(prev string) (fileResult, bool, error) {
	path := op.p.Path
	res := fileResult{Dest: path}
	op.initialDiff(path, "touch", prev)
	if prev == "absent" {
		if op.check {
			return res, true, nil
		}
		if err := op.h.WriteFile(path, nil, 0o666); err != nil {
			return fileResult{Path: path}, false, fmt.Errorf("Error, could not touch target: %w", err)
		}
		if _, err := applyAttrs(op.ctx, op.h, false, path, op.p.fileArgs, nil); err != nil {
			_ = op.h.Remove(path) // we just created it; the attribute error is the one to report
			return res, false, err
		}
		_, err := op.timestamps(path, "now", false)
		return res, true, err
	}
	changed, err := applyAttrs(op.ctx, op.h, op.check, path, op.p.fileArgs, op.diff)
	if err != nil {
		return res, false, err
	}
	tc, err := op.timestamps(path, "now", true)
	return res, changed || tc, err
}

// timestamps is update_timestamp_for_file: modification_time and
// access_time are "preserve", "now" or a time in their format; def is
// what an unset one means for the state. It reports whether a time changed.
func (op *fileOp) timestamps(path, def string, recordDiff bool) (bool, error) {
	mt, at := def, def
	if op.p.MTime != nil {
		mt = *op.p.MTime
	}
	if op.p.ATime != nil {
		at = *op.p.ATime
	}
	if mt == "preserve" && at == "preserve" {
		return false, nil
	}
	fi, err := op.h.Stat(path)
	if err != nil {
		if op.check && errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, fmt.Errorf("Error while updating modification or access time: %w", err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	prevM := time.Unix(st.Mtim.Sec, st.Mtim.Nsec)
	prevA := time.Unix(st.Atim.Sec, st.Atim.Nsec)
	now := time.Now()
	resolve := func(v, format string, prev time.Time) (time.Time, error) {
		switch v {
		case "preserve":
			return prev, nil
		case "now":
			return now, nil
		}
		t, err := strptime(v, format)
		if err != nil {
			return time.Time{}, fmt.Errorf("Error while obtaining timestamp for time %s using format %s: %v", v, format, err)
		}
		return t, nil
	}
	newM, err := resolve(mt, op.p.MTimeFormat, prevM)
	if err != nil {
		return false, err
	}
	newA, err := resolve(at, op.p.ATimeFormat, prevA)
	if err != nil {
		return false, err
	}
	if newM.Equal(prevM) && newA.Equal(prevA) {
		return false, nil
	}
	if !op.check {
		if err := op.h.Chtimes(path, newA, newM); err != nil {
			return false, fmt.Errorf("Error while updating modification or access time: %w", err)
		}
	}
	if recordDiff && op.diff != nil {
		secs := func(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
		if !newM.Equal(prevM) {
			op.diff.set("mtime", secs(prevM), secs(newM))
		}
		if !newA.Equal(prevA) {
			op.diff.set("atime", secs(prevA), secs(newA))
		}
	}
	return true, nil
}

// strptime parses s with a Python strptime format, in local time as
// time.mktime does. It knows the directives used for file times.
func strptime(s, format string) (time.Time, error) {
	var year, mon, day, hour, min, sec int = 1900, 1, 1, 0, 0, 0
	pm := -1
	i := 0
	num := func(max int) (int, error) {
		j := i
		for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			return 0, fmt.Errorf("time data %q does not match format %q", s, format)
		}
		n, _ := strconv.Atoi(s[i:j])
		i = j
		return n, nil
	}
	for k := 0; k < len(format); k++ {
		c := format[k]
		if c != '%' || k+1 == len(format) {
			if i >= len(s) || s[i] != c {
				return time.Time{}, fmt.Errorf("time data %q does not match format %q", s, format)
			}
			i++
			continue
		}
		k++
		var err error
		switch format[k] {
		case 'Y':
			year, err = num(4)
		case 'y':
			year, err = num(2)
			if err == nil {
				if year < 69 {
					year += 2000
				} else {
					year += 1900
				}
			}
		case 'm':
			mon, err = num(2)
		case 'd':
			day, err = num(2)
		case 'H', 'I':
			hour, err = num(2)
		case 'M':
			min, err = num(2)
		case 'S':
			sec, err = num(2)
		case 'p':
			if i+2 <= len(s) {
				switch strings.ToUpper(s[i : i+2]) {
				case "AM":
					pm = 0
				case "PM":
					pm = 1
				}
				i += 2
			}
		case '%':
			if i >= len(s) || s[i] != '%' {
				err = fmt.Errorf("time data %q does not match format %q", s, format)
			}
			i++
		default:
			err = fmt.Errorf("unsupported directive %%%c", format[k])
		}
		if err != nil {
			return time.Time{}, err
		}
	}
	if i != len(s) {
		return time.Time{}, fmt.Errorf("unconverted data remains: %s", s[i:])
	}
	if pm == 1 && hour < 12 {
		hour += 12
	} else if pm == 0 && hour == 12 {
		hour = 0
	}
	return time.Date(year, time.Month(mon), day, hour, min, sec, 0, time.Local), nil
}

var _ module.Module = fileModule{}
