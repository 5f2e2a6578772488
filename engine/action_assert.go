package engine

import (
	"context"

	"gplay/pyval"
)

func init() { registerAction("assert", actAssert, false) }

// actAssert checks conditionals (ansible.builtin.assert).
func actAssert(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	raw := a.rawArgs()
	that, ok := raw.Get("that")
	if !ok {
		return nil, errorString("conditional required in \"that\" string")
	}
	quiet := truthy(get(raw, "quiet"))
	for _, c := range listOf(that) {
		ok, err := a.sc.cond(c)
		if err != nil {
			return nil, err
		}
		if !ok {
			out := pyval.DictOf("assertion", c, "evaluated_to", false, "changed", false, "failed", true)
			if !quiet {
				out.Set("_ansible_verbose_always", true)
			}
			msg := any("Assertion failed")
			for _, k := range []string{"fail_msg", "msg"} {
				if m, ok := raw.Get(k); ok {
					tv, err := a.template(m)
					if err != nil {
						return nil, err
					}
					msg = tv
					break
				}
			}
			out.Set("msg", msg)
			return out, nil
		}
	}
	msg := any("All assertions passed")
	if m, ok := raw.Get("success_msg"); ok {
		tv, err := a.template(m)
		if err != nil {
			return nil, err
		}
		msg = tv
	}
	out := pyval.DictOf("changed", false, "msg", msg, "failed", false)
	if !quiet {
		out.Set("_ansible_verbose_always", true)
	}
	return out, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
