// Package jinjatest checks lookup's Registry through the real jinja
// evaluator: lookup(), query() and q() in templates. It is a separate
// test-only package so that lookup's own tests build while jinja changes.
package jinjatest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gplay/jinja"
	"gplay/lookup"
	"gplay/pyval"
)

var _ jinja.Lookuper = (*lookup.Registry)(nil)

func TestLookupThroughJinja(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"files/a.txt": "A\n", "files/b.txt": "B\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vars := jinja.MapVars{D: pyval.DictOf("x", int64(1), "names", pyval.NewList("a.txt", "b.txt"))}
	env := jinja.NewEnv(jinja.Options{Lookuper: lookup.NewRegistry()})
	ctx := lookup.WithTask(context.Background(), &lookup.TaskContext{Basedir: dir, Vars: vars})
	tests := []struct {
		expr string
		want string // repr of the result
	}{
		{`lookup('file', 'a.txt')`, `'A'`},
		{`lookup('file', 'a.txt', 'b.txt')`, `'A,B'`},
		{`lookup('file', *names)`, `'A,B'`},
		{`query('file', 'a.txt')`, `['A']`},
		{`q('file', 'a.txt', 'b.txt')`, `['A', 'B']`},
		{`lookup('file', 'a.txt', wantlist=True)`, `['A']`},
		{`lookup('items', [1, [2, 3]])`, `[1, [2, 3]]`},
		{`lookup('items', 1, [2, 3])`, `[1, 2, 3]`},
		{`lookup('items', [1])`, `1`},
		{`query('items', [])`, `[]`},
		{`lookup('sequence', 'start=1 end=3 format=h%02d')`, `'h01,h02,h03'`},
		{`query('sequence', 'count=2')`, `['1', '2']`},
		{`lookup('dict', {'a': 1})`, `{'key': 'a', 'value': 1}`},
		{`lookup('vars', 'x')`, `1`},
		{`lookup('env', 'GPLAY_SURELY_UNSET', default='d')`, `'d'`},
		{`lookup('ansible.builtin.pipe', 'echo hi')`, `'hi'`},
		{`query('fileglob', '*.txt') | map('basename') | list`, `['a.txt', 'b.txt']`},
		{`query('file', 'nope', errors='ignore')`, `[]`},
		{`lookup('file', 'nope', errors='ignore') is none`, `True`},
	}
	for _, tt := range tests {
		got, err := env.Eval(ctx, tt.expr, vars)
		if err != nil {
			t.Errorf("%s: error %v", tt.expr, err)
			continue
		}
		if r := pyval.Repr(got); r != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, r, tt.want)
		}
	}
	for _, expr := range []string{`lookup('file', 'nope')`, `lookup('nope', 'x')`, `lookup('vars', 'missing')`} {
		if got, err := env.Eval(ctx, expr, vars); err == nil {
			t.Errorf("%s = %v, want an error", expr, got)
		}
	}
}

// envRenderer is how the engine can implement lookup.Renderer with jinja
// (the expected text of main.j2 is what Ansible gives, see the
// tpl_include_trim case in testdata/lookup):
// a file-mode render with includes from the template's search path, and
// Templar's reading back of "[...]", "{...}", "True", "False".
type envRenderer struct{ lookuper jinja.Lookuper }

type dirLoader []string

func (d dirLoader) Load(name string) (string, error) {
	for _, dir := range d {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, jinja.ErrTemplateNotFound)
}

func (r envRenderer) RenderTemplate(ctx context.Context, t lookup.Template) (any, error) {
	if t.VariableStart != "" || t.VariableEnd != "" || t.CommentStart != "" || t.CommentEnd != "" {
		return nil, errors.New("custom delimiters are not supported by this renderer")
	}
	env := jinja.NewEnv(jinja.Options{Loader: dirLoader(t.SearchPath), Lookuper: r.lookuper})
	out, err := env.Render(ctx, t.Source, t.Vars, jinja.FileOptions{})
	if err != nil {
		return nil, err
	}
	if t.ConvertData && (strings.HasPrefix(out, "[") || strings.HasPrefix(out, "{") || out == "True" || out == "False") {
		if v, err := env.Eval(ctx, out, nil); err == nil {
			return v, nil
		}
	}
	return out, nil
}

func TestTemplateLookupWithJinja(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"roles/r/templates/main.j2": "{{ greeting }} {{ who }} from {{ template_path }}\n{% include 'part.j2' %}\n\n",
		"play/templates/part.j2":    "{% for i in range(2) %}{{ i }}{% endfor %} {{ lookup('file', 'f.txt') }}",
		"play/files/f.txt":          "file\n",
		"play/templates/list.j2":    "[{{ n }}, 2]",
		"roles/r/tasks/main.yml":    "[]",
		"play/templates/nested.j2":  "{{ lookup('template', 'list.j2') | length }}",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reg := lookup.NewRegistry()
	vars := jinja.MapVars{D: pyval.DictOf("greeting", "hello", "who", "task", "n", int64(1))}
	tc := &lookup.TaskContext{
		SearchPath: []string{filepath.Join(dir, "roles/r"), filepath.Join(dir, "play")},
		Basedir:    filepath.Join(dir, "play"),
		Vars:       vars,
		Renderer:   envRenderer{reg},
	}
	ctx := lookup.WithTask(context.Background(), tc)
	env := jinja.NewEnv(jinja.Options{Lookuper: reg})
	tests := []struct{ expr, want string }{
		{`lookup('template', 'main.j2', template_vars={'who': 'tv'})`, `'hello tv from main.j2\n01 file\n\n'`},
		{`lookup('template', 'list.j2')`, `[1, 2]`},
		{`lookup('template', 'list.j2', convert_data=False)`, `'[1, 2]'`},
		{`lookup('template', 'nested.j2')`, `'2'`},
	}
	for _, tt := range tests {
		got, err := env.Eval(ctx, tt.expr, vars)
		if err != nil {
			t.Errorf("%s: error %v", tt.expr, err)
			continue
		}
		if r := pyval.Repr(got); r != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, r, tt.want)
		}
	}
}

// TestTermsTemplatedAgain: Ansible templates lookup terms once more
// (listify_lookup_plugin_terms); results checked with ansible-core 2.14:
// "{{ name }}.txt" reads a.txt, ["{{ name }}", 1] gives ['a', 1], an
// undefined name is an undefined error.
func TestTermsTemplatedAgain(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "files/a.txt"), []byte("A"), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := jinja.MapVars{D: pyval.DictOf("name", "a")}
	env := jinja.NewEnv(jinja.Options{Lookuper: lookup.NewRegistry()})
	tc := &lookup.TaskContext{Basedir: dir, Vars: vars,
		Templater: func(ctx context.Context, v any) (any, error) { return env.Template(ctx, v, vars) }}
	ctx := lookup.WithTask(context.Background(), tc)
	for _, tt := range []struct{ expr, want string }{
		{`lookup('file', '{{ name }}.txt')`, `'A'`},
		{`query('items', ['{{ name }}', 1])`, `['a', 1]`},
	} {
		got, err := env.Eval(ctx, tt.expr, vars)
		if err != nil || pyval.Repr(got) != tt.want {
			t.Errorf("%s = %v, %v; want %s", tt.expr, pyval.Repr(got), err, tt.want)
		}
	}
	_, err := env.Eval(ctx, `lookup('items', '{{ nope }}')`, vars)
	if jinja.KindOf(err) != jinja.ErrUndefined {
		t.Errorf("lookup('items', '{{ nope }}') error = %v, want an undefined error", err)
	}
}
