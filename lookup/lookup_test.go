package lookup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gplay/pyval"
	"gplay/vault"
)

func TestJoin(t *testing.T) {
	tests := []struct {
		in   []any
		want any
	}{
		{nil, nil},
		{[]any{}, pyval.NewList()},
		{[]any{"a"}, "a"},
		{[]any{"a", "b"}, "a,b"},
		{[]any{pyval.Unsafe("a"), pyval.Unsafe("b")}, pyval.Unsafe("a,b")},
		{[]any{int64(1)}, int64(1)},
		{[]any{pyval.DictOf("k", "v")}, pyval.DictOf("k", "v")},
		{[]any{"a", int64(1)}, pyval.NewList("a", int64(1))},
	}
	for _, tt := range tests {
		if got := Join(tt.in); !pyval.Equal(got, tt.want) || reflect.TypeOf(got) != reflect.TypeOf(tt.want) {
			t.Errorf("Join(%v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

// TestResultsAreUnsafe: lookup output is never templated again, as
// Ansible's wrap_var marks it, unless allow_unsafe=True.
func TestResultsAreUnsafe(t *testing.T) {
	reg := NewRegistry()
	ctx := context.Background()
	res, err := reg.Lookup(ctx, "items", []any{pyval.NewList("{{ x }}", pyval.DictOf("k", "v"))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res[0].(pyval.Unsafe); !ok {
		t.Errorf("items result[0] = %#v, want pyval.Unsafe", res[0])
	}
	d := res[1].(*pyval.Dict)
	if v, _ := d.Get("k"); reflect.TypeOf(v) != reflect.TypeOf(pyval.Unsafe("")) {
		t.Errorf("dict value = %#v, want pyval.Unsafe", v)
	}
	kw := pyval.DictOf("allow_unsafe", true)
	res, err = reg.Lookup(ctx, "items", []any{"{{ x }}"}, kw)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res[0].(string); !ok {
		t.Errorf("allow_unsafe result = %#v, want a plain string", res[0])
	}
	if !kw.Has("allow_unsafe") {
		t.Errorf("Lookup changed the caller's kwargs")
	}
}

func TestErrorsOption(t *testing.T) {
	reg := NewRegistry()
	var warned []string
	tc := &TaskContext{Basedir: t.TempDir(), Warn: func(m string) { warned = append(warned, m) }}
	ctx := WithTask(context.Background(), tc)
	tests := []struct {
		name, mode string
		term       any
		wantErr    string
		wantWarn   string
	}{
		{"strict", "strict", "nope", "An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: nope. could not locate file in lookup: nope", ""},
		{"ignore", "ignore", "nope", "", ""},
		{"warn", "warn", "nope", "", "An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warned = nil
			res, err := reg.Lookup(ctx, "file", []any{tt.term}, pyval.DictOf("errors", tt.mode))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || res != nil {
				t.Fatalf("Lookup = %v, %v; want nil, nil (None for lookup(), [] for query())", res, err)
			}
			if tt.wantWarn != "" && (len(warned) == 0 || warned[len(warned)-1] != tt.wantWarn) {
				t.Errorf("warnings = %q, want last %q", warned, tt.wantWarn)
			}
		})
	}
	// an undefined variable is never swallowed, and says so
	_, err := reg.Lookup(ctx, "vars", []any{"nope"}, pyval.DictOf("errors", "ignore"))
	var u interface{ Undefined() bool }
	if !errors.As(err, &u) || !u.Undefined() {
		t.Errorf("vars of a missing name under errors=ignore = %v, want an undefined error", err)
	}
	// an empty result is not a failure
	res, err := reg.Lookup(ctx, "fileglob", []any{"*.none"}, nil)
	if err != nil || res == nil || len(res) != 0 {
		t.Errorf("fileglob with no match = %#v, %v; want a non-nil empty slice", res, err)
	}
}

func TestRegistryNames(t *testing.T) {
	reg := NewRegistry()
	for _, n := range []string{"file", "ansible.builtin.file", "password", "ansible.builtin.first_found", "ini", "csvfile"} {
		if !reg.Has(n) {
			t.Errorf("Has(%q) = false", n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Register of a duplicate did not panic")
		}
	}()
	reg.Register("file", PluginFunc(fileLookup))
}

func TestSearchPath(t *testing.T) {
	tests := []struct {
		chain         []string
		task, basedir string
		want          []string
	}{
		{nil, "/p/site.yml", "/p", []string{"/p"}},
		{nil, "/p/tasks/x.yml", "/p", []string{"/p/tasks", "/p"}},
		{[]string{"/p/roles/outer", "/p/roles/inner"}, "/p/roles/inner/tasks/main.yml", "/p", []string{"/p/roles/inner", "/p/roles/outer", "/p/roles/inner/tasks", "/p"}},
	}
	for _, tt := range tests {
		if got := SearchPath(tt.chain, tt.task, tt.basedir); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SearchPath(%q, %q, %q) = %q, want %q", tt.chain, tt.task, tt.basedir, got, tt.want)
		}
	}
}

// recordingRenderer is a Renderer at our own contract: it records the
// request and substitutes {{ name }} from the given variables.
type recordingRenderer struct{ got Template }

func (r *recordingRenderer) RenderTemplate(ctx context.Context, t Template) (any, error) {
	r.got = t
	out := t.Source
	for _, name := range []string{"who", "template_path", "shadowed"} {
		if v, ok := t.Vars.Get(name); ok {
			out = strings.ReplaceAll(out, "{{ "+name+" }}", pyval.Str(v))
		}
	}
	return out, nil
}

func TestTemplateLookup(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("roles/r/templates/t.j2", "hi {{ who }} from {{ template_path }} {{ shadowed }}\n")
	secret := vault.Secret{ID: "default", Password: []byte("pw")}
	enc, err := vault.Encrypt([]byte("vaulted {{ who }}"), secret)
	if err != nil {
		t.Fatal(err)
	}
	write("play/templates/v.j2", string(enc))

	rr := &recordingRenderer{}
	tc := &TaskContext{
		SearchPath: []string{filepath.Join(root, "roles/r"), filepath.Join(root, "play")},
		Basedir:    filepath.Join(root, "play"),
		Vars:       dictVars{pyval.DictOf("who", "task", "shadowed", "task", "template_path", "task")},
		Renderer:   rr,
		Decrypter:  vault.Keyring{secret},
	}
	ctx := WithTask(context.Background(), tc)
	reg := NewRegistry()
	res, err := reg.Lookup(ctx, "template", []any{"t.j2"}, pyval.DictOf("template_vars", pyval.DictOf("shadowed", "tv"), "variable_start_string", "[%"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "hi task from t.j2 tv\n"; pyval.Str(res[0]) != want {
		t.Errorf("template = %q, want %q", res[0], want)
	}
	g := rr.got
	wantSP := []string{filepath.Join(root, "roles/r/templates"), filepath.Join(root, "roles/r/templates"), filepath.Join(root, "roles/r"), filepath.Join(root, "play/templates"), filepath.Join(root, "play")}
	if !reflect.DeepEqual(g.SearchPath, wantSP) {
		t.Errorf("SearchPath = %q, want %q", g.SearchPath, wantSP)
	}
	if g.Path != filepath.Join(root, "roles/r/templates/t.j2") || g.Name != "t.j2" {
		t.Errorf("Path, Name = %q, %q", g.Path, g.Name)
	}
	if !g.ConvertData || g.VariableStart != "[%" || g.VariableEnd != "" {
		t.Errorf("options = convert %v start %q end %q; want true, [%%, default", g.ConvertData, g.VariableStart, g.VariableEnd)
	}
	if v, _ := g.Vars.Get("template_fullpath"); v != g.Path {
		t.Errorf("template_fullpath = %v, want %q", v, g.Path)
	}

	res, err = reg.Lookup(ctx, "template", []any{"v.j2"}, pyval.DictOf("convert_data", false))
	if err != nil {
		t.Fatal(err)
	}
	if pyval.Str(res[0]) != "vaulted task" || rr.got.ConvertData {
		t.Errorf("vaulted template = %q (convert %v), want %q, false", res[0], rr.got.ConvertData, "vaulted task")
	}

	tc.Renderer = nil
	if _, err := reg.Lookup(ctx, "template", []any{"t.j2"}, nil); err == nil {
		t.Errorf("template without a renderer: no error")
	}
}

// TestLoopUndefined: an undefined variable inside a with_ loop's plugin
// keeps its kind, so the engine can defer it as Ansible does.
func TestLoopUndefined(t *testing.T) {
	ctx := WithTask(context.Background(), &TaskContext{Vars: dictVars{pyval.NewDict(0)}})
	_, err := NewRegistry().Loop(ctx, "vars", pyval.NewList("nope"))
	var le *Error
	if !errors.As(err, &le) || le.Kind != KindUndefined {
		t.Errorf("Loop(vars, [nope]) error = %v, want KindUndefined", err)
	}
}

func TestPipeRunsInBasedirWithContext(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(WithTask(context.Background(), &TaskContext{Basedir: dir}))
	res, err := NewRegistry().Lookup(ctx, "pipe", []any{"pwd; echo $0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := dir + "\n/bin/sh"; pyval.Str(res[0]) != want {
		t.Errorf("pipe = %q, want %q", res[0], want)
	}
	cancel()
	if _, err := NewRegistry().Lookup(ctx, "pipe", []any{"sleep 5"}, nil); err == nil {
		t.Errorf("pipe under a cancelled context: no error")
	}
}

func FuzzParseKV(f *testing.F) {
	for _, s := range []string{"start=1 end=5 format=x%02d", `a="b c" d='e'`, "x {{ a }} y=1", "k=v\\nmore", `a\=b`, "{% if %}", `"unclosed`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := parseKV(s); err != nil {
			var le *Error
			if !errors.As(err, &le) {
				t.Errorf("parseKV(%q) error %T, want *Error", s, err)
			}
		}
	})
}

func TestInventoryHostnames(t *testing.T) {
	var asked []string
	tc := &TaskContext{Hosts: func(p []string) ([]string, error) {
		asked = p
		if p[0] == "bad[" {
			return nil, errors.New("bad pattern")
		}
		return []string{"web1", "web2"}, nil
	}}
	reg := NewRegistry()
	ctx := WithTask(context.Background(), tc)
	res, err := reg.Lookup(ctx, "inventory_hostnames", []any{"web:&prod", "!db"}, nil)
	if err != nil || !reflect.DeepEqual(res, []any{pyval.Unsafe("web1"), pyval.Unsafe("web2")}) || !reflect.DeepEqual(asked, []string{"web:&prod", "!db"}) {
		t.Errorf("inventory_hostnames = %#v, %v (asked %q)", res, err, asked)
	}
	res, err = reg.Lookup(ctx, "inventory_hostnames", []any{"bad["}, nil)
	if err != nil || res == nil || len(res) != 0 {
		t.Errorf("inventory_hostnames(bad pattern) = %#v, %v; want [] as Ansible", res, err)
	}
	if _, err := reg.Lookup(context.Background(), "inventory_hostnames", []any{"all"}, nil); err == nil {
		t.Errorf("inventory_hostnames without Hosts: no error")
	}
}

func TestConfigLookup(t *testing.T) {
	tc := &TaskContext{Config: func(s, pt, pn string) (any, bool) {
		switch {
		case s == "DEFAULT_BECOME_USER" && pt == "":
			return "root", true
		case s == "become_user" && pt == "become" && pn == "sudo":
			return "admin", true
		}
		return nil, false
	}}
	reg := NewRegistry()
	ctx := WithTask(context.Background(), tc)
	res, err := reg.Lookup(ctx, "config", []any{"DEFAULT_BECOME_USER"}, nil)
	if err != nil || Join(res) != pyval.Unsafe("root") {
		t.Errorf("config(DEFAULT_BECOME_USER) = %#v, %v", res, err)
	}
	res, err = reg.Lookup(ctx, "config", []any{"become_user"}, pyval.DictOf("plugin_type", "become", "plugin_name", "sudo"))
	if err != nil || Join(res) != pyval.Unsafe("admin") {
		t.Errorf("config(become_user, sudo) = %#v, %v", res, err)
	}
}

func FuzzINI(f *testing.F) {
	for _, s := range []string{"[global]\na=1\n", "[s]\nk = %(x)s\nx=%%\n  cont\n", "a\n[", "[DEFAULT]\nx=1\n[s]\ny\n"} {
		f.Add(s, "a")
	}
	f.Fuzz(func(t *testing.T, content, key string) {
		for _, nv := range []bool{false, true} {
			p := newIniParser(false, nv)
			if err := p.read(content); err != nil {
				continue
			}
			for _, s := range append([]string{"DEFAULT"}, p.order...) {
				_, _, _ = p.get(s, key) // errors are fine; panics are not
				_, _ = p.items(s)
			}
		}
	})
}

func FuzzSequenceTerm(f *testing.F) {
	for _, s := range []string{"start=1 end=5 format=x%02d", "4:host%02d", "0x10", "start=5 end=1 stride=-1", "count=3 format=%-3x|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, term string) {
		sq := sequence{start: 1, stride: 1, format: "%d"}
		if !sq.parseShortcut(term) {
			kv, err := parseKV(term)
			if err != nil || sq.parseKV(kv) != nil {
				return
			}
		}
		if sq.sanity() != nil || sq.stride == 0 {
			return
		}
		if n := (sq.end - sq.start) / sq.stride; n > 1000 || n < 0 {
			return // a long sequence is fine, just slow
		}
		_, _ = sq.generate() // errors are fine; panics are not
	})
}
