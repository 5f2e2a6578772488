package hosttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gplay/internal/testbed"
)

// TestModulesOnHost runs the apt, systemd and user/group tests of package
// modules on testbed host h1 as root.
func TestModulesOnHost(t *testing.T) {
	bed := testbed.Get(t)
	h := bed.Hosts[0]
	bin := filepath.Join(t.TempDir(), "modules.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "gplay/modules")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	sshOpts := []string{"-i", bed.Key, "-o", "UserKnownHostsFile=" + bed.KnownHosts, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"}
	scp := exec.Command("scp", append(sshOpts, bin, "root@"+h.Addr+":/root/modules.test")...)
	if out, err := scp.CombinedOutput(); err != nil {
		t.Fatalf("scp: %v\n%s", err, out)
	}
	run := func(pattern string) string {
		t.Helper()
		cmd := exec.Command("ssh", append(sshOpts, "root@"+h.Addr,
			"cd /tmp && GPLAY_DESTRUCTIVE=1 GPLAY_E2E=required /root/modules.test -test.v -test.short -test.run '"+pattern+"'")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("tests %s failed on %s: %v\n%s", pattern, h.Name, err, out)
		}
		return string(out)
	}
	// apt needs package lists on the host first
	exec.Command("ssh", append(sshOpts, "root@"+h.Addr, "apt-get update -qq")...).Run()
	out := run("TestSystemd|TestParseSystemctlShow|TestApt|TestDpkg|TestParseDpkg|TestUserAndGroup|TestSetupFacts")
	for _, want := range []string{"--- PASS: TestSystemdUnit", "--- PASS: TestSystemdEnabledFromShow", "--- PASS: TestAptInstallRemove", "--- PASS: TestAptCheckMode", "--- PASS: TestDpkgStatusMatchesDpkgQuery"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing from the host's test output:\n%s", want, out)
		}
	}
}
