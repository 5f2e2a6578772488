package yaml11

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gplay/diag"
	"gplay/pyval"

	yaml "go.yaml.in/yaml/v4"
)

// Kind is the shape of a Node.
type Kind int

const (
	ScalarNode Kind = iota + 1
	SequenceNode
	MappingNode
)

func (k Kind) String() string {
	switch k {
	case ScalarNode:
		return "scalar"
	case SequenceNode:
		return "sequence"
	case MappingNode:
		return "mapping"
	}
	return "invalid"
}

// Style says how a scalar was written. Only Plain scalars go through the
// YAML 1.1 implicit resolver; every other style is a string.
type Style int

const (
	Plain Style = iota
	SingleQuoted
	DoubleQuoted
	Literal
	Folded
)

// Node is one node of a loaded document. Aliases are resolved: an alias is
// the very *Node its anchor named, so a tree may share nodes (never cycles;
// Load rejects recursive aliases).
type Node struct {
	Kind Kind
	// Tag is the tag as written, in short form ("!vault", "!unsafe",
	// "!!str"), or "" when the node carries no explicit tag.
	Tag   string
	Style Style
	// Flow is true for {…} and […] collections.
	Flow bool
	// Text is a scalar's content after unquoting and folding.
	Text string
	// Items holds a sequence's entries.
	Items []*Node
	// Pairs holds a mapping's entries in the order Python's dict would have
	// them: merge keys (<<) applied, explicit keys winning over merged ones,
	// and for a duplicated key the first position with the last value.
	Pairs  []Pair
	Pos    diag.Pos
	Anchor string

	val any // a scalar's resolved value, set by Load
}

// Pair is one mapping entry.
type Pair struct {
	Key, Value *Node
}

// Decrypter decrypts the body of a !vault value or of a vault-encrypted
// file: the whole "$ANSIBLE_VAULT;1.1;AES256\n…" text in, plaintext out. The
// vault package's secrets satisfy it through a small adapter in the caller.
// It is called lazily, on first use of a value, possibly from several
// goroutines; implementations must be safe for concurrent use.
type Decrypter interface {
	Decrypt(ciphertext []byte) ([]byte, error)
}

// Options tune a load. The zero value is usable.
type Options struct {
	// Decrypter decrypts !vault values when they are first used. Nil means
	// no vault secrets were given: loading still succeeds and using such a
	// value fails, as Ansible's "no vault secrets" error.
	Decrypter Decrypter
	// Warnings, when non-nil, collects warnings such as duplicate keys
	// (Ansible warns and keeps the last value). Nil drops them.
	Warnings *diag.List
}

// Load parses a single-document YAML source. An empty source (or one of only
// comments) gives a nil node and no error, as Ansible's loader gives None.
// More than one document is an error, as PyYAML's get_single_data.
func Load(file string, src []byte, opts Options) (*Node, error) {
	docs, err := loadDocs(file, src, opts, 2)
	if err != nil {
		return nil, err
	}
	switch len(docs) {
	case 0:
		return nil, nil
	case 1:
		return docs[0], nil
	}
	return nil, newError(file, src, docs[1].Pos, "expected a single document in the stream, but found another document", "")
}

// LoadAll parses every document of a multi-document source ("---"
// separated). Empty documents are nil entries.
func LoadAll(file string, src []byte, opts Options) ([]*Node, error) {
	return loadDocs(file, src, opts, -1)
}

// Decode loads a single document and converts it to pyval values: nil for
// an empty document.
func Decode(file string, src []byte, opts Options) (any, error) {
	n, err := Load(file, src, opts)
	if err != nil || n == nil {
		return nil, err
	}
	return n.Value(), nil
}

func loadDocs(file string, src []byte, opts Options, max int) (docs []*Node, err error) {
	defer func() {
		// go-yaml has panicked on odd inputs in the past; a bad file must
		// never take the process down, so report it at the start instead.
		if r := recover(); r != nil {
			docs = nil
			err = &diag.Error{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf("cannot parse YAML (parser failure: %v)", r)}
		}
	}()
	l, err := yaml.NewLoader(bytes.NewReader(src))
	if err != nil {
		return nil, translateError(file, src, err)
	}
	for max < 0 || len(docs) < max {
		var yn yaml.Node
		err := l.Load(&yn)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, translateError(file, src, err)
		}
		b := builder{file: file, src: src, opts: opts, done: map[*yaml.Node]*Node{}, busy: map[*yaml.Node]bool{}}
		root := &yn
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				docs = append(docs, nil)
				continue
			}
			root = root.Content[0]
		}
		n, err := b.build(root)
		if err != nil {
			return nil, err
		}
		docs = append(docs, n)
	}
	// A trailing empty document ("a: 1\n---\n") is not a document to PyYAML.
	return docs, nil
}

// Value converts the node to pyval values: nil, bool, int64, float64,
// string, pyval.Unsafe, *Vault, *pyval.List and *pyval.Dict. Every call
// builds fresh lists and dicts, so callers may mutate the result. Within one
// call an anchored node used through several aliases becomes one shared
// object, as in PyYAML (and so alias bombs stay linear).
func (n *Node) Value() any {
	return n.value(map[*Node]any{})
}

func (n *Node) value(memo map[*Node]any) any {
	if n == nil {
		return nil
	}
	if n.Kind == ScalarNode {
		return n.val
	}
	if n.Anchor != "" {
		if v, ok := memo[n]; ok {
			return v
		}
	}
	var out any
	switch n.Kind {
	case SequenceNode:
		l := &pyval.List{Items: make([]any, len(n.Items))}
		for i, it := range n.Items {
			l.Items[i] = it.value(memo)
		}
		out = l
	case MappingNode:
		if n.Tag == "!!set" {
			// PyYAML gives a set; pyval has none, so a list of the members.
			l := &pyval.List{Items: make([]any, len(n.Pairs))}
			for i, p := range n.Pairs {
				l.Items[i] = p.Key.value(memo)
			}
			out = l
			break
		}
		d := pyval.NewDict(len(n.Pairs))
		for _, p := range n.Pairs {
			d.Set(p.Key.value(memo), p.Value.value(memo))
		}
		out = d
	}
	if n.Tag == "!unsafe" {
		out = wrapUnsafe(out)
	}
	if n.Anchor != "" {
		memo[n] = out
	}
	return out
}

// Get returns the value node under the string key k of a mapping, or nil.
func (n *Node) Get(k string) *Node {
	if n == nil || n.Kind != MappingNode {
		return nil
	}
	for _, p := range n.Pairs {
		if p.Key.Kind == ScalarNode {
			if s, ok := p.Key.val.(string); ok && s == k {
				return p.Value
			}
		}
	}
	return nil
}

// IsNull reports whether n is nil or a scalar that resolves to None.
func (n *Node) IsNull() bool {
	return n == nil || (n.Kind == ScalarNode && n.val == nil)
}

// wrapUnsafe marks every string inside v as unsafe, as Ansible's wrap_var.
func wrapUnsafe(v any) any {
	switch t := v.(type) {
	case string:
		return pyval.Unsafe(t)
	case *pyval.List:
		for i, e := range t.Items {
			t.Items[i] = wrapUnsafe(e)
		}
		return t
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, v any) bool {
			d.Set(wrapUnsafe(k), wrapUnsafe(v))
			return true
		})
		return d
	}
	return v
}
