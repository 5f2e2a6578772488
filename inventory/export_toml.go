package inventory

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gplay/pyval"
	"gplay/yaml11"
)

// ListTOML renders `ansible-inventory --list --toml` (with export, also
// --export): Ansible's toml_inventory, a flat table per group with its
// child group names, its hosts (variables at a host's first appearance)
// and, for export, its variables; dumped as the toml library does.
func (inv *Inventory) ListTOML(export bool) (string, error) {
	seen := map[*Host]bool{}
	hasUngrouped := false
	if g := inv.groups["ungrouped"]; g != nil {
		hasUngrouped = len(g.Hosts) > 0
	}
	results := pyval.NewDict(len(inv.groupOrder))
	var format func(g *Group) error
	format = func(g *Group) error {
		entry := pyval.NewDict(3)
		// a group reached again replaces its entry in place, as the
		// Python dict update does
		results.Set(g.Name, entry)
		var children []any
		for _, c := range g.Children {
			if c.Name == "ungrouped" && !hasUngrouped {
				continue
			}
			if g.Name != "all" {
				children = append(children, c.Name)
			}
			if err := format(c); err != nil {
				return err
			}
		}
		entry.Set("children", pyval.NewList(children...))
		if g.Name != "all" {
			hosts := pyval.NewDict(len(g.Hosts))
			for _, h := range g.Hosts {
				vars, err := inv.firstVars(h, seen, export)
				if err != nil {
					return err
				}
				hosts.Set(h.Name, vars)
			}
			if len(g.Hosts) > 0 {
				entry.Set("hosts", hosts)
			}
		}
		if export {
			gv, err := inv.GroupVars(g)
			if err != nil {
				return err
			}
			entry.Set("vars", removeInternal(gv))
		}
		for _, k := range []string{"hosts", "vars", "children"} {
			if v, ok := entry.Get(k); ok && !pyval.Truth(v) {
				entry.Delete(k)
			}
		}
		if entry.Len() == 0 {
			results.Delete(g.Name)
		}
		return nil
	}
	if err := format(inv.groups["all"]); err != nil {
		return "", err
	}
	return nonEmptyTOML(results)
}

// ErrEmptyTOML is an empty TOML dump: ansible-inventory then prints
// nothing and exits 1 (its `if results:` has no else).
var ErrEmptyTOML = errors.New("nothing to show in TOML")

func nonEmptyTOML(d *pyval.Dict) (string, error) {
	s, err := TOML(d)
	if err == nil && s == "" {
		err = ErrEmptyTOML
	}
	return s, err
}

// HostTOML renders `ansible-inventory --host H --toml`.
func (inv *Inventory) HostTOML(pattern string) (string, error) {
	d, err := inv.hostExport(pattern)
	if err != nil {
		return "", err
	}
	return nonEmptyTOML(d)
}

// TOML dumps d as the toml library (0.10) Ansible uses: plain keys first,
// then a [section] per nested table, arrays as "[ a, b,]"; nulls are left
// out of tables. Non-string keys fail as Ansible reports them.
func TOML(d *pyval.Dict) (string, error) {
	var b strings.Builder
	top, sections, err := tomlSections(d, "")
	if err != nil {
		return "", err
	}
	b.WriteString(top)
	for len(sections) > 0 {
		var next []tomlSection
		for _, s := range sections {
			body, subs, err := tomlSections(s.d, s.name)
			if err != nil {
				return "", err
			}
			if body != "" || len(subs) == 0 {
				if out := b.String(); out != "" && !strings.HasSuffix(out, "\n\n") {
					b.WriteString("\n")
				}
				b.WriteString("[" + s.name + "]\n")
				b.WriteString(body)
			}
			for _, sub := range subs {
				next = append(next, tomlSection{name: s.name + "." + sub.name, d: sub.d})
			}
		}
		sections = next
	}
	return b.String(), nil
}

type tomlSection struct {
	name string
	d    *pyval.Dict
}

var tomlBareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// tomlSections is TomlEncoder.dump_sections: the "key = value" lines of
// o and its sub-tables (named relative to sup), in order.
func tomlSections(o *pyval.Dict, sup string) (string, []tomlSection, error) {
	if sup != "" && !strings.HasSuffix(sup, ".") {
		sup += "."
	}
	var out, arrays strings.Builder
	var subs []tomlSection
	var err error
	o.Range(func(k, v any) bool {
		ks, ok := k.(string)
		if !ok {
			err = fmt.Errorf("The source inventory contains a non-string key (%s) which cannot be represented in TOML. "+
				"The specified key will need to be converted to a string. Be aware that if your playbooks expect this key "+
				"to be non-string, your playbooks will need to be modified to support this change.", pyval.Repr(pyval.Str(k)))
			return false
		}
		qk := ks
		if !tomlBareKey.MatchString(ks) {
			qk = tomlStr(ks)
		}
		if sub, ok := v.(*pyval.Dict); ok {
			subs = append(subs, tomlSection{name: qk, d: sub})
			return true
		}
		if l, ok := v.(*pyval.List); ok && tomlHasTable(l) {
			err = tomlArrayOfTables(&arrays, l, sup+qk)
			return err == nil
		}
		if v == nil {
			return true
		}
		tv, verr := tomlValue(v)
		if verr != nil {
			err = verr
			return false
		}
		out.WriteString(qk + " = " + tv + "\n")
		return true
	})
	out.WriteString(arrays.String())
	return out.String(), subs, err
}

func tomlHasTable(l *pyval.List) bool {
	for _, it := range l.Items {
		if _, ok := it.(*pyval.Dict); ok {
			return true
		}
	}
	return false
}

// tomlArrayOfTables writes a list holding tables as [[name]] blocks, as
// dump_sections does (non-table items of such a list are dropped).
func tomlArrayOfTables(b *strings.Builder, l *pyval.List, name string) error {
	for _, it := range l.Items {
		d, ok := it.(*pyval.Dict)
		if !ok {
			continue
		}
		tabs := "\n"
		b.WriteString("[[" + name + "]]\n")
		s, subs, err := tomlSections(d, name)
		if err != nil {
			return err
		}
		if s != "" {
			if s[0] == '[' {
				tabs += s
			} else {
				b.WriteString(s)
			}
		}
		for len(subs) > 0 {
			var next []tomlSection
			for _, sub := range subs {
				s1, d1, err := tomlSections(sub.d, name+"."+sub.name)
				if err != nil {
					return err
				}
				if s1 != "" {
					tabs += "[" + name + "." + sub.name + "]\n" + s1
				}
				for _, x := range d1 {
					next = append(next, tomlSection{name: sub.name + "." + x.name, d: x.d})
				}
			}
			subs = next
		}
		b.WriteString(tabs)
	}
	return nil
}

// tomlValue is TomlEncoder.dump_value.
func tomlValue(v any) (string, error) {
	switch t := v.(type) {
	case bool:
		if t {
			return "true", nil
		}
		return "false", nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case float64:
		return strings.NewReplacer("e+0", "e+", "e-0", "e-").Replace(pyval.Repr(t)), nil
	case *pyval.List:
		return tomlList(t.Items)
	case pyval.Tuple:
		return tomlList(t)
	case *yaml11.Vault:
		// the encoder knows no vault type, and a vaulted string is a
		// sequence: it is dumped as the list of its characters
		plain, err := t.Decrypt()
		if err != nil {
			return "", err
		}
		var chars []any
		for _, r := range plain {
			chars = append(chars, string(r))
		}
		return tomlList(chars)
	case *pyval.Dict:
		// a table inside an array: dump_value iterates its keys
		return tomlList(t.Keys())
	}
	return tomlStr(pyval.Str(v)), nil
}

func tomlList(items []any) (string, error) {
	var b strings.Builder
	b.WriteString("[")
	for _, it := range items {
		s, err := tomlValue(it)
		if err != nil {
			return "", err
		}
		b.WriteString(" " + s + ",")
	}
	b.WriteString("]")
	return b.String(), nil
}

// tomlStr is the toml library's _dump_str: Python's repr of the string,
// re-quoted with double quotes and \xNN escapes turned into \u00NN.
func tomlStr(s string) string {
	r := pyval.Repr(s)
	single := strings.HasPrefix(r, "'")
	r = r[1 : len(r)-1]
	if single {
		r = strings.ReplaceAll(r, `\'`, "'")
		r = strings.ReplaceAll(r, `"`, `\"`)
	}
	parts := strings.Split(r, `\x`)
	for len(parts) > 1 {
		if parts[0] == "" {
			parts = parts[1:]
		}
		parts[0] = strings.ReplaceAll(parts[0], `\\`, `\`)
		p0 := parts[0]
		joinx := p0 == "" || p0[len(p0)-1] != '\\'
		for i := len(p0) - 1; i > 0 && p0[i] == '\\'; i-- {
			joinx = !joinx
		}
		joiner := "u00"
		if joinx {
			joiner = "x"
		}
		if len(parts) < 2 {
			break
		}
		parts = append([]string{p0 + joiner + parts[1]}, parts[2:]...)
	}
	return `"` + parts[0] + `"`
}
