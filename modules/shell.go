package modules

import (
	"context"

	"gplay/module"
)

// shellModule is ansible.builtin.shell: command through /bin/sh -c (or
// executable), with cmd registered as the string given.
type shellModule struct{}

func init() { module.Register(shellModule{}) }

func (shellModule) Info() module.Info {
	id := module.ID("ansible.builtin.shell")
	params := commandParams()
	// shell's argument is the free-form string; argv is command's only
	var ps []module.Param
	for _, p := range params {
		if p.Name != "argv" && p.Name != "expand_argument_vars" {
			ps = append(ps, p)
		}
	}
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: ps},
		CheckMode: module.SupportPartial,
		DiffMode:  module.SupportNone,
	}
}

func (shellModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p commandParamsT
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	p.Shell = true
	return runCommand(ctx, req, p)
}

var _ module.Module = shellModule{}
