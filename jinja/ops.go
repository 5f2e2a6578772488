package jinja

import (
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"gplay/pyval"
)

// Mapping is a read-only dict-like value the caller may put into variables
// instead of a *pyval.Dict, so that large structures (hostvars) are
// resolved lazily. Templates see it as a dict.
type Mapping interface {
	Get(key string) (any, bool)
	Keys() []string
}

// PyTypeNamer is optionally implemented by a Mapping (or another foreign
// value) to name its Python type in messages, e.g. hostvars as
// "ansible.vars.hostvars.HostVars" in "'ansible.vars.hostvars.HostVars
// object' has no attribute 'web9'".
type PyTypeNamer interface{ PyTypeName() string }

func typeName(v any) string {
	if n, ok := v.(PyTypeNamer); ok {
		return n.PyTypeName()
	}
	switch v.(type) {
	case *big.Int:
		return "int"
	case Mapping:
		return "dict"
	case *macro:
		return "Macro"
	case *loopObj:
		return "LoopContext"
	case *namespace:
		return "Namespace"
	case *function, *boundMethod:
		return "builtin_function_or_method"
	case dictView:
		return "dict_" + v.(dictView).kind
	case *datetime:
		return "datetime"
	case timedelta:
		return "timedelta"
	}
	return pyval.TypeName(v)
}

// objRepr names an object in undefined messages as Jinja's
// object_type_repr does.
func objRepr(v any) string {
	if v == nil {
		return "None"
	}
	return typeName(v) + " object"
}

func toInt(v any) (int64, bool) {
	switch t := v.(type) {
	case int64:
		return t, true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	case int:
		return int64(t), true
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case *big.Int:
		return bigFloat(t), true
	case int64:
		return float64(t), true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	case int:
		return float64(t), true
	}
	return 0, false
}

func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, bool, int, *big.Int:
		return true
	}
	return false
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

// toText is Python's str(v), failing on undefined.
func toText(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case pyval.Undefined:
		if isLenient(t) {
			return "", nil
		}
		return "", undefErr(t)
	}
	if err := checkNoUndefined(v); err != nil {
		return "", err
	}
	return pyStr(v), nil
}

func checkNoUndefined(v any) error {
	switch t := v.(type) {
	case pyval.Undefined:
		if isLenient(t) {
			return nil
		}
		return undefErr(t)
	case *pyval.List:
		for _, e := range t.Items {
			if err := checkNoUndefined(e); err != nil {
				return err
			}
		}
	case pyval.Tuple:
		for _, e := range t {
			if err := checkNoUndefined(e); err != nil {
				return err
			}
		}
	case *pyval.Dict:
		for _, e := range t.Values() {
			if err := checkNoUndefined(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// pyStr is str(v) for every kind this package knows.
func pyStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case Mapping:
		return pyval.Repr(mappingToDict(t))
	case *macro:
		return "<Macro '" + t.name + "'>"
	case dictView:
		return t.String()
	}
	return pyval.Str(v)
}

func pyRepr(v any) string {
	switch t := v.(type) {
	case Mapping:
		return pyval.Repr(mappingToDict(t))
	case *macro, dictView:
		return pyStr(t)
	}
	return pyval.Repr(v)
}

func mappingToDict(m Mapping) *pyval.Dict {
	keys := m.Keys()
	d := pyval.NewDict(len(keys))
	for _, k := range keys {
		v, _ := m.Get(k)
		d.Set(k, v)
	}
	return d
}

// dictView is dict.keys()/values()/items().
type dictView struct {
	kind string
	d    *pyval.Dict
}

func (v dictView) items() []any {
	switch v.kind {
	case "keys":
		return append([]any(nil), v.d.Keys()...)
	case "values":
		return append([]any(nil), v.d.Values()...)
	}
	out := make([]any, 0, v.d.Len())
	v.d.Range(func(k, x any) bool {
		out = append(out, pyval.Tuple{k, x})
		return true
	})
	return out
}

func (v dictView) String() string {
	return "dict_" + v.kind + "(" + pyval.Repr(pyval.NewList(v.items()...)) + ")"
}

// iterate returns the items Python's iter(v) yields.
func iterate(v any) ([]any, error) {
	switch t := v.(type) {
	case *pyval.List:
		return t.Items, nil
	case pyval.Tuple:
		return t, nil
	case *pyval.Dict:
		return t.Keys(), nil
	case Mapping:
		ks := t.Keys()
		out := make([]any, len(ks))
		for i, k := range ks {
			out[i] = k
		}
		return out, nil
	case string:
		return strChars(t), nil
	case pyval.Unsafe:
		return strChars(string(t)), nil
	case dictView:
		return t.items(), nil
	case pyval.Undefined:
		if isLenient(t) {
			return nil, nil
		}
		return nil, undefErr(t)
	}
	return nil, typeErr("'%s' object is not iterable", typeName(v))
}

func strChars(s string) []any {
	out := make([]any, 0, len(s))
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

func length(v any) (int, error) {
	switch t := v.(type) {
	case string:
		return utf8.RuneCountInString(t), nil
	case pyval.Unsafe:
		return utf8.RuneCountInString(string(t)), nil
	case *pyval.List:
		return len(t.Items), nil
	case pyval.Tuple:
		return len(t), nil
	case *pyval.Dict:
		return t.Len(), nil
	case Mapping:
		return len(t.Keys()), nil
	case dictView:
		return t.d.Len(), nil
	case pyval.Undefined:
		if isLenient(t) {
			return 0, nil
		}
		return 0, undefErr(t)
	}
	return 0, typeErr("object of type '%s' has no len()", typeName(v))
}

func truth(v any) (bool, error) {
	switch t := v.(type) {
	case pyval.Undefined:
		if isLenient(t) {
			return false, nil
		}
		return false, undefErr(t)
	case Mapping:
		return len(t.Keys()) > 0, nil
	case dictView:
		return t.d.Len() > 0, nil
	}
	return pyval.Truth(v), nil
}

func equal(a, b any) bool {
	if ab, ok := a.(*big.Int); ok {
		return bigCmp(ab, b) == 0
	}
	if bb, ok := b.(*big.Int); ok {
		return bigCmp(bb, a) == 0
	}
	if m, ok := a.(Mapping); ok {
		a = mappingToDict(m)
	}
	if m, ok := b.(Mapping); ok {
		b = mappingToDict(m)
	}
	return pyval.Equal(a, b)
}

func compare(op string, a, b any) (bool, error) {
	if u, ok := a.(pyval.Undefined); ok {
		return false, undefErr(u)
	}
	if u, ok := b.(pyval.Undefined); ok {
		return false, undefErr(u)
	}
	switch op {
	case "==":
		return equal(a, b), nil
	case "!=":
		return !equal(a, b), nil
	case "in":
		return contains2(b, a)
	case "notin":
		r, err := contains2(b, a)
		return !r, err
	}
	if ab, ok := a.(*big.Int); ok && isNumber(b) {
		return cmpResult(op, bigCmp(ab, b)), nil
	}
	if bb, ok := b.(*big.Int); ok && isNumber(a) {
		return cmpResult(op, -bigCmp(bb, a)), nil
	}
	c, err := pyval.Compare(a, b)
	if err != nil {
		// pyval names the innermost pair that failed, as Python does
		return false, typeErr("%s", strings.Replace(err.Error(), "'<'", "'"+op+"'", 1))
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	}
	return c >= 0, nil
}

func cmpResult(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// bigCmp compares a big int with any number; 2 means not comparable.
func bigCmp(a *big.Int, b any) int {
	if bb, ok := toBig(b); ok {
		return a.Cmp(bb)
	}
	if f, ok := b.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return new(big.Float).SetInt(a).Cmp(big.NewFloat(f))
	}
	if f, ok := b.(float64); ok && math.IsInf(f, 0) {
		if f > 0 {
			return -1
		}
		return 1
	}
	return 2
}

// contains2 is Python's `item in container`.
func contains2(container, item any) (bool, error) {
	if u, ok := container.(pyval.Undefined); ok {
		return false, undefErr(u)
	}
	if u, ok := item.(pyval.Undefined); ok {
		return false, undefErr(u)
	}
	switch c := container.(type) {
	case string, pyval.Unsafe:
		cs, _ := asStr(c)
		s, ok := asStr(item)
		if !ok {
			return false, typeErr("'in <string>' requires string as left operand, not %s", typeName(item))
		}
		return strings.Contains(cs, s), nil
	case *pyval.Dict:
		if !pyval.Hashable(item) {
			return false, typeErr("unhashable type: '%s'", typeName(item))
		}
		return c.Has(item), nil
	case Mapping:
		s, ok := asStr(item)
		if !ok {
			return false, nil
		}
		_, has := c.Get(s)
		return has, nil
	case dictView:
		for _, x := range c.items() {
			if equal(x, item) {
				return true, nil
			}
		}
		return false, nil
	case *pyval.List, pyval.Tuple:
		items, _ := iterate(c)
		for _, x := range items {
			if equal(x, item) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, typeErr("argument of type '%s' is not iterable", typeName(container))
}

func undefinedAttr(obj any, name string) pyval.Undefined {
	return pyval.Undefined{Name: name, Hint: "'" + objRepr(obj) + "' has no attribute '" + name + "'"}
}

func undefinedElem(obj any, key any) pyval.Undefined {
	if s, ok := asStr(key); ok {
		return undefinedAttr(obj, s)
	}
	return pyval.Undefined{Hint: objRepr(obj) + " has no element " + pyRepr(key)}
}

// isUnsafe reports whether v is or holds an unsafe string (dict values and
// list items, as AnsibleContext._is_unsafe looks).
func isUnsafe(v any, depth int) bool {
	if depth > 100 {
		return false
	}
	switch t := v.(type) {
	case pyval.Unsafe:
		return true
	case *pyval.List:
		for _, x := range t.Items {
			if isUnsafe(x, depth+1) {
				return true
			}
		}
	case *pyval.Dict:
		for _, x := range t.Values() {
			if isUnsafe(x, depth+1) {
				return true
			}
		}
	}
	return false
}

// wrapUnsafe is Ansible's wrap_var: strings become unsafe, containers are
// copied with their strings (and dict keys) wrapped.
func wrapUnsafe(v any, depth int) any {
	if depth > 100 {
		return v
	}
	switch t := v.(type) {
	case string:
		return pyval.Unsafe(t)
	case *pyval.List:
		out := make([]any, len(t.Items))
		for i, x := range t.Items {
			out[i] = wrapUnsafe(x, depth+1)
		}
		return pyval.NewList(out...)
	case pyval.Tuple:
		out := make(pyval.Tuple, len(t))
		for i, x := range t {
			out[i] = wrapUnsafe(x, depth+1)
		}
		return out
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool {
			d.Set(wrapUnsafe(k, depth+1), wrapUnsafe(x, depth+1))
			return true
		})
		return d
	}
	return v
}

// lenientName marks Jinja's base Undefined (an inline if without else):
// it prints as "" and iterates as empty instead of failing.
const lenientName = "\x00lenient"

func isLenient(v any) bool {
	u, ok := v.(pyval.Undefined)
	return ok && u.Name == lenientName
}

// getAttr is Jinja's environment.getattr: Python attribute first, then item.
func getAttr(obj any, name string) any {
	switch t := obj.(type) {
	case pyval.Undefined:
		return t
	case *loopObj:
		if v, ok := t.attr(name); ok {
			return v
		}
	case *namespace:
		if v, ok := t.d.Get(name); ok {
			return v
		}
	case *macro:
		if v, ok := t.attr(name); ok {
			return v
		}
	case *datetime:
		if v, ok := t.attr(name); ok {
			return v
		}
	case timedelta:
		if v, ok := t.attr(name); ok {
			return v
		}
	case *cycler:
		if name == "current" {
			return t.items[t.pos]
		}
	}
	if hasMethod(obj, name) {
		return &boundMethod{recv: obj, name: name}
	}
	switch t := obj.(type) {
	case *pyval.Dict:
		if v, ok := t.Get(name); ok {
			return v
		}
	case Mapping:
		if v, ok := t.Get(name); ok {
			return v
		}
	}
	return undefinedAttr(obj, name)
}

// getItem is Jinja's environment.getitem: item first, then attribute.
func getItem(obj, key any) (any, error) {
	switch t := obj.(type) {
	case pyval.Undefined:
		return t, nil
	case *pyval.Dict:
		if !pyval.Hashable(key) {
			return undefinedElem(obj, key), nil // Jinja's getitem swallows the TypeError
		}
		if v, ok := t.Get(key); ok {
			return v, nil
		}
	case Mapping:
		if s, ok := asStr(key); ok {
			if v, ok := t.Get(s); ok {
				return v, nil
			}
		}
	case *pyval.List, pyval.Tuple, string, pyval.Unsafe:
		if i, ok := toInt(key); ok {
			items, _ := iterate(obj)
			n := int64(len(items))
			if i < 0 {
				i += n
			}
			if i >= 0 && i < n {
				return items[i], nil
			}
			return undefinedElem(obj, key), nil
		}
	case *loopObj, *namespace, *macro:
		if s, ok := asStr(key); ok {
			return getAttr(obj, s), nil
		}
	}
	if s, ok := asStr(key); ok {
		return getAttr(obj, s), nil
	}
	return undefinedElem(obj, key), nil
}

func sliceIndices(n int, lo, hi, step any) (int, int, int, error) {
	st := 1
	if step != nil {
		s, ok := toInt(step)
		if !ok {
			return 0, 0, 0, typeErr("slice indices must be integers or None or have an __index__ method")
		}
		if s == 0 {
			return 0, 0, 0, rtErr("slice step cannot be zero")
		}
		st = int(s)
	}
	conv := func(v any, def int) (int, error) {
		if v == nil {
			return def, nil
		}
		i, ok := toInt(v)
		if !ok {
			return 0, typeErr("slice indices must be integers or None or have an __index__ method")
		}
		x := int(i)
		if x < 0 {
			x += n
			if x < 0 {
				if st < 0 {
					x = -1
				} else {
					x = 0
				}
			}
		} else if x >= n {
			if st < 0 {
				x = n - 1
			} else {
				x = n
			}
		}
		return x, nil
	}
	var a, b int
	var err error
	if st > 0 {
		if a, err = conv(lo, 0); err != nil {
			return 0, 0, 0, err
		}
		if b, err = conv(hi, n); err != nil {
			return 0, 0, 0, err
		}
	} else {
		if a, err = conv(lo, n-1); err != nil {
			return 0, 0, 0, err
		}
		if b, err = conv(hi, -1); err != nil {
			return 0, 0, 0, err
		}
		if hi == nil {
			b = -1
		}
	}
	return a, b, st, nil
}

func sliceItems(items []any, lo, hi, step any) ([]any, error) {
	a, b, st, err := sliceIndices(len(items), lo, hi, step)
	if err != nil {
		return nil, err
	}
	var out []any
	if st > 0 {
		for i := a; i < b; i += st {
			out = append(out, items[i])
		}
	} else {
		for i := a; i > b; i += st {
			out = append(out, items[i])
		}
	}
	return out, nil
}

func doSlice(obj, lo, hi, step any) (any, error) {
	switch t := obj.(type) {
	case pyval.Undefined:
		return t, nil
	case *pyval.List:
		out, err := sliceItems(t.Items, lo, hi, step)
		if err != nil {
			return nil, err
		}
		return pyval.NewList(out...), nil
	case pyval.Tuple:
		out, err := sliceItems(t, lo, hi, step)
		return pyval.Tuple(out), err
	case string, pyval.Unsafe:
		s, _ := asStr(t)
		rs := []rune(s)
		items := make([]any, len(rs))
		for i, r := range rs {
			items[i] = r
		}
		out, err := sliceItems(items, lo, hi, step)
		if err != nil {
			return nil, err
		}
		b := make([]rune, len(out))
		for i, r := range out {
			b[i] = r.(rune)
		}
		return string(b), nil
	}
	return undefinedElem(obj, "slice"), nil
}

// ---- arithmetic ----

func binaryOp(op string, a, b any) (any, error) {
	if u, ok := a.(pyval.Undefined); ok {
		return nil, undefErr(u)
	}
	if u, ok := b.(pyval.Undefined); ok {
		return nil, undefErr(u)
	}
	if r, ok, err := timeOp(op, a, b); ok {
		return r, err
	}
	if op == "~" {
		sa, err := toText(a)
		if err != nil {
			return nil, err
		}
		sb, err := toText(b)
		if err != nil {
			return nil, err
		}
		return sa + sb, nil
	}
	ai, aInt := toInt(a)
	bi, bInt := toInt(b)
	if aInt && bInt {
		return intOp(op, ai, bi)
	}
	if x, ok := toBig(a); ok {
		if y, ok := toBig(b); ok {
			return bigIntOp(op, x, y)
		}
	}
	af, aNum := toFloat(a)
	bf, bNum := toFloat(b)
	if aNum && bNum {
		return floatOp(op, af, bf)
	}
	sa, aStr := asStr(a)
	switch op {
	case "+":
		if aStr {
			if sb, ok := asStr(b); ok {
				return sa + sb, nil
			}
			return nil, typeErr("can only concatenate str (not \"%s\") to str", typeName(b))
		}
		switch x := a.(type) {
		case *pyval.List:
			if y, ok := b.(*pyval.List); ok {
				out := make([]any, 0, len(x.Items)+len(y.Items))
				out = append(append(out, x.Items...), y.Items...)
				return pyval.NewList(out...), nil
			}
			return nil, typeErr("can only concatenate list (not \"%s\") to list", typeName(b))
		case pyval.Tuple:
			if y, ok := b.(pyval.Tuple); ok {
				out := make(pyval.Tuple, 0, len(x)+len(y))
				return append(append(out, x...), y...), nil
			}
			return nil, typeErr("can only concatenate tuple (not \"%s\") to tuple", typeName(b))
		}
	case "*":
		if n, ok := toInt(b); ok {
			if r, ok := repeat(a, n); ok {
				if r == nil {
					return nil, sizeErr(maxSize + 1)
				}
				return r, nil
			}
		}
		if n, ok := toInt(a); ok {
			if r, ok := repeat(b, n); ok {
				if r == nil {
					return nil, sizeErr(maxSize + 1)
				}
				return r, nil
			}
		}
		if _, ok := repeat(a, 0); ok {
			return nil, typeErr("can't multiply sequence by non-int of type '%s'", typeName(b))
		}
		if _, ok := repeat(b, 0); ok {
			return nil, typeErr("can't multiply sequence by non-int of type '%s'", typeName(a))
		}
	case "%":
		if aStr {
			return percentFormat(sa, b)
		}
	}
	sym := op
	if op == "**" {
		return nil, typeErr("unsupported operand type(s) for ** or pow(): '%s' and '%s'", typeName(a), typeName(b))
	}
	return nil, typeErr("unsupported operand type(s) for %s: '%s' and '%s'", sym, typeName(a), typeName(b))
}

func repeat(v any, n int64) (any, bool) {
	if n < 0 {
		n = 0
	}
	switch t := v.(type) {
	case string:
		if sizeErr(int64(len(t))*n) != nil || sizeErr(n) != nil {
			return nil, true
		}
		return strings.Repeat(t, int(n)), true
	case *pyval.List:
		if sizeErr(int64(len(t.Items))*n) != nil || sizeErr(n) != nil {
			return nil, true
		}
		out := make([]any, 0, len(t.Items)*int(n))
		for i := int64(0); i < n; i++ {
			out = append(out, t.Items...)
		}
		return pyval.NewList(out...), true
	case pyval.Tuple:
		if sizeErr(int64(len(t))*n) != nil || sizeErr(n) != nil {
			return nil, true
		}
		out := make(pyval.Tuple, 0, len(t)*int(n))
		for i := int64(0); i < n; i++ {
			out = append(out, t...)
		}
		return out, true
	}
	return nil, false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func intOp(op string, a, b int64) (any, error) {
	switch op {
	case "+":
		r := a + b
		if (r > a) == (b > 0) {
			return r, nil
		}
		return bigIntOp(op, big.NewInt(a), big.NewInt(b))
	case "-":
		r := a - b
		if (r < a) == (b > 0) {
			return r, nil
		}
		return bigIntOp(op, big.NewInt(a), big.NewInt(b))
	case "*":
		if a == 0 || b == 0 {
			return int64(0), nil
		}
		r := a * b
		if r/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64) {
			return r, nil
		}
		return bigIntOp(op, big.NewInt(a), big.NewInt(b))
	case "/":
		if b == 0 {
			return nil, zeroDiv("division by zero")
		}
		return float64(a) / float64(b), nil
	case "//":
		if b == 0 {
			return nil, zeroDiv("integer division or modulo by zero")
		}
		return floorDiv(a, b), nil
	case "%":
		if b == 0 {
			return nil, zeroDiv("integer modulo by zero")
		}
		return a - floorDiv(a, b)*b, nil
	case "**":
		if b < 0 {
			if a == 0 {
				return nil, rtErr("0.0 cannot be raised to a negative power")
			}
			return math.Pow(float64(a), float64(b)), nil
		}
		r := int64(1)
		base := a
		e := b
		for e > 0 {
			if e&1 == 1 {
				nr := r * base
				if base != 0 && nr/base != r {
					return bigIntOp(op, big.NewInt(a), big.NewInt(b))
				}
				r = nr
			}
			e >>= 1
			if e > 0 {
				nb := base * base
				if base != 0 && nb/base != base {
					return bigIntOp(op, big.NewInt(a), big.NewInt(b))
				}
				base = nb
			}
		}
		return r, nil
	}
	return nil, rtErr("bad operator %s", op)
}

func floatOp(op string, a, b float64) (any, error) {
	switch op {
	case "+":
		return a + b, nil
	case "-":
		return a - b, nil
	case "*":
		return a * b, nil
	case "/":
		if b == 0 {
			return nil, zeroDiv("float division by zero")
		}
		return a / b, nil
	case "//":
		if b == 0 {
			return nil, zeroDiv("float floor division by zero")
		}
		return math.Floor(a / b), nil
	case "%":
		if b == 0 {
			return nil, zeroDiv("float modulo")
		}
		m := math.Mod(a, b)
		if m != 0 && (m < 0) != (b < 0) {
			m += b
		}
		return m, nil
	case "**":
		if a == 0 && b < 0 {
			return nil, rtErr("0.0 cannot be raised to a negative power")
		}
		return math.Pow(a, b), nil
	}
	return nil, rtErr("bad operator %s", op)
}

func unaryOp(op string, v any) (any, error) {
	if u, ok := v.(pyval.Undefined); ok {
		return nil, undefErr(u)
	}
	if i, ok := toInt(v); ok {
		if op == "-" {
			if i == math.MinInt64 {
				return new(big.Int).Neg(big.NewInt(i)), nil
			}
			return -i, nil
		}
		return i, nil
	}
	if b, ok := v.(*big.Int); ok {
		if op == "-" {
			return normInt(new(big.Int).Neg(b)), nil
		}
		return b, nil
	}
	if f, ok := v.(float64); ok {
		if op == "-" {
			return -f, nil
		}
		return f, nil
	}
	return nil, typeErr("bad operand type for unary %s: '%s'", op, typeName(v))
}

func zeroDiv(msg string) error {
	return &Error{Kind: ErrRuntime, Msg: msg, pyClass: "ZeroDivisionError"}
}
