package inventory

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"testing"

	"gplay/pyval"
)

// jsonCases are values and Python's json.dumps(v, sort_keys=True,
// indent=4, ensure_ascii=False) of them, as ansible-inventory prints.
var jsonCases = []struct {
	name string
	v    any
	py   string // the value as a Python expression, for the oracle
	want string
}{
	{"scalars", pyval.NewList(nil, true, false, int64(-3), 1.5, 1e16, 1e-5, 0.1, "s"), "[None, True, False, -3, 1.5, 1e16, 1e-5, 0.1, 's']",
		"[\n    null,\n    true,\n    false,\n    -3,\n    1.5,\n    1e+16,\n    1e-05,\n    0.1,\n    \"s\"\n]"},
	{"specials", pyval.NewList(math.Inf(1), math.Inf(-1), math.NaN()), "[float('inf'), float('-inf'), float('nan')]",
		"[\n    Infinity,\n    -Infinity,\n    NaN\n]"},
	{"strings", pyval.NewList("q\"b\\", "nl\nt\tcr\r", "\x01\x7f", "é☃😀", "</script>&"), `["q\"b\\", "nl\nt\tcr\r", "\x01\x7f", "é☃😀", "</script>&"]`,
		"[\n    \"q\\\"b\\\\\",\n    \"nl\\nt\\tcr\\r\",\n    \"\\u0001\x7f\",\n    \"é☃😀\",\n    \"</script>&\"\n]"},
	{"sorted keys", pyval.DictOf("b", int64(1), "a", pyval.DictOf("z", pyval.NewList(), "y", pyval.NewDict(0))), "{'b': 1, 'a': {'z': [], 'y': {}}}",
		"{\n    \"a\": {\n        \"y\": {},\n        \"z\": []\n    },\n    \"b\": 1\n}"},
	{"number keys", pyval.DictOf(int64(10), "x", int64(2), "y", 1.5, "z"), "{10: 'x', 2: 'y', 1.5: 'z'}",
		"{\n    \"1.5\": \"z\",\n    \"2\": \"y\",\n    \"10\": \"x\"\n}"},
	{"unsortable keys", pyval.DictOf("b", int64(1), int64(1), int64(2)), "{'b': 1, 1: 2}",
		"{\n    \"b\": 1,\n    \"1\": 2\n}"},
	{"tuple", pyval.Tuple{int64(1), "a"}, "(1, 'a')", "[\n    1,\n    \"a\"\n]"},
}

func TestPythonJSON(t *testing.T) {
	for _, c := range jsonCases {
		if got := PythonJSON(c.v); got != c.want {
			t.Errorf("%s: PythonJSON = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPythonJSONAgainstPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("SKIP: /usr/bin/python3 not present; the table is the stored oracle output")
	}
	var exprs []string
	for _, c := range jsonCases {
		exprs = append(exprs, c.py)
	}
	j, _ := json.Marshal(exprs)
	out, err := exec.Command(py, "-c", `
import json, sys
r = []
for e in json.loads(sys.argv[1]):
    v = eval(e)
    try:
        r.append(json.dumps(v, sort_keys=True, indent=4, ensure_ascii=False))
    except TypeError:
        r.append(json.dumps(v, sort_keys=False, indent=4, ensure_ascii=False))
print(json.dumps(r))`, string(j)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, c := range jsonCases {
		if got[i] != c.want {
			t.Errorf("%s: Python gives %q, table says %q", c.name, got[i], c.want)
		}
	}
}
