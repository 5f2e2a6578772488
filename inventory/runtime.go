package inventory

import (
	"path/filepath"
	"strings"

	"gplay/pyval"
)

// AddDynamicHost is what the add_host action does to the inventory
// (InventoryManager.add_dynamic_host): the host is created in all when new,
// vars are merged into its own variables, and it joins groups (created as
// needed). It reports whether anything changed.
func (inv *Inventory) AddDynamicHost(name string, groups []string, vars *pyval.Dict) (bool, error) {
	changed := false
	h := inv.hosts[name]
	if h == nil {
		var err error
		if h, err = inv.AddHost(name, "all", 0); err != nil {
			return false, err
		}
		changed = true
	}
	if vars != nil {
		vars.Range(func(k, v any) bool {
			if old, ok := h.Vars.Get(k); !ok || !pyval.Equal(old, v) {
				h.SetVar(k, v)
				changed = true
			}
			return true
		})
		inv.invalidate()
	}
	for _, gn := range groups {
		g := inv.groups[gn]
		if g == nil {
			g = inv.AddGroup(gn)
			changed = true
		}
		if !g.hostSet[h.Name] {
			g.addHost(h)
			changed = true
		}
	}
	if changed {
		inv.reconcile()
	}
	return changed, nil
}

// AddDynamicGroup is what group_by does (InventoryManager.add_dynamic_group):
// the group (and parents) are created as needed and the host joins it.
func (inv *Inventory) AddDynamicGroup(h *Host, group string, parents []string) (bool, error) {
	changed := false
	g := inv.groups[group]
	if g == nil {
		g = inv.AddGroup(group)
	}
	for _, pn := range parents {
		p := inv.groups[pn]
		if p == nil {
			p = inv.AddGroup(pn)
			changed = true
		}
		before := len(p.Children)
		if err := p.addChildGroup(g); err != nil {
			return false, err
		}
		if len(p.Children) != before {
			changed = true
		}
	}
	if !g.hostSet[h.Name] {
		g.addHost(h)
		changed = true
	}
	if changed {
		inv.reconcile()
	}
	return changed, nil
}

// GroupsDict returns the groups magic variable: every group's name mapped
// to the names of all its hosts (descendants included), in inventory order.
func (inv *Inventory) GroupsDict() *pyval.Dict {
	d := pyval.NewDict(len(inv.groupOrder))
	for _, g := range inv.groupOrder {
		hs := g.AllHosts()
		names := make([]any, len(hs))
		for i, h := range hs {
			names[i] = h.Name
		}
		d.Set(g.Name, pyval.NewList(names...))
	}
	return d
}

// ShortName is inventory_hostname_short: the name up to the first dot,
// or the whole name for an IP address.
func (h *Host) ShortName() string {
	if reIPv4().MatchString(h.Name) || reIPv6().MatchString(h.Name) {
		return h.Name
	}
	name, _, _ := strings.Cut(h.Name, ".")
	return name
}

// InventoryFile is the inventory_file magic variable: the source the host
// was first found in ("" for host lists and the implicit localhost, which
// Ansible shows as None).
func (h *Host) InventoryFile() string {
	if strings.Contains(h.Source, ",") {
		return ""
	}
	return h.Source
}

// InventoryDir is inventory_dir: the directory of InventoryFile.
func (h *Host) InventoryDir() string {
	f := h.InventoryFile()
	if f == "" {
		return ""
	}
	return filepath.Dir(f)
}
