package modules

import (
	"os"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestLineinfile(t *testing.T) {
	tests := []struct {
		name    string
		initial *string // nil: no file
		args    []any
		want    string
		changed bool
		msg     string
		err     string
		// checkOK: check mode predicts instead of failing (a missing file)
		checkOK bool
	}{
		{name: "append", initial: strp("a\nb\n"), args: []any{"line", "c"}, want: "a\nb\nc\n", changed: true, msg: "line added"},
		{name: "present already", initial: strp("a\nb\n"), args: []any{"line", "b"}, want: "a\nb\n"},
		{name: "append to unterminated", initial: strp("a"), args: []any{"line", "c"}, want: "a\nc\n", changed: true, msg: "line added"},
		{name: "regexp replaces last match", initial: strp("x=1\ny=2\nx=3\n"), args: []any{"regexp", "^x=", "line", "x=9"},
			want: "x=1\ny=2\nx=9\n", changed: true, msg: "line replaced"},
		{name: "regexp firstmatch", initial: strp("x=1\ny=2\nx=3\n"), args: []any{"regexp", "^x=", "line", "x=9", "firstmatch", true},
			want: "x=9\ny=2\nx=3\n", changed: true, msg: "line replaced"},
		{name: "backrefs", initial: strp("port = 80\n"), args: []any{"regexp", `^(?P<k>port) = (\d)\d*$`, "line", `\g<k> = \g<2>080`, "backrefs", true},
			want: "port = 8080\n", changed: true, msg: "line replaced"},
		{name: "backrefs no match leaves file", initial: strp("a\n"), args: []any{"regexp", "^zzz", "line", "x", "backrefs", true}, want: "a\n"},
		{name: "insertafter regex", initial: strp("[s]\nk=v\n[t]\n"), args: []any{"line", "n=1", "insertafter", `^\[s\]`},
			want: "[s]\nn=1\nk=v\n[t]\n", changed: true, msg: "line added"},
		{name: "insertbefore BOF", initial: strp("a\n"), args: []any{"line", "#top", "insertbefore", "BOF"},
			want: "#top\na\n", changed: true, msg: "line added"},
		{name: "insertbefore regex", initial: strp("a\nend\n"), args: []any{"line", "b", "insertbefore", "^end"},
			want: "a\nb\nend\n", changed: true, msg: "line added"},
		{name: "insertafter no match appends", initial: strp("a\n"), args: []any{"line", "b", "insertafter", "^zzz"},
			want: "a\nb\n", changed: true, msg: "line added"},
		{name: "search_string", initial: strp("foo bar\n"), args: []any{"search_string", "bar", "line", "baz"},
			want: "baz\n", changed: true, msg: "line replaced"},
		{name: "absent regexp", initial: strp("a\nx1\nx2\n"), args: []any{"regexp", "^x", "state", "absent"},
			want: "a\n", changed: true, msg: "2 line(s) removed"},
		{name: "absent nothing", initial: strp("a\n"), args: []any{"line", "b", "state", "absent"}, want: "a\n"},
		{name: "create", args: []any{"line", "new", "create", true}, want: "new\n", changed: true, msg: "line added"},
		{name: "missing without create", args: []any{"line", "new"}, err: "does not exist !", checkOK: true},
		{name: "line required", initial: strp(""), args: []any{"regexp", "x"}, err: "line is required with state=present"},
		{name: "validate passes", initial: strp("a\n"), args: []any{"line", "ok", "validate", "grep -q ok %s"}, want: "a\nok\n", changed: true, msg: "line added"},
		{name: "validate fails", initial: strp("a\n"), args: []any{"line", "bad", "validate", "grep -q ok %s"}, want: "a\n",
			err: "failed to validate: rc:1 error:", checkOK: true},
		{name: "mode change message", initial: strp("a\n"), args: []any{"line", "a", "mode", "0600"}, want: "a\n", changed: true,
			msg: "ownership, perms or SE linux context changed"},
	}
	for _, tt := range tests {
		moduletest.Run(t, lineinfileModule{}, moduletest.Case{
			Name: tt.name,
			Setup: func(t *testing.T, r string) {
				if tt.initial != nil {
					moduletest.WriteFile(t, r, "f", *tt.initial, 0o644)
				}
			},
			Args: func(r string) *pyval.Dict {
				return moduletest.Args(append([]any{"path", r + "/f"}, tt.args...)...)
			},
			WantChanged:  tt.changed,
			WantErr:      tt.err,
			CheckDiffers: tt.checkOK,
			Verify: func(t *testing.T, r string, res module.Result) {
				b, _ := os.ReadFile(r + "/f")
				if string(b) != tt.want {
					t.Errorf("content = %q, want %q", b, tt.want)
				}
				if res.Msg != tt.msg {
					t.Errorf("msg = %q, want %q", res.Msg, tt.msg)
				}
			},
		})
	}
}

func TestCompilePy(t *testing.T) {
	tests := []struct {
		expr, in, tmpl, want string
	}{
		{`(?P<a>x)(y)`, "xy", `\2\g<a>\g<1>`, "yxx"},
		{`(?P<a>\w)(?P=a)`, "zz", `<\g<a>>`, "<z>"},
		{`[(]`, "(", `ok`, "ok"},
		{`^a$`, "a\n", `m`, "m"},
	}
	for _, tt := range tests {
		re, err := compilePy(tt.expr)
		if err != nil {
			t.Fatalf("compilePy(%q): %v", tt.expr, err)
		}
		m := re.search(tt.in)
		if m == nil {
			t.Errorf("compilePy(%q).search(%q) = no match", tt.expr, tt.in)
			continue
		}
		if got := reExpand(m, tt.tmpl); got != tt.want {
			t.Errorf("expand(%q, %q) = %q, want %q", tt.expr, tt.tmpl, got, tt.want)
		}
	}
}
