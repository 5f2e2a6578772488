package jinja

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gplay/pyval"
)

// The differential corpus: testdata/jinja/<topic>.yaml holds cases,
// <topic>.golden what Ansible 2.14's Templar made of them (written by
// testdata/jinja/oracle.py). TestCorpus renders every case through gplay
// and compares. When Debian's python3 with ansible is present, the golden
// files are regenerated into a temporary directory first and must equal
// the checked-in ones (-update writes them instead).

var syntaxKindOnly = flag.Bool("syntaxkind", false, "compare template syntax errors by kind only, not by message")

var update = flag.Bool("update", false, "rewrite testdata/jinja/*.golden with the oracle's output")

const corpusDir = "../testdata/jinja"

type corpusCase struct {
	name   string
	mode   byte // 't', 'r' or 'e'
	src    string
	vars   *pyval.Dict
	files  map[string]string
	trim   bool
	lstrip bool
	ext    []string
}

type corpusFile struct {
	topic string
	cases []corpusCase
}

func loadCorpus(t testing.TB) []corpusFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus files in %s: %v", corpusDir, err)
	}
	sort.Strings(paths)
	var out []corpusFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := yamlLoad(string(data), false)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		d, ok := doc.(*pyval.Dict)
		if !ok {
			t.Fatalf("%s: not a mapping", p)
		}
		baseVars := dictOr(d, "vars")
		baseFiles := strMap(dictOr(d, "files"))
		cf := corpusFile{topic: strings.TrimSuffix(filepath.Base(p), ".yaml")}
		cases, _ := d.Get("cases")
		cl, _ := cases.(*pyval.List)
		if cl == nil {
			t.Fatalf("%s: no cases", p)
		}
		for _, c := range cl.Items {
			cd, ok := c.(*pyval.Dict)
			if !ok {
				t.Fatalf("%s: case is not a mapping: %s", p, pyRepr(c))
			}
			cc := corpusCase{trim: true, files: map[string]string{}}
			n, _ := cd.Get("n")
			cc.name = pyStr(n)
			for _, m := range []string{"t", "r", "e"} {
				if v, ok := cd.Get(m); ok {
					cc.mode = m[0]
					cc.src = pyStr(v)
				}
			}
			if cc.mode == 0 {
				t.Fatalf("%s: case %s has no t, r or e", p, cc.name)
			}
			if v, ok := cd.Get("trim"); ok {
				cc.trim = pyval.Truth(v)
			}
			if v, ok := cd.Get("ext"); ok {
				if l, ok := v.(*pyval.List); ok {
					for _, x := range l.Items {
						cc.ext = append(cc.ext, pyStr(x))
					}
				}
			}
			if v, ok := cd.Get("lstrip"); ok {
				cc.lstrip = pyval.Truth(v)
			}
			cc.vars = baseVars.Copy()
			dictOr(cd, "vars").Range(func(k, v any) bool { cc.vars.Set(k, v); return true })
			for k, v := range baseFiles {
				cc.files[k] = v
			}
			for k, v := range strMap(dictOr(cd, "files")) {
				cc.files[k] = v
			}
			cf.cases = append(cf.cases, cc)
		}
		out = append(out, cf)
	}
	return out
}

func dictOr(d *pyval.Dict, key string) *pyval.Dict {
	if v, ok := d.Get(key); ok {
		if x, ok := v.(*pyval.Dict); ok {
			return x
		}
	}
	return pyval.NewDict(0)
}

func strMap(d *pyval.Dict) map[string]string {
	m := map[string]string{}
	d.Range(func(k, v any) bool { m[pyStr(k)] = pyStr(v); return true })
	return m
}

// testLookuper implements a few lookups (env, items, list) so that the
// lookup()/query() hook is exercised; the real plugins live elsewhere.
type testLookuper struct{}

func (testLookuper) Lookup(ctx context.Context, name string, terms []any, kw *pyval.Dict) ([]any, error) {
	switch name {
	case "env":
		var out []any
		for _, t := range terms {
			out = append(out, os.Getenv(pyStr(t)))
		}
		return out, nil
	case "items", "list":
		var out []any
		for _, t := range terms {
			if l, ok := t.(*pyval.List); ok && name == "items" {
				out = append(out, l.Items...)
			} else {
				out = append(out, t)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("lookup plugin (%s) not found", name)
}

type mapLoader map[string]string

func (m mapLoader) Load(name string) (string, error) {
	if s, ok := m[name]; ok {
		return s, nil
	}
	return "", fmt.Errorf("%s: %w", name, ErrTemplateNotFound)
}

// describe prints a result as oracle.py does: "<type> <repr>".
func describe(v any) string {
	v = plainValue(v)
	return pyval.TypeName(v) + " " + pyRepr(v)
}

func plainValue(v any) any {
	switch t := v.(type) {
	case pyval.Unsafe:
		return string(t)
	case Mapping:
		return mappingToDict(t)
	case dictView:
		return pyval.NewList(t.items()...)
	}
	return v
}

func oneLine(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`).Replace(s)
}

func describeErr(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return "error " + e.Kind.String() + ": " + oneLine(e.Msg)
	}
	return "error other: " + oneLine(err.Error())
}

func runCase(env *Env, c corpusCase) string {
	ctx := context.Background()
	vars := env.LazyVars(ctx, c.vars)
	switch c.mode {
	case 't':
		v, err := env.Template(ctx, c.src, vars)
		if err != nil {
			return describeErr(err)
		}
		return describe(v)
	case 'r':
		s, err := env.Render(ctx, c.src, vars, FileOptions{KeepBlockNewline: !c.trim, LstripBlocks: c.lstrip})
		if err != nil {
			return describeErr(err)
		}
		return describe(s)
	}
	b, err := env.CondValue(ctx, c.src, vars)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return "error cond: " + oneLine(e.Msg)
		}
		return describeErr(err)
	}
	return describe(b)
}

func readGolden(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		name, res, ok := strings.Cut(sc.Text(), "\t")
		if ok {
			m[name] = res
		}
	}
	return m, sc.Err()
}

// sameResult compares outputs byte for byte (with -syntaxkind, syntax
// errors compare by kind only).
func sameResult(got, want string) bool {
	if *syntaxKindOnly && strings.HasPrefix(want, "error syntax:") {
		return strings.HasPrefix(got, "error syntax:")
	}
	return got == want
}

func oracleAvailable() bool {
	if os.Getenv("GPLAY_NO_ORACLE") != "" {
		return false // compare with the stored golden files only
	}
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		return false
	}
	return exec.Command("/usr/bin/python3", "-c", "import ansible.template, jinja2").Run() == nil
}

func TestCorpus(t *testing.T) {
	files := loadCorpus(t)
	goldenDir, _ := filepath.Abs(corpusDir)
	if oracleAvailable() {
		out := goldenDir
		if !*update {
			out = t.TempDir()
		}
		cmd := exec.Command("/usr/bin/python3", filepath.Join(goldenDir, "oracle.py"), "--out", out)
		cmd.Env = append(os.Environ(), "ANSIBLE_LOCAL_TEMP="+t.TempDir(), "HOME="+t.TempDir())
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("oracle.py: %v\n%s", err, b)
		}
		if !*update {
			for _, f := range files {
				fresh, err := os.ReadFile(filepath.Join(out, f.topic+".golden"))
				if err != nil {
					t.Fatal(err)
				}
				stored, err := os.ReadFile(filepath.Join(goldenDir, f.topic+".golden"))
				if err != nil || string(stored) != string(fresh) {
					t.Errorf("%s.golden is stale: rerun go test ./jinja -run TestCorpus -update and review the diff", f.topic)
				}
			}
		}
	} else {
		t.Log("WARNING: /usr/bin/python3 with ansible-core is not available; comparing against the stored golden files without regenerating them")
	}
	known := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(goldenDir, "known_diffs.txt")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				known[l] = true
			}
		}
	}
	env := NewEnv(Options{Lookuper: testLookuper{}})
	total, pass, knownFail := 0, 0, 0
	var tmplN, condN int
	for _, f := range files {
		want, err := readGolden(filepath.Join(goldenDir, f.topic+".golden"))
		if err != nil {
			t.Fatalf("%s: %v", f.topic, err)
		}
		for _, c := range f.cases {
			total++
			if c.mode == 'e' {
				condN++
			} else {
				tmplN++
			}
			id := f.topic + "/" + c.name
			w, ok := want[c.name]
			if !ok {
				t.Errorf("%s: no golden output", id)
				continue
			}
			caseEnv := env
			if len(c.files) > 0 || len(c.ext) > 0 {
				caseEnv = NewEnv(Options{Loader: mapLoader(c.files), Extensions: c.ext, Lookuper: testLookuper{}})
			}
			got := runCase(caseEnv, c)
			switch {
			case sameResult(got, w):
				pass++
				if known[id] {
					t.Errorf("%s: passes now; remove it from known_diffs.txt", id)
				}
			case known[id]:
				knownFail++
			default:
				t.Errorf("%s:\n  src:  %q\n  got:  %s\n  want: %s", id, c.src, got, w)
			}
		}
	}
	t.Logf("corpus: %d cases (%d templates, %d conditionals), %d match the oracle, %d known differences", total, tmplN, condN, pass, knownFail)
}
