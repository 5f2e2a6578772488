package modules

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gplay/module"
)

// unarchiveModule is ansible.builtin.unarchive: a tar (plain, gzip,
// bzip2, xz, zstd) or zip archive, shipped from the controller, already on
// the target (remote_src) or downloaded, unpacked into dest. The archive is
// read in Go (xz and zstd through xz(1)/zstd(1) as filters) and compared
// member by member with dest (type, content, mode), so check mode predicts
// exactly what a real run changes.
//
// Difference from Ansible: extra_opts are not supported (they are options
// of tar/unzip, which gplay does not run) and give a warning.
type unarchiveModule struct{}

func init() { module.Register(unarchiveModule{}) }

func (unarchiveModule) Info() module.Info {
	id := module.ID("ansible.builtin.unarchive")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "src", Type: module.TypePath, Required: true, Source: module.SourceControllerFile, RemoteIf: []string{"remote_src"}},
				{Name: "dest", Type: module.TypePath, Required: true},
				{Name: "remote_src", Type: module.TypeBool, Default: false},
				{Name: "copy", Type: module.TypeBool, Default: true},
				{Name: "creates", Type: module.TypePath},
				{Name: "list_files", Type: module.TypeBool, Default: false},
				{Name: "keep_newer", Type: module.TypeBool, Default: false},
				{Name: "exclude", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}},
				{Name: "include", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}},
				{Name: "extra_opts", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}},
				{Name: "validate_certs", Type: module.TypeBool, Default: true},
				{Name: "io_buffer_size", Type: module.TypeInt, Default: int64(65536)},
				{Name: "decrypt", Type: module.TypeBool, Default: true},
			},
			Rules:      module.Rules{MutuallyExclusive: [][]string{{"include", "exclude"}}},
			FileCommon: true,
		},
		CheckMode: module.SupportFull,
	}
}

type unarchiveResult struct {
	Dest    string   `json:"dest"`
	Src     string   `json:"src"`
	Handler string   `json:"handler"`
	Files   []string `json:"files,omitempty"`
	pathInfo
}

// member is one archive entry.
type member struct {
	name  string
	mode  fs.FileMode
	data  []byte
	link  string
	mtime time.Time
}

// readArchive decodes data into members and names its handler as
// Ansible's unarchive does.
func readArchive(ctx context.Context, h module.Host, data []byte) ([]member, string, error) {
	handler := "TarArchive"
	tarData := data
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return readZip(data)
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		handler = "TgzArchive"
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, "", err
		}
		if tarData, err = io.ReadAll(zr); err != nil {
			return nil, "", err
		}
	case bytes.HasPrefix(data, []byte("BZh")):
		handler = "TarBzipArchive"
		var err error
		if tarData, err = io.ReadAll(bzip2.NewReader(bytes.NewReader(data))); err != nil {
			return nil, "", err
		}
	case bytes.HasPrefix(data, []byte{0xfd, '7', 'z', 'X', 'Z', 0}), bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		tool := "xz"
		handler = "TarXzArchive"
		if data[0] == 0x28 {
			tool, handler = "zstd", "TarZstdArchive"
		}
		r, err := h.Query(ctx, module.Cmd{Argv: []string{tool, "-dc"}, Stdin: data})
		if err != nil || r.RC != 0 {
			return nil, "", fmt.Errorf("Failed to find handler for archive: %s -dc failed: %s%v", tool, toText(r.Stderr), errOrEmpty(err))
		}
		tarData = r.Stdout
	}
	tr := tar.NewReader(bytes.NewReader(tarData))
	var out []member
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("Failed to find handler for archive. Make sure the required command to extract the file is installed: %v", err)
		}
		m := member{name: hd.Name, mode: hd.FileInfo().Mode(), mtime: hd.ModTime, link: hd.Linkname}
		switch hd.Typeflag {
		case tar.TypeReg:
			if m.data, err = io.ReadAll(tr); err != nil {
				return nil, "", err
			}
		case tar.TypeDir, tar.TypeSymlink:
		case tar.TypeLink:
			m.mode = 0 // a hard link; resolved on extraction
		default:
			continue
		}
		out = append(out, m)
	}
	return out, handler, nil
}

func readZip(data []byte) ([]member, string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", err
	}
	var out []member
	for _, f := range zr.File {
		m := member{name: f.Name, mode: f.Mode(), mtime: f.Modified}
		if !f.Mode().IsDir() {
			rc, err := f.Open()
			if err != nil {
				return nil, "", err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, "", err
			}
			if f.Mode()&fs.ModeSymlink != 0 {
				m.link = string(b)
			} else {
				m.data = b
			}
		}
		out = append(out, m)
	}
	return out, "ZipArchive", nil
}

func (unarchiveModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Src       string   `arg:"src"`
		Dest      string   `arg:"dest"`
		RemoteSrc bool     `arg:"remote_src"`
		Copy      bool     `arg:"copy"`
		Creates   string   `arg:"creates"`
		ListFiles bool     `arg:"list_files"`
		KeepNewer bool     `arg:"keep_newer"`
		Exclude   []string `arg:"exclude"`
		Include   []string `arg:"include"`
		ExtraOpts []string `arg:"extra_opts"`
		fileArgs
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if p.Creates != "" && exists(h, p.Creates) {
		return module.Result{Skipped: true, Msg: fmt.Sprintf("skipped, since %s exists", p.Creates)}, nil
	}
	var res module.Result
	if len(p.ExtraOpts) > 0 {
		res.Warnings = append(res.Warnings, "extra_opts are not supported by gplay's unarchive and were ignored")
	}
	if !isDir(h, p.Dest) {
		return module.Result{}, fmt.Errorf("dest '%s' must be an existing dir", p.Dest)
	}
	var data []byte
	switch {
	case strings.Contains(p.Src, "://"):
		b, _, _, err := httpGet(ctx, urlParamsT{HTTPAgent: "ansible-httpget", UseProxy: true, ValidateCerts: true, Timeout: 10}, p.Src, nil)
		if err != nil {
			return module.Result{}, fmt.Errorf("Failure downloading %s, %v", p.Src, err)
		}
		data = b
	case p.RemoteSrc || !p.Copy:
		b, err := h.ReadFile(p.Src)
		if err != nil {
			return module.Result{}, fmt.Errorf("Source '%s' does not exist", p.Src)
		}
		data = b
	default:
		c := req.Content["src"]
		if c == nil || len(c.Files) != 1 {
			return module.Result{}, fmt.Errorf("Source '%s' not found", p.Src)
		}
		data = c.Files[0].Data
	}
	members, handler, err := readArchive(ctx, h, data)
	if err != nil {
		return module.Result{}, err
	}
	out := unarchiveResult{Dest: p.Dest, Src: p.Src, Handler: handler}
	selected := func(name string) bool {
		clean := strings.TrimSuffix(name, "/")
		for _, e := range p.Exclude {
			if fnmatch(clean, e) || fnmatch(name, e) {
				return false
			}
		}
		if len(p.Include) == 0 {
			return true
		}
		for _, i := range p.Include {
			if fnmatch(clean, i) || fnmatch(name, i) {
				return true
			}
		}
		return false
	}
	for _, m := range members {
		if !selected(m.name) {
			continue
		}
		rel := path.Clean("/" + m.name)[1:]
		if rel == "" {
			continue
		}
		if p.ListFiles {
			out.Files = append(out.Files, m.name)
		}
		target := filepath.Join(p.Dest, filepath.FromSlash(rel))
		c, err := extractMember(h, req.Check, m, target, p.Dest, p.KeepNewer)
		if err != nil {
			return module.Result{}, err
		}
		res.Changed = res.Changed || c
		if !req.Check || exists(h, target) {
			if fi, err := h.Lstat(target); err == nil && fi.Mode()&fs.ModeSymlink == 0 {
				ac, err := applyAttrs(ctx, h, req.Check, target, fileArgs{Owner: p.Owner, Group: p.Group, Mode: p.Mode}, nil)
				if err != nil {
					return module.Result{}, err
				}
				res.Changed = res.Changed || ac
			}
		}
	}
	out.pathInfo = statPathInfo(h, p.Dest)
	res.Return = out
	return res, nil
}

// extractMember compares one member with target and, unless check,
// writes it. It reports whether target differs.
func extractMember(h module.Host, check bool, m member, target, dest string, keepNewer bool) (bool, error) {
	fi, err := h.Lstat(target)
	exists := err == nil
	switch {
	case m.mode.IsDir():
		if exists && fi.IsDir() {
			if permBits(fi)&0o777 != uint32(m.mode.Perm()) {
				if !check {
					return true, h.Chmod(target, m.mode.Perm())
				}
				return true, nil
			}
			return false, nil
		}
		if check {
			return true, nil
		}
		if err := mkdirParents(h, target); err != nil {
			return false, err
		}
		return true, h.Chmod(target, m.mode.Perm())
	case m.mode&fs.ModeSymlink != 0:
		if exists && fi.Mode()&fs.ModeSymlink != 0 {
			if cur, _ := h.Readlink(target); cur == m.link {
				return false, nil
			}
		}
		if check {
			return true, nil
		}
		if exists {
			if err := h.Remove(target); err != nil {
				return false, err
			}
		}
		if err := mkdirParents(h, filepath.Dir(target)); err != nil {
			return false, err
		}
		return true, h.Symlink(m.link, target)
	case m.mode == 0 && m.link != "":
		// hard link to another member
		src := filepath.Join(dest, filepath.FromSlash(path.Clean("/" + m.link)[1:]))
		a, err1 := h.Stat(src)
		if exists && err1 == nil && os.SameFile(a, fi) {
			return false, nil
		}
		if check {
			return true, nil
		}
		if exists {
			if err := h.Remove(target); err != nil {
				return false, err
			}
		}
		return true, h.Link(src, target)
	}
	if exists && fi.Mode().IsRegular() {
		if keepNewer && fi.ModTime().After(m.mtime) {
			return false, nil
		}
		cur, err := h.ReadFile(target)
		if err == nil && bytes.Equal(cur, m.data) && permBits(fi)&0o7777 == uint32(m.mode.Perm())|modeSpecial(m.mode) {
			return false, nil
		}
	}
	if check {
		return true, nil
	}
	if exists && !fi.Mode().IsRegular() {
		if err := h.RemoveAll(target); err != nil {
			return false, err
		}
	}
	if err := mkdirParents(h, filepath.Dir(target)); err != nil {
		return false, err
	}
	if err := h.WriteFile(target, m.data, m.mode.Perm()); err != nil {
		return false, err
	}
	if err := h.Chmod(target, m.mode.Perm()|m.mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return false, err
	}
	if !m.mtime.IsZero() {
		if err := h.Chtimes(target, m.mtime, m.mtime); err != nil {
			return false, err
		}
	}
	return true, nil
}

func modeSpecial(m fs.FileMode) uint32 {
	var s uint32
	if m&fs.ModeSetuid != 0 {
		s |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		s |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		s |= 0o1000
	}
	return s
}

var _ module.Module = unarchiveModule{}
