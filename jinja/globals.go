package jinja

import (
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
	kwd := pyval.NewDict(kw.len())
	errorsMode := "strict"
	if kw != nil {
		for i, n := range kw.names {
			switch n {
			case "wantlist":
				wantlist = pyval.Truth(kw.vals[i])
			case "errors":
				errorsMode, _ = asStr(kw.vals[i])
			case "allow_unsafe":
			default:
				kwd.Set(n, kw.vals[i])
			}
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
		if errorsMode == "ignore" || errorsMode == "warn" {
			if wantlist {
				return pyval.NewList(), nil
			}
			return nil, nil
		}
		if KindOf(err) != 0 {
			return nil, err
		}
		return nil, rtErr("%s", err.Error())
	}
	if len(ran) > 0 {
		// lookup results are unsafe unless allow_unsafe (Templar._lookup)
		s.unsafe = true
		for i, r := range ran {
			ran[i] = wrapUnsafe(r, 0)
		}
	}
	if wantlist {
		return pyval.NewList(ran...), nil
	}
	if len(ran) == 0 {
		return ran, nil
	}
	parts := make([]string, len(ran))
	for i, r := range ran {
		str, ok := asStr(r)
		if ok {
			parts[i] = str
			continue
		}
		if !ok {
			if len(ran) == 1 {
				return ran[0], nil
			}
			return pyval.NewList(ran...), nil
		}
		parts[i] = str
	}
	return strings.Join(parts, ","), nil
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
