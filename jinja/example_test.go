package jinja_test

import (
	"context"
	"fmt"

	"gplay/jinja"
	"gplay/pyval"
)

func ExampleEnv_Template() {
	env := jinja.NewEnv(jinja.Options{})
	ctx := context.Background()
	vars := env.LazyVars(ctx, pyval.DictOf(
		"port", int64(2379),
		"members", pyval.NewList("etcd1", "etcd2"),
		"url", "https://{{ members[0] }}:{{ port }}",
	))
	for _, src := range []string{"{{ port }}", "{{ port + 1 }}", "{{ members }}", "{{ url }}", "plain"} {
		v, err := env.Template(ctx, src, vars)
		fmt.Printf("%-16s %-5s %s %v\n", src, pyval.TypeName(v), pyval.Repr(v), err)
	}
	// Output:
	// {{ port }}       int   2379 <nil>
	// {{ port + 1 }}   str   '2380' <nil>
	// {{ members }}    list  ['etcd1', 'etcd2'] <nil>
	// {{ url }}        str   'https://etcd1:2379' <nil>
	// plain            str   'plain' <nil>
}

func ExampleEnv_Cond() {
	env := jinja.NewEnv(jinja.Options{})
	ctx := context.Background()
	vars := env.LazyVars(ctx, pyval.DictOf("result", pyval.DictOf("rc", int64(1), "stderr", "not found")))
	for _, cond := range []string{"result.rc != 0", "result is failed", "missing is not defined", "missing == 1"} {
		ok, err := env.Cond(ctx, cond, vars)
		fmt.Println(cond, "=>", ok, err)
	}
	// Output:
	// result.rc != 0 => true <nil>
	// result is failed => false <nil>
	// missing is not defined => true <nil>
	// missing == 1 => false line 1, column 1: The conditional check 'missing == 1' failed. The error was: error while evaluating conditional (missing == 1): 'missing' is undefined. 'missing' is undefined
}

func ExampleEnv_Render() {
	env := jinja.NewEnv(jinja.Options{})
	ctx := context.Background()
	vars := jinja.MapVars{D: pyval.DictOf("hosts", pyval.NewList("m1", "m2"))}
	out, err := env.Render(ctx, "{% for h in hosts %}\nserver {{ h }}\n{% endfor %}\n", vars, jinja.FileOptions{})
	fmt.Printf("%q %v\n", out, err)
	// Output:
	// "server m1\nserver m2\n" <nil>
}
