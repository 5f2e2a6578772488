package pyyaml

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"gplay/pyval"
)

// TestDumpAgainstPyYAML dumps random strings, as keys and values in nested
// lists and dicts, with every option combination gplay's callers use, with
// Dump and with PyYAML's CSafeDumper (what Ansible's dumper is), and
// compares the text. GPLAY_RANDOM_YAMLDUMP=N sets the count (400).
func TestDumpAgainstPyYAML(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("SKIP: /usr/bin/python3 not present")
	}
	n := 400
	if v, err := strconv.Atoi(os.Getenv("GPLAY_RANDOM_YAMLDUMP")); err == nil {
		n = v
	}
	r := rand.New(rand.NewPCG(uint64(n), 7))
	pieces := []string{"a", "b c", " ", "  ", ":", ": ", "#", " #", "-", "- ", "'", "\"", "\n", "\n\n", "\t", "yes", "1", "1.5",
		"~", "null", "é", "☃", "😀", "\u0085", "\u2028", "\ufeff", "\x07", "[", "]", "{", "}", ",", "?", "&", "*", "!", "|",
		">", "%", "@", "`", "---", "...", "=", "<<", "2001-12-14", "0x1F", "longwordlongwordlongword", "\\", "\r"}
	var strs []string
	for range n {
		var b strings.Builder
		for range r.IntN(12 + 30*(r.IntN(3)/2)) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		strs = append(strs, b.String())
	}
	opts := []struct {
		name string
		o    Options
		py   string
	}{
		{"to_yaml", Options{Flow: FlowAuto}, "default_flow_style=None"},
		{"to_nice_yaml", Options{Indent: 4, Flow: FlowNever}, "indent=4, default_flow_style=False"},
		{"flow width 40", Options{Flow: FlowAlways, Width: 40}, "default_flow_style=True, width=40"},
		{"inventory", Options{Flow: FlowNever, Aliases: true}, "default_flow_style=False"},
	}
	j, _ := json.Marshal(strs)
	f, err := os.CreateTemp("", "gplay-pyyaml-*.json")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	f.Write(j)
	f.Close()
	var script strings.Builder
	script.WriteString("import json, sys, yaml\nD = yaml.CSafeDumper\nr = []\nfor s in json.load(open(sys.argv[1])):\n")
	for _, o := range opts {
		// a list shared by "a" and "b" is one Python object only with Aliases
		b := "[s, 1]"
		if o.o.Aliases {
			b = "shared"
		}
		fmt.Fprintf(&script, "    shared = [s, 1]\n    v = {'key': s, s: {'list': [s, {'k': s}], 'flat': [s, 2.5, None], 'a': shared, 'b': %s}}\n", b)
		fmt.Fprintf(&script, "    r.append(yaml.dump(v, Dumper=D, allow_unicode=True, %s))\n", o.py)
	}
	script.WriteString("print(json.dumps(r))\n")
	out, err := exec.Command(py, "-c", script.String(), f.Name()).Output()
	if err != nil {
		t.Skipf("SKIP: python yaml: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for oi, o := range opts {
		t.Run(o.name, func(t *testing.T) {
			bad := 0
			for i, s := range strs {
				shared := pyval.NewList(s, int64(1))
				v := pyval.DictOf("key", s, s, pyval.DictOf("list", pyval.NewList(s, pyval.DictOf("k", s)),
					"flat", pyval.NewList(s, 2.5, nil), "a", shared, "b", shared))
				if !o.o.Aliases {
					v2, _ := v.Get(s)
					v2.(*pyval.Dict).Set("b", pyval.NewList(s, int64(1)))
				}
				got, err := Dump(v, o.o)
				if err != nil {
					t.Fatal(err)
				}
				w := want[i*len(opts)+oi]
				if got != w {
					bad++
					if bad <= 5 {
						t.Errorf("string %q:\ngot:\n%s\nwant:\n%s", s, got, w)
					}
				}
			}
			t.Logf("%d/%d dumps identical", n-bad, n)
		})
	}
}
