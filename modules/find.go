package modules

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gplay/module"
)

// findModule is ansible.builtin.find: files matching name patterns, age,
// size and content, with a stat-like dict each. Entries of a directory
// are visited in name order (Python's os.walk order is the filesystem's).
type findModule struct{}

func init() { module.Register(findModule{}) }

func (findModule) Info() module.Info {
	id := module.ID("ansible.builtin.find")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "paths", Type: module.TypeList, Elements: module.TypeStr, Required: true, Aliases: []string{"name", "path"}},
			{Name: "patterns", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}, Aliases: []string{"pattern"}},
			{Name: "excludes", Type: module.TypeList, Elements: module.TypeStr, Aliases: []string{"exclude"}},
			{Name: "contains"},
			{Name: "read_whole_file", Type: module.TypeBool, Default: false},
			{Name: "file_type", Default: "file", Choices: []any{"any", "directory", "file", "link"}},
			{Name: "age"},
			{Name: "age_stamp", Default: "mtime", Choices: []any{"atime", "ctime", "mtime"}},
			{Name: "size"},
			{Name: "recurse", Type: module.TypeBool, Default: false},
			{Name: "hidden", Type: module.TypeBool, Default: false},
			{Name: "follow", Type: module.TypeBool, Default: false},
			{Name: "get_checksum", Type: module.TypeBool, Default: false},
			{Name: "use_regex", Type: module.TypeBool, Default: false},
			{Name: "depth", Type: module.TypeInt},
		}},
		CheckMode: module.SupportFull,
	}
}

type findResult struct {
	Files        []map[string]any  `json:"files"`
	Msg          string            `json:"msg"`
	Matched      int               `json:"matched"`
	Examined     int               `json:"examined"`
	SkippedPaths map[string]string `json:"skipped_paths"`
}

// fnmatch is Python's fnmatch.fnmatch on POSIX ([!x] negates).
func fnmatch(name, pattern string) bool {
	ok, err := path.Match(strings.ReplaceAll(pattern, "[!", "[^"), name)
	return err == nil && ok
}

var ageRE = regexp.MustCompile(`^(-?\d+)(s|m|h|d|w)?$`)
var sizeRE = regexp.MustCompile(`^(-?\d+)(b|k|m|g|t)?$`)

func findStatInfo(fi fs.FileInfo) map[string]any {
	st := fi.Sys().(*syscall.Stat_t)
	m := st.Mode
	typ := m & syscall.S_IFMT
	ts := func(t syscall.Timespec) float64 { return float64(t.Sec) + float64(t.Nsec)/1e9 }
	pw, gr := userName(st.Uid), groupName(st.Gid)
	if pw == strconv.Itoa(int(st.Uid)) {
		pw = ""
	}
	if gr == strconv.Itoa(int(st.Gid)) {
		gr = ""
	}
	return map[string]any{
		"mode": fmt.Sprintf("%04o", m&0o7777), "isdir": typ == syscall.S_IFDIR, "ischr": typ == syscall.S_IFCHR,
		"isblk": typ == syscall.S_IFBLK, "isreg": typ == syscall.S_IFREG, "isfifo": typ == syscall.S_IFIFO,
		"islnk": typ == syscall.S_IFLNK, "issock": typ == syscall.S_IFSOCK, "uid": int64(st.Uid), "gid": int64(st.Gid),
		"size": st.Size, "inode": int64(st.Ino), "dev": int64(st.Dev), "nlink": int64(st.Nlink),
		"atime": ts(st.Atim), "mtime": ts(st.Mtim), "ctime": ts(st.Ctim), "gr_name": gr, "pw_name": pw,
		"wusr": m&0o200 != 0, "rusr": m&0o400 != 0, "xusr": m&0o100 != 0, "wgrp": m&0o020 != 0, "rgrp": m&0o040 != 0,
		"xgrp": m&0o010 != 0, "woth": m&0o002 != 0, "roth": m&0o004 != 0, "xoth": m&0o001 != 0,
		"isuid": m&0o4000 != 0, "isgid": m&0o2000 != 0,
	}
}

func (findModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Paths     []string `arg:"paths"`
		Patterns  []string `arg:"patterns"`
		Excludes  []string `arg:"excludes"`
		Contains  *string  `arg:"contains"`
		WholeFile bool     `arg:"read_whole_file"`
		FileType  string   `arg:"file_type"`
		Age       *string  `arg:"age"`
		AgeStamp  string   `arg:"age_stamp"`
		Size      *string  `arg:"size"`
		Recurse   bool     `arg:"recurse"`
		Hidden    bool     `arg:"hidden"`
		Follow    bool     `arg:"follow"`
		Checksum  bool     `arg:"get_checksum"`
		UseRegex  bool     `arg:"use_regex"`
		Depth     int      `arg:"depth"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if len(p.Patterns) == 0 {
		p.Patterns = []string{"*"}
		if p.UseRegex {
			p.Patterns = []string{".*"}
		}
	}
	var age, size *int64
	if p.Age != nil {
		m := ageRE.FindStringSubmatch(strings.ToLower(*p.Age))
		if m == nil {
			return module.Result{}, fmt.Errorf("failed to process age")
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		n *= map[string]int64{"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m[2]]
		age = &n
	}
	if p.Size != nil {
		m := sizeRE.FindStringSubmatch(strings.ToLower(*p.Size))
		if m == nil {
			return module.Result{}, fmt.Errorf("failed to process size")
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		n *= map[string]int64{"": 1, "b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m[2]]
		size = &n
	}
	var pats, excl []*pyRegexp
	if p.UseRegex {
		for _, s := range p.Patterns {
			re, err := compilePy("(?:" + s + ")")
			if err != nil {
				return module.Result{}, err
			}
			pats = append(pats, re)
		}
		for _, s := range p.Excludes {
			re, err := compilePy("(?:" + s + ")")
			if err != nil {
				return module.Result{}, err
			}
			excl = append(excl, re)
		}
	}
	// re.match anchors at the start only
	rematch := func(re *pyRegexp, s string) bool {
		m := re.search(s)
		return m != nil && m.m.Index == 0
	}
	pfilter := func(name string) bool {
		for i, pat := range p.Patterns {
			hit := false
			if p.UseRegex {
				hit = rematch(pats[i], name)
			} else {
				hit = fnmatch(name, pat)
			}
			if !hit {
				continue
			}
			for j, e := range p.Excludes {
				if p.UseRegex && rematch(excl[j], name) || !p.UseRegex && fnmatch(name, e) {
					return false
				}
			}
			return true
		}
		return false
	}
	now := time.Now()
	agefilter := func(fi fs.FileInfo) bool {
		if age == nil {
			return true
		}
		st := fi.Sys().(*syscall.Stat_t)
		t := st.Mtim
		switch p.AgeStamp {
		case "atime":
			t = st.Atim
		case "ctime":
			t = st.Ctim
		}
		elapsed := now.Sub(time.Unix(t.Sec, t.Nsec)).Seconds()
		if *age >= 0 {
			return elapsed >= float64(*age)
		}
		return elapsed <= float64(-*age)
	}
	sizefilter := func(fi fs.FileInfo) bool {
		if size == nil {
			return true
		}
		if *size >= 0 {
			return fi.Size() >= *size
		}
		return fi.Size() <= -*size
	}
	var contains *pyRegexp
	if p.Contains != nil {
		var err error
		if contains, err = compilePy(*p.Contains); err != nil {
			return module.Result{}, err
		}
	}
	contentfilter := func(name string) bool {
		if contains == nil {
			return true
		}
		b, err := h.ReadFile(name)
		if err != nil {
			return false
		}
		if p.WholeFile {
			return contains.search(string(b)) != nil
		}
		for _, line := range readLines(b) {
			if rematch(contains, line) {
				return true
			}
		}
		return false
	}
	out := findResult{Files: []map[string]any{}, Msg: "All paths examined", SkippedPaths: map[string]string{}}
	var res module.Result
	var walk func(root, dir string)
	walk = func(root, dir string) {
		ents, err := h.ReadDir(dir)
		if err != nil {
			out.SkippedPaths[dir] = err.Error()
			res.Warnings = append(res.Warnings, fmt.Sprintf("Skipped '%s' path due to this access issue: %v\n", dir, err))
			return
		}
		var files, dirs []string
		for _, e := range ents {
			full := filepath.Join(dir, e.Name())
			if e.IsDir() || (e.Type()&fs.ModeSymlink != 0 && isDir(h, full)) {
				dirs = append(dirs, e.Name())
			} else {
				files = append(files, e.Name())
			}
		}
		sort.Strings(files)
		sort.Strings(dirs)
		out.Examined += len(files) + len(dirs)
		var descend []string
		for _, name := range append(files, dirs...) {
			full := filepath.Clean(filepath.Join(dir, name))
			if p.Depth > 0 {
				depth := strings.Count(full, "/") - strings.Count(strings.TrimRight(root, "/")+"/", "/") + 1
				if depth > p.Depth {
					continue
				}
			}
			isSubdir := containsStr(dirs, name)
			if isSubdir {
				fi, err := h.Lstat(full)
				if err == nil && (fi.IsDir() || p.Follow) {
					descend = append(descend, full)
				}
			}
			if strings.HasPrefix(name, ".") && !p.Hidden {
				continue
			}
			fi, err := h.Lstat(full)
			if err != nil {
				out.SkippedPaths[full] = err.Error()
				res.Warnings = append(res.Warnings, fmt.Sprintf("Skipped entry '%s' due to this access issue: %v\n", full, err))
				continue
			}
			mode := fi.Mode()
			r := map[string]any{"path": full}
			add := func() {
				for k, v := range findStatInfo(fi) {
					r[k] = v
				}
				out.Files = append(out.Files, r)
			}
			switch {
			case p.FileType == "any":
				if pfilter(name) && agefilter(fi) && (!mode.IsRegular() || sizefilter(fi)) {
					if mode.IsRegular() && p.Checksum {
						r["checksum"], _ = sha1File(h, full)
					}
					add()
				}
			case mode.IsDir() && p.FileType == "directory":
				if pfilter(name) && agefilter(fi) {
					add()
				}
			case mode.IsRegular() && p.FileType == "file":
				if pfilter(name) && agefilter(fi) && sizefilter(fi) && contentfilter(full) {
					if p.Checksum {
						r["checksum"], _ = sha1File(h, full)
					}
					add()
				}
			case mode&fs.ModeSymlink != 0 && p.FileType == "link":
				if pfilter(name) && agefilter(fi) {
					add()
				}
			}
		}
		if p.Recurse {
			for _, d := range descend {
				walk(root, d)
			}
		}
	}
	for _, np := range p.Paths {
		np = module.ExpandPath(np)
		if !isDir(h, np) {
			out.SkippedPaths[np] = fmt.Sprintf("'%s' is not a directory", np)
			res.Warnings = append(res.Warnings, fmt.Sprintf("Skipped '%s' path due to this access issue: '%s' is not a directory\n", np, np))
			continue
		}
		walk(np, np)
	}
	if len(res.Warnings) > 0 {
		out.Msg = "Not all paths examined, check warnings for details"
	}
	out.Matched = len(out.Files)
	res.Return = out
	return res, nil
}

var _ module.Module = findModule{}
