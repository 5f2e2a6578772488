package inventory

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkLoadBig loads the 2,000-host INI case and merges every host's
// variables, as a play over all hosts needs.
func BenchmarkLoadBig(b *testing.B) {
	src, _ := filepath.Abs("../testdata/inventory/big-ini-ranges/hosts.ini")
	for b.Loop() {
		inv, err := Load([]string{src}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range inv.HostList() {
			if _, err := inv.HostVars(h); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkVarsTree(b *testing.B) {
	src, _ := filepath.Abs("../testdata/inventory/big-vars-tree/hosts")
	for b.Loop() {
		inv, err := Load([]string{src}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range inv.HostList() {
			if _, err := inv.HostVars(h); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSelect(b *testing.B) {
	src, _ := filepath.Abs("../testdata/inventory/big-ini-ranges/hosts.ini")
	inv, err := Load([]string{src}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := inv.Select("frontend:&web[100:1100]:!~api.*", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHostVarsConcurrent is what an engine with many forks does: every
// worker asks for its host's variables at once (run with -race).
func TestHostVarsConcurrent(t *testing.T) {
	src, _ := filepath.Abs("../testdata/inventory/big-vars-tree/hosts")
	inv, err := Load([]string{src}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hosts := inv.HostList()
	done := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := w; i < len(hosts); i += 8 {
				v, err := inv.HostVars(hosts[i])
				if err != nil {
					done <- err
					return
				}
				if _, ok := v.Get("level"); !ok {
					done <- fmt.Errorf("%s has no level", hosts[i].Name)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
