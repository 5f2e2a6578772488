package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gplay/diag"
)

func loadINI(t *testing.T, src string, w *diag.List) *Inventory {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hosts.ini")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := Load([]string{p}, Options{Warnings: w})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func names(hs []*Host) string {
	var s []string
	for _, h := range hs {
		s = append(s, h.Name)
	}
	return strings.Join(s, " ")
}

// Expected orders follow InventoryManager.get_hosts; the differential
// case testdata/inventory/patterns checks the same rules against Ansible.
func TestSelect(t *testing.T) {
	inv := loadINI(t, "[web]\nw1\nw2\nw3\n[db]\nd1\nd2\n[both]\nw2\nd2\n", nil)
	cases := []struct {
		pattern, limit, want string
	}{
		{"all", "", "w1 w2 w3 d1 d2"},
		{"db:web", "", "d1 d2 w1 w2 w3"},
		{"web:&both", "", "w2"},
		{"web:!both", "", "w1 w3"},
		{"!both", "", "w1 w3 d1"},
		{"&both:db", "", "d2"},
		{"web[0]", "", "w1"},
		{"web[-1]", "", "w3"},
		{"web[1:]", "", "w2 w3"},
		{"web[0:1]", "", "w1 w2"},
		{"w*", "", "w1 w2 w3"},
		{"~[wd]1", "", "w1 d1"},
		{"d1,w1", "", "d1 w1"},
		{"all", "db", "d1 d2"},
		{"web", "!w2", "w1 w3"},
		{"nomatch", "", ""},
		{"localhost", "", "localhost"},
	}
	for _, c := range cases {
		var limit []string
		if c.limit != "" {
			limit = SplitPattern(c.limit)
		}
		hs, err := inv.Select(c.pattern, limit)
		if err != nil {
			t.Errorf("Select(%q, %q): %v", c.pattern, c.limit, err)
			continue
		}
		if got := names(hs); got != c.want {
			t.Errorf("Select(%q, %q) = %q, want %q", c.pattern, c.limit, got, c.want)
		}
	}
	if _, err := inv.Select("web[7]", nil); err == nil || !strings.Contains(err.Error(), "No hosts matched the subscripted pattern") {
		t.Errorf("Select(web[7]) error = %v", err)
	}
}

func TestSelectWarnsOnNoMatch(t *testing.T) {
	var w diag.List
	inv := loadINI(t, "h1\n", &w)
	w = nil
	if _, err := inv.Select("h1:nope", nil); err != nil {
		t.Fatal(err)
	}
	if len(w) != 1 || w[0].Msg != "Could not match supplied host pattern, ignoring: nope" || w[0].Severity != diag.SevWarning {
		t.Errorf("warnings = %v", w)
	}
}

func TestParseLimitFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "limit")
	if err := os.WriteFile(p, []byte("a\n b \n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ParseLimit("x,@" + p)
	if err != nil || strings.Join(got, "|") != "x|a|b||" {
		t.Errorf("ParseLimit = %q, %v; want x|a|b||", got, err)
	}
	if _, err := ParseLimit("@" + p + ".missing"); err == nil {
		t.Error("ParseLimit(missing file): no error")
	}
}

func TestDynamicHostsAndGroups(t *testing.T) {
	inv := loadINI(t, "[web]\nw1\n", nil)
	changed, err := inv.AddDynamicHost("n1", []string{"new", "web"}, nil)
	if err != nil || !changed {
		t.Fatalf("AddDynamicHost = %v, %v", changed, err)
	}
	if got := names(inv.Group("web").AllHosts()); got != "w1 n1" {
		t.Errorf("web = %q, want w1 n1", got)
	}
	if got := strings.Join(inv.Host("n1").GroupNames(), " "); got != "new web" {
		t.Errorf("group_names = %q", got)
	}
	changed, _ = inv.AddDynamicHost("n1", []string{"web"}, nil)
	if changed {
		t.Error("re-adding n1 reported a change")
	}
	if _, err := inv.AddDynamicGroup(inv.Host("w1"), "os_debian", []string{"linux"}); err != nil {
		t.Fatal(err)
	}
	hs, _ := inv.Select("linux", nil)
	if names(hs) != "w1" {
		t.Errorf("linux = %q, want w1", names(hs))
	}
	gd := inv.GroupsDict()
	if v, _ := gd.Get("ungrouped"); v == nil {
		t.Error("groups lacks ungrouped")
	}
	if h := inv.Host("10.0.0.1"); h != nil {
		t.Error("unknown IP host found")
	}
	// The low-level AddHost after loading keeps Ansible's rules too.
	if _, err := inv.AddHost("loose", "", 0); err != nil {
		t.Fatal(err)
	}
	if hs, _ := inv.Select("ungrouped", nil); names(hs) != "loose" {
		t.Errorf("ungrouped = %q, want loose", names(hs))
	}
	if (&Host{Name: "a.b.c"}).ShortName() != "a" || (&Host{Name: "10.0.0.1"}).ShortName() != "10.0.0.1" {
		t.Error("ShortName")
	}
}
