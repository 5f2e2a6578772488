package engine

import (
	"context"
	"fmt"
	"strings"

	"gplay/pyval"
)

func init() { registerAction("add_host", actAddHost, true) }

// actAddHost adds a host to the in-memory inventory
// (ansible.builtin.add_host).
func actAddHost(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	args, err := a.args()
	if err != nil {
		return nil, err
	}
	name := ""
	for _, k := range []string{"name", "host", "hostname"} {
		if v := get(args, k); v != nil {
			name = pyval.Str(v)
		}
	}
	if name == "" {
		return nil, fmt.Errorf("name is required")
	}
	port := ""
	if i := strings.LastIndexByte(name, ':'); i > 0 && !strings.Contains(name[:i], ":") {
		name, port = name[:i], name[i+1:]
	}
	var groups []string
	for _, k := range []string{"groups", "group", "groupname"} {
		if v := get(args, k); v != nil {
			for _, g := range listOf(v) {
				groups = append(groups, splitComma(pyval.Str(g))...)
			}
		}
	}
	vars := pyval.NewDict(0)
	args.Range(func(k, v any) bool {
		switch pyval.Str(k) {
		case "name", "host", "hostname", "groups", "group", "groupname":
		default:
			vars.Set(k, v)
		}
		return true
	})
	if port != "" {
		vars.Set("ansible_port", port)
	}
	a.hr.pr.r.opts.Inventory.AddHost(name, groups, vars)
	gl := make([]any, len(groups))
	for i, g := range groups {
		gl[i] = g
	}
	return pyval.DictOf("add_host", pyval.DictOf("groups", pyval.NewList(gl...), "host_name", name, "host_vars", vars), "changed", true, "failed", false), nil
}
