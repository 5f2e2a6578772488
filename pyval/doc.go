// Package pyval is gplay's model of Python values, the values Ansible's YAML,
// Jinja2 templates, variables and module results are made of.
//
// The Go representation of each Python type:
//
//	None       nil
//	bool       bool
//	int        int64
//	float      float64
//	str        string (and Unsafe, a string that must never be templated)
//	list       *List (a reference, so list.append in a template is seen by every holder)
//	tuple      Tuple
//	dict       *Dict (insertion-ordered, keys of any hashable kind)
//	undefined  Undefined (distinct from None, as in Jinja2)
//
// Other packages may add their own kinds (a lazily decrypted vault value, a
// Jinja2 macro); Str, Repr and Truth fall back to fmt for kinds they do not know.
//
// pyval is a leaf: it imports nothing of gplay.
package pyval
