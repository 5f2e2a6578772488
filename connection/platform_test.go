package connection

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPlatformAndAgentChoice: `uname -sm` picks the agent build, the
// running binary for the controller's own platform and dist/ for others.
func TestPlatformAndAgentChoice(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "gplay")
	dist := filepath.Join(dir, "dist")
	os.MkdirAll(dist, 0o755)
	for _, f := range []string{exe, filepath.Join(dist, "gplay-linux-arm64"), filepath.Join(dist, "gplay-linux-amd64")} {
		if err := os.WriteFile(f, []byte(f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		uname, goos, goarch string
		want                string // file chosen, or an error's start
	}{
		{"Linux aarch64", "linux", "arm64", filepath.Join(dist, "gplay-linux-arm64")},
		{"Linux arm64", "linux", "arm64", filepath.Join(dist, "gplay-linux-arm64")},
		{"Linux x86_64", "linux", "amd64", filepath.Join(dist, "gplay-linux-amd64")},
		{"Linux armv7l", "linux", "arm", "no gplay agent for linux/arm"},
		{"Linux ppc64le", "linux", "ppc64le", "no gplay agent for linux/ppc64le"},
		{"Linux mips", "", "", "unsupported target platform"},
		{"garbage", "", "", "unexpected `uname -sm` output"},
	}
	d := &AgentDeployer{Executable: exe, Dirs: []string{dir, dist}}
	for _, tc := range tests {
		goos, goarch, err := platform(tc.uname)
		if err != nil {
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("platform(%q): %v, want %q", tc.uname, err, tc.want)
			}
			continue
		}
		if goos != tc.goos || goarch != tc.goarch {
			t.Errorf("platform(%q) = %s/%s, want %s/%s", tc.uname, goos, goarch, tc.goos, tc.goarch)
		}
		want := tc.want
		if goos == runtime.GOOS && goarch == runtime.GOARCH {
			want = exe // the controller's own platform runs its own binary
		}
		got, err := d.find(goos, goarch)
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("agent for %q: %q, want %q", tc.uname, got, want)
		}
	}
}
