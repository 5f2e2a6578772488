package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gplay/module"
)

// copyModule is ansible.builtin.copy together with its controller-side
// action: content comes from content=, from the controller file or tree
// named by src= (read and shipped by the engine), or from the target
// (remote_src). The diff is the file's text before and after.
//
// Differences from Ansible, on purpose: the after_header of a diff is the
// controller path of src (or dest for content=, where Ansible shows a
// temporary file); check mode reports the same diff and dest as a real
// run; and under check a missing destination directory (which an earlier
// task would create) is a predicted change with a warning, not a failure.
type copyModule struct{}

func init() { module.Register(copyModule{}) }

func copyCommonParams() []module.Param {
	return []module.Param{
		{Name: "dest", Type: module.TypePath, Required: true},
		{Name: "backup", Type: module.TypeBool, Default: false},
		{Name: "force", Type: module.TypeBool, Default: true, Aliases: []string{"thirsty"}},
		{Name: "validate"},
		{Name: "follow", Type: module.TypeBool, Default: false},
		{Name: "_original_basename"},
		{Name: "checksum"},
		{Name: "decrypt", Type: module.TypeBool, Default: true},
	}
}

func (copyModule) Info() module.Info {
	id := module.ID("ansible.builtin.copy")
	params := append(copyCommonParams(),
		module.Param{Name: "src", Type: module.TypePath, Source: module.SourceControllerFile, RemoteIf: []string{"remote_src"}},
		module.Param{Name: "content", NoLog: true},
		module.Param{Name: "directory_mode", Type: module.TypeRaw},
		module.Param{Name: "remote_src", Type: module.TypeBool},
		module.Param{Name: "local_follow", Type: module.TypeBool},
	)
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: params, FileCommon: true},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportPartial,
	}
}

type copyParams struct {
	Dest             string  `arg:"dest"`
	Backup           bool    `arg:"backup"`
	Force            bool    `arg:"force"`
	Validate         string  `arg:"validate"`
	Follow           bool    `arg:"follow"`
	OriginalBasename string  `arg:"_original_basename"`
	Checksum         string  `arg:"checksum"`
	Src              string  `arg:"src"`
	Content          *string `arg:"content"`
	DirectoryMode    any     `arg:"directory_mode"`
	RemoteSrc        bool    `arg:"remote_src"`
	fileArgs
}

type copyResult struct {
	Dest       string `json:"dest"`
	Src        string `json:"src,omitempty"`
	Path       string `json:"path,omitempty"`
	MD5        string `json:"md5sum,omitempty"`
	Checksum   string `json:"checksum,omitempty"`
	BackupFile string `json:"backup_file,omitempty"`
	pathInfo
}

func (copyModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p copyParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	switch {
	case p.Src == "" && p.Content == nil:
		return module.Result{}, errors.New("src (or content) is required")
	case p.Src != "" && p.Content != nil:
		return module.Result{}, errors.New("src and content are mutually exclusive")
	case p.Content != nil && strings.HasSuffix(p.Dest, "/"):
		return module.Result{}, errors.New("can not use content with a dir as dest")
	}
	c := &copier{ctx: ctx, h: req.Host, check: req.Check, diff: req.Diff, p: p}
	if p.Content != nil {
		return c.one(p.Dest, []byte(*p.Content), "", p.Dest, 0)
	}
	if p.RemoteSrc {
		return c.remote()
	}
	content := req.Content["src"]
	if content == nil || len(content.Files) == 0 {
		return module.Result{}, fmt.Errorf("could not find src=%s", p.Src)
	}
	if len(content.Files) == 1 && content.Files[0].Rel == "" && content.Files[0].Mode.IsRegular() {
		f := content.Files[0]
		return c.one(p.Dest, f.Data, filepath.Base(p.Src), content.Path, f.Mode)
	}
	return c.tree(content)
}

// copier carries one copy run.
type copier struct {
	ctx   context.Context
	h     module.Host
	check bool
	diff  bool
	p     copyParams
}

// one copies data to dest (a file, or a directory to put srcBase into),
// as the copy module does for one file. srcMode is the source's mode, for
// mode=preserve.
func (c *copier) one(dest string, data []byte, srcBase, header string, srcMode fs.FileMode) (module.Result, error) {
	h := c.h
	p := c.p
	fa := p.fileArgs
	if s, ok := fa.Mode.(string); ok && s == "preserve" {
		fa.Mode = octalMode(uint32(srcMode.Perm()))
	}
	if p.OriginalBasename != "" {
		srcBase = p.OriginalBasename
	}
	sum, md5sum := sha1Bytes(data), md5Bytes(data)
	if p.Checksum != "" && p.Checksum != sum {
		return module.Result{}, errors.New("Copied file does not match the expected checksum. Transfer failed.")
	}
	res := module.Result{}
	if strings.HasSuffix(dest, "/") {
		if srcBase != "" {
			dest = filepath.Join(dest, srcBase)
		}
		dir := filepath.Dir(dest)
		if !exists(h, dir) {
			if c.check {
				res.Changed = true
				res.Msg = fmt.Sprintf("dest directory %s would be created", dir)
				res.Diff = c.contentDiff(dest, nil, data, header, false)
				res.Return = copyResult{Dest: dest, Checksum: sum, MD5: md5sum}
				return res, nil
			}
			if err := c.mkdirAll(dir); err != nil {
				return module.Result{}, err
			}
		}
	}
	if isDir(h, dest) && srcBase != "" {
		dest = filepath.Join(dest, srcBase)
	}
	if !strings.Contains(dest, "/") {
		dest = "./" + dest
	}
	destExists := lexists(h, dest)
	var before []byte
	isLink := false
	if destExists {
		if fi, err := h.Lstat(dest); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			isLink = true
			if p.Follow {
				if real, err := filepath.EvalSymlinks(dest); err == nil {
					dest, isLink = real, false
				}
			}
		}
		if !p.Force {
			res.Msg = "file already exists"
			res.Return = copyResult{Dest: dest, Src: p.Src}
			return res, nil
		}
		if fi, err := h.Stat(dest); err == nil && fi.Mode().IsRegular() {
			b, err := h.ReadFile(dest)
			if err == nil {
				before = b
			}
		} else if err == nil && fi.IsDir() {
			return module.Result{}, fmt.Errorf("can not use content with a dir as dest")
		}
	} else if dir := filepath.Dir(dest); !exists(h, dir) {
		if c.check {
			// an earlier task of the run may create it: predict, do not fail
			res.Changed = true
			res.Warnings = append(res.Warnings, fmt.Sprintf("Destination directory %s does not exist yet: check mode assumes an earlier task creates it (a real run fails if none does)", dir))
			res.Diff = c.contentDiff(dest, nil, data, header, false)
			res.Return = copyResult{Dest: dest, Src: p.Src, Checksum: sum, MD5: md5sum}
			return res, nil
		}
		return module.Result{}, fmt.Errorf("Destination directory %s does not exist", dir)
	}
	changed := before == nil || sha1Bytes(before) != sum || isLink
	out := copyResult{Dest: dest, Src: p.Src}
	if changed {
		res.Diff = c.contentDiff(dest, before, data, header, destExists && before != nil)
		if !c.check {
			if p.Backup && destExists && before != nil {
				name, err := backupFile(h, dest, time.Now().Format("2006-01-02@15:04:05"))
				if err != nil {
					return module.Result{}, err
				}
				out.BackupFile = name
			}
			if p.Validate != "" {
				if err := c.validate(data); err != nil {
					var ve *validateError
					if errors.As(err, &ve) {
						return module.Result{Return: validateResult{ExitStatus: ve.rc, Stdout: ve.stdout, Stderr: ve.stderr}}, err
					}
					return module.Result{}, err
				}
			}
			if isLink {
				if err := h.Remove(dest); err != nil {
					return module.Result{}, fmt.Errorf("failed to copy: %s to %s: %w", p.Src, dest, err)
				}
			}
			if err := h.WriteFile(dest, data, 0o666); err != nil {
				return module.Result{}, fmt.Errorf("failed to copy: %s to %s: %w", p.Src, dest, err)
			}
		}
		out.MD5 = md5sum
		out.Checksum = sum
		ac, err := applyAttrs(c.ctx, h, c.check, dest, fa, nil)
		if err != nil {
			return module.Result{}, err
		}
		res.Changed = changed || ac
	} else {
		// unchanged content: Ansible hands over to the file module for
		// attributes, with its state diff
		sd := newStateDiff(dest)
		ac, err := applyAttrs(c.ctx, h, c.check, dest, fa, sd)
		if err != nil {
			return module.Result{}, err
		}
		res.Changed = ac
		out.Src = ""
		out.Path = dest
		out.Checksum = sum
		if c.diff {
			res.Diff = []module.Diff{sd.diff()}
		}
	}
	out.pathInfo = statPathInfo(h, dest)
	res.Return = out
	return res, nil
}

// contentDiff is the text diff of a file's content; binary content gives
// no diff (Ansible prints "Binary files differ").
func (c *copier) contentDiff(dest string, before, after []byte, header string, existed bool) []module.Diff {
	if !c.diff || strings.IndexByte(string(before), 0) >= 0 || strings.IndexByte(string(after), 0) >= 0 {
		return nil
	}
	d := module.Diff{Before: string(before), After: string(after), AfterHeader: header}
	if existed {
		d.BeforeHeader = dest
	}
	return []module.Diff{d}
}

// validate writes data to a temporary file and runs the validate command
// with %s replaced by its path; the command must exit 0.
func (c *copier) validate(data []byte) error {
	if !strings.Contains(c.p.Validate, "%s") {
		return fmt.Errorf("validate must contain %%s: %s", c.p.Validate)
	}
	tmp := filepath.Join(filepath.Dir(c.p.Dest), fmt.Sprintf(".gplay-validate-%d", time.Now().UnixNano()))
	if !isDir(c.h, filepath.Dir(tmp)) {
		tmp = filepath.Join("/tmp", filepath.Base(tmp))
	}
	if err := c.h.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	defer c.h.Remove(tmp) // our own temporary file
	if _, err := applyAttrs(c.ctx, c.h, false, tmp, c.p.fileArgs, nil); err != nil {
		return err
	}
	line := strings.ReplaceAll(strings.ReplaceAll(c.p.Validate, "%s", tmp), "%%", "%")
	argv, err := shellSplit(line)
	if err != nil {
		return err
	}
	r, err := c.h.Exec(c.ctx, module.Cmd{Argv: argv})
	if err != nil {
		return fmt.Errorf("failed to validate: %w", err)
	}
	if r.RC != 0 {
		return &validateError{rc: r.RC, stdout: toText(r.Stdout), stderr: toText(r.Stderr)}
	}
	return nil
}

type validateError struct {
	rc             int
	stdout, stderr string
}

func (e *validateError) Error() string { return "failed to validate" }

// validateResult is registered when validate rejects the new content.
type validateResult struct {
	ExitStatus int    `json:"exit_status"`
	Stdout     string `json:"stdout"`
	Stderr     string `json:"stderr"`
}

// mkdirAll creates dir and its missing parents with directory_mode (or
// the default mode) and the owner/group arguments.
func (c *copier) mkdirAll(dir string) error {
	if exists(c.h, dir) {
		return nil
	}
	if err := c.mkdirAll(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := c.h.Mkdir(dir, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	da := fileArgs{Mode: c.p.DirectoryMode, Owner: c.p.Owner, Group: c.p.Group}
	_, err := applyAttrs(c.ctx, c.h, false, dir, da, nil)
	return err
}

// tree copies a shipped directory: "dir" makes dest/dir, "dir/" copies
// the content into dest, as Ansible's copy action does.
func (c *copier) tree(content *module.Content) (module.Result, error) {
	base := c.p.Dest
	if !strings.HasSuffix(c.p.Src, "/") {
		base = filepath.Join(base, filepath.Base(strings.TrimSuffix(content.Path, "/")))
	}
	res := module.Result{}
	var diffs []module.Diff
	ensureDir := func(d string) error {
		if isDir(c.h, d) {
			return nil
		}
		res.Changed = true
		if c.check {
			return nil
		}
		return c.mkdirAll(d)
	}
	if err := ensureDir(base); err != nil {
		return module.Result{}, err
	}
	for _, f := range content.Files {
		if f.Rel == "" {
			continue
		}
		target := filepath.Join(base, filepath.FromSlash(path.Clean(f.Rel)))
		switch {
		case f.Mode.IsDir():
			if err := ensureDir(target); err != nil {
				return module.Result{}, err
			}
		case f.Mode&fs.ModeSymlink != 0:
			cur, err := c.h.Readlink(target)
			if err == nil && cur == f.Link {
				continue
			}
			res.Changed = true
			if !c.check {
				_ = c.h.Remove(target) // replaced below; Symlink reports real problems
				if err := c.h.Symlink(f.Link, target); err != nil {
					return module.Result{}, err
				}
			}
		default:
			if c.check && !isDir(c.h, filepath.Dir(target)) {
				res.Changed = true
				if d := c.contentDiff(target, nil, f.Data, path.Join(content.Path, f.Rel), false); d != nil {
					diffs = append(diffs, d...)
				}
				continue
			}
			sub := *c
			sub.p.Dest = target
			sub.p.Src = path.Join(c.p.Src, f.Rel)
			r, err := sub.one(target, f.Data, "", path.Join(content.Path, f.Rel), f.Mode)
			if err != nil {
				return r, err
			}
			if r.Changed {
				res.Changed = true
				for _, d := range r.Diff {
					if _, isState := d.Before.(map[string]any); !isState {
						diffs = append(diffs, d)
					}
				}
			}
		}
	}
	res.Diff = diffs
	res.Return = copyResult{Dest: strings.TrimSuffix(c.p.Dest, "/") + "/", Src: c.p.Src}
	return res, nil
}

// remote copies a file that is already on the target (remote_src).
func (c *copier) remote() (module.Result, error) {
	fi, err := c.h.Stat(c.p.Src)
	if err != nil {
		return module.Result{}, fmt.Errorf("Source %s not found", c.p.Src)
	}
	if fi.IsDir() {
		files := []module.File{{Rel: "", Mode: fi.Mode()}}
		var walkErr error
		walkTree(c.h, c.p.Src, func(p string, d fs.DirEntry) {
			rel, _ := filepath.Rel(c.p.Src, p)
			info, err := c.h.Lstat(p)
			if err != nil {
				walkErr = err
				return
			}
			f := module.File{Rel: filepath.ToSlash(rel), Mode: info.Mode()}
			switch {
			case info.Mode().IsRegular():
				f.Data, walkErr = c.h.ReadFile(p)
			case info.Mode()&fs.ModeSymlink != 0:
				f.Link, walkErr = c.h.Readlink(p)
			}
			files = append(files, f)
		})
		if walkErr != nil {
			return module.Result{}, walkErr
		}
		return c.tree(&module.Content{Path: c.p.Src, Files: files})
	}
	data, err := c.h.ReadFile(c.p.Src)
	if err != nil {
		return module.Result{}, fmt.Errorf("Source %s not readable", c.p.Src)
	}
	return c.one(c.p.Dest, data, filepath.Base(c.p.Src), c.p.Src, fi.Mode())
}

var _ module.Module = copyModule{}
