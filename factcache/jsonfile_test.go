package factcache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"gplay/pyval"
)

func TestJSONFile(t *testing.T) {
	dir := t.TempDir()
	c := JSONFile{Dir: filepath.Join(dir, "cache"), Timeout: time.Hour}
	facts := pyval.DictOf("ansible_distribution", "Debian", "mine", int64(42), "ansible_local", pyval.NewDict(0))
	if err := c.Store("web1", facts); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, "web1"))
	if err != nil {
		t.Fatal(err)
	}
	// Ansible's jsonfile layout: sorted keys, four-space indent
	want := "{\n    \"ansible_distribution\": \"Debian\",\n    \"ansible_local\": {},\n    \"mine\": 42\n}"
	if string(b) != want {
		t.Errorf("file:\n%s\nwant:\n%s", b, want)
	}
	old := time.Now().Add(-2 * time.Hour)
	tests := []struct {
		name  string
		setup func()
		host  string
		want  string // repr, "" for a miss
	}{
		{"stored", func() {}, "web1", "{'ansible_distribution': 'Debian', 'ansible_local': {}, 'mine': 42}"},
		{"unknown host", func() {}, "web2", ""},
		{"expired", func() { os.Chtimes(filepath.Join(c.Dir, "web1"), old, old) }, "web1", ""},
		{"not JSON", func() { os.WriteFile(filepath.Join(c.Dir, "bad"), []byte("{nope"), 0o644) }, "bad", ""},
		{"flushed", func() {
			c.Store("web1", facts)
			if err := c.Flush("web1"); err != nil {
				t.Fatal(err)
			}
		}, "web1", ""},
	}
	for _, tc := range tests {
		tc.setup()
		d, ok := c.Load(tc.host)
		got := ""
		if ok {
			got = pyval.Repr(d)
		}
		if got != tc.want {
			t.Errorf("%s: Load(%s) = %q, want %q", tc.name, tc.host, got, tc.want)
		}
	}
	if err := c.Flush("never-stored"); err != nil {
		t.Errorf("flushing a missing entry: %v", err)
	}
	// no temp files left behind
	ents, _ := os.ReadDir(c.Dir)
	for _, e := range ents {
		if e.Name()[0] == '.' {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
}
