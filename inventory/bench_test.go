package inventory

import (
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
