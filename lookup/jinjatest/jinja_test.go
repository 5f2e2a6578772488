// Package jinjatest checks lookup's Registry through the real jinja
// evaluator: lookup(), query() and q() in templates. It is a separate
// test-only package so that lookup's own tests build while jinja changes.
package jinjatest

import (
	"context"
	"os"
	"path/filepath"
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
