package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gplay/diag"
)

func TestINIErrors(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"unknown section type", "[g:bogus]\n", 1, 1, "has unknown type: bogus"},
		{"space in section", "[my group]\n", 1, 1, "Invalid section entry"},
		{"vars without =", "[g]\nh\n[g:vars]\n  novalue\n", 4, 3, "Expected key=value"},
		{"host var without =", "[g]\nh1 a=1 flag\n", 2, 8, "Expected key=value host variable assignment, got: flag"},
		{"unclosed quote", "h1 a='x\n", 1, 1, "No closing quotation"},
		{"bad range", "h[1]\n", 1, 1, "begin:end"},
		{"trailing colon", "h1:\n", 1, 1, "ending in ':' is not allowed"},
		{"yaml marker", "---\n", 1, 1, "'---' is normally a sign this is a YAML file"},
		{"vars for undefined group", "[a]\nh\n[nope:vars]\nx=1\n", 3, 1, "Section [nope:vars] not valid for undefined group: nope"},
		{"undefined child", "[p:children]\nc1\nc2\n[c1]\n", 3, 1, "Section [p:children] includes undefined group: c2"},
		{"bad child line", "[p:children]\na b\n", 2, 1, "Expected group name, got: a b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := newInventory(Options{})
			err := inv.parseINI("hosts", []byte(c.src))
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("parseINI(%q) = %v, want *diag.Error", c.src, err)
			}
			if de.Pos != (diag.Pos{File: "hosts", Line: c.line, Col: c.col}) {
				t.Errorf("parseINI(%q) at %s, want hosts:%d:%d", c.src, de.Pos, c.line, c.col)
			}
			if !strings.Contains(de.Msg, c.msg) {
				t.Errorf("parseINI(%q) msg %q, want %q", c.src, de.Msg, c.msg)
			}
			if de.Source != diag.LineOf([]byte(c.src), c.line) {
				t.Errorf("parseINI(%q) source %q", c.src, de.Source)
			}
		})
	}
}

// A source no parser accepts is a warning carrying the parsers' positioned
// errors, as Ansible's "Unable to parse ... as an inventory source"; with
// AnyUnparsedIsFailed it is an error.
func TestUnparsedSource(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hosts.ini")
	if err := os.WriteFile(p, []byte("[g]\nh1\n[g:bad]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var w diag.List
	inv, err := Load([]string{p}, Options{Warnings: &w})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range w {
		if e.Pos.File == p && e.Pos.Line == 3 && strings.Contains(e.Msg, "Failed to parse") && strings.Contains(e.Msg, "unknown type") {
			found = true
		}
	}
	if !found {
		t.Errorf("warnings %v lack the positioned ini failure", w)
	}
	if len(inv.HostList()) != 0 {
		t.Errorf("hosts = %d, want none (nothing parsed)", len(inv.HostList()))
	}
	if _, err := Load([]string{p}, Options{AnyUnparsedIsFailed: true}); err == nil {
		t.Error("AnyUnparsedIsFailed: no error")
	}
	if _, err := Load([]string{filepath.Join(dir, "missing")}, Options{AnyUnparsedIsFailed: true}); err == nil {
		t.Error("missing source with AnyUnparsedIsFailed: no error")
	}
}

func FuzzINI(f *testing.F) {
	for _, s := range []string{
		"h1\n[g]\nh2 a=1 b='x y'\n[g:vars]\nc=[1,2]\n[p:children]\ng\n",
		"web[01:10:2]:22 x=\"{'a': 1}\"\n", "[a:children]\nb\n[b]\n", "[x:vars]\ny=1\n",
		"h a=b\\ c # comment\n; c\n", "[g]\n192.168.[1:2].[1:3]\n[2001:db8::1]:22\n", "h[a:Z]\n", "h x='\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		inv := newInventory(Options{})
		err := inv.parseINI("fuzz.ini", src)
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *diag.Error", err)
			}
			if de.Pos.File != "fuzz.ini" || de.Pos.Line < 1 || de.Pos.Col < 1 {
				t.Fatalf("error %v has no valid position", err)
			}
			return
		}
		inv.reconcile()
		for _, h := range inv.HostList() {
			if _, err := inv.HostVars(h); err != nil {
				t.Fatalf("HostVars(%s): %v", h.Name, err)
			}
		}
		if _, err := inv.ListJSON(); err != nil {
			t.Fatalf("ListJSON: %v", err)
		}
	})
}

func FuzzYAMLInventory(f *testing.F) {
	for _, s := range []string{
		"all:\n  hosts:\n    h1: {a: 1}\n  children:\n    g: {hosts: {h2: }, vars: {x: 1}}\n",
		"g:\n  hosts: h\n  children: g2\n", "a: [1]\n", "{\"g\": {\"hosts\": {\"h[1:3]\": null}}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		inv := newInventory(Options{Warnings: &diag.List{}})
		err := inv.parseYAML("fuzz.yml", src)
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) || !de.Pos.IsValid() {
				t.Fatalf("error %v has no position", err)
			}
			return
		}
		inv.reconcile()
		if _, err := inv.ListJSON(); err != nil {
			t.Fatalf("ListJSON: %v", err)
		}
	})
}

func TestYAMLInventoryPositions(t *testing.T) {
	src := "all:\n  children:\n    web:\n      hosts:\n        5:\n"
	inv := newInventory(Options{})
	err := inv.parseYAML("inv.yml", []byte(src))
	var de *diag.Error
	if !errors.As(err, &de) || de.Pos != (diag.Pos{File: "inv.yml", Line: 5, Col: 9}) || !strings.Contains(de.Msg, "must be a string") {
		t.Fatalf("parseYAML = %v, want an error at inv.yml:5:9", err)
	}
	var w diag.List
	inv = newInventory(Options{Warnings: &w})
	if err := inv.parseYAML("inv.yml", []byte("web:\n  hosts: {h: }\n  bogus: {a: 1}\n")); err != nil {
		t.Fatal(err)
	}
	if len(w) != 1 || w[0].Pos.Line != 3 || !strings.Contains(w[0].Msg, "Skipping unexpected key (bogus)") {
		t.Errorf("warnings = %v, want one at line 3", w)
	}
}
