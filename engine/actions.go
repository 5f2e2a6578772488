package engine

import (
	"context"
	"strings"

	"gplay/jinja"
	"gplay/module"
	"gplay/play"
	"gplay/pyval"
)

// actionCtx is what an engine-side action gets: the host run (task, host,
// play) and the scope of the current item.
type actionCtx struct {
	hr *hostRun
	sc *scope
}

// args returns the task's templated args.
func (a *actionCtx) args() (*pyval.Dict, error) {
	d, err := a.hr.templatedArgs(a.sc)
	if err != nil {
		return nil, errorString(a.hr.argsError(err))
	}
	return d, nil
}

// template templates one argument value, wording errors as Ansible does.
func (a *actionCtx) template(v any) (any, error) {
	r, err := a.sc.template(v)
	if err != nil {
		return nil, errorString(a.hr.argsError(err))
	}
	return r, nil
}

// rawArgs returns the task's args untemplated (assert's that, debug's var).
func (a *actionCtx) rawArgs() *pyval.Dict { return a.hr.t.Args }

// engineAction runs an action inside the engine. It returns the result
// dict in Ansible's shape; an error fails the task with its text as msg.
type engineAction func(ctx context.Context, a *actionCtx) (*pyval.Dict, error)

// engineActions are the language's own actions, by short name; each lives
// in action_<name>.go and adds itself from init.
var engineActions = map[string]engineAction{}

// freeFormActions take their whole argument string as _raw_params.
var freeFormActions = map[string]bool{}

func registerAction(name string, a engineAction, freeForm bool) {
	engineActions[name] = a
	if freeForm {
		freeFormActions[name] = true
	}
}

// actionSet tells the play loader which names are actions: the engine's
// own and the registry's modules.
type actionSet struct{ reg *module.Registry }

func (s actionSet) Action(name string) (play.ActionInfo, bool) {
	short := play.ShortAction(name)
	if _, ok := engineActions[short]; ok && (short == name || strings.HasPrefix(name, "ansible.")) {
		return play.ActionInfo{FreeForm: freeFormActions[short]}, true
	}
	if isStaticAction(short) && (short == name || strings.HasPrefix(name, "ansible.")) {
		return play.ActionInfo{FreeForm: true}, true
	}
	if s.reg == nil {
		return play.ActionInfo{}, false
	}
	m, ok := s.reg.Lookup(name)
	if !ok {
		return play.ActionInfo{}, false
	}
	spec := m.Info().Spec
	if _, free := spec.Param(play.RawParams); free {
		return play.ActionInfo{RawKeys: func(k string) bool {
			if k == play.RawParams {
				return false
			}
			_, ok := spec.Param(k)
			if !ok {
				for _, p := range spec.AllParams() {
					for _, al := range p.Aliases {
						if al == k {
							return true
						}
					}
				}
			}
			return ok
		}}, true
	}
	return play.ActionInfo{}, true
}

func isStaticAction(short string) bool {
	return short == "import_tasks" || short == "import_role" || short == "import_playbook"
}

func (s actionSet) Names() []string {
	var out []string
	for n := range engineActions {
		out = append(out, n, "ansible.builtin."+n, "ansible.legacy."+n)
	}
	for _, n := range []string{"import_tasks", "import_role"} {
		out = append(out, n, "ansible.builtin."+n, "ansible.legacy."+n)
	}
	if s.reg != nil {
		out = append(out, s.reg.Names()...)
	}
	return out
}

// templateFileOptions reads the template module's trim_blocks and
// lstrip_blocks arguments.
func templateFileOptions(args *pyval.Dict) jinja.FileOptions {
	var fo jinja.FileOptions
	if v, ok := args.Get("trim_blocks"); ok && !truthy(v) {
		fo.KeepBlockNewline = true
	}
	if v, ok := args.Get("lstrip_blocks"); ok && truthy(v) {
		fo.LstripBlocks = true
	}
	return fo
}
