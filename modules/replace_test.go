package modules

import (
	"os"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

// The expected contents and messages below are what ansible-core 2.14
// produced for the same inputs.
func TestReplaceAndBlockinfile(t *testing.T) {
	tests := []struct {
		name    string
		m       module.Module
		initial *string
		args    []any
		want    string
		msg     string
		changed bool
		notIdem bool
	}{
		{name: "replace with backrefs", m: replaceModule{}, initial: strp("alpha=1\nbeta = 2\n# x\nalpha=3\n"),
			args: []any{"regexp", `^alpha=(\d)$`, "replace", `alpha=\1\1`}, want: "alpha=11\nbeta = 2\n# x\nalpha=33\n",
			msg: "2 replacements made", changed: true, notIdem: true},
		{name: "replace between after and before", m: replaceModule{}, initial: strp("[a]\nk=1\n[b]\nk=1\n[c]\nk=1\n"),
			args: []any{"after", `\[b\]`, "before", `\[c\]`, "regexp", "k=1", "replace", "k=2"}, want: "[a]\nk=1\n[b]\nk=2\n[c]\nk=1\n",
			msg: "1 replacements made", changed: true},
		{name: "replace no match", m: replaceModule{}, initial: strp("a\n"), args: []any{"regexp", "zzz"}, want: "a\n"},
		{name: "block inserted after regex", m: blockinfileModule{}, initial: strp("one\ntwo\nthree"),
			args: []any{"block", "x=1\ny=2", "insertafter", "^one"},
			want: "one\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\ny=2\n# END ANSIBLE MANAGED BLOCK\ntwo\nthree", msg: "Block inserted", changed: true},
		{name: "block replaced in place", m: blockinfileModule{}, initial: strp("one\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\ny=2\n# END ANSIBLE MANAGED BLOCK\ntwo\nthree"),
			args: []any{"block", "z=3"},
			want: "one\n# BEGIN ANSIBLE MANAGED BLOCK\nz=3\n# END ANSIBLE MANAGED BLOCK\ntwo\nthree", msg: "Block inserted", changed: true},
		{name: "block removed", m: blockinfileModule{}, initial: strp("a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb\n"),
			args: []any{"state", "absent"}, want: "a\nb\n", msg: "Block removed", changed: true},
		{name: "block creates file", m: blockinfileModule{}, args: []any{"block", "new", "create", true, "insertbefore", "BOF"},
			want: "# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\n", msg: "File created", changed: true},
	}
	for _, tt := range tests {
		moduletest.Run(t, tt.m, moduletest.Case{
			Name: tt.name,
			Setup: func(t *testing.T, r string) {
				if tt.initial != nil {
					moduletest.WriteFile(t, r, "f", *tt.initial, 0o644)
				}
			},
			Args:          func(r string) *pyval.Dict { return moduletest.Args(append([]any{"path", r + "/f"}, tt.args...)...) },
			WantChanged:   tt.changed,
			NotIdempotent: tt.notIdem,
			Verify: func(t *testing.T, r string, res module.Result) {
				if tt.notIdem {
					return // reruns changed the file further, as they do with Ansible
				}
				b, _ := os.ReadFile(r + "/f")
				if string(b) != tt.want {
					t.Errorf("content = %q, want %q", b, tt.want)
				}
			},
		})
		// the first run's message and content, on a fresh file
		t.Run(tt.name+"/first run", func(t *testing.T) {
			r := t.TempDir()
			if tt.initial != nil {
				moduletest.WriteFile(t, r, "f", *tt.initial, 0o644)
			}
			res, err := moduletest.RunModule(t, tt.m, moduletest.Args(append([]any{"path", r + "/f"}, tt.args...)...), false)
			if err != nil {
				t.Fatal(err)
			}
			if res.Msg != tt.msg || readFile(t, r+"/f") != tt.want {
				t.Errorf("msg = %q, content = %q; want %q, %q", res.Msg, readFile(t, r+"/f"), tt.msg, tt.want)
			}
		})
	}
}
