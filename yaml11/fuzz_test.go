package yaml11

import (
	"errors"
	"testing"

	"gplay/diag"
)

func FuzzLoad(f *testing.F) {
	seeds := []string{
		"a: 1\n", "- {{ foo }}\n", "a: &x {b: 1}\nc: {<<: *x}\n", "a:\n\tb: 1\n", "a: \"x\n",
		"x: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  00\n", "? [1]\n: 2\n", "a: &x [*x]\n", "--- 1\n--- 2\n",
		"a: 0b_\n", "<<: [1]\n", "a: !!int x\n", "%YAML 1.1\n---\na: 1\n", "{a: [b, {c: d}]}",
		"all:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n  children:\n    web: {hosts: {h2: }}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := LoadAll("fuzz.yml", src, Options{Warnings: &diag.List{}})
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *diag.Error", err)
			}
			if de.Pos.File != "fuzz.yml" || de.Pos.Line < 1 || de.Pos.Col < 1 {
				t.Fatalf("error %v has no valid position", err)
			}
			return
		}
		for _, d := range docs {
			_ = d.Value() // must not panic; the value itself is not checked here
		}
	})
}
