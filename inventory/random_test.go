package inventory

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRandomAgainstOracle generates random INI and YAML inventories (with
// group_vars/host_vars) and compares --list and --graph --vars with the
// real ansible-inventory. It is slow (about a second per oracle call), so
// it runs only with GPLAY_RANDOM_ORACLE=N (N inventories, seed in
// GPLAY_RANDOM_SEED); failing inventories are kept under $TMPDIR.
func TestRandomAgainstOracle(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GPLAY_RANDOM_ORACLE"))
	if n == 0 || !oraclePresent() {
		t.Skip("SKIP: set GPLAY_RANDOM_ORACLE=N with Ansible installed to run")
	}
	seed, _ := strconv.ParseUint(os.Getenv("GPLAY_RANDOM_SEED"), 10, 64)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := range n {
		dir, err := os.MkdirTemp("", "gplay-randinv-")
		if err != nil {
			t.Fatal(err)
		}
		src := randomInventory(t, r, dir, i%2 == 0)
		c := invCase{name: fmt.Sprintf("random-%d", i), dir: dir, sources: []string{src}}
		ok := true
		cmds := []string{"--list", "--graph --vars", "--list --yaml"}
		for range 3 {
			cmds = append(cmds, "pattern '"+randomPattern(r)+"'")
		}
		for _, cmd := range cmds {
			want := runOracle(t, c, cmd)
			got, err := runGplay(c, cmd)
			if err != nil {
				got = "ERROR\n"
			}
			if got != want && strings.Contains(cmd, "--yaml") && strings.Contains(want, " 2001-12-14") {
				continue // a YAML date: text in gplay, quoted (doc.go)
			}
			if got != want {
				ok = false
				t.Errorf("%s %s (kept in %s): %s", c.name, cmd, dir, firstDiff(want, got))
			}
		}
		if ok {
			os.RemoveAll(dir)
		}
	}
}

var randWords = []string{"web", "db", "app", "cache", "lb", "edge", "core", "x"}

func randomValue(r *rand.Rand, ini bool) string {
	vals := []string{"1", "0644", "-3", "1.5", "1e3", "True", "yes", "None", "~", "'q s'", `"d q"`, "[1, 'a']",
		"{'k': 1}", "plain", "0x1f", "1_000", "a=b", "''", "(1,)", "{{ x }}", "on", ".5", "010"}
	v := vals[r.IntN(len(vals))]
	if ini && strings.ContainsAny(v, " {}") && !strings.HasPrefix(v, "'") && !strings.HasPrefix(v, `"`) {
		v = `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
	}
	return v
}

// randomInventory writes an inventory under dir and returns its file name.
func randomInventory(t *testing.T, r *rand.Rand, dir string, ini bool) string {
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	ng := 2 + r.IntN(6)
	groups := make([]string, ng)
	for i := range groups {
		groups[i] = fmt.Sprintf("%s%d", randWords[r.IntN(len(randWords))], i)
	}
	hostName := func() string { return fmt.Sprintf("h%d", r.IntN(12)) }
	var b strings.Builder
	var name string
	if ini {
		name = "hosts"
		for i := 0; i < r.IntN(3); i++ {
			fmt.Fprintf(&b, "%s v%d=%s\n", hostName(), r.IntN(4), randomValue(r, true))
		}
		for gi, g := range groups {
			fmt.Fprintf(&b, "[%s]\n", g)
			for i := 0; i < r.IntN(4); i++ {
				h := hostName()
				if r.IntN(4) == 0 {
					h = fmt.Sprintf("r%d[%d:%d]", gi, r.IntN(3), 3+r.IntN(3))
				}
				fmt.Fprintf(&b, "%s", h)
				for j := 0; j < r.IntN(3); j++ {
					fmt.Fprintf(&b, " v%d=%s", r.IntN(4), randomValue(r, true))
				}
				b.WriteString("\n")
			}
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "[%s:vars]\n", g)
				for j := 0; j < 1+r.IntN(3); j++ {
					fmt.Fprintf(&b, "v%d=%s\n", r.IntN(4), randomValue(r, false))
				}
				if r.IntN(5) == 0 {
					fmt.Fprintf(&b, "ansible_group_priority=%d\n", r.IntN(4))
				}
			}
			if gi > 0 && r.IntN(2) == 0 {
				// children only point to later groups, so there are no loops
				fmt.Fprintf(&b, "[%s:children]\n", groups[r.IntN(gi)])
				fmt.Fprintf(&b, "%s\n", g)
			}
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "[all:vars]\nv0=%s\n", randomValue(r, false))
		}
	} else {
		name = "hosts.yml"
		b.WriteString("all:\n  vars:\n    v0: " + yamlValue(r) + "\n  children:\n")
		for gi, g := range groups {
			fmt.Fprintf(&b, "    %s:\n      hosts:\n", g)
			for i := 0; i < 1+r.IntN(3); i++ {
				fmt.Fprintf(&b, "        %s:\n", hostName())
				for j := 0; j < r.IntN(3); j++ {
					fmt.Fprintf(&b, "          v%d: %s\n", r.IntN(4), yamlValue(r))
				}
			}
			fmt.Fprintf(&b, "      vars:\n        v%d: %s\n", r.IntN(4), yamlValue(r))
			if gi > 0 && r.IntN(2) == 0 {
				fmt.Fprintf(&b, "    %s:\n      children:\n        %s:\n", groups[r.IntN(gi)], g)
			}
		}
	}
	must(os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644))
	// group_vars and host_vars for some of them
	must(os.MkdirAll(filepath.Join(dir, "group_vars"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "host_vars"), 0o755))
	for _, g := range append([]string{"all"}, groups...) {
		if r.IntN(3) == 0 {
			must(os.WriteFile(filepath.Join(dir, "group_vars", g+".yml"), []byte(fmt.Sprintf("v%d: %s\n", r.IntN(4), yamlValue(r))), 0o644))
		}
	}
	for i := 0; i < 12; i++ {
		if r.IntN(4) == 0 {
			must(os.WriteFile(filepath.Join(dir, "host_vars", fmt.Sprintf("h%d", i)), []byte(fmt.Sprintf("v%d: %s\n", r.IntN(4), yamlValue(r))), 0o644))
		}
	}
	return name
}

func yamlValue(r *rand.Rand) string {
	vals := []string{"1", "0644", "yes", "No", "~", "'q s'", "[1, a]", "{k: 1}", "1e3", "1.0e+3", "0x1F", "2001-12-14", "1:30", ".inf", "plain text", "\"{{ x }}\"", "-0", "!unsafe '{{ u }}'"}
	return vals[r.IntN(len(vals))]
}

// randomPattern builds a host pattern from the names randomInventory uses.
func randomPattern(r *rand.Rand) string {
	atom := func() string {
		switch r.IntN(7) {
		case 0:
			return fmt.Sprintf("h%d", r.IntN(12))
		case 1:
			return randWords[r.IntN(len(randWords))] + "*"
		case 2:
			return fmt.Sprintf("~h[0-%d]", r.IntN(10))
		case 3:
			return fmt.Sprintf("%s%d[%d]", randWords[r.IntN(len(randWords))], r.IntN(6), r.IntN(3)-1)
		case 4:
			return fmt.Sprintf("%s%d[%d:%d]", randWords[r.IntN(len(randWords))], r.IntN(6), r.IntN(2), r.IntN(3))
		case 5:
			return []string{"all", "ungrouped", "*", "localhost"}[r.IntN(4)]
		}
		return fmt.Sprintf("%s%d", randWords[r.IntN(len(randWords))], r.IntN(6))
	}
	p := atom()
	for range r.IntN(3) {
		p += []string{":", ":&", ":!", ","}[r.IntN(4)] + atom()
	}
	return p
}
