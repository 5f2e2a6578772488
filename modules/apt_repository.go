package modules

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gplay/module"
)

// aptRepositoryModule is ansible.builtin.apt_repository: one-line
// sources in /etc/apt/sources.list and /etc/apt/sources.list.d/*.list.
// A source present anywhere (enabled) counts as present; a disabled copy
// is re-enabled; a new one goes to sources.list.d/<filename>.list, named
// as Ansible names it. ppa: lines are expanded for Ubuntu, without
// importing the PPA's signing key.
type aptRepositoryModule struct {
	root string // "" is "/"; tests point it at a temp dir
}

func init() { module.Register(aptRepositoryModule{}) }

func (aptRepositoryModule) Info() module.Info {
	id := module.ID("ansible.builtin.apt_repository")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "repo", Required: true},
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "mode", Type: module.TypeRaw},
			{Name: "update_cache", Type: module.TypeBool, Default: true, Aliases: []string{"update-cache"}},
			{Name: "update_cache_retries", Type: module.TypeInt, Default: int64(5)},
			{Name: "update_cache_retry_max_delay", Type: module.TypeInt, Default: int64(12)},
			{Name: "validate_certs", Type: module.TypeBool, Default: true},
			{Name: "filename"},
			{Name: "codename"},
			{Name: "install_python_apt", Type: module.TypeBool, Default: true},
		}},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

type aptRepositoryResult struct {
	Repo  string `json:"repo"`
	State string `json:"state"`
}

// sourceLine is one parsed line of a sources file.
type sourceLine struct {
	valid, enabled bool
	source         string
	comment        string
	raw            string
}

var validSourceTypes = map[string]bool{"deb": true, "deb-src": true}

// parseSource is Ansible's SourcesList._parse.
func parseSource(line string) sourceLine {
	sl := sourceLine{enabled: true, raw: line}
	l := strings.TrimSpace(line)
	if strings.HasPrefix(l, "#") {
		sl.enabled = false
		l = l[1:]
	}
	if i := strings.IndexByte(l, '#'); i > 0 {
		sl.comment = strings.TrimSpace(l[i+1:])
		l = l[:i]
	}
	src := strings.TrimSpace(l)
	if src != "" {
		chunks := strings.Fields(src)
		if validSourceTypes[chunks[0]] {
			sl.valid = true
			src = strings.Join(chunks, " ")
		}
	}
	sl.source = src
	return sl
}

func (sl sourceLine) String() string {
	if !sl.valid {
		return sl.raw
	}
	s := ""
	if !sl.enabled {
		s = "# "
	}
	s += sl.source
	if sl.comment != "" {
		s += " # " + sl.comment
	}
	return s + "\n"
}

var (
	optionsRE  = regexp.MustCompile(`\[[^\]]+\]`)
	protocolRE = regexp.MustCompile(`\w+://`)
	nonAlnumRE = regexp.MustCompile(`[^a-zA-Z0-9]`)
)

// suggestFilename is Ansible's _suggest_filename.
func suggestFilename(source, filename string) string {
	if filename != "" {
		return filename + ".list"
	}
	line := optionsRE.ReplaceAllString(source, "")
	line = protocolRE.ReplaceAllString(line, "")
	var parts []string
	for _, p := range strings.Fields(line) {
		if !validSourceTypes[p] {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "source.list"
	}
	first := parts[0]
	if i := strings.IndexByte(first, '@'); i >= 0 {
		first = first[i+1:]
	}
	return strings.Join(strings.Fields(nonAlnumRE.ReplaceAllString(first, " ")), "_") + ".list"
}

func (m aptRepositoryModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Repo          string `arg:"repo"`
		State         string `arg:"state"`
		Mode          any    `arg:"mode"`
		UpdateCache   bool   `arg:"update_cache"`
		Retries       int    `arg:"update_cache_retries"`
		RetryMaxDelay int    `arg:"update_cache_retry_max_delay"`
		Filename      string `arg:"filename"`
		Codename      string `arg:"codename"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if strings.TrimSpace(p.Repo) == "" {
		return module.Result{}, errors.New("Please set argument 'repo' to a non-empty value")
	}
	root := m.root
	if root == "" {
		root = "/"
	}
	main := filepath.Join(root, "etc/apt/sources.list")
	dir := filepath.Join(root, "etc/apt/sources.list.d")
	line := p.Repo
	fileHint := ""
	if strings.HasPrefix(line, "ppa:") {
		codename := p.Codename
		if codename == "" {
			codename = parseOSRelease(string(readOr(h, filepath.Join(root, "etc/os-release"))))["VERSION_CODENAME"]
		}
		userName, ppa, ok := strings.Cut(strings.TrimPrefix(line, "ppa:"), "/")
		if !ok {
			ppa = "ppa"
		}
		line = fmt.Sprintf("deb https://ppa.launchpadcontent.net/%s/%s/ubuntu %s main", userName, ppa, codename)
		fileHint = suggestFilename(fmt.Sprintf("%s_%s", strings.ReplaceAll(p.Repo, "/", "_"), codename), p.Filename)
	}
	want := parseSource(line)
	if !want.valid || !want.enabled {
		return module.Result{}, fmt.Errorf("Invalid repository string: %s", line)
	}
	// load every sources file
	files := map[string][]sourceLine{}
	var names []string
	load := func(f string) {
		b, err := h.ReadFile(f)
		if err != nil {
			return
		}
		var ls []sourceLine
		for _, l := range readLines(b) {
			ls = append(ls, parseSource(l))
		}
		files[f] = ls
		names = append(names, f)
	}
	load(main)
	ents, _ := h.ReadDir(dir) // a missing sources.list.d has no sources
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".list") {
			load(filepath.Join(dir, e.Name()))
		}
	}
	dump := func() map[string]string {
		out := map[string]string{}
		for f, ls := range files {
			var b strings.Builder
			for _, l := range ls {
				b.WriteString(l.String())
			}
			out[f] = b.String()
		}
		return out
	}
	before := dump()
	if p.State == "present" {
		found := false
		for f, ls := range files {
			for i, l := range ls {
				if l.valid && l.source == want.source {
					found = true
					files[f][i].enabled = true
				}
			}
		}
		if !found {
			name := fileHint
			if name == "" {
				name = suggestFilename(want.source, p.Filename)
			}
			f := filepath.Join(dir, name)
			if _, ok := files[f]; !ok {
				names = append(names, f)
			}
			files[f] = append(files[f], want)
		}
	} else {
		for f, ls := range files {
			var kept []sourceLine
			for _, l := range ls {
				if l.valid && l.enabled && l.source == want.source {
					continue
				}
				kept = append(kept, l)
			}
			files[f] = kept
		}
	}
	after := dump()
	res := module.Result{Return: aptRepositoryResult{Repo: p.Repo, State: p.State}}
	sort.Strings(names)
	for _, f := range names {
		if before[f] == after[f] {
			continue
		}
		res.Changed = true
		if req.Diff {
			res.Diff = append(res.Diff, module.Diff{Before: before[f], After: after[f], BeforeHeader: f, AfterHeader: f})
		}
		if req.Check {
			continue
		}
		if after[f] == "" && f != main {
			if err := h.Remove(f); err != nil && !errors.Is(err, errNotExist) {
				return module.Result{}, err
			}
			continue
		}
		_, existed := before[f]
		if err := mkdirParents(h, filepath.Dir(f)); err != nil {
			return module.Result{}, fmt.Errorf("Failed to create directory %s: %v", filepath.Dir(f), err)
		}
		if err := h.WriteFile(f, []byte(after[f]), 0o644); err != nil {
			return module.Result{}, err
		}
		if !existed || p.Mode != nil {
			mode := p.Mode
			if mode == nil {
				mode = int64(0o644)
			}
			if _, err := applyAttrs(ctx, h, false, f, fileArgs{Mode: mode}, nil); err != nil {
				return module.Result{}, err
			}
		}
	}
	if res.Changed && !req.Check && p.UpdateCache {
		a := &aptRun{ctx: ctx, h: h, p: aptParams{UpdateCache: true, Retries: p.Retries, RetryMaxDelay: p.RetryMaxDelay},
			deadline: time.Now().Add(60 * time.Second)}
		if _, _, err := a.updateCache(); err != nil {
			return res, err
		}
	}
	return res, nil
}

func readOr(h module.Host, p string) []byte {
	b, _ := h.ReadFile(p) // missing is empty
	return b
}

var _ module.Module = aptRepositoryModule{}
