package connection

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCacheableConfig(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		includes []string
		ok       bool
	}{
		{"plain", "Host a\n  HostName b\n  Port 2222\n", nil, true},
		{"include", "# c\nInclude /etc/ssh/ssh_config.d/*.conf\nHost *\n include  a.conf b.conf\n", []string{"/etc/ssh/ssh_config.d/*.conf", "a.conf", "b.conf"}, true},
		{"include, quoted", "Include \"a b.conf\"\n", nil, false},
		{"include with =", "Include=x.conf\n", []string{"x.conf"}, true},
		{"match", "Host a\nMatch exec \"true\"\n  Port 1\n", nil, false},
		{"match, any case", "  MATCH host x\n", nil, false},
		{"canonicalize", "CanonicalizeHostname yes\n", nil, false},
		{"environment", "IdentityFile ${HOME}/k\n", nil, false},
		{"include with tokens", "Include %d/x\n", nil, false},
		{"commented match", "# Match exec x\n", nil, true},
	}
	for _, tt := range tests {
		inc, ok := cacheableConfig([]byte(tt.config))
		if ok != tt.ok || (ok && !reflect.DeepEqual(inc, tt.includes)) {
			t.Errorf("%s: cacheableConfig = %q, %v; want %q, %v", tt.name, inc, ok, tt.includes, tt.ok)
		}
	}
}

// TestSSHGCache resolves with the real ssh -G through the cache: a hit
// gives ssh's answer, and editing the configuration, or a file an Include
// glob matches, is a miss that sees the edit. Configurations with Match are
// never stored.
func TestSSHGCache(t *testing.T) {
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("SKIPPED: no ssh client here")
	}
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	cfg := filepath.Join(dir, "config")
	incDir := filepath.Join(dir, "conf.d")
	if err := os.Mkdir(incDir, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	entries := func() int {
		es, _ := os.ReadDir(cacheDir)
		return len(es)
	}
	resolveWith := func(cache string) *hostConfig {
		t.Helper()
		r, err := (&Dialer{SSHPath: sshPath, SSHConfigCache: cache, HomeDir: dir}).resolver()
		if err != nil {
			t.Fatal(err)
		}
		args, err := targetArgs(Target{Host: "cachehost", CommonArgs: "-F " + cfg + " -o ConnectTimeout=3"})
		if err != nil {
			t.Fatal(err)
		}
		hc, err := r.resolve(context.Background(), "cachehost", args)
		if err != nil {
			t.Fatal(err)
		}
		return hc
	}
	steps := []struct {
		name    string
		edit    func()
		port    int
		user    string
		entries int
	}{
		{"first run asks ssh", func() {
			write(cfg, "Include "+incDir+"/*.conf\nHost cachehost\n  Port 2201\n  User alice\n")
		}, 2201, "alice", 1},
		{"unchanged", func() {}, 2201, "alice", 1},
		{"config edited", func() {
			write(cfg, "Include "+incDir+"/*.conf\nHost cachehost\n  Port 2202\n  User alice\n")
		}, 2202, "alice", 2},
		{"included file added", func() { write(filepath.Join(incDir, "a.conf"), "Host cachehost\n  User bob\n") }, 2202, "bob", 3},
		{"included file edited", func() { write(filepath.Join(incDir, "a.conf"), "Host cachehost\n  User carol\n") }, 2202, "carol", 4},
		{"match is never cached", func() {
			write(cfg, "Match host cachehost\n  Port 2203\n")
		}, 2203, "", 4},
	}
	for _, s := range steps {
		s.edit()
		want := resolveWith("none") // ssh -G itself
		got := resolveWith(cacheDir)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cached %+v, ssh -G %+v", s.name, *got, *want)
		}
		if got.Port != s.port || (s.user != "" && got.User != s.user) {
			t.Errorf("%s: port %d user %s, want %d %s", s.name, got.Port, got.User, s.port, s.user)
		}
		if n := entries(); n != s.entries {
			t.Errorf("%s: %d cache entries, want %d", s.name, n, s.entries)
		}
		if again := resolveWith(cacheDir); !reflect.DeepEqual(again, want) {
			t.Errorf("%s: second cached answer %+v, want %+v", s.name, *again, *want)
		}
	}
	// A hit really comes from the cache: a doctored entry is believed.
	write(cfg, "Host cachehost\n  Port 2204\n")
	resolveWith(cacheDir)
	es, _ := os.ReadDir(cacheDir)
	for _, e := range es {
		p := filepath.Join(cacheDir, e.Name())
		b, _ := os.ReadFile(p)
		write(p, strings.Replace(string(b), "port 2204\n", "port 2299\n", 1))
	}
	if got := resolveWith(cacheDir); got.Port != 2299 {
		t.Errorf("after doctoring the cache: port %d, want 2299 (not answered from the cache)", got.Port)
	}
}
