package connection

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAgentSumCache: the remembered SHA-256 of a local binary is used
// while the file is unchanged, and any change to it (new content, a
// chmod, a replacement) makes it hashed again.
func TestAgentSumCache(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "gplay")
	cache := filepath.Join(dir, "sums")
	d := &AgentDeployer{SumCache: cache}
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(bin, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func()
	}{
		{"first hash", func() { write("one") }},
		{"unchanged", func() {}},
		{"new content", func() { write("two, longer") }},
		{"chmod", func() { os.Chmod(bin, 0o700) }},
		{"replaced", func() {
			tmp := bin + ".new"
			os.WriteFile(tmp, []byte("three"), 0o755)
			os.Rename(tmp, bin)
		}},
	}
	for _, s := range steps {
		s.change()
		want, wsize, err := hashFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		got, size, err := d.hash(bin)
		if err != nil || got != want || size != wsize {
			t.Errorf("%s: hash = %s %d %v, want %s %d", s.name, got, size, err, want, wsize)
		}
	}
	// A hit really comes from the cache: a doctored entry for the current
	// stamp is believed.
	es, err := os.ReadDir(cache)
	if err != nil || len(es) != 1 {
		t.Fatalf("cache holds %d entries (%v), want 1", len(es), err)
	}
	entry := filepath.Join(cache, es[0].Name())
	b, _ := os.ReadFile(entry)
	fake := strings.Repeat("ab", 32)
	os.WriteFile(entry, []byte(strings.Split(string(b), " sha256=")[0]+" sha256="+fake+"\n"), 0o600)
	if got, _, _ := d.hash(bin); got != fake {
		t.Errorf("hash with a doctored entry = %s, want it believed (%s)", got, fake)
	}
	// "none" always hashes
	if got, _, _ := (&AgentDeployer{SumCache: "none"}).hash(bin); got == fake {
		t.Errorf("SumCache none used the cache")
	}
}
