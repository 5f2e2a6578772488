package lookup

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gplay/pyval"
	"gplay/vault"
)

var update = flag.Bool("update", false, "rewrite testdata/lookup/expected.json from Ansible")

const (
	casesFile    = "../testdata/lookup/cases.json"
	expectedFile = "../testdata/lookup/expected.json"
	oracleScript = "../testdata/lookup/oracle.py"
)

var testSecret = vault.Secret{ID: "default", Password: []byte("lookup-test")}

// haveAnsible reports whether Debian's python3 with ansible-core runs here.
func haveAnsible() bool {
	return exec.Command("/usr/bin/python3", "-c", "import ansible.template").Run() == nil
}

var havePythonJinja = sync.OnceValue(func() bool {
	return exec.Command("/usr/bin/python3", "-c", "import jinja2").Run() == nil
})

// TestOracleUpToDate regenerates the expected results with Ansible's own
// lookup plugins and checks that the checked-in file matches (or rewrites
// it under -update).
func TestOracleUpToDate(t *testing.T) {
	if testing.Short() && !*update {
		t.Skip("SKIP: -short: not regenerating expected.json with Ansible (takes seconds)")
	}
	if !haveAnsible() {
		t.Skip("SKIP: /usr/bin/python3 with ansible-core not available; using checked-in expected.json")
	}
	cmd := exec.Command("/usr/bin/python3", oracleScript, casesFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	if *update {
		if err := os.WriteFile(expectedFile, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(expectedFile)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := decodeJSON(out)
	exp, _ := decodeJSON(want)
	if canon(got) != canon(exp) {
		t.Errorf("%s is stale: Ansible now gives different results; rerun with -update and review the diff", expectedFile)
	}
}

// TestAgainstAnsible runs every case of cases.json through the registry
// and compares with what Ansible's plugins gave (expected.json).
func TestAgainstAnsible(t *testing.T) {
	cases := mustDecode(t, casesFile).(*pyval.List)
	expected := mustDecode(t, expectedFile).(*pyval.List)
	byName := map[string]*pyval.Dict{}
	for _, e := range expected.Items {
		d := e.(*pyval.Dict)
		byName[dstr(d, "name")] = d
	}
	reg := NewRegistry()
	for _, c := range cases.Items {
		c := c.(*pyval.Dict)
		name := dstr(c, "name")
		t.Run(name, func(t *testing.T) {
			exp, ok := byName[name]
			if !ok {
				t.Fatalf("no expected result for %s; rerun with -update", name)
			}
			if dstr(c, "lookup") == "template" && !havePythonJinja() {
				t.Skip("SKIP: template cases render with /usr/bin/python3 and python3-jinja2, not available here")
			}
			root, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			buildCase(t, root, c)
			forms := []any{"query", "lookup"}
			if f, ok := c.Get("forms"); ok {
				forms = f.(*pyval.List).Items
			}
			for _, f := range forms {
				form := f.(string)
				got := runCase(reg, root, c, form)
				want, _ := exp.Get(form)
				wd := want.(*pyval.Dict)
				wd.Delete("class")
				if canon(got) != canon(wd) {
					t.Errorf("%s %s(%s, %s, %s)\n got %s\nwant %s", form, dstr(c, "lookup"), canon(get(c, "terms")), canon(get(c, "kwargs")), "", canon(got), canon(wd))
				}
			}
			if rd, ok := c.Get("read"); ok {
				files := pyval.NewDict(0)
				for _, r := range rd.(*pyval.List).Items {
					b, err := os.ReadFile(filepath.Join(root, r.(string)))
					if err != nil {
						files.Set(r, nil)
					} else {
						files.Set(r, string(b))
					}
				}
				want, _ := exp.Get("files")
				if canon(files) != canon(want) {
					t.Errorf("files after the lookups:\n got %s\nwant %s", canon(files), canon(want))
				}
			}
		})
	}
}

func buildCase(t *testing.T, root string, c *pyval.Dict) {
	t.Helper()
	if ds, ok := c.Get("dirs"); ok {
		for _, d := range ds.(*pyval.List).Items {
			if err := os.MkdirAll(filepath.Join(root, d.(string)), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	if fs, ok := c.Get("files"); ok {
		var err error
		fs.(*pyval.Dict).Range(func(k, v any) bool {
			p := filepath.Join(root, k.(string))
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return false
			}
			data := []byte(v.(string))
			if strings.HasSuffix(p, ".vault") {
				if data, err = vault.Encrypt(data, testSecret); err != nil {
					return false
				}
			}
			err = os.WriteFile(p, data, 0o644)
			return err == nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// dictVars serves a dict as the task's variables.
type dictVars struct{ d *pyval.Dict }

func (v dictVars) Get(name string) (any, bool) { return v.d.Get(name) }
func (v dictVars) Names() []string {
	var out []string
	for _, k := range v.d.Keys() {
		out = append(out, k.(string))
	}
	return out
}

func runCase(reg *Registry, root string, c *pyval.Dict, form string) *pyval.Dict {
	query := form == "query"
	vars := pyval.NewDict(0)
	if v, ok := c.Get("vars"); ok {
		vars = v.(*pyval.Dict).Copy()
	}
	tc := &TaskContext{Basedir: filepath.Join(root, dstr(c, "basedir")), Decrypter: vault.Keyring{testSecret}, Stderr: io.Discard}
	if s, ok := c.Get("search"); ok {
		var sp []any
		for _, p := range s.(*pyval.List).Items {
			tc.SearchPath = append(tc.SearchPath, filepath.Join(root, p.(string)))
			sp = append(sp, filepath.Join(root, p.(string)))
		}
		vars.Set("ansible_search_path", pyval.NewList(sp...))
	}
	if rp, ok := c.Get("role_path"); ok {
		tc.RolePath = filepath.Join(root, rp.(string))
		vars.Set("role_path", tc.RolePath)
	}
	if h, ok := vars.Get("inventory_hostname"); ok && dstr(c, "name") != "vars_hostvars_from_vars" {
		tc.InventoryHostname = h.(string)
	}
	tc.Vars = dictVars{vars}
	tc.Renderer = pythonRenderer{}
	if pw, ok := c.Get("loader_vault"); ok {
		tc.Decrypter = nil
		if pw != "" {
			tc.Decrypter = vault.Keyring{{ID: "default", Password: []byte(pw.(string))}}
		}
	}
	env := pyval.NewDict(0)
	if e, ok := c.Get("env"); ok {
		env = e.(*pyval.Dict)
	}
	tc.Getenv = func(name string) (string, bool) {
		if v, ok := env.Get(name); ok {
			return v.(string), true
		}
		return os.LookupEnv(name)
	}
	var warnings []any
	tc.Warn = func(m string) { warnings = append(warnings, strings.ReplaceAll(m, root, "$ROOT")) }

	terms := []any{}
	if ts, ok := c.Get("terms"); ok {
		terms = subst(ts, root).(*pyval.List).Items
	}
	var kw *pyval.Dict
	if k, ok := c.Get("kwargs"); ok {
		kw = subst(k, root).(*pyval.Dict)
	}
	ctx := WithTask(context.Background(), tc)
	out := pyval.NewDict(0)
	if form == "loop" {
		tc.Action = dstr(c, "action")
		res, err := reg.Loop(ctx, dstr(c, "lookup"), subst(get(c, "loop"), root))
		if err != nil {
			out.Set("error", strings.ReplaceAll(err.Error(), root, "$ROOT"))
		} else {
			out.Set("result", norm(pyval.NewList(res...), root))
		}
		if len(warnings) > 0 {
			out.Set("warnings", pyval.NewList(warnings...))
		}
		return out
	}
	res, err := reg.Lookup(ctx, dstr(c, "lookup"), terms, kw)
	wantlist := query
	if kw != nil {
		if w, ok := kw.Get("wantlist"); ok && pyval.Truth(w) {
			wantlist = true
		}
	}
	switch {
	case err != nil:
		out.Set("error", strings.ReplaceAll(err.Error(), root, "$ROOT"))
	case res == nil && wantlist:
		out.Set("result", pyval.NewList())
	case wantlist:
		out.Set("result", norm(pyval.NewList(res...), root))
	default:
		out.Set("result", norm(Join(res), root))
	}
	if len(warnings) > 0 {
		out.Set("warnings", pyval.NewList(warnings...))
	}
	return out
}

func subst(v any, root string) any {
	switch t := v.(type) {
	case string:
		return strings.ReplaceAll(t, "$ROOT", root)
	case *pyval.List:
		out := make([]any, len(t.Items))
		for i, x := range t.Items {
			out[i] = subst(x, root)
		}
		return pyval.NewList(out...)
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool { d.Set(k, subst(x, root)); return true })
		return d
	}
	return v
}

func norm(v any, root string) any {
	switch t := v.(type) {
	case string:
		return strings.ReplaceAll(t, root, "$ROOT")
	case pyval.Unsafe:
		return strings.ReplaceAll(string(t), root, "$ROOT")
	case *pyval.List:
		out := make([]any, len(t.Items))
		for i, x := range t.Items {
			out[i] = norm(x, root)
		}
		return pyval.NewList(out...)
	case pyval.Tuple:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = norm(x, root)
		}
		return pyval.NewList(out...)
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool { d.Set(norm(k, root), norm(x, root)); return true })
		return d
	}
	return v
}

func get(d *pyval.Dict, k string) any { v, _ := d.Get(k); return v }

func dstr(d *pyval.Dict, k string) string {
	v, _ := d.Get(k)
	s, _ := v.(string)
	return s
}

func mustDecode(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// decodeJSON decodes JSON into pyval values, keeping object key order.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return decodeValue(dec)
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			l := pyval.NewList()
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l.Append(v)
			}
			_, err := dec.Token()
			return l, err
		case '{':
			d := pyval.NewDict(0)
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				d.Set(k.(string), v)
			}
			_, err := dec.Token()
			return d, err
		}
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, nil
		}
		return strconv.ParseFloat(string(t), 64)
	}
	return tok, nil
}

// canon prints a value as compact JSON with dict keys in their order.
func canon(v any) string {
	var b strings.Builder
	writeCanon(&b, v)
	return b.String()
}

func writeCanon(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool, int64, float64:
		fmt.Fprint(b, t)
	case string:
		j, _ := json.Marshal(t)
		b.Write(j)
	case pyval.Unsafe:
		j, _ := json.Marshal(string(t))
		b.Write(j)
	case *pyval.List:
		writeSeq(b, t.Items)
	case pyval.Tuple:
		writeSeq(b, t)
	case []any:
		writeSeq(b, t)
	case *pyval.Dict:
		b.WriteByte('{')
		i := 0
		t.Range(func(k, x any) bool {
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			writeCanon(b, pyval.Str(k))
			b.WriteByte(':')
			writeCanon(b, x)
			return true
		})
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "%#v", t)
	}
}

func writeSeq(b *strings.Builder, items []any) {
	b.WriteByte('[')
	for i, x := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		writeCanon(b, x)
	}
	b.WriteByte(']')
}

// pythonRenderer stands in for the engine's renderer: it renders with
// python3-jinja2 (testdata/lookup/render.py), so the template cases check
// what the lookup hands a renderer (source, variables, search path,
// options) against Ansible's own template lookup.
type pythonRenderer struct{}

func (pythonRenderer) RenderTemplate(ctx context.Context, t Template) (any, error) {
	vars := pyval.NewDict(0)
	for _, n := range t.Vars.(VarNamer).Names() {
		v, _ := t.Vars.Get(n)
		vars.Set(n, v)
	}
	sp := make([]any, len(t.SearchPath))
	for i, p := range t.SearchPath {
		sp[i] = p
	}
	req := pyval.DictOf("source", t.Source, "vars", vars, "searchpath", pyval.NewList(sp...),
		"variable_start_string", t.VariableStart, "variable_end_string", t.VariableEnd,
		"comment_start_string", t.CommentStart, "comment_end_string", t.CommentEnd, "convert_data", t.ConvertData)
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "../testdata/lookup/render.py")
	cmd.Stdin = strings.NewReader(canon(req))
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("render.py: %w", err)
	}
	v, err := decodeJSON(out)
	if err != nil {
		return nil, err
	}
	d := v.(*pyval.Dict)
	if e, ok := d.Get("error"); ok {
		return nil, fmt.Errorf("%s", e)
	}
	r, _ := d.Get("result")
	return r, nil
}
