package jinja

import (
	"errors"

	"gplay/pyval"
	"gplay/pyyaml"
	"gplay/yaml11"
)

type flowStyle = pyyaml.Flow

const (
	flowAuto   = pyyaml.FlowAuto   // PyYAML default_flow_style=None: flow for collections of scalars
	flowNever  = pyyaml.FlowNever  // False
	flowAlways = pyyaml.FlowAlways // True
)

type yamlOpts struct {
	indent int
	width  int
	flow   flowStyle
}

// yamlDump writes v as Ansible's to_yaml does: PyYAML's yaml.dump with
// AnsibleDumper, allow_unicode=True and sorted keys (package pyyaml).
func yamlDump(v any, o yamlOpts) (string, error) {
	s, err := pyyaml.Dump(v, pyyaml.Options{Indent: o.indent, Width: o.width, Flow: o.flow, Represent: yamlRepresent})
	if errors.Is(err, pyyaml.ErrTooDeep) {
		return "", rtErr("maximum recursion depth exceeded")
	}
	return s, err
}

// yamlRepresent maps jinja's own values onto ones pyyaml writes, as
// AnsibleDumper's representers do; the rest cannot be represented.
func yamlRepresent(v any) (any, error) {
	switch t := v.(type) {
	case dictView:
		items, _ := iterate(t)
		return pyval.NewList(items...), nil
	case Mapping:
		d, _ := asDict(t)
		return d, nil
	case pyval.Undefined:
		return nil, undefErr(t)
	case *datetime:
		return pyyaml.Plain(t.String()), nil
	}
	return nil, rtErr("cannot represent an object: %s", pyRepr(v))
}

// yamlLoad parses YAML for from_yaml/from_yaml_all into Python values,
// with the loader Ansible's own files use (YAML 1.1 scalars, !unsafe,
// merge keys).
func yamlLoad(s string, all bool) (any, error) {
	docs, err := yaml11.LoadAll("<unicode string>", []byte(s), yaml11.Options{})
	if err != nil {
		return nil, rtErr("%s", err.Error())
	}
	if all {
		l := pyval.NewList()
		for _, d := range docs {
			l.Append(d.Value())
		}
		return l, nil
	}
	if len(docs) == 0 {
		return nil, nil
	}
	return docs[0].Value(), nil
}
