package yaml11

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"

	"gplay/diag"
	"gplay/pyval"

	yaml "go.yaml.in/yaml/v4"
)

var errNoConstructor = errors.New("no constructor")

// builder turns one go-yaml document into our Node tree.
type builder struct {
	file string
	src  []byte
	opts Options
	done map[*yaml.Node]*Node // anchors already built, so aliases share them
	busy map[*yaml.Node]bool  // nodes being built, to catch recursive aliases

	anchors map[string]*yaml.Node // anchor name -> the node that defines it
}

func (b *builder) pos(y *yaml.Node) diag.Pos {
	return diag.Pos{File: b.file, Line: y.Line, Col: y.Column}
}

func (b *builder) errorf(p diag.Pos, hint, format string, args ...any) error {
	return newError(b.file, b.src, p, fmt.Sprintf(format, args...), hint)
}

// reAnchorName is what libyaml accepts after & and *.
var reAnchorName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z_-]+$`) })

func (b *builder) build(y *yaml.Node) (*Node, error) {
	if y.Kind == yaml.AliasNode && !reAnchorName().MatchString(y.Value) {
		return nil, b.errorf(b.pos(y), "anchor and alias names may hold letters, digits, - and _ only",
			"while scanning an alias: expected alphabetic or numeric character, but found another character in %q", y.Value)
	}
	if y.Anchor != "" && !reAnchorName().MatchString(y.Anchor) {
		return nil, b.errorf(b.pos(y), "anchor and alias names may hold letters, digits, - and _ only",
			"while scanning an anchor: expected alphabetic or numeric character, but found another character in %q", y.Anchor)
	}
	if y.Kind == yaml.AliasNode {
		if y.Alias == nil {
			return nil, b.errorf(b.pos(y), "", "found undefined alias %q", y.Value)
		}
		if b.busy[y.Alias] {
			return nil, b.errorf(b.pos(y), "an anchor cannot be used inside its own value", "found recursive alias %q", y.Value)
		}
		return b.build(y.Alias)
	}
	if n, ok := b.done[y]; ok {
		return n, nil
	}
	if y.Anchor != "" {
		// PyYAML's composer refuses an anchor defined twice in a document
		// (YAML 1.2 and go-yaml allow it).
		if b.anchors == nil {
			b.anchors = map[string]*yaml.Node{}
		}
		if first, ok := b.anchors[y.Anchor]; ok && first != y {
			return nil, b.errorf(b.pos(y), "rename one of them: an anchor names one node per document",
				"found duplicate anchor %q; first occurrence at line %d, column %d", y.Anchor, first.Line, first.Column)
		}
		b.anchors[y.Anchor] = y
	}
	b.busy[y] = true
	defer delete(b.busy, y)
	n := &Node{Pos: b.pos(y), Anchor: y.Anchor}
	if y.Style&yaml.TaggedStyle != 0 {
		n.Tag = y.Tag
	}
	n.Flow = y.Style&yaml.FlowStyle != 0
	var err error
	switch y.Kind {
	case yaml.ScalarNode:
		err = b.scalar(y, n)
	case yaml.SequenceNode:
		err = b.sequence(y, n)
	case yaml.MappingNode:
		err = b.mapping(y, n)
	default:
		err = b.errorf(n.Pos, "", "unexpected YAML node")
	}
	if err != nil {
		return nil, err
	}
	if y.Anchor != "" {
		b.done[y] = n
	}
	return n, nil
}

func (b *builder) scalar(y *yaml.Node, n *Node) error {
	n.Kind = ScalarNode
	n.Text = y.Value
	switch {
	case y.Style&yaml.SingleQuotedStyle != 0:
		n.Style = SingleQuoted
	case y.Style&yaml.DoubleQuotedStyle != 0:
		n.Style = DoubleQuoted
	case y.Style&yaml.LiteralStyle != 0:
		n.Style = Literal
	case y.Style&yaml.FoldedStyle != 0:
		n.Style = Folded
	}
	switch n.Tag {
	case "":
		if n.Style != Plain {
			n.val = n.Text
			return nil
		}
		if n.Text == "=" || n.Text == "<<" {
			// PyYAML resolves these to the YAML 1.1 value and merge tags,
			// which it can only use as mapping keys (mapping handles those).
			tag := map[string]string{"=": "value", "<<": "merge"}[n.Text]
			return b.errorf(n.Pos, "quote it if it is meant as a string: '"+n.Text+"'",
				"could not determine a constructor for the tag 'tag:yaml.org,2002:%s'", tag)
		}
		v, err := ResolvePlain(n.Text)
		if err != nil {
			return b.errorf(n.Pos, "quote the value if it is meant as a string", "%v", err)
		}
		n.val = v
		return nil
	case "!unsafe":
		n.val = pyval.Unsafe(n.Text)
		return nil
	case "!vault", "!vault-encrypted":
		n.val = &Vault{Ciphertext: []byte(n.Text), Pos: n.Pos, dec: b.opts.Decrypter}
		return nil
	case "!!binary":
		// PyYAML gives bytes; pyval has none, so the decoded text.
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Text), ""))
		if err != nil {
			return b.errorf(n.Pos, "", "failed to decode base64 data: %v", err)
		}
		n.val = string(raw)
		return nil
	case "!!set", "!!omap", "!!pairs", "!!map", "!!seq":
		return b.errorf(n.Pos, "", "tag %s is not supported on a scalar", n.Tag)
	}
	v, err := resolveTagged(n.Tag, n.Text)
	if errors.Is(err, errNoConstructor) {
		return b.errorf(n.Pos, "Ansible knows !vault and !unsafe; quote the value if the ! is part of a string",
			"could not determine a constructor for the tag '%s'", n.Tag)
	}
	if err != nil {
		return b.errorf(n.Pos, "", "%v", err)
	}
	n.val = v
	return nil
}

func (b *builder) sequence(y *yaml.Node, n *Node) error {
	n.Kind = SequenceNode
	switch n.Tag {
	case "", "!!seq", "!unsafe":
	default:
		return b.errorf(n.Pos, "", "could not determine a constructor for the tag '%s'", n.Tag)
	}
	n.Items = make([]*Node, 0, len(y.Content))
	for _, c := range y.Content {
		it, err := b.build(c)
		if err != nil {
			return err
		}
		n.Items = append(n.Items, it)
	}
	return nil
}

func (b *builder) mapping(y *yaml.Node, n *Node) error {
	n.Kind = MappingNode
	switch n.Tag {
	case "", "!!map", "!!python/dict", "!unsafe", "!!set":
	default:
		return b.errorf(n.Pos, "", "could not determine a constructor for the tag '%s'", n.Tag)
	}
	var merged, explicit []Pair
	var err error
	for i := 0; i+1 < len(y.Content); i += 2 {
		ky, vy := y.Content[i], y.Content[i+1]
		if isMergeKey(ky) {
			m, err := b.merge(vy)
			if err != nil {
				return err
			}
			merged = append(merged, m...)
			continue
		}
		var k *Node
		if ky.Kind == yaml.ScalarNode && ky.Value == "" && ky.Style == 0 && strings.HasPrefix(lineFrom(b.src, b.pos(ky)), ":") {
			// go-yaml reads ": x" as a null key; libyaml refuses it.
			return b.errorf(b.pos(ky), "write the key before the colon, or quote the text if it starts with a colon",
				"found a mapping value with no key")
		}
		if ky.Kind == yaml.ScalarNode && ky.Value == "=" && ky.Style == 0 {
			// PyYAML's flatten_mapping turns a value-tag key into a string.
			k = &Node{Kind: ScalarNode, Text: "=", Pos: b.pos(ky), Anchor: ky.Anchor, val: "="}
		} else if k, err = b.build(ky); err != nil {
			return err
		}
		if k.Kind != ScalarNode {
			if n.Flow && strings.HasPrefix(lineFrom(b.src, n.Pos), "{{") {
				return b.errorf(n.Pos, bracesHint, "a value starting with {{ is read as a YAML mapping, not a template")
			}
			return b.errorf(k.Pos, "use a string as the key", "found unacceptable key (unhashable type: '%s')", pyTypeOfKind(k.Kind))
		}
		v, err := b.build(vy)
		if err != nil {
			return err
		}
		explicit = append(explicit, Pair{Key: k, Value: v})
	}
	// As PyYAML's flatten_mapping: merged pairs first, then the explicit
	// ones; assigning in that order lets explicit keys win.
	idx := pyval.NewDict(len(merged) + len(explicit))
	n.Pairs = make([]Pair, 0, len(merged)+len(explicit))
	add := func(p Pair, warn bool) {
		key := dedupKey(p.Key)
		if i, ok := idx.Get(key); ok {
			if warn && b.opts.Warnings != nil {
				// Ansible's construct_mapping warning; it also warns when an
				// explicit key overrides a merged one, which is the point of
				// merge keys, so we do not (see doc.go).
				b.opts.Warnings.Add(&diag.Error{
					Pos:      p.Key.Pos,
					Severity: diag.SevWarning,
					Msg: fmt.Sprintf("while constructing a mapping from %s, found a duplicate dict key (%s); using last defined value only",
						n.Pos, pyval.Str(key)),
					Source: diag.LineOf(b.src, p.Key.Pos.Line),
				})
			}
			n.Pairs[i.(int)] = Pair{Key: n.Pairs[i.(int)].Key, Value: p.Value}
			return
		}
		idx.Set(key, len(n.Pairs))
		n.Pairs = append(n.Pairs, p)
	}
	for _, p := range merged {
		add(p, false)
	}
	seen := pyval.NewDict(len(explicit))
	for _, p := range explicit {
		key := dedupKey(p.Key)
		dup := seen.Has(key)
		seen.Set(key, true)
		add(p, dup)
	}
	return nil
}

func isMergeKey(y *yaml.Node) bool {
	return y.Kind == yaml.ScalarNode && y.Value == "<<" && y.Style&(yaml.TaggedStyle|yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
}

// merge returns the pairs a merge key's value contributes, in PyYAML's order:
// for a list of maps the later maps' pairs come first, so that the earlier
// maps win.
func (b *builder) merge(vy *yaml.Node) ([]Pair, error) {
	v, err := b.build(vy)
	if err != nil {
		return nil, err
	}
	switch v.Kind {
	case MappingNode:
		return v.Pairs, nil
	case SequenceNode:
		var out []Pair
		for i := len(v.Items) - 1; i >= 0; i-- {
			it := v.Items[i]
			if it.Kind != MappingNode {
				return nil, b.errorf(it.Pos, "merge (<<) takes a mapping, usually an alias such as *defaults, or a list of them",
					"expected a mapping for merging, but found %s", it.Kind)
			}
			out = append(out, it.Pairs...)
		}
		return out, nil
	}
	return nil, b.errorf(v.Pos, "merge (<<) takes a mapping, usually an alias such as *defaults, or a list of them",
		"expected a mapping or list of mappings for merging, but found %s", v.Kind)
}

func pyTypeOfKind(k Kind) string {
	if k == MappingNode {
		return "dict"
	}
	return "list"
}

// lineFrom returns the text of p's line from p's column on.
func lineFrom(src []byte, p diag.Pos) string {
	l := diag.LineOf(src, p.Line)
	if p.Col-1 > len(l) || p.Col < 1 {
		return ""
	}
	return l[p.Col-1:]
}

type nanKey struct{}

// dedupKey is the key under which Python's dict would find k. PyYAML makes
// every .nan the same float object, so .nan keys collapse in Python even
// though NaN != NaN; a NaN float never matches in a Go map, hence the
// sentinel.
func dedupKey(k *Node) any {
	v := k.val
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		return nanKey{}
	}
	if !pyval.Hashable(v) {
		return k.Text
	}
	return v
}
