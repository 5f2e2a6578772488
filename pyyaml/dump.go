package pyyaml

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"

	"gplay/pyval"
)

// Flow is PyYAML's default_flow_style.
type Flow int

const (
	FlowAuto   Flow = iota // None: flow for collections holding only plain-styled scalars
	FlowNever              // False: block collections (flow only when empty)
	FlowAlways             // True
)

// Options are yaml.dump's keyword arguments that gplay's callers use.
type Options struct {
	Indent int // 2 to 9, else 2
	Width  int // at most Indent*2 means 80
	Flow   Flow
	// Aliases gives lists and dicts met twice &id001/*id001, as PyYAML's
	// serializer does for shared Python objects.
	Aliases bool
	// Represent maps a value the dumper does not know (one of the caller's
	// own types) to one it does; an error stops the dump. Without it such
	// a value is written as pyval.Str's text.
	Represent func(v any) (any, error)
}

// Plain is a scalar whose text reads back as its own type when written
// plain (a datetime), so it is never quoted for that reason.
type Plain string

// Literal is a tagged literal block scalar, such as Ansible's
// `!vault |` for vaulted values.
type Literal struct{ Tag, Text string }

// ErrTooDeep is returned for values nested deeper than Python's recursion
// limit would allow (or cyclic without Aliases).
var ErrTooDeep = errors.New("maximum recursion depth exceeded")

const maxDepth = 500

// Dump writes v as yaml.dump(v, Dumper=AnsibleDumper, allow_unicode=True,
// ...) with o's options does.
func Dump(v any, o Options) (string, error) {
	if o.Indent < 2 || o.Indent > 9 {
		o.Indent = 2
	}
	if o.Width <= o.Indent*2 {
		o.Width = 80
	}
	r := &representer{o: o, seen: map[any]*node{}}
	root, err := r.represent(v, 0)
	if err != nil {
		return "", err
	}
	if o.Aliases {
		anchorNodes(root, map[*node]bool{}, new(int))
	}
	e := &emitter{o: o, whitespace: true, indention: true, indent: -1, emitted: map[*node]bool{}}
	e.node(root, ctxRoot)
	if !strings.HasSuffix(e.b.String(), "\n") {
		e.lineBreak()
	}
	return e.b.String(), nil
}

type nodeKind int

const (
	scalarNode nodeKind = iota
	seqNode
	mapNode
)

// node is PyYAML's representation graph: what the emitter writes.
type node struct {
	kind     nodeKind
	text     string // scalar text
	implicit bool   // the scalar may be written plain
	tag      string // with a literal block scalar
	literal  bool
	items    []*node // a sequence's items; a mapping's keys and values, alternating
	flow     bool
	anchor   string
}

type representer struct {
	o    Options
	seen map[any]*node // with Aliases: identity → node, as represented_objects
}

// identity is what makes two values the same Python object; nil for
// values PyYAML never aliases (scalars and the empty tuple).
func identity(v any) any {
	switch t := v.(type) {
	case *pyval.List, *pyval.Dict:
		return t
	case pyval.Tuple:
		if len(t) > 0 {
			// A tuple's identity is its backing array: one literal from an
			// INI host line is shared by every host of a range, as in Python.
			return &t[0]
		}
	}
	return nil
}

func (r *representer) represent(v any, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, ErrTooDeep
	}
	for range 8 {
		switch t := v.(type) {
		case nil:
			return &node{text: "null", implicit: true}, nil
		case bool:
			if t {
				return &node{text: "true", implicit: true}, nil
			}
			return &node{text: "false", implicit: true}, nil
		case int64:
			return &node{text: fmt.Sprint(t), implicit: true}, nil
		case int:
			return &node{text: fmt.Sprint(t), implicit: true}, nil
		case *big.Int:
			return &node{text: t.String(), implicit: true}, nil
		case float64:
			return &node{text: floatText(t), implicit: true}, nil
		case string:
			return &node{text: t, implicit: resolvesToStr(t)}, nil
		case pyval.Unsafe:
			return &node{text: string(t), implicit: resolvesToStr(string(t))}, nil
		case Plain:
			return &node{text: string(t), implicit: true}, nil
		case Literal:
			return &node{text: t.Text, tag: t.Tag, literal: true}, nil
		case *pyval.List:
			return r.sequence(t, t.Items, depth)
		case pyval.Tuple:
			return r.sequence(t, t, depth)
		case *pyval.Dict:
			return r.mapping(t, depth)
		}
		if r.o.Represent == nil {
			return &node{text: pyval.Str(v), implicit: resolvesToStr(pyval.Str(v))}, nil
		}
		var err error
		if v, err = r.o.Represent(v); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("cannot represent an object: %T", v)
}

// known registers n for v's identity, so a second sighting aliases it.
func (r *representer) known(v any, n *node) (*node, bool) {
	if !r.o.Aliases {
		return n, false
	}
	id := identity(v)
	if id == nil {
		return n, false
	}
	if old, ok := r.seen[id]; ok {
		return old, true
	}
	r.seen[id] = n
	return n, false
}

// bestFlow is the representer's flow_style: default_flow_style, or with
// None, flow when every child is a scalar without a style of its own.
func (r *representer) bestFlow(children []*node) bool {
	switch r.o.Flow {
	case FlowAlways:
		return true
	case FlowNever:
		return false
	}
	for _, c := range children {
		if c.kind != scalarNode || c.literal {
			return false
		}
	}
	return true
}

func (r *representer) sequence(v any, items []any, depth int) (*node, error) {
	n, dup := r.known(v, &node{kind: seqNode})
	if dup {
		return n, nil
	}
	for _, it := range items {
		c, err := r.represent(it, depth+1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, c)
	}
	n.flow = r.bestFlow(n.items)
	return n, nil
}

func (r *representer) mapping(d *pyval.Dict, depth int) (*node, error) {
	n, dup := r.known(d, &node{kind: mapNode})
	if dup {
		return n, nil
	}
	// sort_keys=True, left unsorted when the keys do not compare (TypeError)
	keys, err := pyval.SortedKeys(d)
	if err != nil {
		keys = d.Keys()
	}
	for _, k := range keys {
		val, _ := d.Get(k)
		kn, err := r.represent(k, depth+1)
		if err != nil {
			return nil, err
		}
		vn, err := r.represent(val, depth+1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, kn, vn)
	}
	n.flow = r.bestFlow(n.items)
	return n, nil
}

// anchorNodes is Serializer.anchor_node: walking in output order, a
// collection met a second time gets the next anchor id.
func anchorNodes(n *node, seen map[*node]bool, last *int) {
	if n.kind == scalarNode {
		return
	}
	if seen[n] {
		if n.anchor == "" {
			*last++
			n.anchor = fmt.Sprintf("id%03d", *last)
		}
		return
	}
	seen[n] = true
	for _, c := range n.items {
		anchorNodes(c, seen, last)
	}
}

func floatText(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strings.ToLower(pyval.FloatRepr(f))
	if !strings.Contains(s, ".") && strings.Contains(s, "e") {
		s = strings.Replace(s, "e", ".0e", 1)
	}
	return s
}

// Implicit are PyYAML's implicit resolvers (YAML 1.1): bool, int, float,
// null, merge, timestamp, value. A string matching one is quoted so that
// it reads back as a string.
var Implicit = struct {
	Bool, Int, Float, Null, Merge, Timestamp, Value *regexp.Regexp
}{
	regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`),
	regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`),
	regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`),
	regexp.MustCompile(`^(?:~|null|Null|NULL|)$`),
	regexp.MustCompile(`^(?:<<)$`),
	regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`),
	regexp.MustCompile(`^(?:=)$`),
}

func resolvesToStr(s string) bool {
	for _, re := range []*regexp.Regexp{Implicit.Bool, Implicit.Int, Implicit.Float, Implicit.Null, Implicit.Merge, Implicit.Timestamp, Implicit.Value} {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}
