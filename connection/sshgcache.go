package connection

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// sshGCache keeps `ssh -G` answers between runs. Starting the OpenSSH
// client costs tens of milliseconds per host, on the path of every run's
// first task, and its answer depends only on the command line and the
// configuration files, which the cache key hashes (contents, and which files
// the Include globs match). Configurations whose answer can depend on
// anything else are never cached: Match (exec, localnetwork, ...),
// CanonicalizeHostname (DNS), ${VAR} expansion, Include paths with tokens.
type sshGCache struct {
	dir     string    // "" disables the cache
	digests *sync.Map // configDigest results of this run, when shared
}

// sshGCacheMaxAge is how long an unused entry is kept.
const sshGCacheMaxAge = 7 * 24 * time.Hour

// key returns the cache key for `ssh -G` with argv, or ok=false when the
// answer must not be cached. sshHome is the home directory ssh reads
// ~/.ssh/config from (the passwd entry's, not $HOME).
func (c sshGCache) key(sshPath, sshHome, localUser string, argv []string, configFile string) (string, bool) {
	if c.dir == "" {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "gplay ssh -G cache v1\x00%s\x00%s\x00%s\x00", sshPath, sshHome, localUser)
	if fi, err := os.Stat(sshPath); err == nil {
		// a new OpenSSH may print other defaults
		fmt.Fprintf(h, "%d %d\x00", fi.Size(), fi.ModTime().UnixNano())
	} else {
		return "", false
	}
	if name, err := os.Hostname(); err == nil {
		fmt.Fprintf(h, "%s\x00", name) // %l, %L
	}
	for _, a := range argv {
		if o := strings.ToLower(a); strings.HasPrefix(o, "canonicalizehostname") || strings.Contains(a, "${") {
			return "", false
		}
		fmt.Fprintf(h, "%s\x00", a)
	}
	files, ok := c.configDigest(sshHome, configFile)
	if !ok {
		return "", false
	}
	h.Write(files)
	return hex.EncodeToString(h.Sum(nil)), true
}

// configDigest hashes the configuration files ssh reads (contents, and the
// files each Include glob matches), once per run: every host of a run
// shares them.
func (c sshGCache) configDigest(sshHome, configFile string) ([]byte, bool) {
	type digest struct {
		sum []byte
		ok  bool
	}
	id := sshHome + "\x00" + configFile
	if c.digests != nil {
		if d, found := c.digests.Load(id); found {
			return d.(digest).sum, d.(digest).ok
		}
	}
	sum, ok := hashConfigFiles(sshHome, configFile)
	if c.digests != nil {
		c.digests.Store(id, digest{sum, ok})
	}
	return sum, ok
}

func hashConfigFiles(sshHome, configFile string) ([]byte, bool) {
	h := sha256.New()
	type file struct{ path, base string }
	var files []file
	if configFile != "" {
		files = []file{{configFile, filepath.Join(sshHome, ".ssh")}}
	} else {
		files = []file{{filepath.Join(sshHome, ".ssh", "config"), filepath.Join(sshHome, ".ssh")}, {"/etc/ssh/ssh_config", "/etc/ssh"}}
	}
	seen := map[string]bool{}
	for len(files) > 0 {
		f := files[0]
		files = files[1:]
		if seen[f.path] {
			continue
		}
		if len(seen) >= 64 {
			return nil, false // an Include loop or a very large tree
		}
		seen[f.path] = true
		data, err := os.ReadFile(f.path)
		if os.IsNotExist(err) {
			fmt.Fprintf(h, "absent %s\x00", f.path)
			continue
		}
		if err != nil {
			return nil, false
		}
		fmt.Fprintf(h, "file %s %d\x00", f.path, len(data))
		h.Write(data)
		incs, ok := cacheableConfig(data)
		if !ok {
			return nil, false
		}
		for _, pat := range incs {
			switch {
			case strings.HasPrefix(pat, "~/"):
				pat = filepath.Join(sshHome, pat[2:])
			case !filepath.IsAbs(pat):
				pat = filepath.Join(f.base, pat)
			}
			m, err := filepath.Glob(pat)
			if err != nil {
				return nil, false
			}
			fmt.Fprintf(h, "include %s %q\x00", pat, m)
			for _, p := range m {
				files = append(files, file{p, f.base})
			}
		}
	}
	return h.Sum(nil), true
}

// cacheableConfig returns the Include patterns of one ssh_config file, or
// ok=false when it uses something whose effect the key cannot capture.
func cacheableConfig(data []byte) (includes []string, ok bool) {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.Contains(line, "${") {
			return nil, false
		}
		kw, rest, _ := strings.Cut(line, " ")
		if k, v, found := strings.Cut(kw, "="); found {
			kw, rest = k, v+" "+rest
		}
		rest = strings.TrimLeft(strings.TrimSpace(rest), "= \t")
		switch strings.ToLower(strings.TrimSpace(kw)) {
		case "match", "canonicalizehostname":
			return nil, false
		case "include":
			if strings.ContainsAny(rest, "%\"'") {
				return nil, false // tokens, or quoting this reader does not split
			}
			includes = append(includes, strings.Fields(rest)...)
		}
	}
	return includes, true
}

// get returns the cached answer for key.
func (c sshGCache) get(key string) ([]byte, bool) {
	p := filepath.Join(c.dir, key)
	data, err := os.ReadFile(p)
	if err != nil || len(data) == 0 {
		return nil, false
	}
	if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
		now := time.Now()
		// best effort: keeps a used entry from being pruned
		_ = os.Chtimes(p, now, now)
	}
	return data, true
}

// put stores an answer (best effort: a cache that cannot be written only
// costs the next run time), now and then dropping entries unused for a
// week.
func (c sshGCache) put(key string, out []byte) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	f, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, err = io.Copy(f, bytes.NewReader(out))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(c.dir, key))
	}
	if err != nil {
		_ = os.Remove(f.Name()) // our own temporary file
		return
	}
	if rand.IntN(32) == 0 {
		c.prune()
	}
}

func (c sshGCache) prune() {
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > sshGCacheMaxAge {
			_ = os.Remove(filepath.Join(c.dir, e.Name())) // best effort
		}
	}
}
