package inventory

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gplay/pyval"
	"gplay/yaml11"
)

// internalVars are left out of ansible-inventory's output (cli/inventory.py
// INTERNAL_VARS): magic variables that are not the host's own.
var internalVars = map[string]bool{
	"ansible_diff_mode": true, "ansible_config_file": true, "ansible_facts": true, "ansible_forks": true,
	"ansible_inventory_sources": true, "ansible_limit": true, "ansible_playbook_python": true,
	"ansible_run_tags": true, "ansible_skip_tags": true, "ansible_verbosity": true, "ansible_version": true,
	"inventory_dir": true, "inventory_file": true, "inventory_hostname": true, "inventory_hostname_short": true,
	"groups": true, "group_names": true, "omit": true, "playbook_dir": true,
}

func removeInternal(d *pyval.Dict) *pyval.Dict {
	out := pyval.NewDict(d.Len())
	d.Range(func(k, v any) bool {
		if s, ok := k.(string); !ok || !internalVars[s] {
			out.Set(k, v)
		}
		return true
	})
	return out
}

// ExportHostVars returns a host's variables as ansible-inventory shows
// them (--host, and _meta.hostvars of --list): HostVars without the
// internal magic variables.
func (inv *Inventory) ExportHostVars(h *Host) (*pyval.Dict, error) {
	v, err := inv.HostVars(h)
	if err != nil {
		return nil, err
	}
	return removeInternal(v), nil
}

// ownHostVars is what --export shows for a host: its own variables and its
// host_vars files, without group variables.
func (inv *Inventory) ownHostVars(h *Host) (*pyval.Dict, error) {
	out := h.Vars.Copy()
	for _, dirs := range [][]string{inv.varsDirs(), inv.playDirs} {
		for _, d := range dirs {
			if err := inv.mergeVarsFiles(out, d, "host_vars", h.Name); err != nil {
				return nil, err
			}
		}
	}
	return removeInternal(out), nil
}

// ListJSON renders `ansible-inventory --list`: groups with their direct
// hosts and children, and _meta.hostvars, as Python's json.dumps with
// sort_keys and indent 4 (trailing newline included).
func (inv *Inventory) ListJSON() (string, error) { return inv.listJSON(false) }

// ExportJSON renders `ansible-inventory --list --export`: as ListJSON, but
// each group carries its own vars and hostvars hold only what is set on
// the host itself (host lines and host_vars files), as an inventory file
// would be written.
func (inv *Inventory) ExportJSON() (string, error) { return inv.listJSON(true) }

func (inv *Inventory) listJSON(export bool) (string, error) {
	results := pyval.NewDict(len(inv.groupOrder) + 1)
	var ferr error
	seen := map[*Group]bool{}
	var format func(g *Group)
	format = func(g *Group) {
		// Python inserts the group's entry before its subgroups' (and
		// deletes it when empty); the order shows when keys cannot be
		// sorted.
		results.Set(g.Name, nil)
		entry := pyval.NewDict(2)
		if g.Name != "all" && len(g.Hosts) > 0 {
			hosts := make([]any, len(g.Hosts))
			for i, h := range g.Hosts {
				hosts[i] = h.Name
			}
			entry.Set("hosts", pyval.NewList(hosts...))
		}
		var kids []any
		for _, c := range g.Children {
			kids = append(kids, c.Name)
			if !seen[c] {
				format(c)
				seen[c] = true
			}
		}
		if len(kids) > 0 {
			entry.Set("children", pyval.NewList(kids...))
		}
		if export {
			gv, err := inv.GroupVars(g)
			if err != nil && ferr == nil {
				ferr = err
			}
			if gv = removeInternal(gv); gv.Len() > 0 {
				entry.Set("vars", gv)
			}
		}
		if entry.Len() > 0 {
			results.Set(g.Name, entry)
		} else {
			results.Delete(g.Name)
		}
	}
	format(inv.groups["all"])
	if ferr != nil {
		return "", ferr
	}
	hostvars := pyval.NewDict(len(inv.hostOrder))
	for _, h := range inv.HostList() {
		v, err := inv.ExportHostVars(h)
		if export {
			v, err = inv.ownHostVars(h)
		}
		if err != nil {
			return "", err
		}
		if v.Len() > 0 {
			hostvars.Set(h.Name, v)
		}
	}
	results.Set("_meta", pyval.DictOf("hostvars", hostvars))
	return PythonJSON(results) + "\n", nil
}

// HostJSON renders `ansible-inventory --host NAME`, where NAME is a pattern
// that must match exactly one host.
func (inv *Inventory) HostJSON(pattern string) (string, error) {
	v, err := inv.hostExport(pattern)
	if err != nil {
		return "", err
	}
	return PythonJSON(v) + "\n", nil
}

// HostYAML renders `ansible-inventory --host NAME --yaml`.
func (inv *Inventory) HostYAML(pattern string) (string, error) {
	v, err := inv.hostExport(pattern)
	if err != nil {
		return "", err
	}
	return PythonYAML(v), nil
}

func (inv *Inventory) hostExport(pattern string) (*pyval.Dict, error) {
	hosts, err := inv.Select(pattern, nil)
	if err != nil {
		return nil, err
	}
	if len(hosts) != 1 {
		return nil, fmt.Errorf("You must pass a single valid host to --host parameter")
	}
	return inv.ExportHostVars(hosts[0])
}

// Graph renders `ansible-inventory --graph [GROUP] [--vars]`.
func (inv *Inventory) Graph(group string, withVars bool) (string, error) {
	if group == "" {
		group = "all"
	}
	g := inv.groups[group]
	if g == nil {
		return "", fmt.Errorf("Pattern must be valid group name when using --graph")
	}
	var lines []string
	name := func(s string, depth int) string {
		if depth == 0 {
			return s
		}
		return strings.Repeat("  |", depth) + "--" + s
	}
	showVars := func(d *pyval.Dict, depth int) error {
		keys, err := pyval.SortedKeys(d)
		if err != nil {
			return err
		}
		for _, k := range keys {
			v, _ := d.Get(k)
			lines = append(lines, name("{"+graphStr(k)+" = "+graphStr(v)+"}", depth))
		}
		return nil
	}
	var walk func(g *Group, depth int) error
	walk = func(g *Group, depth int) error {
		lines = append(lines, name("@"+g.Name+":", depth))
		depth++
		for _, c := range g.Children {
			if err := walk(c, depth); err != nil {
				return err
			}
		}
		if g.Name != "all" {
			for _, h := range g.Hosts {
				lines = append(lines, name(h.Name, depth))
				if withVars {
					v, err := inv.ExportHostVars(h)
					if err != nil {
						return err
					}
					if err := showVars(v, depth+1); err != nil {
						return err
					}
				}
			}
		}
		if withVars {
			v, err := inv.GroupVars(g)
			if err != nil {
				return err
			}
			if err := showVars(removeInternal(v), depth); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(g, 0); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n") + "\n", nil
}

// graphStr is Python's str(v), with a vault value shown decrypted as
// str(AnsibleVaultEncryptedUnicode) does.
func graphStr(v any) string {
	if vv, ok := v.(*yaml11.Vault); ok {
		return vv.String()
	}
	return pyval.Str(v)
}

// PythonJSON encodes v as Ansible's ansible-inventory does: json.dumps with
// AnsibleJSONEncoder, sort_keys=True, indent=4, ensure_ascii=False and
// preprocess_unsafe (unsafe strings become {"__ansible_unsafe": ...}, vault
// values {"__ansible_vault": ciphertext}). When keys of mixed types cannot
// be sorted, Python falls back to insertion order for the whole document,
// and so do we.
func PythonJSON(v any) string {
	e := &pyJSON{sort: true}
	e.value(v, 0)
	if e.unsortable {
		e = &pyJSON{sort: false}
		e.value(v, 0)
	}
	return e.b.String()
}

type pyJSON struct {
	b          strings.Builder
	sort       bool
	unsortable bool
}

func (e *pyJSON) indent(level int) {
	e.b.WriteByte('\n')
	for i := 0; i < level; i++ {
		e.b.WriteString("    ")
	}
}

func (e *pyJSON) value(v any, level int) {
	switch t := v.(type) {
	case nil:
		e.b.WriteString("null")
	case bool:
		if t {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
	case int64:
		e.b.WriteString(strconv.FormatInt(t, 10))
	case int:
		e.b.WriteString(strconv.Itoa(t))
	case float64:
		e.b.WriteString(jsonFloat(t))
	case string:
		e.str(t)
	case pyval.Unsafe:
		e.value(pyval.DictOf("__ansible_unsafe", string(t)), level)
	case *yaml11.Vault:
		e.value(pyval.DictOf("__ansible_vault", string(t.Ciphertext)), level)
	case *pyval.List:
		e.seq(t.Items, level)
	case pyval.Tuple:
		e.seq(t, level)
	case *pyval.Dict:
		e.dict(t, level)
	default:
		e.str(pyval.Str(v))
	}
}

func (e *pyJSON) seq(items []any, level int) {
	if len(items) == 0 {
		e.b.WriteString("[]")
		return
	}
	e.b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			e.b.WriteByte(',')
		}
		e.indent(level + 1)
		e.value(it, level+1)
	}
	e.indent(level)
	e.b.WriteByte(']')
}

func (e *pyJSON) dict(d *pyval.Dict, level int) {
	if d.Len() == 0 {
		e.b.WriteString("{}")
		return
	}
	keys := d.Keys()
	if e.sort {
		sorted, err := pyval.SortedKeys(d)
		if err != nil {
			e.unsortable = true
		} else {
			keys = sorted
		}
	}
	e.b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			e.b.WriteByte(',')
		}
		e.indent(level + 1)
		e.str(jsonKey(k))
		e.b.WriteString(": ")
		v, _ := d.Get(k)
		e.value(v, level+1)
	}
	e.indent(level)
	e.b.WriteByte('}')
}

// jsonKey converts a dict key as Python's json does for non-string keys.
func jsonKey(k any) string {
	switch t := k.(type) {
	case string:
		return t
	case pyval.Unsafe:
		return string(t)
	case nil:
		return "null"
	case bool:
		if t {
			return "true"
		}
		return "false"
	case float64:
		return jsonFloat(t)
	}
	return pyval.Str(k)
}

func jsonFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return pyval.FloatRepr(f)
}

// str writes s as Python's json with ensure_ascii=False: only quotes,
// backslashes and control characters are escaped.
func (e *pyJSON) str(s string) {
	e.b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			e.b.WriteString(`\"`)
		case '\\':
			e.b.WriteString(`\\`)
		case '\n':
			e.b.WriteString(`\n`)
		case '\r':
			e.b.WriteString(`\r`)
		case '\t':
			e.b.WriteString(`\t`)
		case '\b':
			e.b.WriteString(`\b`)
		case '\f':
			e.b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&e.b, `\u%04x`, r)
			} else {
				e.b.WriteRune(r)
			}
		}
	}
	e.b.WriteByte('"')
}
