package jinja

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gplay/pyval"
)

var strMethods = map[string]bool{
	"split": true, "rsplit": true, "splitlines": true, "strip": true, "lstrip": true, "rstrip": true,
	"startswith": true, "endswith": true, "replace": true, "lower": true, "upper": true, "title": true,
	"capitalize": true, "swapcase": true, "casefold": true, "find": true, "rfind": true, "index": true, "rindex": true,
	"count": true, "join": true, "format": true, "isdigit": true, "isalpha": true, "isalnum": true,
	"isspace": true, "islower": true, "isupper": true, "isnumeric": true, "isdecimal": true, "istitle": true,
	"isidentifier": true, "zfill": true, "ljust": true, "rjust": true, "center": true, "partition": true, "rpartition": true,
	"expandtabs": true, "removeprefix": true, "removesuffix": true,
}

var listMethods = map[string]bool{
	"append": true, "extend": true, "insert": true, "pop": true, "remove": true, "index": true,
	"count": true, "sort": true, "reverse": true, "copy": true, "clear": true,
}

var dictMethods = map[string]bool{
	"items": true, "keys": true, "values": true, "get": true, "pop": true, "setdefault": true,
	"update": true, "copy": true, "clear": true, "popitem": true,
}

func hasMethod(obj any, name string) bool {
	switch obj.(type) {
	case string, pyval.Unsafe:
		return strMethods[name]
	case *pyval.List:
		return listMethods[name]
	case pyval.Tuple:
		return name == "index" || name == "count"
	case *pyval.Dict:
		return dictMethods[name]
	case Mapping:
		return name == "items" || name == "keys" || name == "values" || name == "get"
	case float64:
		return name == "is_integer"
	case *cycler:
		return name == "next" || name == "reset"
	case *joiner:
		return false
	}
	return false
}

func argN(name string, args []any, min, max int) error {
	if len(args) < min {
		if min == max {
			return typeErr("%s() takes exactly %s (%d given)", name, plural(min, "argument"), len(args))
		}
		return typeErr("%s expected at least %d argument%s, got %d", name, min, sIf(min), len(args))
	}
	if len(args) > max {
		if max == 0 {
			return typeErr("%s() takes no arguments (%d given)", name, len(args))
		}
		return typeErr("%s expected at most %d argument%s, got %d", name, max, sIf(max), len(args))
	}
	return nil
}

func plural(n int, w string) string {
	if n == 1 {
		return "one " + w
	}
	return itoa(n) + " " + w + "s"
}

func sIf(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func callMethod(s *state, recv any, name string, args []any, kw *kwargs) (any, error) {
	switch r := recv.(type) {
	case string:
		return strMethod(s, r, name, args, kw)
	case pyval.Unsafe:
		return strMethod(s, string(r), name, args, kw)
	case *pyval.List:
		return listMethod(r, name, args, kw)
	case pyval.Tuple:
		return listMethod(pyval.NewList(r...), name, args, kw)
	case *pyval.Dict:
		return dictMethod(r, name, args, kw)
	case Mapping:
		return dictMethod(mappingToDict(r), name, args, kw)
	case float64:
		if name == "is_integer" {
			return r == math.Trunc(r) && !math.IsInf(r, 0), nil
		}
	case *loopObj:
		return loopMethod(r, name, args)
	case *cycler:
		switch name {
		case "next":
			v := r.items[r.pos]
			r.pos = (r.pos + 1) % len(r.items)
			return v, nil
		case "reset":
			r.pos = 0
			return nil, nil
		}
	}
	return nil, typeErr("'%s' object has no attribute '%s'", typeName(recv), name)
}

func loopMethod(l *loopObj, name string, args []any) (any, error) {
	switch name {
	case "cycle":
		if len(args) == 0 {
			return nil, typeErr("no items for cycling given")
		}
		return args[l.i%len(args)], nil
	case "changed":
		v := pyval.Tuple(args)
		if l.hasLast && equal(l.last, v) {
			return false, nil
		}
		l.last, l.hasLast = v, true
		return true, nil
	}
	return nil, typeErr("'LoopContext' object has no attribute '%s'", name)
}

func pyIsSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x1f, 0x85:
		return true
	}
	return r > 0x7f && unicode.IsSpace(r)
}

func strArg(name string, v any) (string, error) {
	if s, ok := asStr(v); ok {
		return s, nil
	}
	if u, ok := v.(pyval.Undefined); ok {
		return "", undefErr(u)
	}
	// CPython's wording differs per method
	switch name {
	case "strip", "lstrip", "rstrip":
		return "", typeErr("%s arg must be None or str", name)
	case "split", "rsplit":
		return "", typeErr("must be str or None, not %s", typeName(v))
	case "replace":
		return "", typeErr("replace() argument must be str, not %s", typeName(v))
	case "removeprefix", "removesuffix":
		return "", typeErr("%s() argument must be str, not %s", name, typeName(v))
	}
	return "", typeErr("must be str, not %s", typeName(v))
}

func intArg(v any) (int, error) {
	if i, ok := toInt(v); ok {
		return int(i), nil
	}
	if u, ok := v.(pyval.Undefined); ok {
		return 0, undefErr(u)
	}
	return 0, typeErr("'%s' object cannot be interpreted as an integer", typeName(v))
}

func pySplit(s string, sep *string, maxsplit int) []any {
	var out []any
	if sep == nil {
		rs := []rune(s)
		i := 0
		for {
			for i < len(rs) && pyIsSpace(rs[i]) {
				i++
			}
			if i >= len(rs) {
				break
			}
			if maxsplit >= 0 && len(out) == maxsplit {
				out = append(out, strings.TrimRightFunc(string(rs[i:]), pyIsSpace))
				break
			}
			j := i
			for j < len(rs) && !pyIsSpace(rs[j]) {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
		}
		return out
	}
	n := -1
	if maxsplit >= 0 {
		n = maxsplit + 1
	}
	for _, p := range strings.SplitN(s, *sep, n) {
		out = append(out, p)
	}
	return out
}

func pyRSplit(s string, sep *string, maxsplit int) []any {
	if maxsplit < 0 {
		return pySplit(s, sep, -1)
	}
	var out []string
	if sep == nil {
		rs := []rune(s)
		j := len(rs)
		for {
			for j > 0 && pyIsSpace(rs[j-1]) {
				j--
			}
			if j <= 0 {
				break
			}
			if len(out) == maxsplit {
				out = append(out, strings.TrimLeftFunc(string(rs[:j]), pyIsSpace))
				break
			}
			i := j
			for i > 0 && !pyIsSpace(rs[i-1]) {
				i--
			}
			out = append(out, string(rs[i:j]))
			j = i
		}
	} else {
		rest := s
		for len(out) < maxsplit {
			i := strings.LastIndex(rest, *sep)
			if i < 0 {
				break
			}
			out = append(out, rest[i+len(*sep):])
			rest = rest[:i]
		}
		out = append(out, rest)
	}
	res := make([]any, len(out))
	for i := range out {
		res[i] = out[len(out)-1-i]
	}
	return res
}

func pySplitlines(s string, keep bool) []any {
	var out []any
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			end := i + 1
			if r == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
				end = i + 2
			}
			if keep {
				out = append(out, string(rs[start:end]))
			} else {
				out = append(out, string(rs[start:i]))
			}
			i = end - 1
			start = end
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

func pyStrip(s string, chars any, left, right bool) (string, error) {
	f := pyIsSpace
	if chars != nil {
		cs, err := strArg("strip", chars)
		if err != nil {
			return "", err
		}
		f = func(r rune) bool { return strings.ContainsRune(cs, r) }
	}
	if left {
		s = strings.TrimLeftFunc(s, f)
	}
	if right {
		s = strings.TrimRightFunc(s, f)
	}
	return s, nil
}

func pyTitle(s string) string {
	var b strings.Builder
	prevCased := false
	for _, r := range s {
		if unicode.IsLetter(r) && (unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)) {
			if prevCased {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToTitle(r))
			}
			prevCased = true
		} else {
			b.WriteRune(r)
			prevCased = false
		}
	}
	return b.String()
}

func pyCapitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToTitle(r)) + strings.ToLower(s[n:])
}

func runeIndex(s string, byteIdx int) int {
	if byteIdx < 0 {
		return -1
	}
	return utf8.RuneCountInString(s[:byteIdx])
}

// subRange applies Python's optional start/end arguments to s, returning the
// substring and its rune offset.
func subRange(s string, args []any) (string, int, error) {
	rs := []rune(s)
	var lo, hi any
	if len(args) > 0 {
		lo = args[0]
	}
	if len(args) > 1 {
		hi = args[1]
	}
	a, b, _, err := sliceIndices(len(rs), lo, hi, nil)
	if err != nil {
		return "", 0, err
	}
	if a > b {
		return "", a, nil
	}
	return string(rs[a:b]), a, nil
}

func pad(s string, width int, fill string, where string) string {
	n := utf8.RuneCountInString(s)
	if width <= n {
		return s
	}
	total := width - n
	switch where {
	case "left": // ljust
		return s + strings.Repeat(fill, total)
	case "right":
		return strings.Repeat(fill, total) + s
	}
	// Python's center puts the extra char on the left when n and width are both odd... replicate
	left := total/2 + (total & width & 1)
	return strings.Repeat(fill, left) + s + strings.Repeat(fill, total-left)
}

func strMethod(s *state, str, name string, args []any, kw *kwargs) (any, error) {
	if name != "format" && kw.len() > 0 {
		// the few keyword arguments real templates use
		for i, n := range kw.names {
			switch {
			case (name == "split" || name == "rsplit") && n == "sep":
				args = append(args, nil)
				copy(args[1:], args)
				args[0] = kw.vals[i]
			case (name == "split" || name == "rsplit") && n == "maxsplit":
				for len(args) < 1 {
					args = append(args, nil)
				}
				args = append(args[:1], kw.vals[i])
			case name == "splitlines" && n == "keepends":
				args = []any{kw.vals[i]}
			default:
				return nil, typeErr("%s() takes no keyword arguments", name)
			}
		}
	}
	switch name {
	case "split", "rsplit":
		if err := argN(name, args, 0, 2); err != nil {
			return nil, err
		}
		var sep *string
		if len(args) > 0 && args[0] != nil {
			sp, err := strArg(name, args[0])
			if err != nil {
				return nil, err
			}
			if sp == "" {
				return nil, rtErr("empty separator")
			}
			sep = &sp
		}
		maxs := -1
		if len(args) > 1 {
			m, err := intArg(args[1])
			if err != nil {
				return nil, err
			}
			maxs = m
		}
		if name == "split" {
			return pyval.NewList(pySplit(str, sep, maxs)...), nil
		}
		return pyval.NewList(pyRSplit(str, sep, maxs)...), nil
	case "splitlines":
		keep := false
		if len(args) > 0 {
			keep = pyval.Truth(args[0])
		}
		return pyval.NewList(pySplitlines(str, keep)...), nil
	case "strip", "lstrip", "rstrip":
		if err := argN(name, args, 0, 1); err != nil {
			return nil, err
		}
		var chars any
		if len(args) > 0 {
			chars = args[0]
		}
		return pyStrip(str, chars, name != "rstrip", name != "lstrip")
	case "startswith", "endswith":
		if err := argN(name, args, 1, 3); err != nil {
			return nil, err
		}
		sub, _, err := subRange(str, args[1:])
		if err != nil {
			return nil, err
		}
		var cands []any
		switch p := args[0].(type) {
		case pyval.Tuple:
			cands = p
		default:
			cands = []any{p}
		}
		for _, c := range cands {
			cs, ok := asStr(c)
			if !ok {
				return nil, typeErr("%s first arg must be str or a tuple of str, not %s", name, typeName(c))
			}
			if name == "startswith" && strings.HasPrefix(sub, cs) || name == "endswith" && strings.HasSuffix(sub, cs) {
				return true, nil
			}
		}
		return false, nil
	case "replace":
		if err := argN(name, args, 2, 3); err != nil {
			return nil, err
		}
		old, err := strArg(name, args[0])
		if err != nil {
			return nil, err
		}
		nw, err := strArg(name, args[1])
		if err != nil {
			return nil, err
		}
		n := -1
		if len(args) > 2 {
			if n, err = intArg(args[2]); err != nil {
				return nil, err
			}
		}
		return strings.Replace(str, old, nw, n), nil
	case "lower", "casefold":
		return pyLower(str), nil
	case "upper":
		return pyUpper(str), nil
	case "title":
		return pyTitle(str), nil
	case "capitalize":
		return pyCapitalize(str), nil
	case "swapcase":
		return strings.Map(func(r rune) rune {
			if unicode.IsUpper(r) {
				return unicode.ToLower(r)
			}
			return unicode.ToUpper(r)
		}, str), nil
	case "find", "rfind", "index", "rindex", "count":
		if err := argN(name, args, 1, 3); err != nil {
			return nil, err
		}
		sub, err := strArg(name, args[0])
		if err != nil {
			return nil, err
		}
		hay, off, err := subRange(str, args[1:])
		if err != nil {
			return nil, err
		}
		if name == "count" {
			if sub == "" {
				return int64(utf8.RuneCountInString(hay) + 1), nil
			}
			return int64(strings.Count(hay, sub)), nil
		}
		var i int
		if name == "find" || name == "index" {
			i = runeIndex(hay, strings.Index(hay, sub))
		} else {
			i = runeIndex(hay, strings.LastIndex(hay, sub))
		}
		if i < 0 {
			if name == "index" || name == "rindex" {
				return nil, rtErr("substring not found")
			}
			return int64(-1), nil
		}
		return int64(i + off), nil
	case "join":
		if err := argN(name, args, 1, 1); err != nil {
			return nil, err
		}
		items, err := iterate(args[0])
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(items))
		for i, it := range items {
			p, ok := asStr(it)
			if !ok {
				return nil, typeErr("sequence item %d: expected str instance, %s found", i, typeName(it))
			}
			parts[i] = p
		}
		return strings.Join(parts, str), nil
	case "format":
		return strFormat(str, args, kw)
	case "isdigit", "isdecimal", "isnumeric":
		return str != "" && strings.IndexFunc(str, func(r rune) bool { return !unicode.IsDigit(r) }) < 0, nil
	case "isalpha":
		return str != "" && strings.IndexFunc(str, func(r rune) bool { return !unicode.IsLetter(r) }) < 0, nil
	case "isalnum":
		return str != "" && strings.IndexFunc(str, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) < 0, nil
	case "isspace":
		return str != "" && strings.IndexFunc(str, func(r rune) bool { return !pyIsSpace(r) }) < 0, nil
	case "islower", "isupper":
		cased := false
		for _, r := range str {
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				if name == "islower" {
					return false, nil
				}
				cased = true
			} else if unicode.IsLower(r) {
				if name == "isupper" {
					return false, nil
				}
				cased = true
			}
		}
		return cased, nil
	case "istitle":
		return str != "" && pyTitle(str) == str && strings.IndexFunc(str, unicode.IsLetter) >= 0, nil
	case "isidentifier":
		if str == "" {
			return false, nil
		}
		for i, r := range str {
			if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
				return false, nil
			}
		}
		return true, nil
	case "zfill":
		if err := argN(name, args, 1, 1); err != nil {
			return nil, err
		}
		w, err := intArg(args[0])
		if err != nil {
			return nil, err
		}
		if err := sizeErr(int64(w)); err != nil {
			return nil, err
		}
		n := utf8.RuneCountInString(str)
		if w <= n {
			return str, nil
		}
		sign := ""
		if strings.HasPrefix(str, "-") || strings.HasPrefix(str, "+") {
			sign, str = str[:1], str[1:]
		}
		return sign + strings.Repeat("0", w-n) + str, nil
	case "ljust", "rjust", "center":
		if err := argN(name, args, 1, 2); err != nil {
			return nil, err
		}
		w, err := intArg(args[0])
		if err != nil {
			return nil, err
		}
		fill := " "
		if len(args) > 1 {
			fs, ok := asStr(args[1])
			if !ok || utf8.RuneCountInString(fs) != 1 {
				return nil, typeErr("The fill character must be exactly one character long")
			}
			fill = fs
		}
		if err := sizeErr(int64(w)); err != nil {
			return nil, err
		}
		where := map[string]string{"ljust": "left", "rjust": "right", "center": "center"}[name]
		return pad(str, w, fill, where), nil
	case "partition", "rpartition":
		if err := argN(name, args, 1, 1); err != nil {
			return nil, err
		}
		sep, err := strArg(name, args[0])
		if err != nil {
			return nil, err
		}
		if sep == "" {
			return nil, rtErr("empty separator")
		}
		var i int
		if name == "partition" {
			i = strings.Index(str, sep)
			if i < 0 {
				return pyval.Tuple{str, "", ""}, nil
			}
		} else {
			i = strings.LastIndex(str, sep)
			if i < 0 {
				return pyval.Tuple{"", "", str}, nil
			}
		}
		return pyval.Tuple{str[:i], sep, str[i+len(sep):]}, nil
	case "expandtabs":
		return strings.ReplaceAll(str, "\t", "        "), nil
	case "removeprefix":
		if err := argN(name, args, 1, 1); err != nil {
			return nil, err
		}
		p, err := strArg(name, args[0])
		if err != nil {
			return nil, err
		}
		return strings.TrimPrefix(str, p), nil
	case "removesuffix":
		if err := argN(name, args, 1, 1); err != nil {
			return nil, err
		}
		p, err := strArg(name, args[0])
		if err != nil {
			return nil, err
		}
		return strings.TrimSuffix(str, p), nil
	}
	return nil, typeErr("'str' object has no attribute '%s'", name)
}

func listMethod(l *pyval.List, name string, args []any, kw *kwargs) (any, error) {
	switch name {
	case "append":
		if err := argN("list.append", args, 1, 1); err != nil {
			return nil, err
		}
		l.Items = append(l.Items, args[0])
		return nil, nil
	case "extend":
		if err := argN("list.extend", args, 1, 1); err != nil {
			return nil, err
		}
		items, err := iterate(args[0])
		if err != nil {
			return nil, err
		}
		l.Items = append(l.Items, items...)
		return nil, nil
	case "insert":
		if err := argN("insert", args, 2, 2); err != nil {
			return nil, err
		}
		i, err := intArg(args[0])
		if err != nil {
			return nil, err
		}
		n := len(l.Items)
		if i < 0 {
			i += n
			if i < 0 {
				i = 0
			}
		}
		if i > n {
			i = n
		}
		l.Items = append(l.Items, nil)
		copy(l.Items[i+1:], l.Items[i:])
		l.Items[i] = args[1]
		return nil, nil
	case "pop":
		if err := argN("pop", args, 0, 1); err != nil {
			return nil, err
		}
		n := len(l.Items)
		if n == 0 {
			return nil, rtErr("pop from empty list")
		}
		i := n - 1
		if len(args) > 0 {
			var err error
			if i, err = intArg(args[0]); err != nil {
				return nil, err
			}
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return nil, rtErr("pop index out of range")
			}
		}
		v := l.Items[i]
		l.Items = append(l.Items[:i], l.Items[i+1:]...)
		return v, nil
	case "remove":
		if err := argN("list.remove", args, 1, 1); err != nil {
			return nil, err
		}
		for i, it := range l.Items {
			if equal(it, args[0]) {
				l.Items = append(l.Items[:i], l.Items[i+1:]...)
				return nil, nil
			}
		}
		return nil, rtErr("list.remove(x): x not in list")
	case "index":
		if err := argN("index", args, 1, 3); err != nil {
			return nil, err
		}
		for i, it := range l.Items {
			if equal(it, args[0]) {
				return int64(i), nil
			}
		}
		return nil, rtErr("%s is not in list", pyRepr(args[0]))
	case "count":
		if err := argN("list.count", args, 1, 1); err != nil {
			return nil, err
		}
		n := 0
		for _, it := range l.Items {
			if equal(it, args[0]) {
				n++
			}
		}
		return int64(n), nil
	case "sort":
		rev := false
		if v, ok := kw.get("reverse"); ok {
			rev = pyval.Truth(v)
		}
		var serr error
		sort.SliceStable(l.Items, func(i, j int) bool {
			c, err := pyval.Compare(l.Items[i], l.Items[j])
			if err != nil && serr == nil {
				serr = typeErr("'<' not supported between instances of '%s' and '%s'", typeName(l.Items[i]), typeName(l.Items[j]))
			}
			if rev {
				return c > 0
			}
			return c < 0
		})
		return nil, serr
	case "reverse":
		for i, j := 0, len(l.Items)-1; i < j; i, j = i+1, j-1 {
			l.Items[i], l.Items[j] = l.Items[j], l.Items[i]
		}
		return nil, nil
	case "copy":
		return pyval.NewList(append([]any(nil), l.Items...)...), nil
	case "clear":
		l.Items = nil
		return nil, nil
	}
	return nil, typeErr("'list' object has no attribute '%s'", name)
}

func dictMethod(d *pyval.Dict, name string, args []any, kw *kwargs) (any, error) {
	switch name {
	case "items", "keys", "values":
		if err := argN("dict."+name, args, 0, 0); err != nil {
			return nil, err
		}
		return dictView{kind: name, d: d}, nil
	case "get":
		if err := argN("get", args, 1, 2); err != nil {
			return nil, err
		}
		if !pyval.Hashable(args[0]) {
			return nil, typeErr("unhashable type: '%s'", typeName(args[0]))
		}
		if v, ok := d.Get(args[0]); ok {
			return v, nil
		}
		if len(args) > 1 {
			return args[1], nil
		}
		return nil, nil
	case "pop":
		if err := argN("pop", args, 1, 2); err != nil {
			return nil, err
		}
		if v, ok := d.Get(args[0]); ok {
			d.Delete(args[0])
			return v, nil
		}
		if len(args) > 1 {
			return args[1], nil
		}
		return nil, rtErr("%s", pyRepr(args[0]))
	case "popitem":
		if d.Len() == 0 {
			return nil, rtErr("'popitem(): dictionary is empty'")
		}
		k := d.Keys()[d.Len()-1]
		v, _ := d.Get(k)
		d.Delete(k)
		return pyval.Tuple{k, v}, nil
	case "setdefault":
		if err := argN("setdefault", args, 1, 2); err != nil {
			return nil, err
		}
		if v, ok := d.Get(args[0]); ok {
			return v, nil
		}
		var def any
		if len(args) > 1 {
			def = args[1]
		}
		d.Set(args[0], def)
		return def, nil
	case "update":
		if err := argN("update", args, 0, 1); err != nil {
			return nil, err
		}
		if len(args) == 1 {
			switch o := args[0].(type) {
			case *pyval.Dict:
				o.Range(func(k, v any) bool { d.Set(k, v); return true })
			case Mapping:
				for _, k := range o.Keys() {
					v, _ := o.Get(k)
					d.Set(k, v)
				}
			default:
				items, err := iterate(o)
				if err != nil {
					return nil, err
				}
				for _, it := range items {
					pair, err := iterate(it)
					if err != nil || len(pair) != 2 {
						return nil, rtErr("dictionary update sequence element has wrong length")
					}
					d.Set(pair[0], pair[1])
				}
			}
		}
		if kw != nil {
			for i, n := range kw.names {
				d.Set(n, kw.vals[i])
			}
		}
		return nil, nil
	case "copy":
		return d.Copy(), nil
	case "clear":
		for d.Len() > 0 {
			d.Delete(d.Keys()[0])
		}
		return nil, nil
	}
	return nil, typeErr("'dict' object has no attribute '%s'", name)
}

type cycler struct {
	items []any
	pos   int
}

type joiner struct {
	sep  string
	used bool
}
