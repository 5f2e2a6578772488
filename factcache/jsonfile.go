package factcache

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"gplay/inventory"
	"gplay/pyval"
	"gplay/yaml11"
)

// JSONFile is a jsonfile fact cache rooted at Dir.
type JSONFile struct {
	Dir string
	// Timeout expires entries older than it; zero keeps them forever.
	Timeout time.Duration
}

func (c JSONFile) path(host string) string { return filepath.Join(c.Dir, host) }

// Load returns the host's cached facts when there are some, not expired.
func (c JSONFile) Load(host string) (*pyval.Dict, bool) {
	p := c.path(host)
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return nil, false
	}
	if c.Timeout > 0 && time.Since(st.ModTime()) > c.Timeout {
		return nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	v, err := yaml11.DecodeData(p, b, yaml11.Options{})
	d, ok := v.(*pyval.Dict)
	if err != nil || !ok {
		return nil, false
	}
	return d, true
}

// Store writes the host's facts, replacing the file atomically.
func (c JSONFile) Store(host string, facts *pyval.Dict) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("fact cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.Dir, "."+host+".*")
	if err != nil {
		return fmt.Errorf("fact cache: %w", err)
	}
	_, werr := tmp.WriteString(inventory.PythonJSON(facts))
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), c.path(host))
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("fact cache: %w", werr)
	}
	return nil
}

// Flush forgets the host's facts.
func (c JSONFile) Flush(host string) error {
	if err := os.Remove(c.path(host)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("fact cache: %w", err)
	}
	return nil
}
