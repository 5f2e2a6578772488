package play

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gplay/diag"
)

// names is a small Actions for tests.
type names map[string]bool

func (n names) Action(name string) (ActionInfo, bool) {
	switch ShortAction(name) {
	case "command":
		return ActionInfo{RawKeys: func(k string) bool { return k == "chdir" || k == "creates" }}, true
	case "include_tasks", "import_tasks", "meta", "set_fact":
		return ActionInfo{FreeForm: true}, true
	}
	return ActionInfo{}, n[ShortAction(name)]
}

func (n names) Names() []string {
	out := []string{"command", "include_tasks", "import_tasks", "meta", "set_fact"}
	for k := range n {
		out = append(out, k)
	}
	return out
}

var testActions = names{"debug": true, "file": true, "copy": true}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		fp := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(fp), 0o755)
		if err := os.WriteFile(fp, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadForms(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"site.yml": `- hosts: all
  tasks:
    - command: echo "a b" chdir=/tmp
    - file: path=/x state=directory
      args:
        mode: "0755"
    - action: debug msg=hi
    - local_action:
        module: copy
        dest: /y
    - ansible.builtin.debug:
        msg: fqcn
    - import_tasks: inc.yml
      when: x
  roles:
    - role: r
      p: 1
`,
		"inc.yml":                   "- debug: msg=imported\n",
		"roles/r/tasks/main.yml":    "- debug: msg=role\n",
		"roles/r/defaults/main.yml": "d: 1\n",
	})
	l := NewLoader(Options{Actions: testActions})
	pb, err := l.Load(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	p := pb.Plays[0]
	tasks := p.Tasks
	if got := tasks[0].Args.Len(); tasks[0].Action != "command" || got != 2 {
		t.Errorf("command task = %s %v", tasks[0].Action, tasks[0].Args)
	}
	if raw, _ := tasks[0].Args.Get(RawParams); raw != `echo "a b"` {
		t.Errorf("command _raw_params = %q", raw)
	}
	if m, _ := tasks[1].Args.Get("mode"); m != "0755" {
		t.Errorf("args: not merged: %v", tasks[1].Args)
	}
	if tasks[2].Action != "debug" {
		t.Errorf("action: form gave %q", tasks[2].Action)
	}
	if tasks[3].Action != "copy" || tasks[3].Kw["delegate_to"] != "localhost" {
		t.Errorf("local_action gave %q %v", tasks[3].Action, tasks[3].Kw)
	}
	if !tasks[5].IsBlock || !tasks[5].Implicit || len(tasks[5].Block) != 1 || tasks[5].Kw["when"] != "x" {
		t.Errorf("import_tasks not expanded into an implicit block: %+v", tasks[5])
	}
	if len(p.RoleTasks) != 1 || p.RoleTasks[0].RoleRef == nil || p.RoleTasks[0].RoleRef.Role.Name != "r" {
		t.Fatalf("role blocks = %+v", p.RoleTasks)
	}
	if v, _ := p.RoleTasks[0].RoleRef.Params.Get("p"); v != int64(1) {
		t.Errorf("role param p = %v", v)
	}
}

func TestLoadErrorsHavePositions(t *testing.T) {
	tests := []struct {
		src, msg string
		line     int
	}{
		{"- hosts: all\n  tasks:\n    - debugg: msg=x\n", "couldn't resolve module/action 'debugg'", 3},
		{"- hosts: all\n  tasks:\n    - debug: msg=x\n      file: path=/x\n", "conflicting action statements", 3},
		{"- hosts: all\n  tasks:\n    - name: x\n", "no module/action detected in task", 3},
		{"- hosts: all\n  nope: 1\n", "'nope' is not a valid attribute for a Play", 1},
		{"- hosts: all\n  tasks:\n    - debug: msg=two words\n", "has extra params", 3},
		{"- hosts: all\n  tasks:\n    - command: echo 'unterminated\n", "failed at splitting arguments", 3},
	}
	for _, tt := range tests {
		dir := writeFiles(t, map[string]string{"site.yml": tt.src})
		_, err := NewLoader(Options{Actions: testActions}).Load(filepath.Join(dir, "site.yml"))
		var de *diag.Error
		if !errors.As(err, &de) {
			t.Errorf("Load(%q) error = %v, want a *diag.Error", tt.src, err)
			continue
		}
		if !strings.Contains(de.Msg, tt.msg) || de.Pos.Line != tt.line || de.Source == "" {
			t.Errorf("Load(%q) = %s (line %d, source %q), want %q at line %d", tt.src, de.Msg, de.Pos.Line, de.Source, tt.msg, tt.line)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{"- hosts: all\n  tasks:\n    - debug: msg=x\n", "- hosts: all\n  roles: [x]\n", "- block:\n  - {}\n", "[", "- hosts: a\n  tasks: [{block: [{debug: {}}], rescue: 1}]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "site.yml")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := NewLoader(Options{Actions: testActions}).Load(p)
		var de *diag.Error
		if err != nil && errors.As(err, &de) && de.Pos.File != "" && de.Pos.Line < 1 {
			t.Fatalf("error without a line: %v", err)
		}
	})
}
