package modules

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gplay/module"
	"gplay/pyval"
)

// deb822RepositoryModule is ansible.builtin.deb822_repository (ansible-core
// 2.15+): a /etc/apt/sources.list.d/<slug>.sources file in deb822 format,
// with a signed_by key fetched into /etc/apt/keyrings when it is a URL.
type deb822RepositoryModule struct {
	root string // "" is "/"; tests point it at a temp dir
}

func init() { module.Register(deb822RepositoryModule{}) }

var deb822Fields = []module.Param{
	{Name: "allow_downgrade_to_insecure", Type: module.TypeBool},
	{Name: "allow_insecure", Type: module.TypeBool},
	{Name: "allow_weak", Type: module.TypeBool},
	{Name: "architectures", Type: module.TypeList, Elements: module.TypeStr},
	{Name: "by_hash", Type: module.TypeBool},
	{Name: "check_date", Type: module.TypeBool},
	{Name: "check_valid_until", Type: module.TypeBool},
	{Name: "components", Type: module.TypeList, Elements: module.TypeStr},
	{Name: "date_max_future", Type: module.TypeInt},
	{Name: "enabled", Type: module.TypeBool},
	{Name: "inrelease_path"},
	{Name: "languages", Type: module.TypeList, Elements: module.TypeStr},
	{Name: "name", Required: true},
	{Name: "pdiffs", Type: module.TypeBool},
	{Name: "signed_by"},
	{Name: "suites", Type: module.TypeList, Elements: module.TypeStr},
	{Name: "targets", Type: module.TypeList, Elements: module.TypeStr},
	{Name: "trusted", Type: module.TypeBool},
	{Name: "types", Type: module.TypeList, Elements: module.TypeStr, Choices: []any{"deb", "deb-src"}, Default: []string{"deb"}},
	{Name: "uris", Type: module.TypeList, Elements: module.TypeStr},
}

func (deb822RepositoryModule) Info() module.Info {
	id := module.ID("ansible.builtin.deb822_repository")
	params := append(append([]module.Param(nil), deb822Fields...),
		module.Param{Name: "install_python_debian", Type: module.TypeBool, Default: true},
		module.Param{Name: "mode", Type: module.TypeRaw, Default: "0644"},
		module.Param{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
	)
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: params},
		CheckMode: module.SupportFull,
	}
}

type deb822Result struct {
	Repo        *string `json:"repo"`
	Dest        string  `json:"dest"`
	KeyFilename *string `json:"key_filename"`
}

var (
	slugSpaceRE = regexp.MustCompile(`[_\s]+`)
	slugDropRE  = regexp.MustCompile(`[^a-z0-9-]+`)
)

// deb822FieldName is Ansible's format_field_name.
func deb822FieldName(k string) string {
	switch k {
	case "name":
		return "X-Repolib-Name"
	case "uris":
		return "URIs"
	}
	parts := strings.Split(k, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

func (m deb822RepositoryModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	h := req.Host
	args := req.Args
	var p struct {
		Name  string `arg:"name"`
		Mode  any    `arg:"mode"`
		State string `arg:"state"`
	}
	if err := args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	root := m.root
	if root == "" {
		root = "/"
	}
	slug := slugDropRE.ReplaceAllString(slugSpaceRE.ReplaceAllString(strings.ToLower(p.Name), "-"), "")
	sources := filepath.Join(root, "etc/apt/sources.list.d", slug+".sources")
	keyrings := filepath.Join(root, "etc/apt/keyrings")
	res := module.Result{}
	if p.State == "absent" {
		keyFile := ""
		for _, f := range []string{sources, filepath.Join(keyrings, slug+".asc"), filepath.Join(keyrings, slug+".gpg")} {
			keyFile = f
			if lexists(h, f) {
				res.Changed = true
				if !req.Check {
					if err := h.Remove(f); err != nil {
						return module.Result{}, err
					}
				}
			}
		}
		res.Return = deb822Result{Dest: sources, KeyFilename: &keyFile}
		return res, nil
	}
	var keyFile *string
	var lines []string
	names := make([]string, 0, len(deb822Fields))
	for _, f := range deb822Fields {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	for _, k := range names {
		v := args.Get(k)
		if v == nil {
			continue
		}
		var s string
		switch t := v.(type) {
		case bool:
			s = "no"
			if t {
				s = "yes"
			}
		case int64:
			s = strconv.FormatInt(t, 10)
		case string:
			s = t
		case *pyval.List:
			items := make([]string, len(t.Items))
			for i, it := range t.Items {
				items[i] = pyval.Str(it)
			}
			s = strings.Join(items, " ")
		default:
			s = pyval.Str(t)
		}
		if k == "signed_by" {
			changed, file, data, err := m.signedBy(ctx, req, s, slug, keyrings)
			if err != nil {
				return module.Result{}, fmt.Errorf("Could not fetch signed_by key: %v", err)
			}
			res.Changed = res.Changed || changed
			if file != "" {
				keyFile = &file
				s = strings.TrimPrefix(file, strings.TrimSuffix(root, "/"))
			} else {
				s = data
			}
		}
		if strings.Contains(s, "\n") {
			var ind []string
			for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
				l = strings.TrimSpace(l)
				if l == "" {
					l = "."
				}
				ind = append(ind, "    "+l)
			}
			s = "\n" + strings.Join(ind, "\n")
		}
		lines = append(lines, deb822FieldName(k)+": "+s)
	}
	repo := strings.Join(lines, "\n") + "\n"
	cur, err := h.ReadFile(sources)
	if err != nil || string(cur) != repo {
		res.Changed = true
		if !req.Check {
			if err := mkdirParents(h, filepath.Dir(sources)); err != nil {
				return module.Result{}, err
			}
			if err := h.WriteFile(sources, []byte(repo), 0o644); err != nil {
				return module.Result{}, err
			}
		}
	}
	if !req.Check || exists(h, sources) {
		c, err := applyAttrs(ctx, h, req.Check, sources, fileArgs{Mode: p.Mode}, nil)
		if err != nil {
			return module.Result{}, err
		}
		res.Changed = res.Changed || c
	}
	res.Return = deb822Result{Repo: &repo, Dest: sources, KeyFilename: keyFile}
	return res, nil
}

// signedBy is write_signed_by_key: a file path is used as is, a URL is
// fetched into the keyrings directory, anything else (a key block) goes
// inline.
func (m deb822RepositoryModule) signedBy(ctx context.Context, req module.Request, v, slug, keyrings string) (bool, string, string, error) {
	h := req.Host
	if fi, err := h.Stat(v); err == nil && fi.Mode().IsRegular() {
		return false, v, "", nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || strings.Contains(v, "\n") {
		return false, "", v, nil
	}
	data, _, _, err := httpGet(ctx, urlParamsT{HTTPAgent: "ansible-httpget", UseProxy: true, ValidateCerts: true, Timeout: 10}, v, nil)
	if err != nil {
		return false, "", "", err
	}
	ext := "gpg"
	if strings.Contains(string(data), "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		ext = "asc"
	}
	file := filepath.Join(keyrings, slug+"."+ext)
	changed := false
	if cur, err := h.ReadFile(file); err != nil || string(cur) != string(data) {
		changed = true
		if !req.Check {
			if !isDir(h, keyrings) {
				if err := mkdirParents(h, keyrings); err != nil {
					return false, "", "", err
				}
				if err := h.Chmod(keyrings, 0o755); err != nil {
					return false, "", "", err
				}
			}
			if err := h.WriteFile(file, data, 0o644); err != nil {
				return false, "", "", err
			}
		}
	}
	if !req.Check || exists(h, file) {
		c, err := applyAttrs(ctx, h, req.Check, file, fileArgs{Mode: int64(0o644)}, nil)
		if err != nil {
			return false, "", "", err
		}
		changed = changed || c
	}
	return changed, file, "", nil
}

var _ module.Module = deb822RepositoryModule{}
