package output

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"gplay/engine"
	"gplay/module"
	"gplay/pyval"
)

func TestPyJSONMatchesPython(t *testing.T) {
	vals := []string{
		`{"b": 1, "a": [1, 2.5, "x", null, true], "c": {"z": "é\n\"", "y": []}, "d": {}}`,
		`[]`, `"plain"`, `{"k": [{"x": 1}]}`,
	}
	for _, v := range vals {
		pv, err := module.DecodeJSON([]byte(v))
		if err != nil {
			t.Fatal(err)
		}
		for _, indent := range []int{0, 4} {
			got := pyJSON(pv, indent)
			py := "import json,sys\nv=json.loads(sys.argv[1])\nprint(json.dumps(v, sort_keys=True, ensure_ascii=False, indent=" + map[int]string{0: "None", 4: "4"}[indent] + "))"
			out, err := exec.Command("/usr/bin/python3", "-c", py, v).Output()
			if err != nil {
				t.Skipf("SKIP: /usr/bin/python3 not usable: %v", err)
			}
			if want := strings.TrimSuffix(string(out), "\n"); got != want {
				t.Errorf("pyJSON(%s, %d) =\n%s\nwant\n%s", v, indent, got, want)
			}
		}
	}
}

func TestTextLines(t *testing.T) {
	var out, errb bytes.Buffer
	tx := NewText(&out, &errb, TextOptions{})
	tx.Report(engine.PlayStart{Name: "localhost"})
	tx.Report(engine.TaskStart{Name: "debug"})
	tx.Report(engine.HostResult{Host: "h", Action: "debug", Status: engine.StatusOK, Verbose: true, Result: pyval.DictOf("msg", "hi", "changed", false, "_ansible_verbose_always", true)})
	tx.Report(engine.HostResult{Host: "h", Action: "command", Status: engine.StatusFailed, Result: pyval.DictOf("changed", false, "failed", true, "msg", "boom")})
	tx.Report(engine.Warning{Msg: "careful"})
	tx.Report(engine.Recap{Hosts: []engine.HostStats{{Host: "h", OK: 1, Failed: 1}}})
	want := `
PLAY [localhost] ***************************************************************

TASK [debug] *******************************************************************
ok: [h] => {
    "msg": "hi"
}
fatal: [h]: FAILED! => {"changed": false, "msg": "boom"}

PLAY RECAP *********************************************************************
h                          : ok=1    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   

`
	if out.String() != want {
		t.Errorf("text output =\n%q\nwant\n%q", out.String(), want)
	}
	if errb.String() != "[WARNING]: careful\n" {
		t.Errorf("stderr = %q", errb.String())
	}
}

func TestDiff(t *testing.T) {
	tx := NewText(nil, nil, TextOptions{})
	d := pyval.DictOf("before", "one\ntwo\n", "after", "one\nthree\n", "before_header", "/f", "after_header", "/f")
	got := tx.renderDiff(d)
	want := "--- before: /f\n+++ after: /f\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n\n"
	if got != want {
		t.Errorf("renderDiff = %q, want %q", got, want)
	}
}
