package inventory

import (
	"fmt"

	"gplay/diag"
	"gplay/pyval"
	"gplay/yaml11"
)

// parseYAML reads a YAML (or JSON) inventory as Ansible's yaml plugin:
// top-level keys are groups, each with optional hosts, vars and children.
func (inv *Inventory) parseYAML(file string, src []byte) error {
	data, err := yaml11.DecodeData(file, src, yaml11.Options{Decrypter: inv.opts.Decrypter, Warnings: inv.opts.Warnings})
	if err != nil {
		return err
	}
	pos := diag.Pos{File: file, Line: 1, Col: 1}
	if !pyval.Truth(data) {
		return &diag.Error{Pos: pos, Msg: "Parsed empty YAML file"}
	}
	d, ok := data.(*pyval.Dict)
	if !ok {
		return &diag.Error{Pos: pos, Msg: fmt.Sprintf("YAML inventory has invalid structure, it should be a dictionary, got: %s", pyval.TypeName(data)),
			Hint: "a YAML inventory maps group names to hosts:, vars: and children:"}
	}
	if p, ok := d.Get("plugin"); ok && pyval.Truth(p) {
		return &diag.Error{Pos: pos, Msg: "Plugin configuration YAML file, not YAML inventory",
			Hint: "inventory plugins (plugin: ...) are not supported by gplay"}
	}
	y := &yamlInv{inv: inv, pos: pos}
	for i, k := range d.Keys() {
		if _, err := y.group(k, d.Values()[i]); err != nil {
			return err
		}
	}
	return nil
}

type yamlInv struct {
	inv *Inventory
	pos diag.Pos
}

func (y *yamlInv) errorf(format string, args ...any) error {
	return &diag.Error{Pos: y.pos, Msg: fmt.Sprintf(format, args...)}
}

func (y *yamlInv) warnf(format string, args ...any) {
	y.inv.warn(y.pos, format, args...)
}

func (y *yamlInv) group(key, data any) (string, error) {
	name, isStr := asStr(key)
	gd, isMap := data.(*pyval.Dict)
	if !isMap && data != nil {
		y.warnf("Skipping '%s' as this is not a valid group definition", pyval.Str(key))
		return name, nil
	}
	if !isStr {
		return "", y.errorf("Unable to add group %s: Invalid group name supplied, expected a string but got %s for %s", pyval.Str(key), pyTypeClass(key), pyval.Str(key))
	}
	if name == "" {
		return "", y.errorf("Unable to add group %s: Invalid empty/false group name provided: %s", name, name)
	}
	y.inv.AddGroup(name)
	if gd == nil {
		return name, nil
	}
	for _, sec := range []string{"vars", "children", "hosts"} {
		v, ok := gd.Get(sec)
		if !ok {
			continue
		}
		if s, ok := asStr(v); ok {
			nd := pyval.NewDict(1)
			nd.Set(s, nil)
			gd.Set(sec, nd)
			continue
		}
		if _, ok := v.(*pyval.Dict); !ok && v != nil {
			return "", y.errorf("Invalid \"%s\" entry for \"%s\" group, requires a dictionary, found \"%s\" instead.", sec, name, pyTypeClass(v))
		}
	}
	for i, k := range gd.Keys() {
		v := gd.Values()[i]
		sub, ok := v.(*pyval.Dict)
		if !ok {
			if v != nil {
				y.warnf("Skipping key (%s) in group (%s) as it is not a mapping, it is a %s", pyval.Str(k), name, pyTypeClass(v))
			}
			continue
		}
		switch k {
		case "vars":
			for j, vk := range sub.Keys() {
				if err := y.inv.groups[name].SetVar(vk, sub.Values()[j]); err != nil {
					return "", y.errorf("%v", err)
				}
			}
		case "children":
			for j, ck := range sub.Keys() {
				child, err := y.group(ck, sub.Values()[j])
				if err != nil {
					return "", err
				}
				if err := y.inv.AddChild(name, child); err != nil {
					return "", y.errorf("%v", err)
				}
			}
		case "hosts":
			for j, hk := range sub.Keys() {
				pattern, ok := asStr(hk)
				if !ok {
					return "", y.errorf("Host pattern %s must be a string. Enclose integers/floats in quotation marks.", pyval.Str(hk))
				}
				names, port, err := expandHostPattern(pattern)
				if err != nil {
					return "", y.errorf("%v", err)
				}
				hv := sub.Values()[j]
				hvars, ok := hv.(*pyval.Dict)
				if !pyval.Truth(hv) {
					hvars, ok = pyval.NewDict(0), true
				}
				if !ok {
					return "", y.errorf("Invalid data from file, expected dictionary and got:\n\n%s", pyval.Str(hv))
				}
				for _, n := range names {
					h, err := y.inv.AddHost(n, name, port)
					if err != nil {
						return "", y.errorf("%v", err)
					}
					hvars.Range(func(k, v any) bool {
						h.Vars.Set(k, v)
						return true
					})
				}
			}
		default:
			y.warnf("Skipping unexpected key (%s) in group (%s), only \"vars\", \"children\" and \"hosts\" are valid", pyval.Str(k), name)
		}
	}
	return name, nil
}

func asStr(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case pyval.Unsafe:
		return string(t), true
	}
	return "", false
}

// pyTypeClass renders type(v) as Python prints it in these messages.
func pyTypeClass(v any) string {
	return "<class '" + pyval.TypeName(v) + "'>"
}
