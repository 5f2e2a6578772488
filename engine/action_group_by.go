package engine

import (
	"context"
	"fmt"
	"strings"

	"gplay/pyval"
)

func init() { registerAction("group_by", actGroupBy, true) }

// actGroupBy puts the host into a group named by key
// (ansible.builtin.group_by).
func actGroupBy(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	args, err := a.args()
	if err != nil {
		return nil, err
	}
	key := get(args, "key")
	if key == nil {
		return nil, fmt.Errorf("the 'key' param is required when using group_by")
	}
	group := strings.ReplaceAll(pyval.Str(key), " ", "-")
	parents := []any{"all"}
	if p := get(args, "parents"); p != nil {
		parents = listOf(p)
	}
	a.hr.pr.r.opts.Inventory.AddHost(a.hr.h.name, []string{group}, nil)
	return pyval.DictOf("add_group", group, "changed", true, "parent_groups", pyval.NewList(parents...), "failed", false), nil
}
