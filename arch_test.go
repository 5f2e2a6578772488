package main

import (
	"os/exec"
	"strings"
	"testing"
)

// layers is docs/architecture.md's package table: each package may import
// only the gplay packages listed for it. Sub-packages (module/moduletest)
// follow their top-level directory; internal/ and e2e/ are test helpers and
// may import anything. A new edge needs a line in docs/architecture.md first.
var layers = map[string][]string{
	"diag":       {},
	"pyval":      {},
	"vault":      {},
	"pyyaml":     {"pyval"},
	"crypt":      {},
	"kvsplit":    {},
	"yaml11":     {"diag", "pyval", "vault"},
	"jinja":      {"diag", "pyval", "yaml11", "pyyaml", "crypt"},
	"lookup":     {"diag", "pyval", "vault", "yaml11", "jinja", "pyyaml", "crypt", "kvsplit"},
	"module":     {"diag", "pyval"},
	"inventory":  {"diag", "pyval", "vault", "yaml11", "jinja", "pyyaml"},
	"factcache":  {"pyval", "yaml11", "inventory"},
	"play":       {"diag", "pyval", "vault", "yaml11", "jinja", "module", "kvsplit"},
	"modules":    {"diag", "pyval", "module"},
	"agent":      {"diag", "pyval", "module"},
	"connection": {"diag", "pyval", "vault", "module", "agent"},
	"engine":     {"diag", "pyval", "vault", "pyyaml", "crypt", "kvsplit", "yaml11", "jinja", "lookup", "module", "inventory", "play", "agent", "connection"},
	"output":     {"diag", "pyval", "module", "play", "engine"},
}

func TestArchImportLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := topDir(fields[0])
		allowed, ruled := layers[pkg]
		if !ruled {
			continue // main, internal/…, e2e
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, "gplay/") {
				continue
			}
			dep := topDir(imp)
			if dep == pkg {
				continue
			}
			ok := false
			for _, a := range allowed {
				ok = ok || a == dep
			}
			if !ok {
				t.Errorf("%s imports %s: not allowed by docs/architecture.md (allowed: %v)", fields[0], imp, allowed)
			}
		}
	}
}

// topDir returns the first path element below the module: gplay/module/moduletest → module.
func topDir(importPath string) string {
	p := strings.TrimPrefix(importPath, "gplay")
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return "main"
	}
	return p
}
