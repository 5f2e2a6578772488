package jinja

import (
	"errors"
	"strings"

	"gplay/pyval"
)

// maxRange bounds range() so that a typo cannot allocate gigabytes.
const maxRange = 1_000_000

func builtinGlobals() map[string]any {
	return map[string]any{
		"range":     &function{name: "range", fn: gRange},
		"dict":      &function{name: "dict", fn: gDict},
		"namespace": &function{name: "namespace", fn: gNamespace},
		"cycler": &function{name: "cycler", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			if len(args) == 0 {
				return nil, typeErr("at least one item has to be provided")
			}
			return &cycler{items: args}, nil
		}},
		"joiner": &function{name: "joiner", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			a, err := bind("joiner", args, kw, []string{"sep"}, ", ")
			if err != nil {
				return nil, err
			}
			sep, _ := toText(a[0])
			return &joiner{sep: sep}, nil
		}},
		"lookup": &function{name: "lookup", fn: func(s *state, args []any, kw *kwargs) (any, error) { return gLookup(s, args, kw, false) }},
		"query":  &function{name: "query", fn: func(s *state, args []any, kw *kwargs) (any, error) { return gLookup(s, args, kw, true) }},
		"q":      &function{name: "q", fn: func(s *state, args []any, kw *kwargs) (any, error) { return gLookup(s, args, kw, true) }},
		"now":    &function{name: "now", fn: gNow},
		"undef": &function{name: "undef", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			a, err := bind("undef", args, kw, []string{"hint"}, nil)
			if err != nil {
				return nil, err
			}
			hint, _ := asStr(a[0])
			if hint == "" {
				hint = "Mandatory variable has not been overridden"
			}
			return pyval.Undefined{Hint: hint}, nil
		}},
	}
}

func gRange(s *state, args []any, kw *kwargs) (any, error) {
	if kw.len() > 0 {
		return nil, typeErr("range() takes no keyword arguments")
	}
	ints := make([]int64, len(args))
	for i, a := range args {
		n, ok := toInt(a)
		if !ok {
			if u, isU := a.(pyval.Undefined); isU {
				return nil, undefErr(u)
			}
			return nil, typeErr("'%s' object cannot be interpreted as an integer", typeName(a))
		}
		ints[i] = n
	}
	var start, stop, step int64 = 0, 0, 1
	switch len(ints) {
	case 1:
		stop = ints[0]
	case 2:
		start, stop = ints[0], ints[1]
	case 3:
		start, stop, step = ints[0], ints[1], ints[2]
	default:
		return nil, typeErr("range expected at most 3 arguments, got %d", len(ints))
	}
	if step == 0 {
		return nil, rtErr("range() arg 3 must not be zero")
	}
	var out []any
	for i := start; step > 0 && i < stop || step < 0 && i > stop; i += step {
		if len(out) >= maxRange {
			return nil, rtErr("range too big")
		}
		out = append(out, i)
	}
	return pyval.NewList(out...), nil
}

func gDict(s *state, args []any, kw *kwargs) (any, error) {
	d := pyval.NewDict(kw.len())
	if len(args) > 1 {
		return nil, typeErr("dict expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 1 {
		if _, err := dictMethod(d, "update", args, nil); err != nil {
			return nil, err
		}
	}
	if kw != nil {
		for i, n := range kw.names {
			d.Set(n, kw.vals[i])
		}
	}
	return d, nil
}

func gNamespace(s *state, args []any, kw *kwargs) (any, error) {
	d, err := gDict(s, args, kw)
	if err != nil {
		return nil, err
	}
	return &namespace{d: d.(*pyval.Dict)}, nil
}

func gLookup(s *state, args []any, kw *kwargs, wantlist bool) (any, error) {
	if len(args) == 0 {
		return nil, typeErr("lookup() missing 1 required positional argument: 'name'")
	}
	name, ok := asStr(args[0])
	if !ok {
		return nil, typeErr("lookup name must be a string")
	}
	// errors= and allow_unsafe go to the Lookuper, which applies them as
	// Templar._lookup does (undefined and option errors are never ignored).
	kwd := pyval.NewDict(kw.len())
	if kw != nil {
		for i, n := range kw.names {
			if n == "wantlist" {
				wantlist = pyval.Truth(kw.vals[i])
				continue
			}
			kwd.Set(n, kw.vals[i])
		}
	}
	terms := args[1:]
	for _, t := range terms {
		if err := checkNoUndefined(t); err != nil {
			return nil, err
		}
	}
	if s.env.opts.Lookuper == nil {
		return nil, rtErr("lookup plugin (%s) not found", name)
	}
	ran, err := s.env.opts.Lookuper.Lookup(s.ctx, name, terms, kwd)
	if err != nil {
		if KindOf(err) != 0 {
			return nil, err
		}
		var u interface{ Undefined() bool }
		if errors.As(err, &u) && u.Undefined() {
			return nil, &Error{Kind: ErrUndefined, Msg: err.Error()}
		}
		return nil, rtErr("%s", err.Error())
	}
	if ran == nil { // failed under errors=warn|ignore
		if wantlist {
			return pyval.NewList(), nil
		}
		return nil, nil
	}
	for _, r := range ran {
		if _, ok := r.(pyval.Unsafe); ok {
			s.unsafe = true // results stay unsafe unless allow_unsafe
			break
		}
	}
	if wantlist {
		return pyval.NewList(ran...), nil
	}
	return joinLookup(ran), nil
}

// joinLookup is what lookup() returns without wantlist (Templar._lookup):
// an empty list stays a list, strings are joined with commas (unsafe when
// every part is), one non-string item is returned as is, and several with
// a non-string among them stay a list.
func joinLookup(ran []any) any {
	if len(ran) == 0 {
		return pyval.NewList()
	}
	parts := make([]string, len(ran))
	allUnsafe := true
	for i, r := range ran {
		switch t := r.(type) {
		case string:
			parts[i] = t
			allUnsafe = false
		case pyval.Unsafe:
			parts[i] = string(t)
		default:
			if len(ran) == 1 {
				return r
			}
			return pyval.NewList(ran...)
		}
	}
	if allUnsafe {
		return pyval.Unsafe(strings.Join(parts, ","))
	}
	return strings.Join(parts, ",")
}

func gNow(s *state, args []any, kw *kwargs) (any, error) {
	a, err := bind("now", args, kw, []string{"utc", "fmt"}, false, nil)
	if err != nil {
		return nil, err
	}
	t := s.env.now()
	if pyval.Truth(a[0]) {
		t = t.UTC()
	}
	dt := &datetime{t: t}
	if a[1] != nil {
		f, _ := asStr(a[1])
		return strftime(t, f), nil
	}
	return dt, nil
}
