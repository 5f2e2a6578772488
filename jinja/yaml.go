package jinja

import (
	"errors"
	"io"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"gplay/pyval"
	"gplay/pyyaml"
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

// yaml11Plain resolves a plain scalar as PyYAML's SafeLoader does (bools
// yes/no/on/off, octal 0755, sexagesimal 1:30, ~), for the cases where
// YAML 1.2 would read a string or another number.
func yaml11Plain(s string) (any, bool) {
	switch {
	case pyyaml.Implicit.Bool.MatchString(s):
		switch strings.ToLower(s) {
		case "yes", "true", "on":
			return true, true
		}
		return false, true
	case pyyaml.Implicit.Null.MatchString(s):
		return nil, true
	case pyyaml.Implicit.Int.MatchString(s):
		t := strings.ReplaceAll(s, "_", "")
		neg := strings.HasPrefix(t, "-")
		t = strings.TrimLeft(t, "+-")
		var v any
		var ok bool
		switch {
		case strings.Contains(t, ":"):
			n := int64(0)
			for _, part := range strings.Split(t, ":") {
				d, err := strconv.ParseInt(part, 10, 64)
				if err != nil {
					return nil, false
				}
				n = n*60 + d
			}
			v, ok = n, true
		case strings.HasPrefix(t, "0b"):
			v, ok = pyIntStr(t[2:], 2)
		case strings.HasPrefix(t, "0x"):
			v, ok = pyIntStr(t[2:], 16)
		case len(t) > 1 && t[0] == '0':
			v, ok = pyIntStr(t[1:], 8)
		default:
			v, ok = pyIntStr(t, 10)
		}
		if !ok {
			return nil, false
		}
		if neg {
			r, err := unaryOp("-", v)
			return r, err == nil
		}
		return v, true
	case pyyaml.Implicit.Float.MatchString(s):
		t := strings.ReplaceAll(s, "_", "")
		if strings.Contains(t, ":") {
			return nil, false // sexagesimal floats: rare, leave to yaml/v4
		}
		f, ok := pyFloat(strings.NewReplacer(".inf", "inf", ".Inf", "inf", ".INF", "inf", ".nan", "nan", ".NaN", "nan", ".NAN", "nan").Replace(t))
		return f, ok
	}
	return nil, false
}

// yamlLoad parses YAML for from_yaml/from_yaml_all into Python values.
func yamlLoad(s string, all bool) (any, error) {
	dec := yaml.NewDecoder(strings.NewReader(s))
	var docs []any
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rtErr("%s", err.Error())
		}
		v, err := yamlNodeValue(&n, 0)
		if err != nil {
			return nil, err
		}
		docs = append(docs, v)
		if !all {
			break
		}
	}
	if all {
		return pyval.NewList(docs...), nil
	}
	if len(docs) == 0 {
		return nil, nil
	}
	return docs[0], nil
}

func yamlNodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > 1000 {
		return nil, rtErr("YAML nesting too deep")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlNodeValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return yamlNodeValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		l := pyval.NewList()
		for _, c := range n.Content {
			v, err := yamlNodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			l.Append(v)
		}
		return l, nil
	case yaml.MappingNode:
		d := pyval.NewDict(len(n.Content) / 2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := yamlNodeValue(n.Content[i], depth+1)
			if err != nil {
				return nil, err
			}
			v, err := yamlNodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			if !pyval.Hashable(k) {
				return nil, rtErr("found unhashable key")
			}
			d.Set(k, v)
		}
		return d, nil
	case yaml.ScalarNode:
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) == 0 {
			// plain scalars resolve by YAML 1.1 rules, as PyYAML's
			// SafeLoader does (timestamps stay strings here)
			if v, ok := yaml11Plain(n.Value); ok {
				return v, nil
			}
			return n.Value, nil
		}
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			return strings.ToLower(n.Value) == "true", nil
		case "!!int":
			if v, ok := pyIntStr(n.Value, 0); ok {
				return v, nil
			}
		case "!!float":
			if f, ok := pyFloat(strings.NewReplacer(".inf", "inf", ".Inf", "inf", ".INF", "inf", ".nan", "nan", ".NaN", "nan", ".NAN", "nan").Replace(n.Value)); ok {
				return f, nil
			}
		}
		return n.Value, nil
	}
	return nil, nil
}
