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
	y := &yamlInv{inv: inv, file: file, src: src}
	for i, k := range d.Keys() {
		y.at = []any{k}
		if _, err := y.group(k, d.Values()[i]); err != nil {
			return err
		}
	}
	return nil
}

type yamlInv struct {
	inv  *Inventory
	file string
	src  []byte
	at   []any // keys leading to the entry being read, for positions

	root   *yaml11.Node
	loaded bool
}

// pos finds the position of the entry being read. The values came from
// DecodeData (JSON first); positions come from parsing the text as YAML
// again, only when there is something to report.
func (y *yamlInv) pos() diag.Pos {
	p := diag.Pos{File: y.file, Line: 1, Col: 1}
	if !y.loaded {
		y.loaded = true
		y.root, _ = yaml11.Load(y.file, y.src, yaml11.Options{}) // JSON is YAML too; on failure we fall back to 1:1
	}
	n := y.root
	for _, k := range y.at {
		if n == nil || n.Kind != yaml11.MappingNode {
			break
		}
		var next *yaml11.Node
		for _, pr := range n.Pairs {
			if pyval.Equal(pr.Key.Value(), k) {
				p, next = pr.Key.Pos, pr.Value
				break
			}
		}
		n = next
	}
	return p
}

func (y *yamlInv) errorf(format string, args ...any) error {
	p := y.pos()
	return &diag.Error{Pos: p, Msg: fmt.Sprintf(format, args...), Source: diag.LineOf(y.src, p.Line)}
}

func (y *yamlInv) warnf(format string, args ...any) {
	y.inv.warn(y.pos(), format, args...)
}

// enter records that the entry under k is being read, until the returned
// function restores the path.
func (y *yamlInv) enter(k ...any) func() {
	n := len(y.at)
	y.at = append(y.at, k...)
	return func() { y.at = y.at[:n] }
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
		leave := y.enter(sec)
		if s, ok := asStr(v); ok {
			nd := pyval.NewDict(1)
			nd.Set(s, nil)
			gd.Set(sec, nd)
			continue
		}
		if _, ok := v.(*pyval.Dict); !ok && v != nil {
			return "", y.errorf("Invalid \"%s\" entry for \"%s\" group, requires a dictionary, found \"%s\" instead.", sec, name, pyTypeClass(v))
		}
		leave()
	}
	for i, k := range gd.Keys() {
		v := gd.Values()[i]
		leave := y.enter(k)
		err := y.section(name, k, v)
		leave()
		if err != nil {
			return "", err
		}
	}
	return name, nil
}

// section reads one key of a group: vars, children or hosts.
func (y *yamlInv) section(name string, k, v any) error {
	sub, ok := v.(*pyval.Dict)
	if !ok {
		if v != nil {
			y.warnf("Skipping key (%s) in group (%s) as it is not a mapping, it is a %s", pyval.Str(k), name, pyTypeClass(v))
		}
		return nil
	}
	switch k {
	case "vars":
		for j, vk := range sub.Keys() {
			if err := y.inv.groups[name].SetVar(vk, sub.Values()[j]); err != nil {
				return y.errorf("%v", err)
			}
		}
	case "children":
		for j, ck := range sub.Keys() {
			leave := y.enter(ck)
			child, err := y.group(ck, sub.Values()[j])
			if err == nil {
				if err = y.inv.AddChild(name, child); err != nil {
					err = y.errorf("%v", err)
				}
			}
			leave()
			if err != nil {
				return err
			}
		}
	case "hosts":
		for j, hk := range sub.Keys() {
			leave := y.enter(hk)
			err := y.host(name, hk, sub.Values()[j])
			leave()
			if err != nil {
				return err
			}
		}
	default:
		y.warnf("Skipping unexpected key (%s) in group (%s), only \"vars\", \"children\" and \"hosts\" are valid", pyval.Str(k), name)
	}
	return nil
}

// host reads one entry under hosts: a host pattern (with ranges and an
// optional port) and its variables.
func (y *yamlInv) host(group string, key, hv any) error {
	pattern, ok := asStr(key)
	if !ok {
		return y.errorf("Host pattern %s must be a string. Enclose integers/floats in quotation marks.", pyval.Str(key))
	}
	names, port, err := expandHostPattern(pattern)
	if err != nil {
		return y.errorf("%v", err)
	}
	hvars, ok := hv.(*pyval.Dict)
	if !pyval.Truth(hv) {
		hvars, ok = pyval.NewDict(0), true
	}
	if !ok {
		return y.errorf("Invalid data from file, expected dictionary and got:\n\n%s", pyval.Str(hv))
	}
	for _, n := range names {
		h, err := y.inv.AddHost(n, group, port)
		if err != nil {
			return y.errorf("%v", err)
		}
		hvars.Range(func(k, v any) bool {
			h.SetVar(k, v)
			return true
		})
	}
	return nil
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
