package yaml11

import (
	"errors"
	"strings"
	"testing"

	"gplay/diag"
	"gplay/pyval"
)

func repr(t *testing.T, src string) string {
	t.Helper()
	v, err := Decode("f.yml", []byte(src), Options{})
	if err != nil {
		t.Fatalf("Decode(%q): %v", src, err)
	}
	return pyval.Repr(v)
}

func TestMergeKeys(t *testing.T) {
	// Expected values are PyYAML's (AnsibleLoader) output for the same text.
	cases := []struct{ name, src, want string }{
		{"single map", "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "{'base': {'x': 1, 'y': 2}, 'c': {'x': 1, 'y': 3}}"},
		{"explicit before merge", "base: &b {x: 1, y: 2}\nc:\n  y: 3\n  <<: *b\n", "{'base': {'x': 1, 'y': 2}, 'c': {'x': 1, 'y': 3}}"},
		{"list of maps, first wins", "a: &a {x: 1}\nb: &b {x: 2, z: 3}\nc:\n  <<: [*a, *b]\n", "{'a': {'x': 1}, 'b': {'x': 2, 'z': 3}, 'c': {'x': 1, 'z': 3}}"},
		{"inline map", "c:\n  <<: {x: 1}\n  y: 2\n", "{'c': {'x': 1, 'y': 2}}"},
		{"nested merge", "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n", "{'a': {'x': 1}, 'b': {'x': 1, 'y': 2}, 'c': {'x': 1, 'y': 2, 'z': 3}}"},
		{"quoted << is a key", "c: {'<<': 1}\n", "{'c': {'<<': 1}}"},
		{"alias value shared", "a: &a [1, 2]\nb: *a\n", "{'a': [1, 2], 'b': [1, 2]}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := repr(t, c.src); got != c.want {
				t.Errorf("Decode(%q) = %s, want %s", c.src, got, c.want)
			}
		})
	}
}

func TestDuplicateKeys(t *testing.T) {
	var w diag.List
	v, err := Decode("f.yml", []byte("a: 1\nb: 2\na: 3\n"), Options{Warnings: &w})
	if err != nil {
		t.Fatal(err)
	}
	// Python's dict keeps the first position and the last value.
	if got := pyval.Repr(v); got != "{'a': 3, 'b': 2}" {
		t.Errorf("Decode = %s, want {'a': 3, 'b': 2}", got)
	}
	if len(w) != 1 || w[0].Pos.Line != 3 || w[0].Pos.Col != 1 || w[0].Severity != diag.SevWarning || !strings.Contains(w[0].Msg, "duplicate dict key (a)") {
		t.Fatalf("warnings = %v, want one at f.yml:3:1 about key a", w)
	}
	// Overriding a merged key is what merge keys are for: no warning.
	w = nil
	if _, err := Decode("f.yml", []byte("a: &a {x: 1}\nb: {<<: *a, x: 2}\n"), Options{Warnings: &w}); err != nil || len(w) != 0 {
		t.Errorf("merge override: err %v, warnings %v, want none", err, w)
	}
	// 1 and True are the same key to Python.
	w = nil
	v, _ = Decode("f.yml", []byte("1: a\ntrue: b\n"), Options{Warnings: &w})
	if got := pyval.Repr(v); got != "{1: 'b'}" || len(w) != 1 {
		t.Errorf("Decode(1/true keys) = %s with %d warnings, want {1: 'b'} and 1", got, len(w))
	}
}

func TestPositions(t *testing.T) {
	src := "- name: x\n  vars:\n    a: [1, {b: 2}]\n"
	n, err := Load("p.yml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	task := n.Items[0]
	check := func(what string, got *Node, line, col int) {
		t.Helper()
		if got == nil || got.Pos != (diag.Pos{File: "p.yml", Line: line, Col: col}) {
			t.Errorf("%s at %v, want p.yml:%d:%d", what, got, line, col)
		}
	}
	check("task", task, 1, 3)
	check("name", task.Get("name"), 1, 9)
	vars := task.Get("vars")
	check("vars", vars, 3, 5)
	a := vars.Get("a")
	check("a", a, 3, 8)
	check("a[1]", a.Items[1], 3, 12)
	check("a[1].b", a.Items[1].Get("b"), 3, 16)
	if vars.Pairs[0].Key.Pos.Line != 3 || vars.Pairs[0].Key.Pos.Col != 5 {
		t.Errorf("key a at %s, want 3:5", vars.Pairs[0].Key.Pos)
	}
}

func TestEmptyAndMulti(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n"} {
		n, err := Load("f.yml", []byte(src), Options{})
		if err != nil || !n.IsNull() {
			t.Errorf("Load(%q) = %v, %v; want a null node", src, n, err)
		}
	}
	docs, err := LoadAll("f.yml", []byte("a: 1\n---\n- b\n---\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 2 || pyval.Repr(docs[0].Value()) != "{'a': 1}" || pyval.Repr(docs[1].Value()) != "['b']" {
		t.Errorf("LoadAll = %v", docs)
	}
}

type fakeDecrypter struct{ calls int }

func (f *fakeDecrypter) Decrypt(b []byte) ([]byte, error) {
	f.calls++
	if !strings.HasPrefix(string(b), "$ANSIBLE_VAULT;1.1;AES256\n") {
		return nil, errors.New("bad header")
	}
	return []byte("secret"), nil
}

func TestVaultAndUnsafe(t *testing.T) {
	src := "pw: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    6162\nraw: !unsafe '{{ lookup(\"pipe\", \"id\") }}'\nmore: !unsafe {a: x, b: [y, 1]}\n"
	dec := &fakeDecrypter{}
	v, err := Decode("f.yml", []byte(src), Options{Decrypter: dec})
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*pyval.Dict)
	pw, _ := d.Get("pw")
	vv, ok := pw.(*Vault)
	if !ok {
		t.Fatalf("pw = %T, want *Vault", pw)
	}
	if dec.calls != 0 {
		t.Errorf("decrypted at load, want lazily")
	}
	for range 2 {
		if s, err := vv.Decrypt(); s != "secret" || err != nil {
			t.Errorf("Decrypt() = %q, %v", s, err)
		}
	}
	if dec.calls != 1 {
		t.Errorf("Decrypter called %d times, want 1", dec.calls)
	}
	raw, _ := d.Get("raw")
	if raw != pyval.Unsafe(`{{ lookup("pipe", "id") }}`) {
		t.Errorf("raw = %#v, want Unsafe", raw)
	}
	more, _ := d.Get("more")
	md := more.(*pyval.Dict)
	a, _ := md.Get("a")
	b, _ := md.Get("b")
	if a != pyval.Unsafe("x") || b.(*pyval.List).Items[0] != pyval.Unsafe("y") || b.(*pyval.List).Items[1] != int64(1) {
		t.Errorf("more = %s, want unsafe strings inside", pyval.Repr(more))
	}
	// Without secrets the load works and use fails with a position.
	v, _ = Decode("f.yml", []byte(src), Options{})
	pw, _ = v.(*pyval.Dict).Get("pw")
	_, err = pw.(*Vault).Decrypt()
	var de *diag.Error
	if !errors.As(err, &de) || de.Pos.Line != 1 || !errors.Is(err, ErrNoVaultSecrets) {
		t.Errorf("Decrypt without secrets = %v, want positioned ErrNoVaultSecrets", err)
	}
}

func TestAliasBombIsLinear(t *testing.T) {
	src := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 30; i++ {
		name := string(rune('b'+i%20)) + strings.Repeat("z", i/20+1) + string(rune('0'+i%10))
		src += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	v, err := Decode("f.yml", []byte(src), Options{})
	if err != nil {
		// go-yaml may refuse the document as an alias bomb; that is fine too.
		return
	}
	if v.(*pyval.Dict).Len() != 31 {
		t.Errorf("Decode(alias bomb) has %d keys, want 31", v.(*pyval.Dict).Len())
	}
}
