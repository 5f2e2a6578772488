package lookup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"gplay/pyval"
	"gplay/vault"
)

// decrypt returns data, decrypted if it is vault data (the loader's
// _decrypt_if_vault_data). Failures are AnsibleVaultError, worded as
// VaultLib.decrypt words them.
func (tc *TaskContext) decrypt(name string, data []byte) ([]byte, error) {
	if !vault.IsEncrypted(data) {
		return data, nil
	}
	var plain []byte
	err := vault.ErrNoSecrets
	if tc.Decrypter != nil {
		plain, err = tc.Decrypter.DecryptFile(name, data)
	}
	if err == nil {
		return plain, nil
	}
	msg := err.Error()
	if errors.Is(err, vault.ErrNoSecrets) {
		msg = "A vault password must be specified to decrypt data"
	}
	return nil, &Error{Kind: KindOther, Class: "ansible.parsing.vault.AnsibleVaultError", Msg: msg, Err: err}
}

// text decodes file bytes as to_text(errors='surrogate_or_strict') does
// for valid UTF-8; invalid bytes become U+FFFD (Python would keep them as
// surrogates, which a Go string cannot hold).
func text(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// pyIsSpace is Python's str.isspace for one character, what strip()
// without arguments removes: Go's unicode.IsSpace plus \x1c-\x1f.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

var fileOptions = []option{
	{name: "rstrip", typ: "bool", def: true},
	{name: "lstrip", typ: "bool", def: false},
}

// fileLookup is ansible.builtin.file: the contents of each file, found in
// the files/ search path.
func fileLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), fileOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, t := range c.Terms {
		term := pyval.Str(t)
		p := c.Task.findFile("files", term, false)
		if p == "" {
			return nil, errf("could not locate file in lookup: %s", term)
		}
		b, err := c.Task.readFile(p)
		if err != nil {
			var le *Error
			if errors.As(err, &le) {
				return nil, le
			}
			return nil, errf("could not locate file in lookup: %s", term)
		}
		s := text(b)
		if opts.bool("lstrip") {
			s = strings.TrimLeftFunc(s, pyIsSpace)
		}
		if opts.bool("rstrip") {
			s = strings.TrimRightFunc(s, pyIsSpace)
		}
		out = append(out, s)
	}
	return out, nil
}

// unvaultLookup is ansible.builtin.unvault: file contents, decrypted.
func unvaultLookup(ctx context.Context, c *Call) ([]any, error) {
	var out []any
	for _, t := range c.Terms {
		term := pyval.Str(t)
		p := c.Task.findFile("files", term, false)
		if p == "" {
			return nil, &Error{Kind: KindOther, Class: "ansible.errors.AnsibleParserError", Msg: fmt.Sprintf("Unable to find file matching \"%s\" ", term)}
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, errf("%s", pyOSError(err))
		}
		if vault.IsEncrypted(raw) && c.Task.Decrypter == nil {
			// DataLoader.get_real_file's own check and wording
			return nil, &Error{Kind: KindOther, Class: "ansible.errors.AnsibleParserError", Msg: "A vault password or secret must be specified to decrypt " + p}
		}
		b, err := c.Task.decrypt(p, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, text(b))
	}
	return out, nil
}

// fileglobLookup is ansible.builtin.fileglob: files (not directories)
// matching each pattern; a pattern without a directory is tried in files/
// and the root of each search path entry, and the first that matches wins.
func fileglobLookup(ctx context.Context, c *Call) ([]any, error) {
	out := []any{}
	for _, t := range c.Terms {
		term := pyval.Str(t)
		base := filepath.Base(term)
		if strings.HasSuffix(term, "/") {
			base = ""
		}
		var dirs []string
		if base != term {
			dir := pyDirname(term)
			dirs = append(dirs, c.Task.findFile("files", dir, false))
		} else {
			for _, p := range c.Task.searchRoots() {
				dirs = append(dirs, pyJoin(p, "files"), p)
			}
		}
		for _, d := range dirs {
			if d == "" {
				continue
			}
			matches := pyGlob(pyJoin(d, base))
			var files []any
			for _, m := range matches {
				if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
					files = append(files, m)
				}
			}
			if len(files) > 0 {
				out = append(out, files...)
				break
			}
		}
	}
	return out, nil
}

// pyDirname is os.path.dirname: everything before the last slash, with
// trailing slashes of that part removed unless it is all slashes.
func pyDirname(p string) string {
	i := strings.LastIndexByte(p, '/') + 1
	head := p[:i]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

// pyGlob is Python's glob.glob for one pattern: hidden files match only
// patterns that start with a dot, results come in directory order (we sort,
// as os.scandir order is file-system dependent; Ansible users cannot rely
// on it either).
func pyGlob(pattern string) []string {
	if !hasMagic(pattern) {
		if _, err := os.Lstat(pattern); err == nil {
			return []string{pattern}
		}
		return nil
	}
	dir, file := filepath.Split(pattern)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" && strings.HasPrefix(pattern, "/") {
		dir = "/"
	}
	var dirs []string
	if hasMagic(dir) {
		dirs = pyGlob(dir)
	} else {
		dirs = []string{dir}
	}
	var out []string
	for _, d := range dirs {
		rd := d
		if rd == "" {
			rd = "."
		}
		ents, err := os.ReadDir(rd)
		if err != nil {
			continue
		}
		var names []string
		for _, e := range ents {
			n := e.Name()
			if strings.HasPrefix(n, ".") && !strings.HasPrefix(file, ".") {
				continue
			}
			if ok, _ := filepath.Match(file, n); ok {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			if d == "" {
				out = append(out, n)
			} else {
				out = append(out, pyJoin(d, n))
			}
		}
	}
	return out
}

func hasMagic(s string) bool { return strings.ContainsAny(s, "*?[") }

var firstFoundOptions = []option{
	{name: "files", typ: "list", def: pyval.NewList()},
	{name: "paths", typ: "list", def: pyval.NewList()},
	{name: "skip", typ: "bool", def: false},
}

// firstFoundLookup is ansible.builtin.first_found: the first existing file
// of a list of names (strings, lists, or dicts with files/paths/skip).
func firstFoundLookup(ctx context.Context, c *Call) ([]any, error) {
	search, skip, err := firstFoundTerms(c, c.Terms)
	if err != nil {
		return nil, err
	}
	subdir := "files"
	if c.Loop {
		// TaskExecutor sets _subdir from the action's name
		subdir = "files"
		for _, s := range []string{"template", "var", "file"} {
			if strings.Contains(c.Task.Action, s) {
				subdir = s + "s"
				break
			}
		}
	}
	for _, fn := range search {
		if isTemplate(fn) {
			// Ansible templates each name and skips undefined ones; by
			// now terms are templated, so anything left is one of those
			continue
		}
		if p := c.Task.findFile(subdir, fn, true); p != "" {
			return []any{p}, nil
		}
	}
	if skip {
		return []any{}, nil
	}
	return nil, lookupErrf("No file was found when using first_found.")
}

func firstFoundTerms(c *Call, terms []any) ([]string, bool, error) {
	var total []string
	skip := false
	for _, term := range terms {
		var opts options
		var err error
		switch t := term.(type) {
		case *pyval.Dict:
			opts, err = resolveOptions(c.loadName(), firstFoundOptions, t)
		case string, pyval.Unsafe:
			opts, err = resolveOptions(c.loadName(), firstFoundOptions, c.Kw)
		case *pyval.List, pyval.Tuple:
			part, sk, err := firstFoundTerms(c, listify(t))
			if err != nil {
				return nil, false, err
			}
			total = append(total, part...)
			skip = sk
			continue
		default:
			return nil, false, lookupErrf("Invalid term supplied, can handle string, mapping or list of strings but got: <class '%s'> for %s", pyval.TypeName(term), pyval.Str(term))
		}
		if err != nil {
			return nil, false, err
		}
		skip = opts.bool("skip")
		files := splitOn(opts.list("files"), ",;")
		paths := splitOn(opts.list("paths"), ",:;")
		switch {
		case len(paths) > 0:
			for _, p := range paths {
				for _, f := range files {
					total = append(total, pyJoin(p, f))
				}
			}
		case len(files) > 0:
			// Ansible replaces what earlier terms added here
			total = files
		default:
			total = append(total, pyval.Str(term))
		}
	}
	return total, skip, nil
}

// splitOn splits every item on any of chars (first_found's _split_on).
func splitOn(items []any, chars string) []string {
	var out []string
	for _, it := range items {
		if l, ok := it.(*pyval.List); ok {
			out = append(out, splitOn(l.Items, chars)...)
			continue
		}
		s := pyval.Str(it)
		start := 0
		for i := 0; i < len(s); i++ {
			if strings.IndexByte(chars, s[i]) >= 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
		out = append(out, s[start:])
	}
	return out
}

var templateOptions = []option{
	{name: "convert_data", typ: "bool", def: true},
	{name: "variable_start_string", typ: "str", def: "{{"},
	{name: "variable_end_string", typ: "str", def: "}}"},
	{name: "jinja2_native", typ: "bool", def: false},
	{name: "template_vars", typ: "dict", def: pyval.NewDict(0)},
	{name: "comment_start_string", typ: "str"},
	{name: "comment_end_string", typ: "str"},
}

// templateLookup is ansible.builtin.template: each file from templates/,
// rendered through the task's Renderer with the task's variables, the
// template_* variables and template_vars.
func templateLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), templateOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, t := range c.Terms {
		term := pyval.Str(t)
		p := c.Task.findFile("templates", term, false)
		if p == "" {
			return nil, errf("the template file %s could not be found for the lookup", term)
		}
		b, err := c.Task.readFile(p)
		if err != nil {
			var le *Error
			if errors.As(err, &le) {
				return nil, le
			}
			return nil, errf("%s", err.Error())
		}
		if c.Task.Renderer == nil {
			return nil, errf("the template lookup has no renderer (gplay engine wiring)")
		}
		// includes: the template's directory, then templates/ and the
		// root of every search path entry
		sp := []string{filepath.Dir(p)}
		for _, d := range c.Task.SearchPath {
			sp = append(sp, pyJoin(d, "templates"), d)
		}
		top, err := templateVars(c.Task, term, p)
		if err != nil {
			return nil, errf("%s", err.Error())
		}
		if tv, ok := opts["template_vars"].(*pyval.Dict); ok {
			tv.Range(func(k, v any) bool { top.Set(k, v); return true })
		}
		tmpl := Template{
			Name: term, Path: p, Source: text(b), SearchPath: sp,
			Vars:          overlayVars{top: top, base: c.Task.Vars},
			VariableStart: opts.str("variable_start_string"), VariableEnd: opts.str("variable_end_string"),
			CommentStart: opts.str("comment_start_string"), CommentEnd: opts.str("comment_end_string"),
			ConvertData: opts.bool("convert_data"),
		}
		if tmpl.VariableStart == "{{" {
			tmpl.VariableStart = ""
		}
		if tmpl.VariableEnd == "}}" {
			tmpl.VariableEnd = ""
		}
		res, err := c.Task.Renderer.RenderTemplate(ctx, tmpl)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// templateVars are generate_ansible_template_vars(term, path): the
// template_* variables and ansible_managed.
func templateVars(tc *TaskContext, term, path string) (*pyval.Dict, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	uid := ""
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		uid = fmt.Sprint(sys.Uid)
		if name := userName(sys.Uid); name != "" {
			uid = name
		}
	}
	mtime := st.ModTime()
	d := pyval.NewDict(8)
	d.Set("template_host", host)
	d.Set("template_path", term)
	d.Set("template_mtime", mtime.Format("2006-01-02 15:04:05.000000"))
	d.Set("template_uid", uid)
	d.Set("template_run_date", tc.now().Format("2006-01-02 15:04:05.000000"))
	d.Set("template_destpath", nil)
	d.Set("template_fullpath", path)
	d.Set("ansible_managed", "Ansible managed")
	return d, nil
}

func userName(uid uint32) string {
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 3 && f[2] == fmt.Sprint(uid) {
			return f[0]
		}
	}
	return ""
}
