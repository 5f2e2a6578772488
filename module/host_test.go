package module

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLocalWriteFileKeepsModeAndIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	h := Local(nil)
	if err := h.WriteFile(p, []byte("one"), 0o666); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if want := 0o666 &^ Umask(); fi.Mode().Perm() != want {
		t.Errorf("new file mode = %v, want %v (umask applied)", fi.Mode().Perm(), want)
	}
	os.Chmod(p, 0o600)
	if err := h.WriteFile(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ = os.Stat(p)
	b, _ := os.ReadFile(p)
	if fi.Mode().Perm() != 0o600 || string(b) != "two" {
		t.Errorf("replaced file = %q mode %v, want two 0600", b, fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := h.WriteFile(filepath.Join(dir, "no/such/dir/f"), nil, 0o644); err == nil {
		t.Errorf("write into a missing directory succeeded")
	}
}

func TestLocalExec(t *testing.T) {
	h := Local(map[string]string{"GPLAY_X": "1"})
	r, err := h.Exec(context.Background(), Cmd{Argv: []string{"/bin/sh", "-c", "echo $GPLAY_X $Y; cat; exit 3"}, Env: []string{"Y=2"}, Stdin: []byte("in")})
	if err != nil || r.RC != 3 || string(r.Stdout) != "1 2\nin" {
		t.Errorf("Exec = %+v, %v", r, err)
	}
	if _, err := h.Exec(context.Background(), Cmd{Argv: []string{"/nonexistent/prog"}}); err == nil {
		t.Errorf("Exec of a missing program succeeded")
	}
	ro := ReadOnly(h)
	if _, err := ro.Exec(context.Background(), Cmd{Argv: []string{"true"}}); !errors.Is(err, ErrCheckMode) {
		t.Errorf("ReadOnly Exec = %v, want ErrCheckMode", err)
	}
	if r, err := ro.Query(context.Background(), Cmd{Argv: []string{"true"}}); err != nil || r.RC != 0 {
		t.Errorf("ReadOnly Query = %+v, %v", r, err)
	}
}
