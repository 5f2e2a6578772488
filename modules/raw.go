package modules

import (
	"context"
	"errors"

	"gplay/module"
)

// rawModule is ansible.builtin.raw: a command line run through /bin/sh -c
// (or executable -c), output unstripped. Under check mode it is skipped,
// as Ansible's raw action is.
type rawModule struct{}

func init() { module.Register(rawModule{}) }

func (rawModule) Info() module.Info {
	id := module.ID("ansible.builtin.raw")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "_raw_params", Required: true},
			{Name: "executable"},
		}},
		// "partial": the module itself reports the skip, without the
		// generic "does not support check mode" message
		CheckMode: module.SupportPartial,
	}
}

// rawResult is what Ansible registers for raw: no cmd and no times.
type rawResult struct {
	RC          int      `json:"rc"`
	Stdout      string   `json:"stdout"`
	StdoutLines []string `json:"stdout_lines"`
	Stderr      string   `json:"stderr"`
	StderrLines []string `json:"stderr_lines"`
}

func (rawModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Raw        string `arg:"_raw_params"`
		Executable string `arg:"executable"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	if req.Check {
		return module.Result{Skipped: true}, nil
	}
	exe := p.Executable
	if exe == "" {
		exe = "/bin/sh"
	}
	var r cmdResult
	err := runTimed(ctx, req.Host, module.Cmd{Argv: []string{exe, "-c", p.Raw}}, false, &r)
	var ef *errExecFailed
	if errors.As(err, &ef) {
		return module.Result{Return: rawResult{RC: ef.res.RC, StdoutLines: []string{}, StderrLines: []string{}}}, err
	}
	res := module.Result{Changed: true, Return: rawResult{RC: *r.RC, Stdout: r.Stdout, StdoutLines: r.StdoutLines, Stderr: r.Stderr, StderrLines: r.StderrLines}}
	if err == nil && *r.RC != 0 {
		err = errors.New("non-zero return code")
	}
	return res, err
}

var _ module.Module = rawModule{}
