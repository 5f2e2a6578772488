package inventory

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"gplay/pyval"
)

// TestTOMLAgainstPython dumps values through our encoder and through the
// toml library Ansible uses (python3-toml), when it is installed.
func TestTOMLAgainstPython(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import toml").Run() != nil {
		t.Skip("SKIP: /usr/bin/python3 with python3-toml not available")
	}
	tests := []*pyval.Dict{
		pyval.DictOf("a", "plain", "b", `it's "quoted"`, "c", `back\slash`, "d", "tab\tnew\nline", "e", "é ü 😀"),
		pyval.DictOf("bell", "a\x07b", "mid", "ok\x1bnot", "nul", "x\x00y"),
		pyval.DictOf("big", 1e+20, "f", 1.5, "n", int64(-3), "none", nil, "small", 1e-07, "t", true),
		pyval.DictOf("empty", pyval.NewList(), "l", pyval.NewList(int64(1), "two", nil, pyval.NewList(true))),
		pyval.DictOf("key with space", int64(1), "dotted.key", pyval.DictOf("x", int64(1)), "t", pyval.DictOf("u", pyval.DictOf("v", "w"), "k", int64(2))),
		pyval.DictOf("aot", pyval.NewList(pyval.DictOf("a", int64(1), "sub", pyval.DictOf("b", int64(2))), pyval.DictOf("a", int64(3)))),
	}
	for _, d := range tests {
		got, err := TOML(d)
		if err != nil {
			t.Errorf("TOML(%s): %v", pyval.Repr(d), err)
			continue
		}
		js := PythonJSON(d) // sorts keys: the inputs above are written sorted
		cmd := exec.Command("/usr/bin/python3", "-c", "import json,sys,toml; sys.stdout.write(toml.dumps(json.loads(sys.stdin.read())))")
		cmd.Stdin = strings.NewReader(js)
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("python: %v", err)
		}
		if got != string(want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(string(want))
			t.Errorf("TOML(%s)\n got %s\nwant %s", pyval.Repr(d), g, w)
		}
	}
}
