package modules

import (
	"os"
	"os/exec"
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestParseKeyID(t *testing.T) {
	tests := []struct{ in, short, fp, full string }{
		{"0x0EBFCD88", "0EBFCD88", "0EBFCD88", "0EBFCD88"},
		{"9DC858229FC7DD38854AE2D88D81803C0EBFCD88", "0EBFCD88", "8D81803C0EBFCD88", "9DC858229FC7DD38854AE2D88D81803C0EBFCD88"},
	}
	for _, tt := range tests {
		s, f, full, err := parseKeyID(tt.in)
		if err != nil || s != tt.short || f != tt.fp || full != tt.full {
			t.Errorf("parseKeyID(%s) = %s, %s, %s, %v", tt.in, s, f, full, err)
		}
	}
	if _, _, _, err := parseKeyID("xyz"); err == nil {
		t.Errorf("parseKeyID(xyz) accepted")
	}
}

// TestAptKeyKeyring adds Debian's archive key to a keyring in a temp dir
// with the real apt-key and gpg, then removes it.
func TestAptKeyKeyring(t *testing.T) {
	moduletest.RequireRoot(t)
	const src = "/usr/share/keyrings/debian-archive-keyring.gpg"
	for _, c := range []string{"apt-key", "gpg"} {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("SKIPPED: %s is not installed", c)
		}
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("SKIPPED: %s is missing", src)
	}
	moduletest.Run(t, aptKeyModule{}, moduletest.Case{
		Name:        "add from file",
		Args:        func(r string) *pyval.Dict { return moduletest.Args("file", src, "keyring", r+"/test.gpg") },
		WantChanged: true,
	})
}
