package jinja

import (
	"html"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gplay/pyval"
)

type filterFunc func(s *state, v any, args []any, kw *kwargs) (any, error)
type testFunc func(s *state, v any, args []any, kw *kwargs) (bool, error)

// noDefault marks a required parameter in bind.
var noDefault = &struct{ x int }{}

// bind matches positional and keyword arguments to a Python-style
// signature: names[0] is the first parameter after the filtered value;
// defs are the defaults of the trailing parameters.
func bind(fname string, args []any, kw *kwargs, names []string, defs ...any) ([]any, error) {
	if len(args) > len(names) {
		return nil, typeErr("%s() takes at most %d positional arguments (%d given)", fname, len(names)+1, len(args)+1)
	}
	out := make([]any, len(names))
	set := make([]bool, len(names))
	for i, a := range args {
		out[i], set[i] = a, true
	}
	if kw != nil {
		for i, n := range kw.names {
			found := false
			for j, pn := range names {
				if pn == n {
					if set[j] {
						return nil, typeErr("%s() got multiple values for argument '%s'", fname, n)
					}
					out[j], set[j], found = kw.vals[i], true, true
				}
			}
			if !found {
				return nil, typeErr("%s() got an unexpected keyword argument '%s'", fname, n)
			}
		}
	}
	nd := len(names) - len(defs)
	for i := range names {
		if set[i] {
			continue
		}
		if i < nd {
			return nil, typeErr("%s() missing 1 required positional argument: '%s'", fname, names[i])
		}
		out[i] = defs[i-nd]
	}
	for i, v := range out {
		if v == noDefault && !set[i] {
			return nil, typeErr("%s() missing 1 required positional argument: '%s'", fname, names[i])
		}
	}
	return out, nil
}

// undefinedOK lists filters that accept an undefined value; every other
// filter fails on one, as Jinja's StrictUndefined does when touched.
var undefinedOK = map[string]bool{"default": true, "d": true, "mandatory": true, "type_debug": true}

func builtinFilters() map[string]filterFunc {
	m := map[string]filterFunc{
		"abs":            fAbs,
		"attr":           fAttr,
		"batch":          fBatch,
		"capitalize":     strFilter(pyCapitalize),
		"center":         fCenter,
		"count":          fLength,
		"d":              fDefault,
		"default":        fDefault,
		"dictsort":       fDictsort,
		"e":              fEscape,
		"escape":         fEscape,
		"first":          fFirst,
		"float":          fFloat,
		"forceescape":    fEscape,
		"format":         fFormat,
		"groupby":        fGroupby,
		"indent":         fIndent,
		"int":            fInt,
		"items":          fItems,
		"join":           fJoin,
		"last":           fLast,
		"length":         fLength,
		"list":           fList,
		"lower":          strFilter(pyLower),
		"map":            fMap,
		"max":            fMinMax(false),
		"min":            fMinMax(true),
		"pprint":         func(s *state, v any, a []any, k *kwargs) (any, error) { return sortedRepr(v), nil },
		"reject":         fSelect(false, false),
		"rejectattr":     fSelect(false, true),
		"replace":        fReplace,
		"reverse":        fReverse,
		"round":          fRound,
		"safe":           func(s *state, v any, a []any, k *kwargs) (any, error) { return toText(v) },
		"select":         fSelect(true, false),
		"selectattr":     fSelect(true, true),
		"slice":          fSlice,
		"sort":           fSort,
		"string":         func(s *state, v any, a []any, k *kwargs) (any, error) { return toText(v) },
		"striptags":      fStriptags,
		"sum":            fSum,
		"title":          strFilter(jinjaTitle),
		"xmlattr":        fXmlattr,
		"tojson":         fTojson,
		"trim":           fTrim,
		"truncate":       fTruncate,
		"unique":         fUnique,
		"upper":          strFilter(pyUpper),
		"urlencode":      fUrlencode,
		"wordcount":      fWordcount,
		"wordwrap":       fWordwrap,
		"filesizeformat": fFilesizeformat,
	}
	for k, v := range ansibleFilters() {
		m[k] = v
	}
	// Wrap: undefined input fails unless the filter handles it.
	for name, fn := range m {
		if undefinedOK[name] {
			continue
		}
		fn := fn
		m[name] = func(s *state, v any, args []any, kw *kwargs) (any, error) {
			if u, ok := v.(pyval.Undefined); ok {
				return nil, undefErr(u)
			}
			return fn(s, v, args, kw)
		}
	}
	return m
}

func strFilter(f func(string) string) filterFunc {
	return func(s *state, v any, args []any, kw *kwargs) (any, error) {
		str, err := toText(v)
		if err != nil {
			return nil, err
		}
		return f(str), nil
	}
}

func fAbs(s *state, v any, args []any, kw *kwargs) (any, error) {
	switch t := v.(type) {
	case int64:
		if t < 0 {
			return -t, nil
		}
		return t, nil
	case bool:
		i, _ := toInt(t)
		return i, nil
	case float64:
		return math.Abs(t), nil
	}
	return nil, typeErr("bad operand type for abs(): '%s'", typeName(v))
}

func fAttr(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("attr", args, kw, []string{"name"})
	if err != nil {
		return nil, err
	}
	name, err := toText(a[0])
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case *pyval.Dict, Mapping:
		if hasMethod(t, name) {
			return &boundMethod{recv: t, name: name}, nil
		}
		return undefinedAttr(v, name), nil
	}
	return getAttr(v, name), nil
}

func fBatch(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("batch", args, kw, []string{"linecount", "fill_with"}, nil)
	if err != nil {
		return nil, err
	}
	n, err := intArg(a[0])
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, rtErr("batch size must be positive")
	}
	if err := sizeErr(int64(n)); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	var out []any
	for i := 0; i < len(items); i += n {
		end := min(i+n, len(items))
		chunk := append([]any(nil), items[i:end]...)
		if end-i < n && a[1] != nil {
			for len(chunk) < n {
				chunk = append(chunk, a[1])
			}
		}
		out = append(out, pyval.NewList(chunk...))
	}
	return pyval.NewList(out...), nil
}

func fCenter(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("center", args, kw, []string{"width"}, int64(80))
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	w, err := intArg(a[0])
	if err != nil {
		return nil, err
	}
	if err := sizeErr(int64(w)); err != nil {
		return nil, err
	}
	return pad(str, w, " ", "center"), nil
}

func fLength(s *state, v any, args []any, kw *kwargs) (any, error) {
	n, err := length(v)
	return int64(n), err
}

func fDefault(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("default", args, kw, []string{"default_value", "boolean"}, "", false)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(pyval.Undefined); ok {
		return a[0], nil
	}
	if pyval.Truth(a[1]) {
		t, _ := truth(v)
		if !t {
			return a[0], nil
		}
	}
	return v, nil
}

// sortKey prepares a value for case-insensitive comparison.
func sortKey(v any, caseSensitive bool) any {
	if !caseSensitive {
		if str, ok := asStr(v); ok {
			return strings.ToLower(str)
		}
	}
	return v
}

func sortValues(items []any, keyf func(any) (any, error), reverse bool) error {
	keys := make([]any, len(items))
	for i, it := range items {
		k, err := keyf(it)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var serr error
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := keys[idx[i]], keys[idx[j]]
		if reverse {
			a, b = b, a
		}
		c, err := pyval.Compare(a, b)
		if err != nil && serr == nil {
			serr = typeErr("'<' not supported between instances of '%s' and '%s'", typeName(a), typeName(b))
		}
		return c < 0
	})
	if serr != nil {
		return serr
	}
	sorted := make([]any, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
	return nil
}

func fDictsort(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("dictsort", args, kw, []string{"case_sensitive", "by", "reverse"}, false, "key", false)
	if err != nil {
		return nil, err
	}
	d, ok := asDict(v)
	if !ok {
		return nil, typeErr("'%s' object has no attribute 'items'", typeName(v))
	}
	pos := 0
	switch a[1] {
	case "key":
	case "value":
		pos = 1
	default:
		return nil, rtErr("You can only sort by either \"key\" or \"value\"")
	}
	items := dictView{kind: "items", d: d}.items()
	cs := pyval.Truth(a[0])
	err = sortValues(items, func(x any) (any, error) { return sortKey(x.(pyval.Tuple)[pos], cs), nil }, pyval.Truth(a[2]))
	return pyval.NewList(items...), err
}

func asDict(v any) (*pyval.Dict, bool) {
	switch t := v.(type) {
	case *pyval.Dict:
		return t, true
	case Mapping:
		return mappingToDict(t), true
	}
	return nil, false
}

func fEscape(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(str), nil
}

func fFirst(s *state, v any, args []any, kw *kwargs) (any, error) {
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return pyval.Undefined{Hint: "No first item, sequence was empty."}, nil
	}
	return items[0], nil
}

func fLast(s *state, v any, args []any, kw *kwargs) (any, error) {
	items, err := iterate(v)
	if err != nil {
		return nil, typeErr("'%s' object is not reversible", typeName(v)) // next(iter(reversed(seq)))
	}
	if len(items) == 0 {
		return pyval.Undefined{Hint: "No last item, sequence was empty."}, nil
	}
	return items[len(items)-1], nil
}

// pyFloat is Python's float(str).
func pyFloat(str string) (float64, bool) {
	t := strings.TrimFunc(str, pyIsSpace)
	low := strings.ToLower(t)
	switch strings.TrimLeft(low, "+-") {
	case "inf", "infinity":
		if strings.HasPrefix(low, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	if t == "" || strings.ContainsAny(t, "xXpP") || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, false
	}
	return f, true
}

// pyIntStr is Python's int(str, base).
func pyIntStr(str string, base int) (any, bool) {
	if base != 0 && (base < 2 || base > 36) {
		return nil, false // ValueError: int() base must be >= 2 and <= 36, or 0
	}
	t := strings.TrimFunc(str, pyIsSpace)
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	lt := strings.ToLower(t)
	if base == 16 && strings.HasPrefix(lt, "0x") || base == 8 && strings.HasPrefix(lt, "0o") || base == 2 && strings.HasPrefix(lt, "0b") {
		t = t[2:]
	} else if base == 0 {
		switch {
		case strings.HasPrefix(lt, "0x"):
			base, t = 16, t[2:]
		case strings.HasPrefix(lt, "0o"):
			base, t = 8, t[2:]
		case strings.HasPrefix(lt, "0b"):
			base, t = 2, t[2:]
		default:
			base = 10
		}
	}
	if t == "" || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") {
		return nil, false
	}
	t = strings.ReplaceAll(t, "_", "")
	b, ok := new(big.Int).SetString(t, base)
	if !ok {
		return nil, false
	}
	if neg {
		b.Neg(b)
	}
	return normInt(b), true
}

func fFloat(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("float", args, kw, []string{"default"}, 0.0)
	if err != nil {
		return nil, err
	}
	if f, ok := toFloat(v); ok {
		return f, nil
	}
	if str, ok := asStr(v); ok {
		if f, ok := pyFloat(str); ok {
			return f, nil
		}
	}
	return a[0], nil
}

func fInt(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("int", args, kw, []string{"default", "base"}, int64(0), int64(10))
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case int64, *big.Int:
		return t, nil
	case bool:
		i, _ := toInt(t)
		return i, nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return a[0], nil
		}
		if t >= -(1<<63) && t < 1<<63 {
			return int64(t), nil
		}
		b, _ := new(big.Float).SetFloat64(t).Int(nil)
		return normInt(b), nil
	}
	if str, ok := asStr(v); ok {
		base, _ := toInt(a[1])
		if r, ok := pyIntStr(str, int(base)); ok {
			return r, nil
		}
		if f, ok := pyFloat(str); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return int64(f), nil
		}
	}
	return a[0], nil
}

func fItems(s *state, v any, args []any, kw *kwargs) (any, error) {
	d, ok := asDict(v)
	if !ok {
		return nil, typeErr("Can only get item pairs from a mapping.")
	}
	return pyval.NewList(dictView{kind: "items", d: d}.items()...), nil
}

// attrGetter is Jinja's make_attrgetter: dotted paths, integer parts
// index sequences.
func attrGetter(attr any, def any, hasDef bool) func(any) (any, error) {
	var parts []any
	if str, ok := asStr(attr); ok {
		for _, p := range strings.Split(str, ".") {
			if n, err := strconv.Atoi(p); err == nil {
				parts = append(parts, int64(n))
			} else {
				parts = append(parts, p)
			}
		}
	} else {
		parts = []any{attr}
	}
	return func(v any) (any, error) {
		for _, p := range parts {
			var err error
			v, err = getItem(v, p)
			if err != nil {
				return nil, err
			}
			if _, ok := v.(pyval.Undefined); ok && hasDef {
				return def, nil
			}
		}
		return v, nil
	}
}

func fJoin(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("join", args, kw, []string{"d", "attribute"}, "", nil)
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	sep, err := toText(a[0])
	if err != nil {
		return nil, err
	}
	parts := make([]string, len(items))
	for i, it := range items {
		if a[1] != nil {
			if it, err = attrGetter(a[1], nil, false)(it); err != nil {
				return nil, err
			}
		}
		if parts[i], err = toText(it); err != nil {
			return nil, err
		}
	}
	return strings.Join(parts, sep), nil
}

func fList(s *state, v any, args []any, kw *kwargs) (any, error) {
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	return pyval.NewList(append([]any(nil), items...)...), nil
}

func fMap(s *state, v any, args []any, kw *kwargs) (any, error) {
	if !pyval.Truth(v) {
		return pyval.NewList(), nil // do_map: `if value:`
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(items))
	if len(args) == 0 {
		attr, ok := kw.get("attribute")
		if !ok {
			return pyval.NewList(items...), nil
		}
		def, hasDef := kw.get("default")
		get := attrGetter(attr, def, hasDef)
		for _, it := range items {
			r, err := get(it)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return pyval.NewList(out...), nil
	}
	name, ok := asStr(args[0])
	if !ok {
		return nil, typeErr("map filter name must be a string")
	}
	fn, ok := s.env.filters[name]
	if !ok {
		return nil, rtErr("No filter named '%s'.", name)
	}
	for _, it := range items {
		r, err := fn(s, it, args[1:], kw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return pyval.NewList(out...), nil
}

func fMinMax(isMin bool) filterFunc {
	return func(s *state, v any, args []any, kw *kwargs) (any, error) {
		a, err := bind("min", args, kw, []string{"case_sensitive", "attribute"}, false, nil)
		if err != nil {
			return nil, err
		}
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return pyval.Undefined{Hint: "No aggregated item, sequence was empty."}, nil
		}
		cs := pyval.Truth(a[0])
		var get func(any) (any, error)
		if a[1] != nil {
			get = attrGetter(a[1], nil, false)
		}
		best := items[0]
		bk := best
		if get != nil {
			if bk, err = get(best); err != nil {
				return nil, err
			}
		}
		bk = sortKey(bk, cs)
		for _, it := range items[1:] {
			k := it
			if get != nil {
				if k, err = get(it); err != nil {
					return nil, err
				}
			}
			k = sortKey(k, cs)
			c, err := pyval.Compare(k, bk)
			if err != nil {
				return nil, typeErr("'<' not supported between instances of '%s' and '%s'", typeName(k), typeName(bk))
			}
			if isMin && c < 0 || !isMin && c > 0 {
				best, bk = it, k
			}
		}
		return best, nil
	}
}

func fSelect(keep, byAttr bool) filterFunc {
	return func(s *state, v any, args []any, kw *kwargs) (any, error) {
		if !pyval.Truth(v) {
			return pyval.NewList(), nil // select_or_reject: `if seq:`
		}
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		var get func(any) (any, error)
		if byAttr {
			if len(args) == 0 {
				return nil, typeErr("Missing parameter for attribute name")
			}
			get = attrGetter(args[0], nil, false)
			args = args[1:]
		}
		var test testFunc
		if len(args) > 0 {
			name, ok := asStr(args[0])
			if !ok {
				return nil, typeErr("test name must be a string")
			}
			t, ok := s.env.tests[name]
			if !ok {
				return nil, rtErr("No test named '%s'.", name)
			}
			test = t
			args = args[1:]
		}
		out := []any{}
		for _, it := range items {
			x := it
			if get != nil {
				if x, err = get(it); err != nil {
					return nil, err
				}
			}
			var ok bool
			if test != nil {
				if ok, err = test(s, x, args, kw); err != nil {
					return nil, err
				}
			} else if ok, err = truth(x); err != nil {
				return nil, err
			}
			if ok == keep {
				out = append(out, it)
			}
		}
		return pyval.NewList(out...), nil
	}
}

func fReplace(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("replace", args, kw, []string{"old", "new", "count"}, nil)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	old, err := toText(a[0])
	if err != nil {
		return nil, err
	}
	nw, err := toText(a[1])
	if err != nil {
		return nil, err
	}
	n := -1
	if a[2] != nil {
		if n, err = intArg(a[2]); err != nil {
			return nil, err
		}
	}
	return strings.Replace(str, old, nw, n), nil
}

func fReverse(s *state, v any, args []any, kw *kwargs) (any, error) {
	if str, ok := asStr(v); ok {
		rs := []rune(str)
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		return string(rs), nil
	}
	items, err := iterate(v)
	if err != nil {
		return nil, typeErr("argument must be iterable")
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it
	}
	return pyval.NewList(out...), nil
}

// pyRound is Python's round(x, ndigits) for floats: correctly rounded
// half-to-even on the decimal value.
func pyRound(f float64, nd int) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if nd >= 0 {
		// exact decimal of the binary value decides ties as CPython does
		exact := new(big.Float).SetPrec(2000).SetFloat64(f).Text('f', 1100)
		r := roundDecimalString(exact, nd)
		v, _ := strconv.ParseFloat(r, 64)
		return v
	}
	_ = s
	p := math.Pow(10, float64(-nd))
	return math.RoundToEven(f/p) * p
}

func roundDecimalString(s string, nd int) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	ip, fp, _ := strings.Cut(s, ".")
	for len(fp) < nd+1 {
		fp += "0"
	}
	keep := ip + fp[:nd]
	rest := fp[nd:]
	up := false
	switch {
	case rest[0] > '5':
		up = true
	case rest[0] == '5':
		if strings.TrimRight(rest[1:], "0") != "" {
			up = true
		} else {
			last := keep[len(keep)-1]
			up = (last-'0')%2 == 1
		}
	}
	digits := []byte(keep)
	if up {
		i := len(digits) - 1
		for i >= 0 {
			if digits[i] == '9' {
				digits[i] = '0'
				i--
				continue
			}
			digits[i]++
			break
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		}
	}
	ipLen := len(digits) - nd
	out := string(digits[:ipLen])
	if nd > 0 {
		out += "." + string(digits[ipLen:])
	}
	if neg {
		out = "-" + out
	}
	return out
}

func fRound(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("round", args, kw, []string{"precision", "method"}, int64(0), "common")
	if err != nil {
		return nil, err
	}
	prec, err := intArg(a[0])
	if err != nil {
		return nil, err
	}
	method, _ := asStr(a[1])
	switch method {
	case "common":
		if i, ok := toInt(v); ok {
			if _, isFloat := v.(float64); !isFloat {
				return i, nil // round() of an int (or bool) is an int
			}
		}
		f, ok := toFloat(v)
		if !ok {
			return nil, typeErr("type %s doesn't define __round__ method", typeName(v))
		}
		return pyRound(f, prec), nil
	case "ceil", "floor":
		f, ok := toFloat(v)
		if !ok {
			return nil, typeErr("must be real number, not %s", typeName(v))
		}
		p := math.Pow(10, float64(prec))
		if method == "ceil" {
			return math.Ceil(f*p) / p, nil
		}
		return math.Floor(f*p) / p, nil
	}
	return nil, rtErr("method must be common, ceil or floor")
}

func fSlice(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("slice", args, kw, []string{"slices", "fill_with"}, nil)
	if err != nil {
		return nil, err
	}
	n, err := intArg(a[0])
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, rtErr("slices must be positive")
	}
	if err := sizeErr(int64(n)); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	per := len(items) / n
	extra := len(items) % n
	offset := 0
	var out []any
	for i := 0; i < n; i++ {
		start := offset + i*per
		if i < extra {
			offset++
		}
		end := offset + (i+1)*per
		chunk := append([]any(nil), items[start:end]...)
		if a[1] != nil && i >= extra {
			chunk = append(chunk, a[1])
		}
		out = append(out, pyval.NewList(chunk...))
	}
	return pyval.NewList(out...), nil
}

func fSort(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("sort", args, kw, []string{"reverse", "case_sensitive", "attribute"}, false, false, nil)
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	items = append([]any(nil), items...)
	cs := pyval.Truth(a[1])
	var getters []func(any) (any, error)
	if a[2] != nil {
		if str, ok := asStr(a[2]); ok {
			for _, p := range strings.Split(str, ",") {
				getters = append(getters, attrGetter(strings.TrimSpace(p), nil, false))
			}
		} else {
			getters = append(getters, attrGetter(a[2], nil, false))
		}
	}
	err = sortValues(items, func(x any) (any, error) {
		if getters == nil {
			return sortKey(x, cs), nil
		}
		if len(getters) == 1 {
			k, err := getters[0](x)
			return sortKey(k, cs), err
		}
		t := make(pyval.Tuple, len(getters))
		for i, g := range getters {
			k, err := g(x)
			if err != nil {
				return nil, err
			}
			t[i] = sortKey(k, cs)
		}
		return t, nil
	}, pyval.Truth(a[0]))
	return pyval.NewList(items...), err
}

func fStriptags(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	in := false
	for _, r := range str {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(strings.Join(strings.Fields(b.String()), " ")), nil
}

func fSum(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("sum", args, kw, []string{"attribute", "start"}, nil, int64(0))
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	acc := a[1]
	for _, it := range items {
		if a[0] != nil {
			if it, err = attrGetter(a[0], nil, false)(it); err != nil {
				return nil, err
			}
		}
		if _, isStr := asStr(it); isStr {
			return nil, typeErr("unsupported operand type(s) for +: '%s' and 'str'", typeName(acc))
		}
		if acc, err = binaryOp("+", acc, it); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

func fTrim(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("trim", args, kw, []string{"chars"}, nil)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	return pyStrip(str, a[0], true, true)
}

func fTruncate(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("truncate", args, kw, []string{"length", "killwords", "end", "leeway"}, int64(255), false, "...", nil)
	if err != nil {
		return nil, err
	}
	vlen, err := length(v)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	n, err := intArg(a[0])
	if err != nil {
		return nil, err
	}
	end, err := toText(a[2])
	if err != nil {
		return nil, err
	}
	leeway := 5
	if a[3] != nil {
		if leeway, err = intArg(a[3]); err != nil {
			return nil, err
		}
	}
	endLen := utf8.RuneCountInString(end)
	if n < endLen {
		return nil, rtErr("expected length >= %d, got %d", endLen, n)
	}
	if leeway < 0 {
		return nil, rtErr("expected leeway >= 0, got %d", leeway)
	}
	if vlen <= n+leeway {
		return v, nil
	}
	rs := []rune(str)
	if pyval.Truth(a[1]) {
		return string(rs[:n-endLen]) + end, nil
	}
	cut := string(rs[:n-endLen])
	if i := strings.LastIndex(cut, " "); i >= 0 {
		cut = cut[:i]
	} else {
		cut = ""
	}
	return cut + end, nil
}

func fUnique(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("unique", args, kw, []string{"case_sensitive", "attribute"}, nil, nil)
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	cs := pyval.Truth(a[0])
	var get func(any) (any, error)
	if a[1] != nil {
		get = attrGetter(a[1], nil, false)
	}
	var seen []any
	out := []any{}
	for _, it := range items {
		k := it
		if get != nil {
			if k, err = get(it); err != nil {
				return nil, err
			}
		}
		k = sortKey(k, cs)
		if !pyval.Hashable(k) {
			// Jinja's unique fails on unhashable items; Ansible then uses its
			// own equality-based version unless Jinja-only options were given
			if explicit, _ := kw.get("case_sensitive"); (len(args) > 0 || explicit != nil) && !cs || a[1] != nil {
				return nil, rtErr("Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the parameters supplied. The error was: unhashable type: '%s'", typeName(k))
			}
			return uniqueByEquality(items), nil
		}
		dup := false
		for _, x := range seen {
			if equal(x, k) {
				dup = true
				break
			}
		}
		if !dup {
			seen = append(seen, k)
			out = append(out, it)
		}
	}
	return pyval.NewList(out...), nil
}

func uniqueByEquality(items []any) *pyval.List {
	var out []any
	for _, x := range items {
		dup := false
		for _, y := range out {
			if equal(x, y) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return pyval.NewList(out...)
}

func fUrlencode(s *state, v any, args []any, kw *kwargs) (any, error) {
	enc := func(x any, safe string) (string, error) {
		str, err := toText(x)
		if err != nil {
			return "", err
		}
		return urlQuote(str, safe), nil
	}
	if d, ok := asDict(v); ok {
		var parts []string
		var err error
		d.Range(func(k, x any) bool {
			var ks, vs string
			if ks, err = enc(k, ""); err != nil {
				return false
			}
			if vs, err = enc(x, ""); err != nil {
				return false
			}
			ks = strings.ReplaceAll(ks, "%20", "+")
			vs = strings.ReplaceAll(vs, "%20", "+")
			parts = append(parts, ks+"="+vs)
			return true
		})
		return strings.Join(parts, "&"), err
	}
	if _, isStr := asStr(v); !isStr {
		if items, err := iterate(v); err == nil {
			var parts []string
			for _, it := range items {
				pair, err := iterate(it)
				if err != nil {
					return nil, typeErr("cannot unpack non-iterable %s object", typeName(it))
				}
				if len(pair) != 2 {
					return nil, rtErr("too many values to unpack (expected 2)")
				}
				k, err := enc(pair[0], "")
				if err != nil {
					return nil, err
				}
				x, err := enc(pair[1], "")
				if err != nil {
					return nil, err
				}
				parts = append(parts, strings.ReplaceAll(k, "%20", "+")+"="+strings.ReplaceAll(x, "%20", "+"))
			}
			return strings.Join(parts, "&"), nil
		}
	}
	return enc(v, "/")
}

func urlQuote(s, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~", c) >= 0 || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

func fWordcount(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	n := 0
	in := false
	for _, r := range str {
		w := r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return int64(n), nil
}

func fWordwrap(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("wordwrap", args, kw, []string{"width", "break_long_words", "wrapstring", "break_on_hyphens"}, int64(79), true, nil, true)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	w, err := intArg(a[0])
	if err != nil {
		return nil, err
	}
	if w <= 0 {
		return nil, rtErr("invalid width %d (must be > 0)", w)
	}
	sep := "\n"
	if a[2] != nil {
		sep, _ = toText(a[2])
	}
	var paras []string
	for _, line := range pySplitlines(str, false) {
		paras = append(paras, strings.Join(textWrap(line.(string), w, pyval.Truth(a[1]), pyval.Truth(a[3])), sep))
	}
	return strings.Join(paras, sep), nil
}

// textChunks splits text as Python's textwrap does: runs of whitespace,
// and words broken after hyphens that follow a letter or digit.
func textChunks(text string, hyphens bool) []string {
	var chunks []string
	rs := []rune(text)
	i := 0
	for i < len(rs) {
		j := i
		if pyIsSpace(rs[i]) {
			for j < len(rs) && pyIsSpace(rs[j]) {
				j++
			}
			chunks = append(chunks, string(rs[i:j]))
			i = j
			continue
		}
		for j < len(rs) && !pyIsSpace(rs[j]) {
			if hyphens && rs[j] == '-' && j > i && (unicode.IsLetter(rs[j-1]) || unicode.IsDigit(rs[j-1])) &&
				j+1 < len(rs) && unicode.IsLetter(rs[j+1]) {
				j++
				break
			}
			j++
		}
		chunks = append(chunks, string(rs[i:j]))
		i = j
	}
	return chunks
}

// textWrap is textwrap.wrap(text, width, expand_tabs=False,
// replace_whitespace=False, break_long_words, break_on_hyphens).
func textWrap(text string, width int, breakLong, hyphens bool) []string {
	chunks := textChunks(text, hyphens)
	// a stack: the next chunk is the last element
	for i, j := 0, len(chunks)-1; i < j; i, j = i+1, j-1 {
		chunks[i], chunks[j] = chunks[j], chunks[i]
	}
	rlen := func(s string) int { return utf8.RuneCountInString(s) }
	var lines []string
	for len(chunks) > 0 {
		var cur []string
		curLen := 0
		if strings.TrimFunc(chunks[len(chunks)-1], pyIsSpace) == "" && len(lines) > 0 {
			chunks = chunks[:len(chunks)-1]
		}
		for len(chunks) > 0 {
			l := rlen(chunks[len(chunks)-1])
			if curLen+l > width {
				break
			}
			cur = append(cur, chunks[len(chunks)-1])
			curLen += l
			chunks = chunks[:len(chunks)-1]
		}
		if len(chunks) > 0 && rlen(chunks[len(chunks)-1]) > width {
			spaceLeft := max(width-curLen, 1)
			if breakLong {
				chunk := []rune(chunks[len(chunks)-1])
				end := spaceLeft
				if hyphens && len(chunk) > spaceLeft {
					if h := strings.LastIndex(string(chunk[:spaceLeft]), "-"); h > 0 && strings.Trim(string(chunk[:h]), "-") != "" {
						end = utf8.RuneCountInString(string(chunk[:spaceLeft])[:h]) + 1
					}
				}
				cur = append(cur, string(chunk[:end]))
				chunks[len(chunks)-1] = string(chunk[end:])
			} else if len(cur) == 0 {
				cur = append(cur, chunks[len(chunks)-1])
				chunks = chunks[:len(chunks)-1]
			}
		}
		if len(cur) > 0 && strings.TrimFunc(cur[len(cur)-1], pyIsSpace) == "" {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			lines = append(lines, strings.Join(cur, ""))
		}
	}
	return lines
}

// jinjaTitle is Jinja's title filter: words start after '-', whitespace
// and opening brackets only (not after apostrophes or digits, unlike
// str.title).
func jinjaTitle(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if r == '-' || pyIsSpace(r) || r == '(' || r == '{' || r == '[' || r == '<' {
			b.WriteRune(r)
			start = true
			continue
		}
		if start {
			b.WriteString(pyUpper(string(r)))
			start = false
		} else {
			b.WriteString(pyLower(string(r)))
		}
	}
	return b.String()
}

// pyUpper and pyLower apply Python's full case mappings for the
// characters whose upper or lower form is longer than one character.
func pyUpper(s string) string {
	u := strings.ToUpper(s)
	if !strings.ContainsAny(u, "ßﬀﬁﬂﬃﬄﬅﬆŉ") {
		return u
	}
	return strings.NewReplacer("ß", "SS", "ﬀ", "FF", "ﬁ", "FI", "ﬂ", "FL", "ﬃ", "FFI", "ﬄ", "FFL", "ﬅ", "ST", "ﬆ", "ST", "ŉ", "ʼN").Replace(u)
}

func pyLower(s string) string {
	if !strings.ContainsRune(s, 'İ') {
		return strings.ToLower(s)
	}
	return strings.ToLower(strings.ReplaceAll(s, "İ", "i\u0307"))
}

func fXmlattr(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("xmlattr", args, kw, []string{"autospace"}, true)
	if err != nil {
		return nil, err
	}
	d, ok := asDict(v)
	if !ok {
		return nil, typeErr("'%s' object has no attribute 'items'", typeName(v))
	}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	var parts []string
	var ferr error
	d.Range(func(k, x any) bool {
		if x == nil {
			return true
		}
		if _, u := x.(pyval.Undefined); u {
			return true
		}
		ks, err := toText(k)
		if err != nil {
			ferr = err
			return false
		}
		xs, err := toText(x)
		if err != nil {
			ferr = err
			return false
		}
		parts = append(parts, esc.Replace(ks)+`="`+esc.Replace(xs)+`"`)
		return true
	})
	if ferr != nil {
		return nil, ferr
	}
	out := strings.Join(parts, " ")
	if pyval.Truth(a[0]) && out != "" {
		out = " " + out
	}
	return out, nil
}

func fFilesizeformat(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("filesizeformat", args, kw, []string{"binary"}, false)
	if err != nil {
		return nil, err
	}
	f, ok := toFloat(v)
	if !ok {
		if str, isStr := asStr(v); isStr {
			f, ok = pyFloat(str)
		}
		if !ok {
			return nil, rtErr("could not convert to float")
		}
	}
	base := 1000.0
	prefixes := []string{"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	if pyval.Truth(a[0]) {
		base = 1024
		prefixes = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
	}
	if f == 1 {
		return "1 Byte", nil
	}
	if f < base {
		return strconv.FormatInt(int64(f), 10) + " Bytes", nil
	}
	unit := base
	for i, p := range prefixes {
		unit = math.Pow(base, float64(i+2))
		if f < unit {
			return formatFloat(base*f/unit, 'f', 1, false) + " " + p, nil
		}
	}
	return formatFloat(base*f/unit, 'f', 1, false) + " " + prefixes[len(prefixes)-1], nil
}

func fIndent(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("indent", args, kw, []string{"width", "first", "blank"}, int64(4), false, false)
	if err != nil {
		return nil, err
	}
	str, ok := asStr(v)
	if !ok {
		// do_indent starts with s += "\n"
		if _, isList := v.(*pyval.List); isList {
			return nil, typeErr("'list' object has no attribute 'splitlines'")
		}
		return nil, typeErr("unsupported operand type(s) for +=: '%s' and 'str'", typeName(v))
	}
	var ind string
	if ws, ok := asStr(a[0]); ok {
		ind = ws
	} else {
		n, err := intArg(a[0])
		if err != nil {
			return nil, err
		}
		if err := sizeErr(int64(n)); err != nil {
			return nil, err
		}
		ind = strings.Repeat(" ", max(n, 0))
	}
	nl := "\n"
	str += nl // Jinja appends a newline and drops it again: trailing line handling
	lines := strings.Split(str, nl)
	lines = lines[:len(lines)-1]
	blank := pyval.Truth(a[2])
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString(nl)
			if blank || l != "" {
				b.WriteString(ind)
			}
		}
		if i == 0 {
			if pyval.Truth(a[1]) {
				b.WriteString(ind)
			}
		}
		b.WriteString(l)
	}
	return b.String(), nil
}

func fFormat(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	if len(args) > 0 && kw.len() > 0 {
		return nil, rtErr("can't handle positional and keyword arguments at the same time")
	}
	if kw.len() > 0 {
		d := pyval.NewDict(kw.len())
		for i, n := range kw.names {
			d.Set(n, kw.vals[i])
		}
		return percentFormat(str, d)
	}
	return percentFormat(str, pyval.Tuple(args))
}

func fGroupby(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("groupby", args, kw, []string{"attribute", "default", "case_sensitive"}, nil, false)
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	items = append([]any(nil), items...)
	get := attrGetter(a[0], a[1], a[1] != nil)
	cs := pyval.Truth(a[2])
	if err := sortValues(items, func(x any) (any, error) {
		k, err := get(x)
		return sortKey(k, cs), err
	}, false); err != nil {
		return nil, err
	}
	var out []any
	for _, it := range items {
		k, err := get(it)
		if err != nil {
			return nil, err
		}
		kk := sortKey(k, cs)
		if n := len(out); n > 0 {
			last := out[n-1].(pyval.Tuple)
			if equal(sortKey(last[0], cs), kk) {
				l := last[1].(*pyval.List)
				l.Items = append(l.Items, it)
				continue
			}
		}
		out = append(out, pyval.Tuple{k, pyval.NewList(it)})
	}
	return pyval.NewList(out...), nil
}

// sortedRepr is pprint.pformat for values that fit on one line: repr with
// dict keys sorted.
func sortedRepr(v any) string {
	switch t := v.(type) {
	case *pyval.Dict:
		keys, err := pyval.SortedKeys(t)
		if err != nil {
			keys = t.Keys()
		}
		parts := make([]string, len(keys))
		for i, k := range keys {
			x, _ := t.Get(k)
			parts[i] = sortedRepr(k) + ": " + sortedRepr(x)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *pyval.List:
		parts := make([]string, len(t.Items))
		for i, x := range t.Items {
			parts[i] = sortedRepr(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return pyRepr(v)
}
