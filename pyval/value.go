package pyval

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// List is a Python list. It is a pointer type so that mutation through one
// holder (list.append in a template) is seen by all, as in Python.
type List struct {
	Items []any
}

// NewList returns a list holding items (not copied).
func NewList(items ...any) *List { return &List{Items: items} }

// Len returns the number of items.
func (l *List) Len() int { return len(l.Items) }

// Append adds v at the end.
func (l *List) Append(v any) { l.Items = append(l.Items, v) }

// Tuple is a Python tuple: an immutable sequence.
type Tuple []any

// Undefined is a name that has no value. It is not None: `x is none` is false
// for it and `x is defined` is false. Hint says why it is undefined, for the
// error raised when it is used ("'etcd_version' is undefined").
type Undefined struct {
	Name string
	Hint string
}

// Unsafe is a string that must never be templated (Ansible's !unsafe and
// AnsibleUnsafeText); it otherwise behaves as a str.
type Unsafe string

// Dict is a Python dict: keys of any hashable kind, kept in insertion order.
// The zero value is not usable; call NewDict.
type Dict struct {
	keys  []any
	vals  []any
	index map[any]int // hash key → position in keys/vals
}

// NewDict returns an empty dict with room for n entries.
func NewDict(n int) *Dict {
	return &Dict{keys: make([]any, 0, n), vals: make([]any, 0, n), index: make(map[any]int, n)}
}

// DictOf builds a dict from alternating keys and values.
func DictOf(kv ...any) *Dict {
	d := NewDict(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		d.Set(kv[i], kv[i+1])
	}
	return d
}

// Len returns the number of entries.
func (d *Dict) Len() int { return len(d.keys) }

// Keys returns the keys in insertion order. The slice must not be modified.
func (d *Dict) Keys() []any { return d.keys }

// Values returns the values in insertion order. The slice must not be modified.
func (d *Dict) Values() []any { return d.vals }

// Get returns the value under k and whether it exists.
func (d *Dict) Get(k any) (any, bool) {
	i, ok := d.index[hashKey(k)]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// GetStr is Get for a string key.
func (d *Dict) GetStr(k string) (any, bool) { return d.Get(k) }

// Has reports whether k is a key.
func (d *Dict) Has(k any) bool {
	_, ok := d.index[hashKey(k)]
	return ok
}

// Set stores v under k; an existing key keeps its position, as in Python.
func (d *Dict) Set(k, v any) {
	h := hashKey(k)
	if i, ok := d.index[h]; ok {
		d.vals[i] = v
		return
	}
	d.index[h] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// Delete removes k and reports whether it was there.
func (d *Dict) Delete(k any) bool {
	h := hashKey(k)
	i, ok := d.index[h]
	if !ok {
		return false
	}
	delete(d.index, h)
	d.keys = append(d.keys[:i], d.keys[i+1:]...)
	d.vals = append(d.vals[:i], d.vals[i+1:]...)
	for j := i; j < len(d.keys); j++ {
		d.index[hashKey(d.keys[j])] = j
	}
	return true
}

// Copy returns a shallow copy.
func (d *Dict) Copy() *Dict {
	c := &Dict{keys: append([]any(nil), d.keys...), vals: append([]any(nil), d.vals...), index: make(map[any]int, len(d.keys))}
	for k, v := range d.index {
		c.index[k] = v
	}
	return c
}

// Range calls f for each entry in order until f returns false.
func (d *Dict) Range(f func(k, v any) bool) {
	for i, k := range d.keys {
		if !f(k, d.vals[i]) {
			return
		}
	}
}

// Hashable reports whether v may be a dict key or set member in Python.
func Hashable(v any) bool {
	switch t := v.(type) {
	case nil, bool, int64, float64, string, Unsafe:
		return true
	case Tuple:
		for _, e := range t {
			if !Hashable(e) {
				return false
			}
		}
		return true
	}
	return false
}

type tupleKey string

// hashKey maps a key to a comparable Go value such that keys Python treats
// as equal (1, 1.0 and True; 'a' and unsafe 'a') share it.
func hashKey(k any) any {
	switch t := k.(type) {
	case bool:
		if t {
			return int64(1)
		}
		return int64(0)
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<62 {
			return int64(t)
		}
		return t
	case Unsafe:
		return string(t)
	case int:
		return int64(t)
	case Tuple:
		var b strings.Builder
		for _, e := range t {
			fmt.Fprintf(&b, "%T:%v,", hashKey(e), hashKey(e))
		}
		return tupleKey(b.String())
	case nil, int64, string:
		return k
	}
	return tupleKey(fmt.Sprintf("%T:%p", k, k))
}

// TypeName returns Python's name for v's type.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, int:
		return "int"
	case float64:
		return "float"
	case string, Unsafe:
		return "str"
	case *List:
		return "list"
	case Tuple:
		return "tuple"
	case *Dict:
		return "dict"
	case Undefined:
		return "AnsibleUndefined"
	}
	return fmt.Sprintf("%T", v)
}

// Truth is Python's bool(v).
func Truth(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case int64:
		return t != 0
	case int:
		return t != 0
	case float64:
		return t != 0
	case string:
		return t != ""
	case Unsafe:
		return t != ""
	case *List:
		return len(t.Items) > 0
	case Tuple:
		return len(t) > 0
	case *Dict:
		return t.Len() > 0
	case Undefined:
		return false
	}
	return true
}

// Reprer is implemented by kinds other packages add (a lazily decrypted
// vault value) to say how Python's repr shows them; without it, repr falls
// back to fmt.
type Reprer interface {
	PyRepr() string
}

// Str is Python's str(v).
func Str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case Unsafe:
		return string(t)
	case Undefined:
		return ""
	case Reprer:
		// Python's str() is __str__, which such kinds give as String.
		if st, ok := t.(fmt.Stringer); ok {
			return st.String()
		}
	}
	return Repr(v)
}

// Repr is Python's repr(v).
func Repr(v any) string {
	var b strings.Builder
	writeRepr(&b, v)
	return b.String()
}

func writeRepr(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if t {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case int:
		b.WriteString(strconv.Itoa(t))
	case float64:
		b.WriteString(FloatRepr(t))
	case string:
		b.WriteString(QuoteStr(t))
	case Unsafe:
		b.WriteString(QuoteStr(string(t)))
	case *List:
		b.WriteByte('[')
		for i, e := range t.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e)
		}
		b.WriteByte(']')
	case Tuple:
		b.WriteByte('(')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e)
		}
		if len(t) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case *Dict:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, k)
			b.WriteString(": ")
			writeRepr(b, t.vals[i])
		}
		b.WriteByte('}')
	case Undefined:
		b.WriteString("AnsibleUndefined")
	case Reprer:
		b.WriteString(t.PyRepr())
	case fmt.Stringer:
		b.WriteString(t.String())
	default:
		fmt.Fprint(b, v)
	}
}

// FloatRepr formats f as Python's repr(float): the shortest digits that
// round-trip, positional for exponents -4 < e <= 16, otherwise scientific
// with a two-digit exponent; integral values keep ".0".
func FloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.dddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.ContainsAny(s, ".") {
			s += ".0"
		}
		return s
	}
	sign := "+"
	if exp < 0 {
		sign = "-"
		exp = -exp
	}
	return fmt.Sprintf("%se%s%02d", mant, sign, exp)
}

// QuoteStr quotes s as Python's repr(str) does: single quotes unless s holds
// a single quote and no double quote; non-printable characters escaped.
func QuoteStr(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case !unicode.IsPrint(r) && r != ' ':
			// Python escapes what str.isprintable rejects, which matches
			// Go's unicode.IsPrint (control, format, separators but space).
			switch {
			case r < 0x100:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// Equal is Python's a == b.
func Equal(a, b any) bool {
	if na, ok := number(a); ok {
		if nb, ok := number(b); ok {
			return na == nb
		}
		return false
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case Unsafe:
			return x == string(y)
		}
	case Unsafe:
		return Equal(string(x), b)
	case *List:
		y, ok := b.(*List)
		return ok && seqEqual(x.Items, y.Items)
	case Tuple:
		y, ok := b.(Tuple)
		return ok && seqEqual(x, y)
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			v, ok := y.Get(k)
			if !ok || !Equal(x.vals[i], v) {
				return false
			}
		}
		return true
	case Undefined:
		_, ok := b.(Undefined)
		return ok
	}
	return a == b
}

func seqEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// number returns v as a float64 when it is a Python number (bool included).
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	case int64:
		return float64(t), true
	case int:
		return float64(t), true
	case float64:
		return t, true
	}
	return 0, false
}

// Compare orders a and b as Python's < does: numbers with numbers, strings
// with strings, lists and tuples item by item. It returns -1, 0 or 1, or an
// error worded as Python's TypeError.
func Compare(a, b any) (int, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return cmpOrdered(x, y), nil
		}
	}
	if na, ok := number(a); ok {
		if nb, ok := number(b); ok {
			return cmpOrdered(na, nb), nil
		}
	}
	sa, aok := asString(a)
	sb, bok := asString(b)
	if aok && bok {
		return strings.Compare(sa, sb), nil
	}
	var xa, xb []any
	switch x := a.(type) {
	case *List:
		if y, ok := b.(*List); ok {
			xa, xb = x.Items, y.Items
		}
	case Tuple:
		if y, ok := b.(Tuple); ok {
			xa, xb = x, y
		}
	}
	if xa != nil || xb != nil || isEmptySeqPair(a, b) {
		for i := 0; i < len(xa) && i < len(xb); i++ {
			if Equal(xa[i], xb[i]) {
				continue
			}
			return Compare(xa[i], xb[i])
		}
		return cmpOrdered(len(xa), len(xb)), nil
	}
	return 0, fmt.Errorf("'<' not supported between instances of '%s' and '%s'", TypeName(a), TypeName(b))
}

func isEmptySeqPair(a, b any) bool {
	switch a.(type) {
	case *List:
		_, ok := b.(*List)
		return ok
	case Tuple:
		_, ok := b.(Tuple)
		return ok
	}
	return false
}

func asString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case Unsafe:
		return string(t), true
	}
	return "", false
}

func cmpOrdered[T int | int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// SortedKeys returns d's keys sorted as Python's sorted() would, or an error
// when they cannot be compared.
func SortedKeys(d *Dict) ([]any, error) {
	keys := append([]any(nil), d.keys...)
	var err error
	sort.SliceStable(keys, func(i, j int) bool {
		c, e := Compare(keys[i], keys[j])
		if e != nil && err == nil {
			err = e
		}
		return c < 0
	})
	return keys, err
}
