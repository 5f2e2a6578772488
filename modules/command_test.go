package modules

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestCommandRegisteredKeys(t *testing.T) {
	res, err := moduletest.RunModule(t, commandModule{}, moduletest.Args("_raw_params", "echo 'a  b'"), false)
	if err != nil {
		t.Fatal(err)
	}
	d := res.ToDict()
	var keys []string
	for _, k := range d.Keys() {
		keys = append(keys, k.(string))
	}
	want := "cmd stdout stderr rc start end delta msg stdout_lines stderr_lines changed"
	if strings.Join(keys, " ") != want {
		t.Errorf("keys = %v, want %s", keys, want)
	}
	if got := pyval.Repr(get(d, "cmd")); got != "['echo', 'a  b']" {
		t.Errorf("cmd = %s", got)
	}
	if get(d, "stdout") != "a  b" || get(d, "rc") != int64(0) || get(d, "changed") != true {
		t.Errorf("result = %s", pyval.Repr(d))
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		name    string
		m       module.Module
		args    *pyval.Dict
		check   bool
		wantErr string
		want    map[string]any // registered keys
		skipped bool
		changed bool
	}{
		{name: "argv", m: commandModule{}, args: moduletest.Args("argv", []string{"printf", "%s\\n", "x", "y"}),
			changed: true, want: map[string]any{"stdout": "x\ny", "stdout_lines": pyval.NewList("x", "y")}},
		{name: "shell pipes", m: shellModule{}, args: moduletest.Args("_raw_params", "echo hi | tr a-z A-Z; echo err >&2"),
			changed: true, want: map[string]any{"stdout": "HI", "stderr": "err", "cmd": "echo hi | tr a-z A-Z; echo err >&2"}},
		{name: "shell cmd alias", m: shellModule{}, args: moduletest.Args("cmd", "echo $((1+2))"),
			changed: true, want: map[string]any{"stdout": "3"}},
		{name: "non-zero", m: shellModule{}, args: moduletest.Args("_raw_params", "echo out; exit 3"),
			wantErr: "non-zero return code", changed: true, want: map[string]any{"rc": int64(3), "stdout": "out"}},
		{name: "missing executable", m: commandModule{}, args: moduletest.Args("_raw_params", "/nonexistent/x"),
			wantErr: "[Errno 2] No such file or directory: b'/nonexistent/x'", want: map[string]any{"rc": int64(2), "cmd": "/nonexistent/x"}},
		{name: "stdin", m: commandModule{}, args: moduletest.Args("_raw_params", "cat", "stdin", "abc"),
			changed: true, want: map[string]any{"stdout": "abc"}},
		{name: "no strip", m: commandModule{}, args: moduletest.Args("_raw_params", "cat", "stdin", "abc", "strip_empty_ends", false),
			changed: true, want: map[string]any{"stdout": "abc\n"}},
		{name: "chdir", m: commandModule{}, args: moduletest.Args("_raw_params", "pwd", "chdir", "/tmp"),
			changed: true, want: map[string]any{"stdout": "/tmp"}},
		{name: "creates exists", m: commandModule{}, args: moduletest.Args("_raw_params", "false", "creates", "/etc/host*"),
			want: map[string]any{"msg": "Did not run command since '/etc/host*' exists", "stdout": "skipped, since /etc/host* exists", "rc": int64(0)}},
		{name: "removes missing", m: commandModule{}, args: moduletest.Args("_raw_params", "false", "removes", "/nonexistent"),
			want: map[string]any{"msg": "Did not run command since '/nonexistent' does not exist"}},
		{name: "check skips", m: commandModule{}, args: moduletest.Args("_raw_params", "touch /tmp/should-not-exist-gplay"), check: true,
			skipped: true, want: map[string]any{"msg": "Command would have run if not in check mode", "rc": int64(0)}},
		{name: "check with creates predicts change", m: commandModule{}, args: moduletest.Args("_raw_params", "false", "creates", "/nonexistent"), check: true,
			changed: true, want: map[string]any{"msg": "Command would have run if not in check mode"}},
		{name: "check creates exists", m: commandModule{}, args: moduletest.Args("_raw_params", "false", "creates", "/etc/passwd"), check: true,
			want: map[string]any{"msg": "Would not run command since '/etc/passwd' exists"}},
		{name: "no command", m: commandModule{}, args: moduletest.Args("chdir", "/tmp"), wantErr: "no command given",
			want: map[string]any{"rc": int64(256)}},
		{name: "env expansion in argv", m: commandModule{}, args: moduletest.Args("_raw_params", "echo $HOME"),
			changed: true, want: map[string]any{"stdout": os.Getenv("HOME")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := moduletest.RunModule(t, tt.m, tt.args, tt.check)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				res = res.Fail(err)
			} else if err != nil {
				t.Fatalf("error = %v", err)
			}
			if res.Changed != tt.changed || res.Skipped != tt.skipped {
				t.Errorf("changed, skipped = %v, %v, want %v, %v", res.Changed, res.Skipped, tt.changed, tt.skipped)
			}
			d := res.ToDict()
			for k, want := range tt.want {
				if got := get(d, k); !pyval.Equal(got, want) {
					t.Errorf("%s = %s, want %s", k, pyval.Repr(got), pyval.Repr(want))
				}
			}
		})
	}
	if _, err := os.Stat("/tmp/should-not-exist-gplay"); err == nil {
		t.Errorf("check mode ran the command")
	}
}

func TestShellSplit(t *testing.T) {
	tests := map[string][]string{
		`echo "a b" c\ d 'e "f"'`: {"echo", "a b", "c d", `e "f"`},
		`a "x\"y" '' z`:           {"a", `x"y`, "", "z"},
	}
	for in, want := range tests {
		got, err := shellSplit(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("shellSplit(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
}

func TestPyDeltaSplitLines(t *testing.T) {
	if got := pyDelta(3510 * 1000); got != "0:00:00.003510" {
		t.Errorf("pyDelta = %s", got)
	}
	if got := splitLines("a\r\nb\rc\n\nd\n"); !reflect.DeepEqual(got, []string{"a", "b", "c", "", "d"}) {
		t.Errorf("splitLines = %q", got)
	}
}
