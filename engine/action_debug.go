package engine

import (
	"context"
	"fmt"

	"gplay/pyval"
)

func init() { registerAction("debug", actDebug, false) }

// actDebug prints a message or a variable (ansible.builtin.debug).
func actDebug(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	raw := a.rawArgs()
	if v, ok := raw.Get("verbosity"); ok {
		tv, err := a.sc.template(v)
		if err != nil {
			return nil, err
		}
		var n int
		fmt.Sscan(pyval.Str(tv), &n)
		if a.hr.pr.r.opts.Verbosity < n {
			return pyval.DictOf("skipped_reason", "Verbosity threshold not met.", "skipped", true), nil
		}
	}
	if raw.Has("msg") && raw.Has("var") {
		return nil, fmt.Errorf("'msg' and 'var' are incompatible options")
	}
	out := pyval.NewDict(3)
	if v, ok := raw.Get("var"); ok {
		name := pyval.Str(v)
		val, err := a.sc.template("{{ " + name + " }}")
		if err != nil {
			val = "VARIABLE IS NOT DEFINED!"
		} else if s, ok := val.(string); ok && s == name {
			val = "VARIABLE IS NOT DEFINED!"
		}
		out.Set(name, val)
	} else {
		msg := any("Hello world!")
		if m, ok := raw.Get("msg"); ok {
			tv, err := a.template(m)
			if err != nil {
				return nil, err
			}
			msg = tv
		}
		out.Set("msg", msg)
	}
	out.Set("_ansible_verbose_always", true)
	out.Set("failed", false)
	out.Set("changed", false)
	return out, nil
}
