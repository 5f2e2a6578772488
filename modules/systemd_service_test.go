package modules

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestParseSystemctlShow(t *testing.T) {
	out := "Id=ssh.service\nActiveState=active\nExecStart={ path=/usr/sbin/sshd ; argv[]=/usr/sbin/sshd -D ;\n  ignore_errors=no }\nDescription={weird\nLoadState=loaded\n"
	got := parseSystemctlShow(out)
	want := map[string]string{
		"Id": "ssh.service", "ActiveState": "active", "LoadState": "loaded", "Description": "{weird",
		"ExecStart": "{ path=/usr/sbin/sshd ; argv[]=/usr/sbin/sshd -D ;\n  ignore_errors=no }",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseSystemctlShow = %#v\nwant %#v", got, want)
	}
}

func TestSystemdValidation(t *testing.T) {
	tests := []struct {
		args *pyval.Dict
		want string
	}{
		{moduletest.Args("state", "started"), "missing parameter(s) required by 'state': name"},
		{moduletest.Args("name", "x*", "state", "started"), "This module does not currently support using glob patterns, found '*' in service name: x*"},
	}
	for _, tt := range tests {
		_, err := moduletest.RunModule(t, systemdModule{}, tt.args, true)
		if err == nil || err.Error() != tt.want {
			t.Errorf("systemd %s: error = %v, want %s", pyval.Repr(tt.args), err, tt.want)
		}
	}
}

// TestSystemdUnit drives a real throwaway unit: check and real runs of
// start, enable, mask, stop; then the check-mode prediction for a unit
// that is not installed. It needs systemd as PID 1 and changes
// /etc/systemd/system, so it runs on testbed hosts only.
func TestSystemdUnit(t *testing.T) {
	moduletest.RequireRoot(t)
	moduletest.RequireSystemd(t)
	moduletest.RequireDestructive(t)
	unit := fmt.Sprintf("gplay-test-%d.service", time.Now().UnixNano())
	// in /usr/lib: a unit file in /etc/systemd/system cannot be masked
	path := "/usr/lib/systemd/system/" + unit
	if err := os.WriteFile(path, []byte("[Unit]\nDescription=gplay test\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("systemctl", "disable", "--now", unit).Run()
		exec.Command("systemctl", "unmask", unit).Run()
		os.Remove(path)
		exec.Command("systemctl", "daemon-reload").Run()
	})
	exec.Command("systemctl", "daemon-reload").Run()
	noSnap := func(string) string { return "/nonexistent-snapshot" }
	active := func() string {
		out, _ := exec.Command("systemctl", "is-active", unit).Output()
		return strings.TrimSpace(string(out))
	}
	steps := []struct {
		name   string
		args   []any
		verify func() bool
	}{
		{"start", []any{"state", "started"}, func() bool { return active() == "active" }},
		{"enable", []any{"enabled", true}, func() bool {
			out, _ := exec.Command("systemctl", "is-enabled", unit).Output()
			return strings.TrimSpace(string(out)) == "enabled"
		}},
		{"stop", []any{"state", "stopped"}, func() bool { return active() != "active" }},
		{"disable", []any{"enabled", false}, func() bool {
			out, _ := exec.Command("systemctl", "is-enabled", unit).Output()
			return strings.TrimSpace(string(out)) == "disabled"
		}},
		{"mask", []any{"masked", true}, func() bool {
			out, _ := exec.Command("systemctl", "is-enabled", unit).Output()
			return strings.TrimSpace(string(out)) == "masked"
		}},
		{"unmask and enable", []any{"masked", false, "enabled", true}, func() bool {
			out, _ := exec.Command("systemctl", "is-enabled", unit).Output()
			return strings.TrimSpace(string(out)) == "enabled"
		}},
		{"stopped and disable", []any{"state", "stopped", "enabled", false}, func() bool {
			out, _ := exec.Command("systemctl", "is-enabled", unit).Output()
			return active() != "active" && strings.TrimSpace(string(out)) == "disabled"
		}},
	}
	for _, s := range steps {
		s := s
		moduletest.Run(t, systemdModule{}, moduletest.Case{
			Name:        s.name,
			Args:        func(string) *pyval.Dict { return moduletest.Args(append([]any{"name", unit}, s.args...)...) },
			Snapshot:    noSnap,
			WantChanged: true,
			Verify: func(t *testing.T, _ string, res module.Result) {
				if !s.verify() {
					t.Errorf("%s did not take effect", s.name)
				}
				st, _ := res.ToDict().Get("status")
				if d, ok := st.(*pyval.Dict); !ok || !d.Has("ActiveState") {
					t.Errorf("status = %s", pyval.Repr(st))
				}
			},
		})
	}
	// service hands over to systemd_service on this host
	for _, st := range []string{"started", "stopped"} {
		st := st
		moduletest.Run(t, serviceModule{}, moduletest.Case{
			Name:        "service " + st,
			Args:        func(string) *pyval.Dict { return moduletest.Args("name", unit, "state", st) },
			Snapshot:    noSnap,
			WantChanged: true,
			Verify: func(t *testing.T, _ string, res module.Result) {
				if got := active(); (got == "active") != (st == "started") {
					t.Errorf("after service %s the unit is %s", st, got)
				}
			},
		})
	}
	res, err := moduletest.RunModule(t, systemdModule{}, moduletest.Args("name", "gplay-not-installed.service", "state", "started", "enabled", true), true)
	if err != nil || !res.Changed || len(res.Warnings) == 0 || res.Msg != "would enable and start (unit not installed yet)" {
		t.Errorf("check mode for a missing unit = %+v, %v; want a predicted change with a warning", res, err)
	}
	if _, err := moduletest.RunModule(t, systemdModule{}, moduletest.Args("name", "gplay-not-installed.service", "state", "started"), false); err == nil ||
		!strings.Contains(err.Error(), "Could not find the requested service gplay-not-installed.service: host") {
		t.Errorf("real run for a missing unit: error = %v", err)
	}
}

// TestSystemdEnabledFromShow compares the enabled and masked answers
// taken from `systemctl show` with what `systemctl is-enabled` says, for
// every unit file of the host plus alias and missing names, with and
// without an init script beside the unit.
func TestSystemdEnabledFromShow(t *testing.T) {
	moduletest.RequireSystemd(t)
	out, err := exec.Command("systemctl", "list-unit-files", "--no-legend", "--plain").Output()
	if err != nil {
		t.Fatal(err)
	}
	units := []string{"ssh", "sshd", "gplay-no-such-unit", "getty@tty1", "dbus"}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			units = append(units, f[0])
		}
	}
	sc := systemctl{ctx: context.Background(), h: module.Local(nil)}
	fast := 0
	for _, unit := range units {
		r, err := sc.query("show", unit)
		if err != nil {
			t.Fatal(err)
		}
		status := parseSystemctlShow(toText(r.Stdout))
		for _, initd := range []bool{false, true} {
			got, err1 := isEnabled(sc, unit, status, "system", initd)
			want, err2 := isEnabled(sc, unit, nil, "system", initd)
			if err1 != nil || err2 != nil || got != want {
				t.Errorf("%s (init script %v): enabled from show = %v, %v; from is-enabled = %v, %v (UnitFileState %q)",
					unit, initd, got, err1, want, err2, status["UnitFileState"])
			}
		}
		if state, ok := unitFileState(status, unit, "system"); ok {
			fast++
			r, _ := sc.query("is-enabled", unit)
			if masked := strings.TrimSpace(toText(r.Stdout)) == "masked"; masked != (state == "masked") {
				t.Errorf("%s: masked from show = %v, is-enabled says %q", unit, state == "masked", r.Stdout)
			}
		}
	}
	if fast < len(units)/2 {
		t.Errorf("show answered only %d of %d units", fast, len(units))
	}
}
