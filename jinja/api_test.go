package jinja

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"gplay/diag"
	"gplay/pyval"
)

func TestIsTemplate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"plain", false}, {"{{ x }}", true}, {"{% if %}", true}, {"{# c #}", true}, {"a { b }", false}, {"", false},
	} {
		if got := IsTemplate(tc.in); got != tc.want {
			t.Errorf("IsTemplate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestEval(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	vars := MapVars{D: pyval.DictOf("l", pyval.NewList(int64(1), int64(2)), "n", int64(5))}
	for _, tc := range []struct {
		expr string
		want string
	}{
		{"l", "[1, 2]"},
		{"n + 1", "6"},
		{"l | map('string') | list", "['1', '2']"},
		{"n > 3 and l", "[1, 2]"},
		{"{'a': n}", "{'a': 5}"},
		{"(1, 2)", "(1, 2)"},
		{"none", "None"},
	} {
		v, err := env.Eval(ctx, tc.expr, vars)
		if err != nil {
			t.Errorf("Eval(%q): %v", tc.expr, err)
			continue
		}
		if got := pyRepr(v); got != tc.want {
			t.Errorf("Eval(%q) = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

// rawVars exposes raw values: "{{ a }}" with a: "{{ 5 }}" must be the
// string "5", while b: 5 stays an int.
type rawVars struct{ MapVars }

func (r rawVars) Raw(name string) (any, bool) { return r.D.Get(name) }

func TestTemplateSingleVarShortcut(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	d := pyval.DictOf("a", "{{ 5 }}", "b", int64(5), "c", true)
	lazy := env.LazyVars(ctx, d)
	for _, tc := range []struct{ src, want string }{
		{"{{ a }}", "'5'"}, {"{{ b }}", "5"}, {"{{ c }}", "True"}, {"{{ b + 0 }}", "'5'"},
	} {
		v, err := env.Template(ctx, tc.src, lazy)
		if err != nil {
			t.Fatal(err)
		}
		if got := pyRepr(v); got != tc.want {
			t.Errorf("Template(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestErrorPositions(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	vars := MapVars{D: pyval.DictOf("d", pyval.DictOf("a", int64(1)))}
	for _, tc := range []struct {
		src       string
		kind      ErrKind
		line, col int
	}{
		{"line1\n{{ nope }}", ErrUndefined, 2, 4},
		{"{{ d.a }}\n\n  {{ d.missing }}", ErrUndefined, 3, 8},
		{"{% if true %}\n{{ 1 + }}\n{% endif %}", ErrSyntax, 2, 8},
		{"{{ 1 +* 2 }}", ErrSyntax, 1, 7},
		{"x\n{% for a in b %}", ErrSyntax, 2, 17},
		{"{{ 'a' + 1 }}", ErrRuntime, 1, 8},
		{"{{ d | frob }}", ErrSyntax, 1, 8},
	} {
		_, err := env.Render(ctx, tc.src, vars, FileOptions{})
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Render(%q) error = %v, want *Error", tc.src, err)
			continue
		}
		if e.Kind != tc.kind || e.Pos.Line != tc.line || e.Pos.Col != tc.col {
			t.Errorf("Render(%q) = %v (kind %v at %d:%d), want kind %v at %d:%d", tc.src, e, e.Kind, e.Pos.Line, e.Pos.Col, tc.kind, tc.line, tc.col)
		}
	}
}

func TestConcurrentRender(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			vars := env.LazyVars(ctx, etcdVars())
			for j := 0; j < 50; j++ {
				want := fmt.Sprint(i*j + 1)
				v, err := env.Template(ctx, "{{ n * m + 1 }}", MapVars{D: pyval.DictOf("n", int64(i), "m", int64(j))})
				if err != nil || v != want {
					t.Errorf("Template = %v, %v; want %s", v, err, want)
					return
				}
				if _, err := env.Render(ctx, etcdService, vars, FileOptions{}); err != nil {
					t.Error(err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}

type recordingLookuper struct{ terms [][]any }

func (r *recordingLookuper) Lookup(ctx context.Context, name string, terms []any, kw *pyval.Dict) ([]any, error) {
	r.terms = append(r.terms, terms)
	if name == "fail" {
		// The contract: the Lookuper applies errors= and answers (nil, nil)
		// for a failure it was told to ignore.
		if m, _ := kw.Get("errors"); m == "ignore" || m == "warn" {
			return nil, nil
		}
		return nil, errors.New("boom")
	}
	return []any{name, int64(len(terms))}, nil
}

func TestLookupHook(t *testing.T) {
	lk := &recordingLookuper{}
	env := NewEnv(Options{Lookuper: lk})
	ctx := context.Background()
	for _, tc := range []struct{ src, want string }{
		{"{{ lookup('x', 'a', 'b') }}", "['x', 2]"},
		{"{{ query('y') }}", "['y', 0]"},
		{"{{ lookup('fail', errors='ignore') }}", "''"},
		{"{{ query('fail', errors='warn') }}", "[]"},
	} {
		v, err := env.Template(ctx, tc.src, MapVars{})
		if err != nil {
			t.Fatalf("Template(%q): %v", tc.src, err)
		}
		if got := pyRepr(v); got != tc.want {
			t.Errorf("Template(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
	if _, err := env.Template(ctx, "{{ lookup('fail') }}", MapVars{}); err == nil {
		t.Errorf("lookup('fail') succeeded, want an error")
	}
}

func TestUnsafePropagation(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	d := pyval.DictOf("u", pyval.Unsafe("{{ secret }}"), "secret", "s3cr3t", "l", pyval.NewList(pyval.Unsafe("{{ x }}")), "x", "plain")
	vars := env.LazyVars(ctx, d)
	for _, tc := range []struct {
		src  string
		want any
	}{
		{"{{ u }}", pyval.Unsafe("{{ secret }}")},
		{"pre {{ u }}", pyval.Unsafe("pre {{ secret }}")},
		{"{{ u | length }}", pyval.Unsafe("12")},
		{"{{ x }}", "plain"},
	} {
		v, err := env.Template(ctx, tc.src, vars)
		if err != nil {
			t.Fatal(err)
		}
		if v != tc.want {
			t.Errorf("Template(%q) = %#v, want %#v", tc.src, v, tc.want)
		}
	}
	v, err := env.Template(ctx, "{{ l }}", vars)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := v.(*pyval.List); !ok || len(l.Items) != 1 || l.Items[0] != pyval.Unsafe("{{ x }}") {
		t.Errorf("Template({{ l }}) = %#v, want a list holding the unsafe string", v)
	}
}

func TestIgnoreUndefined(t *testing.T) {
	env := NewEnv(Options{IgnoreUndefined: true})
	ctx := context.Background()
	v, err := env.Template(ctx, "a {{ nope }} b", MapVars{})
	if err != nil || v != "a {{ nope }} b" {
		t.Errorf("Template with IgnoreUndefined = %#v, %v; want the template text", v, err)
	}
	if _, err := env.Template(ctx, "{{ 1 + }}", MapVars{}); KindOf(err) != ErrSyntax {
		t.Errorf("syntax errors must still fail, got %v", err)
	}
}

// TestAnsibleMessage checks the full texts against what Ansible 2.14's
// Templar.template raised for the same templates (str(exception)).
func TestAnsibleMessage(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	vars := MapVars{D: pyval.DictOf("d", pyval.DictOf("k", int64(1)))}
	for _, tc := range []struct{ src, want string }{
		{"{{ foo }}", "'foo' is undefined. 'foo' is undefined"},
		{"{{ d.foo }}", "'dict object' has no attribute 'foo'. 'dict object' has no attribute 'foo'"},
		{"{{ 1 +}}", "template error while templating string: unexpected 'end of print statement'. String: {{ 1 +}}. unexpected 'end of print statement'"},
		{"{{ 'a' + 1 }}", `Unexpected templating type error occurred on ({{ 'a' + 1 }}): can only concatenate str (not "int") to str. can only concatenate str (not "int") to str`},
		{"{{ x|frob }}", `template error while templating string: Could not load "frob": 'frob'. String: {{ x|frob }}. Could not load "frob": 'frob'`},
		{"{{ {'a':1}|combine(3) }}", "failed to combine variables, expected dicts but got a 'dict' and a 'int': \n{\"a\": 1}\n3"},
	} {
		_, err := env.Template(ctx, tc.src, vars)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Template(%q) error = %v, want *Error", tc.src, err)
			continue
		}
		if got := e.AnsibleMessage(); got != tc.want {
			t.Errorf("Template(%q).AnsibleMessage() =\n  %q\nwant\n  %q", tc.src, got, tc.want)
		}
	}
}

func TestErrorDiag(t *testing.T) {
	env := NewEnv(Options{})
	_, err := env.Render(context.Background(), "a\n  {{ nope }}", MapVars{}, FileOptions{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Render error = %v", err)
	}
	d := e.Diag(diag.Pos{File: "roles/x/templates/t.j2", Line: 1, Col: 1})
	if d.Pos.String() != "roles/x/templates/t.j2:2:6" {
		t.Errorf("Diag position = %s, want roles/x/templates/t.j2:2:6", d.Pos)
	}
	d = (&Error{Kind: ErrUndefined, Pos: Pos{Line: 1, Col: 4}, Msg: "'x' is undefined"}).Diag(diag.Pos{File: "site.yml", Line: 10, Col: 12})
	if d.Pos.String() != "site.yml:10:15" || d.Msg != "'x' is undefined. 'x' is undefined" {
		t.Errorf("Diag = %s %q", d.Pos, d.Msg)
	}
}

func TestPasswordHashBcrypt(t *testing.T) {
	env := NewEnv(Options{})
	v, err := env.Template(context.Background(), "{{ 'secret' | password_hash('bcrypt', rounds=4) }}", MapVars{})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := v.(string)
	if len(s) != 60 || s[:7] != "$2b$04$" {
		t.Errorf("password_hash('bcrypt') = %q, want a $2b$04$ hash of 60 characters", s)
	}
}
