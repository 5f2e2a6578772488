package jinja

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gplay/pyval"
)

// corpusSeeds returns every template and conditional of the differential
// corpus, so that fuzzing starts from realistic input.
func corpusSeeds(t testing.TB) (templates, conds []string) {
	for _, f := range loadCorpus(t) {
		for _, c := range f.cases {
			if c.mode == 'e' {
				conds = append(conds, c.src)
			} else {
				templates = append(templates, c.src)
			}
		}
	}
	return templates, conds
}

// watchdog crashes the fuzz worker when one input runs for seconds, so that
// the fuzzer records it: evaluation must stop soon after its context ends.
func watchdog(src string) func() {
	t := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("input runs too long: %q", src)) })
	return func() { t.Stop() }
}

func fuzzVars() *pyval.Dict {
	return pyval.DictOf(
		"s", "text", "i", int64(3), "f", 1.5, "n", nil, "b", true,
		"l", pyval.NewList(int64(1), "two", pyval.NewList(int64(3))),
		"d", pyval.DictOf("a", int64(1), "b", pyval.DictOf("c", "x")),
		"t", "{{ i + 1 }}",
	)
}

// checkErr fails unless err is nil or a positioned *Error.
func checkErr(t *testing.T, src string, err error) {
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error is %T, not *Error: %v", src, err, err)
	}
	if e.Kind == ErrSyntax && e.Pos.Line < 1 {
		t.Fatalf("%q: syntax error without a position: %v", src, err)
	}
}

func FuzzTemplate(f *testing.F) {
	tmpls, _ := corpusSeeds(f)
	for _, s := range tmpls {
		f.Add(s)
	}
	env := NewEnv(Options{Extensions: []string{"loopcontrols", "do"}, Loader: mapLoader{"inc.j2": "{{ s }}{% include 'inc.j2' %}"}})
	f.Fuzz(func(t *testing.T, src string) {
		defer watchdog(src)()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		vars := env.LazyVars(ctx, fuzzVars())
		_, err := env.Template(ctx, src, vars)
		checkErr(t, src, err)
		_, err = env.Render(ctx, src, vars, FileOptions{LstripBlocks: true})
		checkErr(t, src, err)
	})
}

func FuzzCond(f *testing.F) {
	_, conds := corpusSeeds(f)
	for _, s := range conds {
		f.Add(s)
	}
	env := NewEnv(Options{})
	f.Fuzz(func(t *testing.T, src string) {
		defer watchdog(src)()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		vars := env.LazyVars(ctx, fuzzVars())
		_, err := env.Cond(ctx, src, vars)
		checkErr(t, src, err)
		_, err = env.Eval(ctx, src, vars)
		checkErr(t, src, err)
	})
}

func FuzzLiteralEval(f *testing.F) {
	for _, s := range []string{"[1, 'a', {'b': (1, 2)}]", "{'a': None}", "True", "[1,", "'\\x41'", "-1.5e3", "[[[]]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, ok := literalEval(src, true)
		// inf and nan have no literal form, in Python either
		if ok && !strings.Contains(pyRepr(v), "inf") && !strings.Contains(pyRepr(v), "nan") {
			// what literal_eval accepts must survive repr and a second pass
			if _, ok2 := literalEval(pyRepr(v), true); !ok2 {
				t.Fatalf("%q parsed to %s which does not parse again", src, pyRepr(v))
			}
		}
	})
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.5, "x\u00e9", null, true]}`, `[`, `"\ud83d\ude00"`, `{"a" 1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := jsonLoads(src)
		if err != nil {
			checkErr(t, src, err)
			return
		}
		if _, err := jsonDumps(v, jsonOpts{}); err != nil {
			t.Fatalf("%q: decoded value does not encode: %v", src, err)
		}
	})
}
