package modules

import (
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestSysctlFile(t *testing.T) {
	const initial = "# kernel\nnet.ipv4.ip_forward = 0\nvm.swappiness=10\n"
	tests := []struct {
		name    string
		args    []any
		want    string
		changed bool
	}{
		{"change value", []any{"name", "net.ipv4.ip_forward", "value", "1"}, "# kernel\nnet.ipv4.ip_forward=1\nvm.swappiness=10\n", true},
		{"same value, other spacing", []any{"name", "net.ipv4.ip_forward", "value", "0"}, initial, false},
		{"bool value", []any{"name", "net.ipv4.ip_forward", "value", "no"}, initial, false},
		{"add", []any{"name", "net.bridge.bridge-nf-call-iptables", "value", "1", "ignoreerrors", true},
			initial + "net.bridge.bridge-nf-call-iptables=1\n", true},
		{"absent", []any{"name", "vm.swappiness", "state", "absent"}, "# kernel\nnet.ipv4.ip_forward = 0\n", true},
	}
	for _, tt := range tests {
		moduletest.Run(t, sysctlModule{}, moduletest.Case{
			Name:  tt.name,
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "sysctl.conf", initial, 0o644) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args(append([]any{"sysctl_file", r + "/sysctl.conf", "reload", false}, tt.args...)...)
			},
			WantChanged: tt.changed,
			Verify: func(t *testing.T, r string, res module.Result) {
				if got := readFile(t, r+"/sysctl.conf"); got != tt.want {
					t.Errorf("sysctl.conf =\n%s\nwant\n%s", got, tt.want)
				}
			},
		})
	}
}

func TestModprobeCheck(t *testing.T) {
	res, err := moduletest.RunModule(t, modprobeModule{}, moduletest.Args("name", "gplay_no_such_module"), true)
	if err != nil || !res.Changed {
		t.Errorf("modprobe check of an unloaded module = %+v, %v; want a predicted change", res, err)
	}
	res, err = moduletest.RunModule(t, modprobeModule{}, moduletest.Args("name", "gplay_no_such_module", "state", "absent"), true)
	if err != nil || res.Changed {
		t.Errorf("modprobe check absent = %+v, %v; want no change", res, err)
	}
}
