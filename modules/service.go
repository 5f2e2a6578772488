package modules

import (
	"context"
	"fmt"
	"time"

	"gplay/module"
)

// serviceModule is ansible.builtin.service. As Ansible's service action
// does, it hands over to systemd_service when the host's service manager
// is systemd (or use=systemd), passing name, state and enabled; otherwise
// it drives SysV init scripts through service(8) and update-rc.d(8).
type serviceModule struct{}

func init() { module.Register(serviceModule{}) }

func (serviceModule) Info() module.Info {
	id := module.ID("ansible.builtin.service")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "name", Required: true},
				{Name: "state", Choices: []any{"reloaded", "restarted", "started", "stopped"}},
				{Name: "sleep", Type: module.TypeInt},
				{Name: "pattern"},
				{Name: "enabled", Type: module.TypeBool},
				{Name: "runlevel", Default: "default"},
				{Name: "arguments", Default: "", Aliases: []string{"args"}},
				{Name: "use", Default: "auto"},
			},
			Rules: module.Rules{RequiredOneOf: [][]string{{"state", "enabled"}}},
		},
		CheckMode: module.SupportFull,
	}
}

type serviceParams struct {
	Name      string `arg:"name"`
	State     string `arg:"state"`
	Sleep     int    `arg:"sleep"`
	Enabled   *bool  `arg:"enabled"`
	Arguments string `arg:"arguments"`
	Use       string `arg:"use"`
}

type serviceResult struct {
	Name    string `json:"name"`
	State   string `json:"state,omitempty"`
	Enabled *bool  `json:"enabled,omitempty"`
}

func (serviceModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p serviceParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	mgr := p.Use
	if mgr == "auto" {
		mgr = serviceManager(req.Host)
	}
	if mgr == "systemd" {
		return runSystemd(ctx, req, systemdParams{Name: p.Name, State: p.State, Enabled: p.Enabled, Scope: "system"})
	}
	return runSysV(ctx, req, p)
}

// runSysV manages an init script: "service NAME status" tells whether it
// runs; update-rc.d enables and disables it.
func runSysV(ctx context.Context, req module.Request, p serviceParams) (module.Result, error) {
	h := req.Host
	script := sysvScript(p.Name)
	if !exists(h, script) {
		if req.Check {
			return module.Result{Changed: p.State != "stopped" || (p.Enabled != nil && *p.Enabled),
				Warnings: []string{fmt.Sprintf("service %s is not installed yet: check mode assumes an earlier task installs it", p.Name)},
				Return:   serviceResult{Name: p.Name, State: p.State, Enabled: p.Enabled}}, nil
		}
		return module.Result{}, fmt.Errorf("Could not find the requested service %s: host", p.Name)
	}
	out := serviceResult{Name: p.Name}
	res := module.Result{}
	run := func(action string) error {
		argv := []string{"service", p.Name, action}
		if p.Arguments != "" {
			words, err := shellSplit(p.Arguments)
			if err != nil {
				return err
			}
			argv = append(argv, words...)
		}
		r, err := h.Exec(ctx, module.Cmd{Argv: argv})
		if err != nil {
			return err
		}
		if r.RC != 0 {
			return fmt.Errorf("Unable to %s service %s: %s", action, p.Name, toText(r.Stderr)+toText(r.Stdout))
		}
		return nil
	}
	if p.Enabled != nil {
		enabled := sysvEnabled(p.Name)
		out.Enabled = p.Enabled
		if enabled != *p.Enabled {
			res.Changed = true
			if !req.Check {
				action := "disable"
				if *p.Enabled {
					action = "enable"
				}
				r, err := h.Exec(ctx, module.Cmd{Argv: []string{"update-rc.d", p.Name, action}})
				if err != nil {
					return module.Result{}, err
				}
				if r.RC != 0 {
					return module.Result{}, fmt.Errorf("Error when trying to %s %s: rc=%d %s", action, p.Name, r.RC, toText(r.Stderr))
				}
			}
		}
	}
	if p.State != "" {
		r, err := h.Query(ctx, module.Cmd{Argv: []string{"service", p.Name, "status"}})
		if err != nil {
			return module.Result{}, err
		}
		running := r.RC == 0
		out.State = p.State
		actions := []string{}
		switch p.State {
		case "started":
			if !running {
				actions = []string{"start"}
			}
		case "stopped":
			if running {
				actions = []string{"stop"}
			}
		case "reloaded":
			if running {
				actions = []string{"reload"}
			} else {
				actions = []string{"start"}
			}
		case "restarted":
			actions = []string{"stop", "start"}
		}
		if len(actions) > 0 {
			res.Changed = true
			if !req.Check {
				for i, a := range actions {
					if err := run(a); err != nil && !(a == "stop" && p.State == "restarted") {
						return module.Result{Return: out}, err
					}
					if i == 0 && len(actions) > 1 && p.Sleep > 0 {
						select {
						case <-ctx.Done():
							return module.Result{}, ctx.Err()
						case <-time.After(time.Duration(p.Sleep) * time.Second):
						}
					}
				}
			}
		}
	}
	res.Return = out
	return res, nil
}

var _ module.Module = serviceModule{}
