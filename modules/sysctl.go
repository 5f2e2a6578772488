package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gplay/module"
)

// sysctlModule is ansible.posix.sysctl: a "name=value" line in
// sysctl_file, applied with sysctl -p (reload) or set live (sysctl_set).
type sysctlModule struct{}

func init() { module.Register(sysctlModule{}) }

func (sysctlModule) Info() module.Info {
	id := module.ID("ansible.posix.sysctl")
	return module.Info{
		ID:      id,
		Aliases: []string{"sysctl", "ansible.builtin.sysctl", "ansible.legacy.sysctl"},
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "name", Required: true, Aliases: []string{"key"}},
				{Name: "value", Aliases: []string{"val"}},
				{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
				{Name: "reload", Type: module.TypeBool, Default: true},
				{Name: "sysctl_file", Type: module.TypePath, Default: "/etc/sysctl.conf"},
				{Name: "ignoreerrors", Type: module.TypeBool, Default: false},
				{Name: "sysctl_set", Type: module.TypeBool, Default: false},
			},
			Rules: module.Rules{RequiredIf: []module.RequiredIf{{Key: "state", Value: "present", Requires: []string{"value"}}}},
		},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

type sysctlParams struct {
	Name         string  `arg:"name"`
	Value        *string `arg:"value"`
	State        string  `arg:"state"`
	Reload       bool    `arg:"reload"`
	File         string  `arg:"sysctl_file"`
	IgnoreErrors bool    `arg:"ignoreerrors"`
	Set          bool    `arg:"sysctl_set"`
}

// sysctlNormalize makes values comparable as Ansible's _parse_value does:
// booleans become 1/0, whitespace runs become one space.
func sysctlNormalize(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "true", "on":
		return "1"
	case "no", "false", "off":
		return "0"
	}
	return strings.Join(strings.Fields(v), " ")
}

func (sysctlModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p sysctlParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	key := strings.TrimSpace(p.Name)
	want := ""
	if p.Value != nil {
		want = sysctlNormalize(*p.Value)
		if p.State == "present" && want == "" {
			return module.Result{}, errors.New("value cannot be empty")
		}
	}
	procPath := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	if !p.IgnoreErrors && p.State == "present" && !exists(h, procPath) {
		return module.Result{}, fmt.Errorf("Invalid sysctl key: %s", key)
	}
	data, err := h.ReadFile(p.File)
	if err != nil && !errors.Is(err, errNotExist) {
		return module.Result{}, err
	}
	lines := readLines(data)
	var out []string
	found := false
	for _, line := range lines {
		t := strings.TrimSpace(line)
		k, v, ok := strings.Cut(t, "=")
		if !ok || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") || strings.TrimSpace(k) != key {
			out = append(out, line)
			continue
		}
		if p.State == "absent" || found {
			continue
		}
		found = true
		if sysctlNormalize(v) == want {
			out = append(out, line)
		} else {
			out = append(out, key+"="+want+"\n")
		}
	}
	if p.State == "present" && !found {
		if n := len(out); n > 0 && !strings.HasSuffix(out[n-1], "\n") {
			out[n-1] += "\n"
		}
		out = append(out, key+"="+want+"\n")
	}
	before, after := string(data), strings.Join(out, "")
	res := module.Result{Changed: before != after}
	if res.Changed && req.Diff {
		res.Diff = []module.Diff{{Before: before, After: after, BeforeHeader: p.File, AfterHeader: p.File}}
	}
	if res.Changed && !req.Check {
		if err := h.WriteFile(p.File, []byte(after), 0o644); err != nil {
			return module.Result{}, err
		}
	}
	// the live value
	if p.State == "present" && p.Set {
		cur, _ := h.ReadFile(procPath) // an unreadable key reads as different
		if sysctlNormalize(string(cur)) != want {
			res.Changed = true
			if !req.Check {
				r, err := h.Exec(ctx, module.Cmd{Argv: []string{"sysctl", "-w", key + "=" + want}})
				if err != nil {
					return module.Result{}, err
				}
				if r.RC != 0 && !p.IgnoreErrors {
					return module.Result{}, fmt.Errorf("setting %s failed: %s", key, strings.TrimSpace(toText(r.Stderr)))
				}
			}
		}
	}
	if res.Changed && p.Reload && !req.Check {
		argv := []string{"sysctl", "-p", p.File}
		if p.IgnoreErrors {
			argv = []string{"sysctl", "-e", "-p", p.File}
		}
		r, err := h.Exec(ctx, module.Cmd{Argv: argv})
		if err != nil {
			return module.Result{}, err
		}
		if r.RC != 0 || (len(r.Stderr) > 0 && !p.IgnoreErrors) {
			return module.Result{}, fmt.Errorf("Failed to reload sysctl: %s%s", toText(r.Stdout), toText(r.Stderr))
		}
	}
	return res, nil
}

var _ module.Module = sysctlModule{}
