package jinja

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gplay/pyval"
)

func builtinTests() map[string]testFunc {
	m := map[string]testFunc{
		"defined":   func(s *state, v any, a []any, k *kwargs) (bool, error) { _, u := v.(pyval.Undefined); return !u, nil },
		"undefined": func(s *state, v any, a []any, k *kwargs) (bool, error) { _, u := v.(pyval.Undefined); return u, nil },
		"none":      func(s *state, v any, a []any, k *kwargs) (bool, error) { return v == nil, nil },
		"boolean":   func(s *state, v any, a []any, k *kwargs) (bool, error) { _, ok := v.(bool); return ok, nil },
		"true":      func(s *state, v any, a []any, k *kwargs) (bool, error) { return v == true, nil },
		"false":     func(s *state, v any, a []any, k *kwargs) (bool, error) { return v == false, nil },
		"string":    func(s *state, v any, a []any, k *kwargs) (bool, error) { _, ok := asStr(v); return ok, nil },
		"number":    func(s *state, v any, a []any, k *kwargs) (bool, error) { return isNumber(v), nil },
		"integer": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			_, ok := v.(int64)
			return ok, nil
		},
		"float": func(s *state, v any, a []any, k *kwargs) (bool, error) { _, ok := v.(float64); return ok, nil },
		"mapping": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			_, ok := asDict(v)
			return ok, nil
		},
		"sequence": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			switch v.(type) {
			case string, pyval.Unsafe, *pyval.List, pyval.Tuple, *pyval.Dict, Mapping, dictView:
				return true, nil
			}
			return false, nil
		},
		"iterable": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			switch t := v.(type) {
			case pyval.Undefined:
				return false, undefErr(t)
			case string, pyval.Unsafe, *pyval.List, pyval.Tuple, *pyval.Dict, Mapping, dictView:
				return true, nil
			}
			return false, nil
		},
		"callable": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			switch v.(type) {
			case *function, *boundMethod, *macro, pyval.Undefined, *loopObj, *joiner:
				return true, nil
			}
			return false, nil
		},
		"sameas": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			if len(a) != 1 {
				return false, typeErr("sameas() takes exactly 2 arguments")
			}
			return sameAs(v, a[0]), nil
		},
		// value % 2 == 0 / == 1, with Python's % (floats and TypeErrors)
		"even": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			r, err := binaryOp("%", v, int64(2))
			return err == nil && equal(r, int64(0)), err
		},
		"odd": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			r, err := binaryOp("%", v, int64(2))
			return err == nil && equal(r, int64(1)), err
		},
		"divisibleby": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			if len(a) != 1 {
				return false, typeErr("divisibleby() takes exactly 2 arguments")
			}
			r, err := binaryOp("%", v, a[0])
			if err != nil {
				return false, err
			}
			f, _ := toFloat(r)
			return f == 0, nil
		},
		"in": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			if len(a) != 1 {
				return false, typeErr("in() takes exactly 2 arguments")
			}
			return contains2(a[0], v)
		},
		"contains": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			if len(a) != 1 {
				return false, typeErr("contains() takes exactly 2 arguments")
			}
			return contains2(v, a[0])
		},
		// str(value).islower() / .isupper()
		"lower": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			str, err := toText(v)
			if err != nil {
				return false, err
			}
			r, err := strMethod(s, str, "islower", nil, nil)
			return r == true, err
		},
		"upper": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			str, err := toText(v)
			if err != nil {
				return false, err
			}
			r, err := strMethod(s, str, "isupper", nil, nil)
			return r == true, err
		},
		"escaped": func(s *state, v any, a []any, k *kwargs) (bool, error) { return false, nil },
		// Ansible's plugin map raises instead of answering "not found".
		"filter": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			str, _ := asStr(v)
			if !s.env.hasFilter(str) {
				return false, &Error{Kind: ErrSyntax, Msg: "Could not load " + strconvQuote(str) + ": " + pyQuote(str)}
			}
			return true, nil
		},
		"test": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			str, _ := asStr(v)
			if !s.env.hasTest(str) {
				return false, &Error{Kind: ErrSyntax, Msg: "Could not load " + strconvQuote(str) + ": " + pyQuote(str)}
			}
			return true, nil
		},
		"match":  regexTest("match"),
		"search": regexTest("search"),
		"regex":  regexTest(""),
		"version": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			r, err := versionTest(s, v, a, k)
			return r == true, err
		},
		"version_compare": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			r, err := versionTest(s, v, a, k)
			return r == true, err
		},
		"subset":     subsetTest(false),
		"issubset":   subsetTest(false),
		"superset":   subsetTest(true),
		"issuperset": subsetTest(true),
		"any": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			items, err := iterate(v)
			if err != nil {
				return false, err
			}
			for _, it := range items {
				if t, err := truth(it); err != nil || t {
					return t, err
				}
			}
			return false, nil
		},
		"all": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			items, err := iterate(v)
			if err != nil {
				return false, err
			}
			for _, it := range items {
				if t, err := truth(it); err != nil || !t {
					return false, err
				}
			}
			return true, nil
		},
		"failed":      resultTest("failed", "failed", false),
		"failure":     resultTest("failure", "failed", false),
		"succeeded":   resultTest("succeeded", "failed", true),
		"success":     resultTest("success", "failed", true),
		"successful":  resultTest("successful", "failed", true),
		"skipped":     resultTest("skipped", "skipped", false),
		"skip":        resultTest("skip", "skipped", false),
		"unreachable": resultTest("unreachable", "unreachable", false),
		"reachable":   resultTest("reachable", "unreachable", true),
		"changed":     changedTest("changed"),
		"change":      changedTest("change"),
		"finished": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			d, ok := asDict(v)
			if !ok {
				return false, rtErr("The 'finished' test expects a dictionary")
			}
			x, ok := d.Get("finished")
			if !ok {
				x = int64(1)
			}
			return equal(x, int64(1)), nil
		},
		"started": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			d, ok := asDict(v)
			if !ok {
				return false, rtErr("The 'started' test expects a dictionary")
			}
			x, ok := d.Get("started")
			if !ok {
				x = int64(0)
			}
			return equal(x, int64(1)), nil
		},
		"file":        fileTest(func(fi os.FileInfo) bool { return fi.Mode().IsRegular() }, false),
		"is_file":     fileTest(func(fi os.FileInfo) bool { return fi.Mode().IsRegular() }, false),
		"directory":   fileTest(func(fi os.FileInfo) bool { return fi.IsDir() }, false),
		"is_dir":      fileTest(func(fi os.FileInfo) bool { return fi.IsDir() }, false),
		"exists":      fileTest(func(fi os.FileInfo) bool { return true }, false),
		"link":        fileTest(func(fi os.FileInfo) bool { return fi.Mode()&os.ModeSymlink != 0 }, true),
		"is_link":     fileTest(func(fi os.FileInfo) bool { return fi.Mode()&os.ModeSymlink != 0 }, true),
		"link_exists": fileTest(func(fi os.FileInfo) bool { return true }, true),
		"abs": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			str, err := toText(v)
			return filepath.IsAbs(str), err
		},
		"is_abs": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			str, err := toText(v)
			return filepath.IsAbs(str), err
		},
		"nan": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			f, ok := v.(float64)
			return ok && math.IsNaN(f), nil
		},
		"truthy": func(s *state, v any, a []any, k *kwargs) (bool, error) { return truth(v) },
		"falsy": func(s *state, v any, a []any, k *kwargs) (bool, error) {
			t, err := truth(v)
			return !t, err
		},
		"vault_encrypted": func(s *state, v any, a []any, k *kwargs) (bool, error) { return false, nil },
	}
	for _, op := range [][]string{{"eq", "=="}, {"equalto", "=="}, {"==", "=="}, {"ne", "!="}, {"!=", "!="},
		{"lt", "<"}, {"<", "<"}, {"lessthan", "<"}, {"le", "<="}, {"<=", "<="},
		{"gt", ">"}, {">", ">"}, {"greaterthan", ">"}, {"ge", ">="}, {">=", ">="}} {
		name, sym := op[0], op[1]
		m[name] = func(s *state, v any, a []any, k *kwargs) (bool, error) {
			if len(a) != 1 {
				return false, typeErr("%s() takes exactly 2 arguments", name)
			}
			return compare(sym, v, a[0])
		}
	}
	return m
}

func sameAs(a, b any) bool {
	switch x := a.(type) {
	case *pyval.List:
		y, ok := b.(*pyval.List)
		return ok && x == y
	case *pyval.Dict:
		y, ok := b.(*pyval.Dict)
		return ok && x == y
	case nil, bool:
		return a == b
	case int64:
		y, ok := b.(int64)
		return ok && x == y && x >= -5 && x <= 256
	case string:
		y, ok := b.(string)
		return ok && x == y
	}
	return false
}

func intForTest(v any) (int64, error) {
	if i, ok := toInt(v); ok {
		return i, nil
	}
	if f, ok := v.(float64); ok {
		return int64(math.Mod(f, 2)), nil
	}
	if u, ok := v.(pyval.Undefined); ok {
		return 0, undefErr(u)
	}
	return 0, typeErr("not all arguments converted during string formatting")
}

func regexTest(kind string) testFunc {
	return func(s *state, v any, args []any, kw *kwargs) (bool, error) {
		a, err := bind(kind, args, kw, []string{"pattern", "ignorecase", "multiline", "match_type"}, "", false, false, "search")
		if err != nil {
			return false, err
		}
		if u, ok := v.(pyval.Undefined); ok {
			return false, undefErr(u)
		}
		str, err := toText(v)
		if err != nil {
			return false, err
		}
		mt := kind
		if mt == "" {
			mt, _ = asStr(a[3])
		}
		pat, _ := asStr(a[0])
		if mt == "match" {
			pat = `\G(?:` + pat + `)`
		} else if mt == "fullmatch" {
			pat = `\G(?:` + pat + `)\z`
		}
		re, err := pyRegex(pat, pyval.Truth(a[1]), pyval.Truth(a[2]))
		if err != nil {
			return false, err
		}
		ok, err := re.MatchString(str)
		if err != nil {
			return false, rtErr("%s", err.Error())
		}
		return ok, nil
	}
}

func subsetTest(super bool) testFunc {
	return func(s *state, v any, args []any, kw *kwargs) (bool, error) {
		if len(args) != 1 {
			return false, typeErr("subset() takes exactly 2 arguments")
		}
		a, b := v, args[0]
		if super {
			a, b = b, a
		}
		ai, err := iterate(a)
		if err != nil {
			return false, err
		}
		bi, err := iterate(b)
		if err != nil {
			return false, err
		}
		for _, x := range ai {
			if !pyval.Hashable(x) {
				return false, typeErr("unhashable type: '%s'", typeName(x))
			}
			found := false
			for _, y := range bi {
				if equal(x, y) {
					found = true
					break
				}
			}
			if !found {
				return false, nil
			}
		}
		return true, nil
	}
}

func resultTest(name, key string, negate bool) testFunc {
	return func(s *state, v any, args []any, kw *kwargs) (bool, error) {
		d, ok := asDict(v)
		if !ok {
			return false, rtErr("The '%s' test expects a dictionary", strings.TrimSuffix(strings.TrimSuffix(name, "ful"), "ure"))
		}
		x, _ := d.Get(key)
		t := pyval.Truth(x)
		if negate {
			return !t, nil
		}
		return t, nil
	}
}

func changedTest(name string) testFunc {
	return func(s *state, v any, args []any, kw *kwargs) (bool, error) {
		d, ok := asDict(v)
		if !ok {
			return false, rtErr("The 'changed' test expects a dictionary")
		}
		if c, ok := d.Get("changed"); ok {
			return pyval.Truth(c), nil
		}
		if r, ok := d.Get("results"); ok {
			if l, ok := r.(*pyval.List); ok && len(l.Items) > 0 {
				if _, ok := l.Items[0].(*pyval.Dict); ok {
					for _, it := range l.Items {
						if rd, ok := it.(*pyval.Dict); ok {
							if c, _ := rd.Get("changed"); pyval.Truth(c) {
								return true, nil
							}
						}
					}
				}
			}
		}
		return false, nil
	}
}

func fileTest(pred func(os.FileInfo) bool, lstat bool) testFunc {
	return func(s *state, v any, args []any, kw *kwargs) (bool, error) {
		str, err := toText(v)
		if err != nil {
			return false, err
		}
		var fi os.FileInfo
		if lstat {
			fi, err = os.Lstat(str)
		} else {
			fi, err = os.Stat(str)
		}
		if err != nil {
			return false, nil
		}
		return pred(fi), nil
	}
}

// ---- versions ----

var looseRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(\d+|[a-z]+|\.)`) })
var strictRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$`) })

func looseVersion(s string) []any {
	var parts []string
	last := 0
	for _, m := range looseRE().FindAllStringIndex(s, -1) {
		parts = append(parts, s[last:m[0]], s[m[0]:m[1]])
		last = m[1]
	}
	parts = append(parts, s[last:])
	var out []any
	for _, p := range parts {
		if p == "" || p == "." {
			continue
		}
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, n)
		} else {
			out = append(out, p)
		}
	}
	return out
}

func strictVersion(s string) (pyval.Tuple, error) {
	m := strictRE().FindStringSubmatch(s)
	if m == nil {
		return nil, rtErr("invalid version number '%s'", s)
	}
	n := func(x string) int64 { i, _ := strconv.ParseInt(x, 10, 64); return i }
	v := pyval.Tuple{n(m[1]), n(m[2]), n(m[4])}
	pre := pyval.Tuple{"~"} // sorts after any prerelease letter
	if m[5] != "" {
		pre = pyval.Tuple{m[5][:1], n(m[6])}
	}
	return pyval.Tuple{v, pre}, nil
}

func versionTest(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("version", args, kw, []string{"version", "operator", "strict", "version_type"}, "eq", nil, nil)
	if err != nil {
		return nil, err
	}
	if u, ok := v.(pyval.Undefined); ok {
		return nil, undefErr(u)
	}
	if a[2] != nil && a[3] != nil {
		return nil, rtErr("Cannot specify both 'strict' and 'version_type'")
	}
	if !pyval.Truth(v) {
		return nil, rtErr("Input version value cannot be empty")
	}
	if !pyval.Truth(a[0]) {
		return nil, rtErr("Version parameter to compare against cannot be empty")
	}
	ops := map[string]string{"==": "eq", "=": "eq", "eq": "eq", "<": "lt", "lt": "lt", "<=": "le", "le": "le", ">": "gt", "gt": "gt", ">=": "ge", "ge": "ge", "!=": "ne", "<>": "ne", "ne": "ne"}
	opName, _ := asStr(a[1])
	op, ok := ops[opName]
	if !ok {
		return nil, rtErr("Invalid operator type (%s). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'", opName)
	}
	vs, err := toText(v)
	if err != nil {
		return nil, err
	}
	ws, err := toText(a[0])
	if err != nil {
		return nil, err
	}
	var x, y any
	vt, _ := asStr(a[3])
	if pyval.Truth(a[2]) || vt == "strict" {
		xv, err := strictVersion(vs)
		if err != nil {
			return nil, rtErr("Version comparison failed: %s", errMsg(err))
		}
		yv, err := strictVersion(ws)
		if err != nil {
			return nil, rtErr("Version comparison failed: %s", errMsg(err))
		}
		x, y = xv, yv
	} else {
		x, y = pyval.NewList(looseVersion(vs)...), pyval.NewList(looseVersion(ws)...)
	}
	// LooseVersion/StrictVersion compare with == then <, whatever the
	// operator, so a failure always names '<'
	if equal(x, y) {
		return op == "eq" || op == "le" || op == "ge", nil
	}
	lt, err := compare("<", x, y)
	if err != nil {
		return nil, rtErr("Version comparison failed: %s", errMsg(err))
	}
	switch op {
	case "lt", "le":
		return lt, nil
	case "gt", "ge":
		return !lt, nil
	case "ne":
		return true, nil
	}
	return false, nil
}

func strconvQuote(s string) string { return strconv.Quote(s) }
