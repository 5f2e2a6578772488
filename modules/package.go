package modules

import (
	"context"
	"fmt"

	"gplay/module"
)

// packageModule is ansible.builtin.package: Ansible's action picks the
// package manager module from the pkg_mgr fact and hands it the task's
// arguments. gplay ships apt only, so on apt hosts (or use=apt) this runs
// apt with the same arguments; other managers fail with Ansible's message.
type packageModule struct{}

func init() { module.Register(packageModule{}) }

func (packageModule) Info() module.Info {
	id := module.ID("ansible.builtin.package")
	apt := aptModule{}.Info()
	// the backend's arguments pass through, as Ansible's action forwards them
	var params []module.Param
	for _, p := range apt.Spec.Params {
		if p.Name == "package" {
			p.Name, p.Aliases = "name", []string{"pkg", "package"}
		}
		params = append(params, p)
	}
	params = append(params, module.Param{Name: "use", Default: "auto"})
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: params},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

func (packageModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var u struct {
		Use string `arg:"use"`
	}
	if err := req.Args.Decode(&u); err != nil {
		return module.Result{}, err
	}
	mgr := u.Use
	if mgr == "auto" {
		mgr = "unknown"
		if exists(req.Host, "/usr/bin/apt-get") {
			mgr = "apt"
		}
	}
	if mgr != "apt" {
		return module.Result{}, fmt.Errorf("Could not find a module for %s.", mgr)
	}
	// re-read the arguments with apt's names (name → package)
	d := req.Args.Dict().Copy()
	if v, ok := d.Get("name"); ok {
		d.Delete("name")
		d.Set("package", v)
	}
	d.Delete("use")
	var p aptParams
	if err := module.NewArgs(d).Decode(&p); err != nil {
		return module.Result{}, err
	}
	a := &aptRun{ctx: ctx, h: req.Host, check: req.Check, diff: req.Diff, p: p,
		deadline: deadlineAfter(p.LockTimeout)}
	return a.run()
}

var _ module.Module = packageModule{}
