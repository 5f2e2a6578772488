package modules

import (
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
		{"unmask", []any{"masked", false}, func() bool { return true }},
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
