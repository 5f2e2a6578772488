package yaml11

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gplay/pyval"
)

// TestRandomAgainstAnsibleLoader builds random documents from tricky
// scalars and shapes and compares Decode with Ansible's loader, all in one
// Python process. GPLAY_RANDOM_YAML=N sets the count (default 300).
func TestRandomAgainstAnsibleLoader(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("SKIP: /usr/bin/python3 not present")
	}
	n := 300
	if v, err := strconv.Atoi(os.Getenv("GPLAY_RANDOM_YAML")); err == nil {
		n = v
	}
	r := rand.New(rand.NewPCG(uint64(n), 11))
	docs := make([]string, n)
	mutate := os.Getenv("GPLAY_RANDOM_YAML_MUTATE") != ""
	for i := range docs {
		docs[i] = randomDoc(r)
		if mutate {
			docs[i] = mutateDoc(r, docs[i])
		}
	}
	j, _ := json.Marshal(docs)
	f, err := os.CreateTemp("", "gplay-yamldocs-*.json")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	f.Write(j)
	f.Close()
	out, err := exec.Command(py, "-c", `
import json, sys, datetime
from ansible.parsing.yaml.loader import AnsibleLoader
def norm(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return "DATE"
    if isinstance(v, dict):
        return {norm(k): norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
r = []
for s in json.load(open(sys.argv[1])):
    try:
        r.append(repr(norm(AnsibleLoader(s).get_single_data())))
    except Exception as e:
        r.append("ERR")
print(json.dumps(r))`, f.Name()).Output()
	if err != nil {
		t.Skipf("SKIP: Ansible's loader unavailable: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, d := range docs {
		got := "ERR"
		if v, err := Decode("r.yml", []byte(d), Options{}); err == nil {
			got = pyval.Repr(normDates(v))
		}
		if got != want[i] {
			bad++
			if bad <= 15 {
				// Mutated (broken) documents only report: go-yaml accepts a
				// few malformed corners libyaml refuses (doc.go).
				report := t.Errorf
				if mutate {
					report = t.Logf
				}
				report("doc %q: gplay %s, Ansible %s", d, got, want[i])
			}
		}
	}
	t.Logf("%d/%d random documents identical", n-bad, n)
}

// normDates replaces text that PyYAML would make a date by DATE, since we
// keep timestamps as text on purpose.
func normDates(v any) any {
	switch t := v.(type) {
	case string:
		if reDateLike.MatchString(t) {
			return "DATE"
		}
	case *pyval.List:
		for i, e := range t.Items {
			t.Items[i] = normDates(e)
		}
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool {
			d.Set(normDates(k), normDates(x))
			return true
		})
		return d
	}
	return v
}

var scalarPool = []string{
	"yes", "No", "ON", "off", "y", "true", "False", "~", "null", "NULL", "", "0", "0644", "08", "0x1F", "0b11", "1_000",
	"1:30", "1:60", "1e3", "1.0e+3", "1.5", ".5", "1.", ".inf", "-.INF", ".NaN", "2001-12-14", "2001-12-14 21:59:43.10 -5",
	"12:30:45", "-7", "+3", "a b", "a:b", "http://x/y", "'quoted'", `"dq \t"`, "'it''s'", "{{ x }}", `"{{ x }}"`, "@x",
	"%x", "-x", "- x", "? x", "x #c", "x#c", "é", "0o7", "+.5", "1_0.5", "0.1e-2", "=", "<<", "!!str 5", "!!int '7'",
	"!unsafe x", "[]", "{}", "[a, 1, yes]", "{a: 1, 2: b}", "|\n  lit\n", ">-\n  fold\n  ed\n",
}

func randomDoc(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return structDoc(r, 0, "")
	}
	var b strings.Builder
	for i := 0; i < 1+r.IntN(5); i++ {
		k := scalarPool[r.IntN(len(scalarPool))]
		if strings.ContainsAny(k, "\n[]{}") || k == "" || strings.HasPrefix(k, "!") {
			k = fmt.Sprintf("k%d", i)
		}
		v := scalarPool[r.IntN(len(scalarPool))]
		switch r.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "%s:\n  - %s\n  - %s\n", k, v, scalarPool[r.IntN(len(scalarPool))])
		case 1:
			fmt.Fprintf(&b, "%s:\n  n: %s\n", k, v)
		default:
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return b.String()
}

// reDateLike is PyYAML's timestamp pattern.
var reDateLike = regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)

// structDoc builds nested block and flow collections with anchors, aliases,
// merge keys, block scalars and comments, to exercise the parser more than
// the resolver.
func structDoc(r *rand.Rand, depth int, indent string) string {
	var b strings.Builder
	anchors := 0
	scalar := func() string {
		switch r.IntN(10) {
		case 0:
			return "|\n" + indent + "  l1\n" + indent + "  l2\n"
		case 1:
			return ">\n" + indent + "  f1\n" + indent + "\n" + indent + "  f2\n"
		case 2:
			return "[" + simple(r) + ", {k: " + simple(r) + "}]"
		case 3:
			return "{a: " + simple(r) + ", b: [" + simple(r) + "]}"
		}
		return simple(r)
	}
	n := 1 + r.IntN(4)
	seq := r.IntN(3) == 0
	for i := 0; i < n; i++ {
		lead := fmt.Sprintf("k%d: ", i)
		if seq {
			lead = "- "
		}
		if r.IntN(5) == 0 {
			b.WriteString(indent + "# comment\n")
		}
		switch {
		case depth < 2 && r.IntN(3) == 0:
			anchor := ""
			if r.IntN(2) == 0 {
				anchors++
				anchor = fmt.Sprintf(" &a%d%d", depth, anchors)
			}
			b.WriteString(indent + strings.TrimRight(lead, " ") + anchor + "\n")
			b.WriteString(structDoc(r, depth+1, indent+"  "))
		case !seq && anchors > 0 && r.IntN(3) == 0:
			b.WriteString(fmt.Sprintf("%s<<: *a%d%d\n", indent, depth+1, anchors))
		default:
			b.WriteString(indent + lead + scalar())
			if !strings.HasSuffix(b.String(), "\n") {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func simple(r *rand.Rand) string {
	for {
		s := scalarPool[r.IntN(len(scalarPool))]
		if !strings.ContainsAny(s, "\n") && s != "" && s != "<<" && s != "=" && !strings.HasPrefix(s, "- ") && !strings.HasPrefix(s, "? ") {
			return s
		}
	}
}

// mutateDoc inserts, deletes or replaces a few characters with ones YAML
// cares about, to compare the parsers on broken and odd input
// (GPLAY_RANDOM_YAML_MUTATE=1).
func mutateDoc(r *rand.Rand, d string) string {
	const chars = " :-#'\"\t\n[]{},&*!|>?%@`"
	b := []rune(d)
	for range 1 + r.IntN(3) {
		if len(b) == 0 {
			break
		}
		i := r.IntN(len(b))
		c := rune(chars[r.IntN(len(chars))])
		switch r.IntN(3) {
		case 0:
			b = append(b[:i], append([]rune{c}, b[i:]...)...)
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			b[i] = c
		}
	}
	return string(b)
}
