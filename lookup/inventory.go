package lookup

import (
	"context"

	"gplay/pyval"
)

// inventoryHostnamesLookup is ansible.builtin.inventory_hostnames: the
// hosts matching the patterns, through the engine's inventory. A bad
// pattern gives an empty list, as Ansible swallows AnsibleError there.
func inventoryHostnamesLookup(ctx context.Context, c *Call) ([]any, error) {
	if c.Task.Hosts == nil {
		return nil, errf("the inventory_hostnames lookup needs the inventory (TaskContext.Hosts is not set)")
	}
	var pats []string
	for _, t := range c.Terms {
		pats = append(pats, pyval.Str(t))
	}
	hosts, err := c.Task.Hosts(pats)
	if err != nil {
		return []any{}, nil
	}
	out := make([]any, len(hosts))
	for i, h := range hosts {
		out[i] = h
	}
	return out, nil
}
