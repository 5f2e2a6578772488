package inventory

import (
	"gplay/pyval"
	"gplay/pyyaml"
	"gplay/yaml11"
)

// ListYAML renders `ansible-inventory --list --yaml` (with export, also
// --export): the group tree with each host's variables at its first
// appearance, dumped as PyYAML's yaml.dump(default_flow_style=False,
// allow_unicode=True) with Ansible's dumper does.
func (inv *Inventory) ListYAML(export bool) (string, error) {
	seen := map[*Host]bool{}
	var format func(g *Group) (*pyval.Dict, error)
	format = func(g *Group) (*pyval.Dict, error) {
		entry := pyval.NewDict(3)
		children := pyval.NewDict(len(g.Children))
		for _, c := range g.Children {
			if c.Name == "all" {
				continue
			}
			sub, err := format(c)
			if err != nil {
				return nil, err
			}
			sub.Range(func(k, v any) bool {
				children.Set(k, v)
				return true
			})
		}
		if children.Len() > 0 {
			entry.Set("children", children)
		}
		hosts := pyval.NewDict(len(g.Hosts))
		if g.Name != "all" {
			for _, h := range g.Hosts {
				vars, err := inv.firstVars(h, seen, export)
				if err != nil {
					return nil, err
				}
				hosts.Set(h.Name, vars)
			}
		}
		if hosts.Len() > 0 {
			entry.Set("hosts", hosts)
		}
		if export {
			gv, err := inv.GroupVars(g)
			if err != nil {
				return nil, err
			}
			if gv = removeInternal(gv); gv.Len() > 0 {
				entry.Set("vars", gv)
			}
		}
		return pyval.DictOf(g.Name, entry), nil
	}
	d, err := format(inv.groups["all"])
	if err != nil {
		return "", err
	}
	return PythonYAML(d), nil
}

// firstVars is a host's variables at its first appearance in a --yaml or
// --toml dump (with export, only its own), and nothing after that, as
// ansible-inventory's seen set does.
func (inv *Inventory) firstVars(h *Host, seen map[*Host]bool, export bool) (*pyval.Dict, error) {
	if seen[h] {
		return pyval.NewDict(0), nil
	}
	seen[h] = true
	if export {
		return inv.ownHostVars(h)
	}
	return inv.ExportHostVars(h)
}

// PythonYAML dumps v as PyYAML's yaml.dump(v, default_flow_style=False,
// allow_unicode=True) with Ansible's AnsibleDumper: block collections,
// sorted keys, anchors for shared collections, vault values as !vault
// literals.
func PythonYAML(v any) string {
	s, err := pyyaml.Dump(v, pyyaml.Options{Flow: pyyaml.FlowNever, Aliases: true, Represent: representYAML})
	if err != nil {
		// only nesting deeper than Python's recursion limit gets here
		return ""
	}
	return s
}

// representYAML is AnsibleDumper's representers for inventory values:
// vaulted values as `!vault |`, anything else as its text.
func representYAML(v any) (any, error) {
	if t, ok := v.(*yaml11.Vault); ok {
		return pyyaml.Literal{Tag: "!vault", Text: string(t.Ciphertext)}, nil
	}
	return pyval.Str(v), nil
}
