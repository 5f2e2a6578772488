package modules

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

// requireApt skips unless this is a Debian-like host with apt, dpkg and
// package lists, and the test runs as root (apt-get --simulate needs the
// lock).
func requireApt(t *testing.T) {
	t.Helper()
	moduletest.RequireRoot(t)
	for _, c := range []string{"apt-get", "apt-cache", "dpkg-query"} {
		if _, err := exec.LookPath(c); err != nil {
			moduletest.RequireDestructive(t) // skips loudly with the reason
		}
	}
	if out, _ := exec.Command("apt-cache", "policy", "hello").Output(); !strings.Contains(string(out), "Candidate:") {
		t.Skip("SKIPPED: apt has no package lists here (run apt-get update)")
	}
}

// upgradable reports whether apt's candidate for name differs from the
// installed version.
func upgradable(name string) bool {
	out, _ := exec.Command("apt-cache", "policy", name).Output()
	var inst, cand string
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Installed:"); ok {
			inst = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Candidate:"); ok {
			cand = strings.TrimSpace(v)
		}
	}
	return cand != "" && cand != "(none)" && cand != inst
}

func dpkgInstalled(name string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${db:Status-Status}", name).Output()
	return err == nil && string(out) == "installed"
}

// TestAptCheckMode runs apt in check mode only (dpkg-query, apt-cache and
// apt-get --simulate): it changes nothing and runs on any Debian host.
func TestAptCheckMode(t *testing.T) {
	requireApt(t)
	if dpkgInstalled("hello") {
		t.Skip("SKIPPED: the package hello is installed here; the check-mode cases expect it absent")
	}
	// an installed package that can be removed (in simulation)
	removable := ""
	for _, p := range []string{"file", "procps", "curl", "less"} {
		if dpkgInstalled(p) {
			removable = p
			break
		}
	}
	if removable == "" {
		t.Skip("SKIPPED: none of file, procps, curl, less is installed")
	}
	tests := []struct {
		name    string
		args    *pyval.Dict
		changed bool
		err     string
		diff    string
	}{
		{"installed package", moduletest.Args("name", "dpkg"), false, "", ""},
		{"installed package, list and version glob", moduletest.Args("name", []string{"dpkg=1.*", "apt"}), false, "", ""},
		{"installed package, at least a version", moduletest.Args("name", "dpkg>=1.0"), false, "", ""},
		{"installed package, fixed", moduletest.Args("name", "dpkg", "state", "fixed"), false, "", ""},
		{"installed package, another version unavailable", moduletest.Args("name", "dpkg=0.1"), false, "no available installation candidate for dpkg=0.1", ""},
		{"latest of an installed package", moduletest.Args("name", "dpkg", "state", "latest"), upgradable("dpkg"), "", ""},
		{"only_upgrade of a missing package", moduletest.Args("name", "hello", "only_upgrade", true), false, "", ""},
		{"missing package would be installed", moduletest.Args("name", "hello"), true, "", "NEW packages will be installed:\n  hello"},
		{"absent package stays absent", moduletest.Args("name", "hello", "state", "absent"), false, "", ""},
		{"installed package would be removed", moduletest.Args("name", removable, "state", "absent"), true, "", "REMOVED"},
		{"unknown package", moduletest.Args("name", "gplay-no-such-package"), false, "No package matching 'gplay-no-such-package' is available", ""},
		{"bad spec", moduletest.Args("name", "a=1=2"), false, "invalid package spec: a=1=2", ""},
		// upgrade defaults to "no", so required_one_of always holds, as in Ansible
		{"nothing to do", moduletest.Args("state", "present"), false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := moduletest.RunModule(t, aptModule{}, tt.args, true)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v (%s)", err, pyval.Repr(res.ToDict()))
			}
			if res.Changed != tt.changed {
				t.Errorf("changed = %v, want %v (%s)", res.Changed, tt.changed, pyval.Repr(res.ToDict()))
			}
			if tt.diff != "" && (len(res.Diff) != 1 || !strings.Contains(res.Diff[0].Prepared, tt.diff)) {
				t.Errorf("diff = %+v, want one containing %q", res.Diff, tt.diff)
			}
			// as Ansible: removals report no cache fields, everything else does
			state, _ := tt.args.Get("state")
			absent := state == "absent"
			if d := res.ToDict(); (d.Has("cache_updated") && d.Has("cache_update_time")) == absent {
				t.Errorf("cache_updated/cache_update_time present = %v for state=absent %v: %s", !absent, absent, pyval.Repr(d))
			}
		})
	}
	if dpkgInstalled("hello") {
		t.Fatalf("check mode installed hello")
	}
}

// TestAptInstallRemove installs and removes a real package; it changes the
// machine, so it runs only with GPLAY_DESTRUCTIVE=1 (testbed hosts).
func TestAptInstallRemove(t *testing.T) {
	requireApt(t)
	moduletest.RequireDestructive(t)
	root := func(string) string { return "/nonexistent-snapshot" }
	moduletest.Run(t, aptModule{}, moduletest.Case{
		Name:        "install hello",
		Args:        func(string) *pyval.Dict { return moduletest.Args("name", "hello", "install_recommends", false) },
		Snapshot:    root,
		WantChanged: !dpkgInstalled("hello"),
		Verify: func(t *testing.T, _ string, res module.Result) {
			if !dpkgInstalled("hello") {
				t.Errorf("hello not installed")
			}
		},
	})
	moduletest.Run(t, aptModule{}, moduletest.Case{
		Name:        "latest hello, just installed",
		Args:        func(string) *pyval.Dict { return moduletest.Args("name", "hello", "state", "latest") },
		Snapshot:    root,
		WantChanged: false,
	})
	moduletest.Run(t, aptModule{}, moduletest.Case{
		Name:        "purge hello",
		Args:        func(string) *pyval.Dict { return moduletest.Args("name", "hello", "state", "absent", "purge", true) },
		Snapshot:    root,
		WantChanged: true,
		Verify: func(t *testing.T, _ string, res module.Result) {
			if dpkgInstalled("hello") {
				t.Errorf("hello still installed")
			}
		},
	})
}

// TestPackageIsApt runs package in check mode: it must behave as apt.
func TestPackageIsApt(t *testing.T) {
	requireApt(t)
	if dpkgInstalled("hello") {
		t.Skip("SKIPPED: the package hello is installed here")
	}
	res, err := moduletest.RunModule(t, packageModule{}, moduletest.Args("name", []string{"hello"}, "state", "present", "allow_downgrade", true), true)
	if err != nil || !res.Changed {
		t.Errorf("package hello (check) = %s, %v; want a predicted install", pyval.Repr(res.ToDict()), err)
	}
	res, err = moduletest.RunModule(t, packageModule{}, moduletest.Args("name", "dpkg", "state", "present"), true)
	if err != nil || res.Changed {
		t.Errorf("package dpkg (check) = %s, %v; want no change", pyval.Repr(res.ToDict()), err)
	}
}

// TestParseDpkgStatus reads stanzas as dpkg-query -W reports them:
// installed, config-files left behind, other states, several
// architectures of one name, continuation lines.
func TestParseDpkgStatus(t *testing.T) {
	const status = "Package: a\nStatus: install ok installed\nVersion: 1.2-3\nDescription: x\n Package: fake\n .\n\n" +
		"Package: b\nStatus: deinstall ok config-files\nVersion: 2.0\n\n" +
		"Package: c\nStatus: install reinstreq half-installed\nVersion: 3\n\n" +
		"Package: d\nArchitecture: i386\nStatus: deinstall ok config-files\nVersion: 4\n\n" +
		"Package: d\nArchitecture: amd64\nStatus: install ok installed\nVersion: 4\n" // no trailing blank line
	db := parseDpkgStatus(status)
	tests := []struct {
		name string
		want pkgState
	}{
		{"a", pkgState{installed: true, version: "1.2-3"}},
		{"b", pkgState{hasFiles: true}},
		{"c", pkgState{}},
		{"d", pkgState{installed: true, version: "4", hasFiles: true}},
		{"fake", pkgState{}},
		{"missing", pkgState{}},
	}
	for _, tt := range tests {
		if got := db[tt.name]; got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestDpkgStatusMatchesDpkgQuery compares the status file reader with
// dpkg-query on every package of this host's real database.
func TestDpkgStatusMatchesDpkgQuery(t *testing.T) {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("SKIPPED: no dpkg-query here")
	}
	a := &aptRun{ctx: context.Background(), h: module.Local(nil)}
	if a.dpkgDB() == nil {
		t.Skip("SKIPPED: dpkg has pending journal entries or no status file")
	}
	out, err := exec.Command("dpkg-query", "-W", "-f=${Package}\t${db:Status-Status}\t${Version}\n").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pkgState{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		st := want[f[0]]
		st.merge(f[1], f[2])
		want[f[0]] = st
	}
	if len(want) < 10 {
		t.Fatalf("dpkg-query listed only %d packages", len(want))
	}
	for name, w := range want {
		if got := a.dpkgStatus(name); got != w {
			t.Errorf("%s: status file says %+v, dpkg-query %+v", name, got, w)
		}
	}
	if got := a.dpkgStatus("gplay-no-such-package"); got != (pkgState{}) {
		t.Errorf("unknown package: %+v", got)
	}
}
