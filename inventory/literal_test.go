package inventory

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"gplay/pyval"
)

// literalCases are INI values and what Ansible's _parse_value makes of them
// (ast.literal_eval or the text), as Python's repr. TestLiteralAgainstPython
// keeps the table honest when /usr/bin/python3 is present.
var literalCases = []struct{ in, want string }{
	{"5", "5"}, {"-5", "-5"}, {"+5", "5"}, {"0", "0"}, {"00", "0"}, {"0644", "'0644'"}, {"1_000", "1000"}, {"1__0", "'1__0'"},
	{"0x1F", "31"}, {"0o17", "15"}, {"0b101", "5"}, {"0X_f", "15"}, {"0x", "'0x'"},
	{"1.5", "1.5"}, {"1e3", "1000.0"}, {"1E-2", "0.01"}, {".5", "0.5"}, {"5.", "5.0"}, {"1_0.5_1", "10.51"}, {"1e", "'1e'"},
	{"True", "True"}, {"False", "False"}, {"None", "None"}, {"true", "'true'"}, {"yes", "'yes'"}, {"none", "'none'"},
	{"'a b'", "'a b'"}, {`"dq"`, "'dq'"}, {`'it''s'`, "'its'"}, {`'a' "b"`, "'ab'"}, {`u'x'`, "'x'"}, {`b'x'`, "'x'"}, {`r'\n'`, `'\\n'`},
	{`'\n'`, `'\n'`}, {`'\x41\u00e9'`, "'Aé'"}, {`'\q'`, `'\\q'`}, {`'''tri'''`, "'tri'"}, {`f'x'`, `"f'x'"`},
	{"[1, 2]", "[1, 2]"}, {"[1, 'a', [True, None]]", "[1, 'a', [True, None]]"}, {"[]", "[]"}, {"[1,]", "[1]"},
	{"(1, 2)", "(1, 2)"}, {"(1,)", "(1,)"}, {"()", "()"}, {"(1)", "1"}, {"1, 2", "(1, 2)"}, {"1,", "(1,)"},
	{"{}", "{}"}, {"{'a': 1, 2: [3]}", "{'a': 1, 2: [3]}"}, {"{'a': 1,}", "{'a': 1}"},
	{"-1.5", "-1.5"}, {"--1", "'--1'"}, {"-True", "'-True'"}, {"1 + 2", "'1 + 2'"}, {"1j", "'1j'"},
	{"a b", "'a b'"}, {"foo", "'foo'"}, {"", "''"}, {"  7", "7"}, {"7  ", "7"}, {"7 # c", "7"}, {"[1, foo]", "'[1, foo]'"},
	{"{[1]: 2}", "'{[1]: 2}'"}, {"'unterminated", `"'unterminated"`}, {"5a", "'5a'"}, {"1.2.3", "'1.2.3'"},
	{"10.0.0.1", "'10.0.0.1'"}, {"/usr/bin/python3", "'/usr/bin/python3'"}, {"{{ x }}", "'{{ x }}'"},
}

func TestLiteralEval(t *testing.T) {
	for _, c := range literalCases {
		if got := pyval.Repr(parseINIValue(c.in)); got != c.want {
			t.Errorf("parseINIValue(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestLiteralAgainstPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("SKIP: /usr/bin/python3 not present; the table is the stored oracle output")
	}
	var ins []string
	for _, c := range literalCases {
		ins = append(ins, c.in)
	}
	j, _ := json.Marshal(ins)
	script := `
import ast, json, sys, warnings
warnings.simplefilter("ignore")
out = []
for s in json.loads(sys.argv[1]):
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        v = s
    except Exception:
        v = s  # TypeError (unhashable key): Ansible fails; we keep the text
    if isinstance(v, bytes):
        v = v.decode()
    out.append(repr(v))
print(json.dumps(out))
`
	out, err := exec.Command(py, "-c", script, string(j)).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, c := range literalCases {
		if c.in == "1j" && got[i] == "1j" {
			continue // complex numbers stay text on purpose (pyval has none)
		}
		if got[i] != c.want {
			t.Errorf("Python literal_eval(%q) = %s, table says %s", c.in, got[i], c.want)
		}
	}
}

var shlexCases = []struct {
	in   string
	want []string
}{
	{`a b  c`, []string{"a", "b", "c"}},
	{`a="x y" b='p q'`, []string{"a=x y", "b=p q"}},
	{`a="x \"q\" \n" b`, []string{`a=x "q" \n`, "b"}},
	{`a=x\ y`, []string{"a=x y"}},
	{`a=1 # comment`, []string{"a=1"}},
	{`a=1#comment`, []string{"a=1"}},
	{`a="#in" '#x'`, []string{"a=#in", "#x"}},
	{`'' b`, []string{"", "b"}},
	{`a'b'"c"`, []string{"abc"}},
	{`'it\'s'`, nil}, // unterminated: \ does not escape inside single quotes
}

func TestShlexSplit(t *testing.T) {
	for _, c := range shlexCases {
		got, err := shlexSplit(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("shlexSplit(%q) = %q, want an error", c.in, got)
			}
			continue
		}
		if err != nil || !equalStrings(got, c.want) {
			t.Errorf("shlexSplit(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestShlexAgainstPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("SKIP: /usr/bin/python3 not present")
	}
	var ins []string
	for _, c := range shlexCases {
		ins = append(ins, c.in)
	}
	j, _ := json.Marshal(ins)
	out, err := exec.Command(py, "-c", `
import json, shlex, sys
r = []
for s in json.loads(sys.argv[1]):
    try:
        r.append(shlex.split(s, comments=True))
    except ValueError:
        r.append(None)
print(json.dumps(r))`, string(j)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, c := range shlexCases {
		if !equalStrings(got[i], c.want) || (got[i] == nil) != (c.want == nil) {
			t.Errorf("Python shlex.split(%q) = %q, table says %q", c.in, got[i], c.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
