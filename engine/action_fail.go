package engine

import (
	"context"

	"gplay/pyval"
)

func init() { registerAction("fail", actFail, false) }

// actFail fails the task with msg (ansible.builtin.fail).
func actFail(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	msg := any("Failed as requested from task")
	if m, ok := a.rawArgs().Get("msg"); ok {
		tv, err := a.template(m)
		if err != nil {
			return nil, err
		}
		msg = tv
	}
	return pyval.DictOf("changed", false, "failed", true, "msg", msg), nil
}
