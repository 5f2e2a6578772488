package inventory

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"gplay/pyval"
)

// TestPythonYAMLAgainstPyYAML dumps random strings, lists and nested dicts
// with PythonYAML and with PyYAML's CSafeDumper (what Ansible uses) and
// compares the text. GPLAY_RANDOM_YAMLDUMP=N sets the count (1500).
func TestPythonYAMLAgainstPyYAML(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("SKIP: /usr/bin/python3 not present")
	}
	n := 1500
	if v, err := strconv.Atoi(os.Getenv("GPLAY_RANDOM_YAMLDUMP")); err == nil {
		n = v
	}
	r := rand.New(rand.NewPCG(uint64(n), 5))
	var strs []string
	pieces := []string{"a", "b c", " ", "  ", ":", ": ", "#", " #", "-", "- ", "'", "\"", "\n", "\n\n", "\t", "yes", "1", "1.5",
		"~", "null", "é", "☃", "😀", "\u0085", "\u2028", "\ufeff", "\x07", "[", "]", "{", "}", ",", "?", "&", "*", "!", "|",
		">", "%", "@", "`", "---", "...", "=", "<<", "2001-12-14", "0x1F", "longwordlongwordlongword", "\\", "\r"}
	for range n {
		var b strings.Builder
		for range r.IntN(12 + 30*(r.IntN(3)/2)) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		strs = append(strs, b.String())
	}
	j, _ := json.Marshal(strs)
	f, err := os.CreateTemp("", "gplay-yamlstrs-*.json")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	f.Write(j)
	f.Close()
	out, err := exec.Command(py, "-c", `
import json, sys, yaml
D = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
r = []
for s in json.load(open(sys.argv[1])):
    r.append(yaml.dump({"key": s, "nested": {"list": [s, {"k": s}]}}, Dumper=D, default_flow_style=False, allow_unicode=True))
print(json.dumps(r))`, f.Name()).Output()
	if err != nil {
		t.Skipf("SKIP: python yaml: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, s := range strs {
		v := pyval.DictOf("key", s, "nested", pyval.DictOf("list", pyval.NewList(s, pyval.DictOf("k", s))))
		if got := PythonYAML(v); got != want[i] {
			bad++
			if bad <= 10 {
				t.Errorf("string %q:\ngot:\n%s\nwant:\n%s", s, got, want[i])
			}
		}
	}
	t.Logf("%d/%d dumps identical", n-bad, n)
}
