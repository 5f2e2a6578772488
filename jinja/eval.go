package jinja

import (
	"context"
	"errors"
	"sort"
	"strings"

	"gplay/pyval"
)

// maxDepth bounds macro/include/recursive-loop nesting so that a template
// calling itself fails cleanly instead of exhausting the stack.
const maxDepth = 200

var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
)

type state struct {
	env   *Env
	ctx   context.Context
	vars  Vars
	eval  bool // output concat follows ansible_eval_concat (macros literal_eval their output)
	depth int
	lex   lexOpts
	// resolved caches variables fetched from vars for this render: Jinja
	// resolves a name once, so `l.append(x)` then `l` sees the same list.
	resolved map[string]any
	steps    int
	// loader overrides the Env's Loader for this render (FileOptions).
	loader Loader
	// blocks is the inheritance chain of the template being rendered:
	// per block name, the most derived definition first.
	blocks map[string][]*blockStmt
	// unsafe records that an unsafe value (!unsafe, a lookup result) was
	// used, so the result must not be templated again (AnsibleContext).
	unsafe bool
}

type frame struct {
	vars   map[string]any
	parent *frame
	// exports collects top-level assignments of a template (for import).
	top bool
}

func newFrame(parent *frame) *frame { return &frame{vars: map[string]any{}, parent: parent} }

func (f *frame) lookup(name string) (any, bool) {
	for ; f != nil; f = f.parent {
		if v, ok := f.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// output collects rendered text and, for Ansible's native-result rules,
// how many chunks were written and whether the only one came from a
// string-typed filter (to_json & co.).
type output struct {
	b           strings.Builder
	n           int
	firstNative bool
	// lazy keeps the first two chunks as values and converts them to text
	// only when the third arrives or at the end, as ansible_eval_concat
	// does (it peeks at two nodes first): a list mutated after it was
	// output shows the mutation.
	lazy    bool
	pending []any
}

func (o *output) write(v any, native bool) {
	if o.n == 0 {
		o.firstNative = native
	}
	o.n++
	if o.lazy && o.n <= 2 {
		o.pending = append(o.pending, v)
		if o.n == 2 {
			o.flush()
		}
		return
	}
	o.b.WriteString(pyStr(v))
}

func (o *output) flush() {
	for _, v := range o.pending {
		o.b.WriteString(pyStr(v))
	}
	o.pending = nil
}

func (o *output) String() string {
	o.flush()
	return o.b.String()
}

func (s *state) lookupName(name string, f *frame) any {
	if v, ok := f.lookup(name); ok {
		return v
	}
	if name == "self" && s.blocks != nil {
		return s.selfRef(f)
	}
	if s.vars != nil {
		if v, ok := s.resolved[name]; ok {
			return v
		}
		if v, ok := s.vars.Get(name); ok {
			if !s.unsafe && isUnsafe(v, 0) {
				s.unsafe = true
			}
			if s.resolved == nil {
				s.resolved = map[string]any{}
			}
			s.resolved[name] = v
			return v
		}
	}
	if g := s.env.global(name); g != nil {
		return g
	}
	return pyval.Undefined{Name: name, Hint: "'" + name + "' is undefined"}
}

func (s *state) exec(body []stmt, f *frame, out *output) error {
	for _, st := range body {
		if err := s.execOne(st, f, out); err != nil {
			return err
		}
	}
	return nil
}

// stringTypeFilters are Ansible's STRING_TYPE_FILTERS: their result is
// never turned back into a list or dict by the native-result rules.
var stringTypeFilters = map[string]bool{"string": true, "to_json": true, "to_nice_json": true, "to_yaml": true, "to_nice_yaml": true, "ppretty": true, "json": true}

func (s *state) execOne(st stmt, f *frame, out *output) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	switch n := st.(type) {
	case *dataStmt:
		out.write(n.Text, false)
	case *outputStmt:
		v, err := s.evalExpr(n.X, f)
		if err != nil {
			return err
		}
		if v == nil {
			out.write("", false)
			return nil
		}
		if err := checkNoUndefined(v); err != nil {
			return at(err, n.X.exprPos())
		}
		if dv, ok := v.(dictView); ok {
			v = pyval.NewList(dv.items()...) // Ansible's finalize unrolls views
		}
		native := false
		if fe, ok := n.X.(*filterExpr); ok && stringTypeFilters[fe.Name] {
			native = true
		}
		out.write(v, native)
	case *ifStmt:
		c, err := s.evalExpr(n.Cond, f)
		if err != nil {
			return err
		}
		t, err := truth(c)
		if err != nil {
			return at(err, n.Cond.exprPos())
		}
		if t {
			return s.exec(n.Body, f, out)
		}
		return s.exec(n.Else, f, out)
	case *forStmt:
		return s.execFor(n, f, out)
	case *setStmt:
		v, err := s.evalExpr(n.Value, f)
		if err != nil {
			return err
		}
		return at(s.assign(n.Target, v, f), n.P)
	case *setBlockStmt:
		sub := &output{}
		if err := s.exec(n.Body, f, sub); err != nil {
			return err
		}
		var v any = sub.String()
		for _, fl := range n.Filter {
			var err error
			v, err = s.applyFilter(fl, v, f)
			if err != nil {
				return err
			}
		}
		return at(s.assign(n.Target, v, f), n.P)
	case *macroStmt:
		m := s.newMacro(n.Name, n.Args, n.Defaults, n.Body, f, n.P)
		f.vars[n.Name] = m
	case *callBlockStmt:
		caller := s.newMacro("caller", n.Args, n.Defaults, n.Body, f, n.P)
		fn, err := s.evalExpr(n.Call.Fn, f)
		if err != nil {
			return err
		}
		args, kw, err := s.evalArgs(&n.Call.callArgs, f)
		if err != nil {
			return err
		}
		kw.set("caller", caller)
		v, err := s.call(fn, args, kw)
		if err != nil {
			return at(err, n.P)
		}
		str, err := toText(v)
		if err != nil {
			return at(err, n.P)
		}
		out.write(str, false)
	case *filterBlockStmt:
		sub := &output{}
		if err := s.exec(n.Body, newFrame(f), sub); err != nil {
			return err
		}
		var v any = sub.String()
		for _, fl := range n.Filter {
			var err error
			v, err = s.applyFilter(fl, v, f)
			if err != nil {
				return err
			}
		}
		str, err := toText(v)
		if err != nil {
			return at(err, n.P)
		}
		out.write(str, false)
	case *includeStmt:
		return s.execInclude(n, f, out)
	case *importStmt:
		mod, err := s.importModule(n.Template, n.WithContext, f, n.P)
		if err != nil {
			return err
		}
		f.vars[n.Target] = mod
	case *fromImportStmt:
		mod, err := s.importModule(n.Template, n.WithContext, f, n.P)
		if err != nil {
			return err
		}
		for i, name := range n.Names {
			v, ok := mod.d.Get(name)
			if !ok || strings.HasPrefix(name, "_") {
				tn, _ := s.evalExpr(n.Template, f)
				v = pyval.Undefined{Name: name, Hint: "the template " + pyRepr(tn) + " (imported on line " + itoa(n.P.Line) + ") does not export the requested name " + pyQuote(name)}
			}
			f.vars[n.Aliases[i]] = v
		}
	case *withStmt:
		inner := newFrame(f)
		for i, t := range n.Targets {
			v, err := s.evalExpr(n.Values[i], f)
			if err != nil {
				return err
			}
			if err := s.assign(t, v, inner); err != nil {
				return at(err, n.P)
			}
		}
		return s.exec(n.Body, inner, out)
	case *breakStmt:
		return errBreak
	case *continueStmt:
		return errContinue
	case *doStmt:
		_, err := s.evalExpr(n.X, f)
		return err
	case *blockStmt:
		return s.execBlock(n, f, out)
	case *extendsStmt:
		// only a template's top level may extend (execRoot handles it)
		return at(&Error{Kind: ErrSyntax, Msg: "extends is only allowed at the top level of a template"}, n.P)
	}
	return nil
}

func (s *state) assign(target expr, v any, f *frame) error {
	switch t := target.(type) {
	case *nameExpr:
		f.vars[t.Name] = v
		return nil
	case *attrExpr:
		obj := s.lookupName(t.X.(*nameExpr).Name, f)
		ns, ok := obj.(*namespace)
		if !ok {
			return rtErr("cannot assign attribute on non-namespace object")
		}
		ns.d.Set(t.Name, v)
		return nil
	case *tupleExpr:
		items, err := iterate(v)
		if err != nil {
			return err
		}
		if len(items) != len(t.Items) {
			if len(items) > len(t.Items) {
				return rtErr("too many values to unpack (expected %d)", len(t.Items))
			}
			return rtErr("not enough values to unpack (expected %d, got %d)", len(t.Items), len(items))
		}
		for i, it := range t.Items {
			if err := s.assign(it, items[i], f); err != nil {
				return err
			}
		}
		return nil
	}
	return rtErr("cannot assign")
}

func (s *state) execFor(n *forStmt, f *frame, out *output) error {
	iterV, err := s.evalExpr(n.Iter, f)
	if err != nil {
		return err
	}
	return s.runLoop(n, iterV, f, out, 0)
}

func (s *state) runLoop(n *forStmt, iterV any, f *frame, out *output, depth int) error {
	items, err := iterate(iterV)
	if err != nil {
		return at(err, n.Iter.exprPos())
	}
	items = append([]any(nil), items...) // the body may mutate the list
	inner := newFrame(f)
	if n.Filter != nil {
		var kept []any
		for _, it := range items {
			if err := s.assign(n.Target, it, inner); err != nil {
				return at(err, n.P)
			}
			c, err := s.evalExpr(n.Filter, inner)
			if err != nil {
				return err
			}
			ok, err := truth(c)
			if err != nil {
				return at(err, n.Filter.exprPos())
			}
			if ok {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	lp := &loopObj{items: items, depth0: depth}
	if n.Recursive {
		lp.recurse = func(v any) (string, error) {
			if s.depth >= maxDepth {
				return "", rtErr("maximum recursion depth exceeded")
			}
			s.depth++
			defer func() { s.depth-- }()
			sub := &output{}
			if err := s.runLoop(n, v, f, sub, depth+1); err != nil {
				return "", err
			}
			return sub.String(), nil
		}
	}
	for i, it := range items {
		lp.i = i
		// each iteration starts from the loop's scope: what the body sets
		// does not survive into the next iteration, as in Jinja
		inner = newFrame(f)
		inner.vars["loop"] = lp
		if err := s.assign(n.Target, it, inner); err != nil {
			return at(err, n.P)
		}
		err := s.exec(n.Body, inner, out)
		if err == errBreak {
			break
		}
		if err != nil && err != errContinue {
			return err
		}
	}
	if len(items) == 0 {
		return s.exec(n.Else, f, out)
	}
	return nil
}

func (s *state) execInclude(n *includeStmt, f *frame, out *output) error {
	name, err := s.evalExpr(n.Template, f)
	if err != nil {
		return err
	}
	names := []any{name}
	if l, ok := name.(*pyval.List); ok {
		names = l.Items
	} else if t, ok := name.(pyval.Tuple); ok {
		names = t
	}
	for _, nm := range names {
		str, err := toText(nm)
		if err != nil {
			return at(err, n.P)
		}
		body, err := s.loadTemplate(str)
		if errors.Is(err, ErrTemplateNotFound) {
			continue
		}
		if err != nil {
			return at(err, n.P)
		}
		if s.depth >= maxDepth {
			return at(rtErr("maximum recursion depth exceeded"), n.P)
		}
		s.depth++
		defer func() { s.depth-- }()
		parent := f
		sub := s
		if !n.WithContext {
			parent = nil
			cp := *s
			cp.vars = nil
			sub = &cp
		}
		return sub.execTemplate(body, newFrame(parent), out)
	}
	if n.IgnoreMissing {
		return nil
	}
	if len(names) == 1 {
		return at(rtErr("%s", pyStr(names[0])), n.P)
	}
	return at(rtErr("none of the templates given were found: %s", pyRepr(pyval.NewList(names...))), n.P)
}

func (s *state) importModule(tmpl expr, withContext bool, f *frame, p Pos) (*namespace, error) {
	name, err := s.evalExpr(tmpl, f)
	if err != nil {
		return nil, err
	}
	str, err := toText(name)
	if err != nil {
		return nil, at(err, p)
	}
	body, err := s.loadTemplate(str)
	if err != nil {
		return nil, at(err, p)
	}
	if s.depth >= maxDepth {
		return nil, at(rtErr("maximum recursion depth exceeded"), p)
	}
	s.depth++
	defer func() { s.depth-- }()
	sub := s
	var parent *frame
	if withContext {
		parent = f
	} else {
		cp := *s
		cp.vars = nil
		sub = &cp
	}
	mf := newFrame(parent)
	if err := sub.exec(body, mf, &output{}); err != nil {
		return nil, err
	}
	ns := &namespace{d: pyval.NewDict(len(mf.vars)), module: str}
	for k, v := range mf.vars {
		if !strings.HasPrefix(k, "_") {
			ns.d.Set(k, v)
		}
	}
	return ns, nil
}

// ---- expressions ----

func (s *state) evalExpr(e expr, f *frame) (any, error) {
	if s.steps++; s.steps&0xfff == 0 {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
	}
	v, err := s.evalInner(e, f)
	if err != nil {
		return nil, at(err, e.exprPos())
	}
	return v, nil
}

func (s *state) evalInner(e expr, f *frame) (any, error) {
	switch n := e.(type) {
	case *constExpr:
		return n.V, nil
	case *nameExpr:
		v := s.lookupName(n.Name, f)
		if ev, ok := v.(*VarError); ok {
			return nil, ev.Err
		}
		return v, nil
	case *attrExpr:
		x, err := s.evalExpr(n.X, f)
		if err != nil {
			return nil, err
		}
		return getAttr(x, n.Name), nil
	case *itemExpr:
		x, err := s.evalExpr(n.X, f)
		if err != nil {
			return nil, err
		}
		k, err := s.evalExpr(n.Key, f)
		if err != nil {
			return nil, err
		}
		return getItem(x, k)
	case *sliceExpr:
		x, err := s.evalExpr(n.X, f)
		if err != nil {
			return nil, err
		}
		var parts [3]any
		for i, pe := range []expr{n.Lo, n.Hi, n.Step} {
			if pe != nil {
				if parts[i], err = s.evalExpr(pe, f); err != nil {
					return nil, err
				}
			}
		}
		return doSlice(x, parts[0], parts[1], parts[2])
	case *listExpr:
		items := make([]any, len(n.Items))
		for i, it := range n.Items {
			v, err := s.evalExpr(it, f)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return pyval.NewList(items...), nil
	case *tupleExpr:
		items := make(pyval.Tuple, len(n.Items))
		for i, it := range n.Items {
			v, err := s.evalExpr(it, f)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return items, nil
	case *dictExpr:
		d := pyval.NewDict(len(n.Keys))
		for i := range n.Keys {
			k, err := s.evalExpr(n.Keys[i], f)
			if err != nil {
				return nil, err
			}
			v, err := s.evalExpr(n.Vals[i], f)
			if err != nil {
				return nil, err
			}
			if u, ok := k.(pyval.Undefined); ok {
				return nil, undefErr(u)
			}
			if !pyval.Hashable(k) {
				return nil, typeErr("unhashable type: '%s'", typeName(k))
			}
			d.Set(k, v)
		}
		return d, nil
	case *unaryExpr:
		x, err := s.evalExpr(n.X, f)
		if err != nil {
			return nil, err
		}
		if n.Op == "not" {
			t, err := truth(x)
			return !t, err
		}
		return unaryOp(n.Op, x)
	case *binExpr:
		l, err := s.evalExpr(n.L, f)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case "and":
			t, err := truth(l)
			if err != nil || !t {
				return l, err
			}
			return s.evalExpr(n.R, f)
		case "or":
			t, err := truth(l)
			if err != nil || t {
				return l, err
			}
			return s.evalExpr(n.R, f)
		}
		r, err := s.evalExpr(n.R, f)
		if err != nil {
			return nil, err
		}
		return binaryOp(n.Op, l, r)
	case *compareExpr:
		l, err := s.evalExpr(n.First, f)
		if err != nil {
			return nil, err
		}
		for i, op := range n.Ops {
			r, err := s.evalExpr(n.Rest[i], f)
			if err != nil {
				return nil, err
			}
			ok, err := compare(op, l, r)
			if err != nil {
				return nil, err
			}
			if !ok {
				return false, nil
			}
			l = r
		}
		return true, nil
	case *condExpr:
		c, err := s.evalExpr(n.Test, f)
		if err != nil {
			return nil, err
		}
		t, err := truth(c)
		if err != nil {
			return nil, err
		}
		if t {
			return s.evalExpr(n.Then, f)
		}
		if n.Else == nil {
			return pyval.Undefined{Name: lenientName, Hint: "the inline if-expression on line " + itoa(n.P.Line) + " evaluated to false and no else section was defined."}, nil
		}
		return s.evalExpr(n.Else, f)
	case *filterExpr:
		x, err := s.evalExpr(n.X, f)
		if err != nil {
			return nil, err
		}
		return s.applyFilter(n, x, f)
	case *testExpr:
		x, err := s.evalExpr(n.X, f)
		if err != nil {
			return nil, err
		}
		args, kw, err := s.evalArgs(&n.callArgs, f)
		if err != nil {
			return nil, err
		}
		fn := s.env.tests[n.Name]
		r, err := fn(s, x, args, kw)
		if err != nil {
			return nil, err
		}
		return r != n.Neg, nil
	case *callExpr:
		fn, err := s.evalExpr(n.Fn, f)
		if err != nil {
			return nil, err
		}
		args, kw, err := s.evalArgs(&n.callArgs, f)
		if err != nil {
			return nil, err
		}
		return s.call(fn, args, kw)
	}
	return nil, rtErr("unknown expression")
}

func (s *state) applyFilter(n *filterExpr, x any, f *frame) (any, error) {
	args, kw, err := s.evalArgs(&n.callArgs, f)
	if err != nil {
		return nil, err
	}
	fn := s.env.filters[n.Name]
	v, err := fn(s, x, args, kw)
	if err != nil {
		return nil, at(err, n.P)
	}
	return v, nil
}

// kwargs are keyword arguments in call order.
type kwargs struct {
	names []string
	vals  []any
}

func (k *kwargs) get(name string) (any, bool) {
	if k == nil {
		return nil, false
	}
	for i, n := range k.names {
		if n == name {
			return k.vals[i], true
		}
	}
	return nil, false
}

func (k *kwargs) set(name string, v any) {
	for i, n := range k.names {
		if n == name {
			k.vals[i] = v
			return
		}
	}
	k.names = append(k.names, name)
	k.vals = append(k.vals, v)
}

func (k *kwargs) len() int {
	if k == nil {
		return 0
	}
	return len(k.names)
}

func (s *state) evalArgs(a *callArgs, f *frame) ([]any, *kwargs, error) {
	args := make([]any, 0, len(a.Args))
	for _, e := range a.Args {
		v, err := s.evalExpr(e, f)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, v)
	}
	if a.Star != nil {
		v, err := s.evalExpr(a.Star, f)
		if err != nil {
			return nil, nil, err
		}
		items, err := iterate(v)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, items...)
	}
	kw := &kwargs{}
	for i, name := range a.KwNames {
		v, err := s.evalExpr(a.KwVals[i], f)
		if err != nil {
			return nil, nil, err
		}
		kw.set(name, v)
	}
	if a.StarStar != nil {
		v, err := s.evalExpr(a.StarStar, f)
		if err != nil {
			return nil, nil, err
		}
		d, ok := v.(*pyval.Dict)
		if !ok {
			return nil, nil, typeErr("argument after ** must be a mapping, not %s", typeName(v))
		}
		var kerr error
		d.Range(func(k, v any) bool {
			ks, ok := asStr(k)
			if !ok {
				kerr = typeErr("keywords must be strings")
				return false
			}
			kw.set(ks, v)
			return true
		})
		if kerr != nil {
			return nil, nil, kerr
		}
	}
	return args, kw, nil
}

// function is a callable global (range, lookup, namespace…).
type function struct {
	name string
	fn   func(s *state, args []any, kw *kwargs) (any, error)
}

func (s *state) call(fn any, args []any, kw *kwargs) (any, error) {
	switch t := fn.(type) {
	case *function:
		return t.fn(s, args, kw)
	case *boundMethod:
		return callMethod(s, t.recv, t.name, args, kw)
	case *macro:
		return t.invoke(s, args, kw)
	case *loopObj:
		if t.recurse == nil {
			return nil, typeErr("'LoopContext' object is not callable")
		}
		if len(args) != 1 {
			return nil, typeErr("loop() takes exactly one argument")
		}
		return t.recurse(args[0])
	case *joiner:
		if !t.used {
			t.used = true
			return "", nil
		}
		return t.sep, nil
	case pyval.Undefined:
		return nil, undefErr(t)
	}
	return nil, typeErr("'%s' object is not callable", typeName(fn))
}

// ---- macros ----

type macro struct {
	name     string
	args     []string
	defaults []expr
	body     []stmt
	closure  *frame
	pos      Pos
	// noContext is set for macros of a template imported without
	// context: they see no variables, whoever calls them.
	noContext bool
	// whether the body refers to these special names
	varargs, kwargs, caller bool
}

func (s *state) newMacro(name string, args []string, defs []expr, body []stmt, closure *frame, p Pos) *macro {
	m := &macro{name: name, args: args, defaults: defs, body: body, closure: closure, pos: p, noContext: s.vars == nil}
	refs := map[string]bool{}
	collectNames(body, refs)
	for _, d := range defs {
		collectExprNames(d, refs)
	}
	m.varargs, m.kwargs, m.caller = refs["varargs"], refs["kwargs"], refs["caller"]
	return m
}

func (m *macro) attr(name string) (any, bool) {
	switch name {
	case "name":
		return m.name, true
	case "arguments":
		t := make(pyval.Tuple, len(m.args))
		for i, a := range m.args {
			t[i] = a
		}
		return t, true
	case "catch_kwargs":
		return m.kwargs, true
	case "catch_varargs":
		return m.varargs, true
	case "caller":
		return m.caller, true
	}
	return nil, false
}

func (m *macro) invoke(s *state, args []any, kw *kwargs) (any, error) {
	if s.depth >= maxDepth {
		return nil, rtErr("maximum recursion depth exceeded")
	}
	s.depth++
	defer func() { s.depth-- }()
	if m.noContext && s.vars != nil {
		cp := *s
		cp.vars, cp.resolved = nil, nil
		s = &cp
	}
	f := newFrame(m.closure)
	nd := len(m.args) - len(m.defaults)
	extra := kw.len() > 0
	used := map[string]bool{}
	for i, a := range m.args {
		switch {
		case i < len(args):
			f.vars[a] = args[i]
			if _, dup := kw.get(a); dup {
				return nil, typeErr("macro %s got multiple values for argument %s", pyQuote(m.name), pyQuote(a))
			}
		default:
			if v, ok := kw.get(a); ok {
				f.vars[a] = v
				used[a] = true
			} else if i >= nd {
				dv, err := s.evalExpr(m.defaults[i-nd], f)
				if err != nil {
					return nil, err
				}
				f.vars[a] = dv
			} else {
				f.vars[a] = pyval.Undefined{Name: a, Hint: "parameter " + pyQuote(a) + " was not provided"}
			}
		}
	}
	_ = extra
	if len(args) > len(m.args) {
		if !m.varargs {
			return nil, typeErr("macro %s takes not more than %d argument(s)", pyQuote(m.name), len(m.args))
		}
	}
	va := pyval.Tuple{}
	if len(args) > len(m.args) {
		va = append(va, args[len(m.args):]...)
	}
	f.vars["varargs"] = va
	kwd := pyval.NewDict(0)
	if kw != nil {
		for i, n := range kw.names {
			if used[n] {
				continue
			}
			if n == "caller" && m.caller {
				f.vars["caller"] = kw.vals[i]
				continue
			}
			if !m.kwargs {
				return nil, typeErr("macro %s takes no keyword argument %s", pyQuote(m.name), pyQuote(n))
			}
			kwd.Set(n, kw.vals[i])
		}
	}
	f.vars["kwargs"] = kwd
	if _, ok := f.vars["caller"]; !ok && m.caller {
		f.vars["caller"] = pyval.Undefined{Name: "caller", Hint: "No caller defined"}
	}
	out := &output{lazy: s.eval}
	if err := s.exec(m.body, f, out); err != nil {
		return nil, err
	}
	if s.eval {
		return evalConcat(out), nil
	}
	return out.String(), nil
}

func collectNames(body []stmt, refs map[string]bool) {
	for _, st := range body {
		switch n := st.(type) {
		case *outputStmt:
			collectExprNames(n.X, refs)
		case *ifStmt:
			collectExprNames(n.Cond, refs)
			collectNames(n.Body, refs)
			collectNames(n.Else, refs)
		case *forStmt:
			collectExprNames(n.Iter, refs)
			collectExprNames(n.Filter, refs)
			collectNames(n.Body, refs)
			collectNames(n.Else, refs)
		case *setStmt:
			collectExprNames(n.Value, refs)
		case *setBlockStmt:
			collectNames(n.Body, refs)
		case *callBlockStmt:
			collectExprNames(n.Call, refs)
		case *filterBlockStmt:
			collectNames(n.Body, refs)
		case *withStmt:
			for _, v := range n.Values {
				collectExprNames(v, refs)
			}
			collectNames(n.Body, refs)
		case *doStmt:
			collectExprNames(n.X, refs)
		case *blockStmt:
			collectNames(n.Body, refs)
		case *includeStmt:
			collectExprNames(n.Template, refs)
		}
	}
}

func collectExprNames(e expr, refs map[string]bool) {
	if e == nil {
		return
	}
	args := func(a *callArgs) {
		for _, x := range a.Args {
			collectExprNames(x, refs)
		}
		for _, x := range a.KwVals {
			collectExprNames(x, refs)
		}
		collectExprNames(a.Star, refs)
		collectExprNames(a.StarStar, refs)
	}
	switch n := e.(type) {
	case *nameExpr:
		refs[n.Name] = true
	case *attrExpr:
		collectExprNames(n.X, refs)
	case *itemExpr:
		collectExprNames(n.X, refs)
		collectExprNames(n.Key, refs)
	case *sliceExpr:
		collectExprNames(n.X, refs)
		collectExprNames(n.Lo, refs)
		collectExprNames(n.Hi, refs)
		collectExprNames(n.Step, refs)
	case *listExpr:
		for _, x := range n.Items {
			collectExprNames(x, refs)
		}
	case *tupleExpr:
		for _, x := range n.Items {
			collectExprNames(x, refs)
		}
	case *dictExpr:
		for i := range n.Keys {
			collectExprNames(n.Keys[i], refs)
			collectExprNames(n.Vals[i], refs)
		}
	case *unaryExpr:
		collectExprNames(n.X, refs)
	case *binExpr:
		collectExprNames(n.L, refs)
		collectExprNames(n.R, refs)
	case *compareExpr:
		collectExprNames(n.First, refs)
		for _, x := range n.Rest {
			collectExprNames(x, refs)
		}
	case *condExpr:
		collectExprNames(n.Test, refs)
		collectExprNames(n.Then, refs)
		collectExprNames(n.Else, refs)
	case *filterExpr:
		collectExprNames(n.X, refs)
		args(&n.callArgs)
	case *testExpr:
		collectExprNames(n.X, refs)
		args(&n.callArgs)
	case *callExpr:
		collectExprNames(n.Fn, refs)
		args(&n.callArgs)
	}
}

// ---- loop, namespace ----

type loopObj struct {
	items   []any
	i       int
	depth0  int
	recurse func(any) (string, error)
	last    any
	hasLast bool
}

func (l *loopObj) attr(name string) (any, bool) {
	n := len(l.items)
	switch name {
	case "index":
		return int64(l.i + 1), true
	case "index0":
		return int64(l.i), true
	case "revindex":
		return int64(n - l.i), true
	case "revindex0":
		return int64(n - l.i - 1), true
	case "first":
		return l.i == 0, true
	case "last":
		return l.i == n-1, true
	case "length":
		return int64(n), true
	case "depth":
		return int64(l.depth0 + 1), true
	case "depth0":
		return int64(l.depth0), true
	case "previtem":
		if l.i == 0 {
			return pyval.Undefined{Name: "previtem", Hint: "there is no previous item"}, true
		}
		return l.items[l.i-1], true
	case "nextitem":
		if l.i+1 >= n {
			return pyval.Undefined{Name: "nextitem", Hint: "there is no next item"}, true
		}
		return l.items[l.i+1], true
	case "cycle", "changed":
		return &boundMethod{recv: l, name: name}, true
	}
	return nil, false
}

type namespace struct {
	d      *pyval.Dict
	module string // set for an imported template
}

type boundMethod struct {
	recv any
	name string
}

// evalConcat is ansible_eval_concat on rendered output: text that looks
// like a list, dict or bool becomes that value.
func evalConcat(o *output) any {
	s := o.String()
	if o.n == 1 && o.firstNative {
		return s
	}
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") || s == "True" || s == "False" {
		if v, ok := literalEval(s, true); ok {
			return v
		}
	}
	return s
}

// ---- template inheritance ----

// execTemplate renders a whole template: its blocks join the inheritance
// chain and, once an {% extends %} is met, the rest of the template only
// defines things and the parent renders instead, with the child's blocks
// in place of its own (Jinja's root render function).
func (s *state) execTemplate(body []stmt, f *frame, out *output) error {
	saved := s.blocks
	s.blocks = map[string][]*blockStmt{}
	defer func() { s.blocks = saved }()
	if err := addBlocks(body, s.blocks); err != nil {
		return err
	}
	for {
		parent, err := s.execRoot(body, f, out)
		if err != nil || parent == nil {
			return err
		}
		if err := addBlocks(parent, s.blocks); err != nil {
			return err
		}
		body = parent
	}
}

// execRoot runs a template's top level and returns the parent it extends,
// if any. After the extends tag output is dropped, as Jinja does.
func (s *state) execRoot(body []stmt, f *frame, out *output) ([]stmt, error) {
	var parent []stmt
	for _, st := range body {
		ex, ok := st.(*extendsStmt)
		if !ok {
			if parent == nil {
				if err := s.exec([]stmt{st}, f, out); err != nil {
					return nil, err
				}
				continue
			}
			switch st.(type) {
			case *dataStmt, *outputStmt, *blockStmt:
				continue
			}
			if err := s.exec([]stmt{st}, f, &output{}); err != nil {
				return nil, err
			}
			continue
		}
		if parent != nil {
			return nil, at(rtErr("extended multiple times"), ex.P)
		}
		name, err := s.evalExpr(ex.Template, f)
		if err != nil {
			return nil, err
		}
		str, err := toText(name)
		if err != nil {
			return nil, at(err, ex.P)
		}
		if s.depth >= maxDepth {
			return nil, at(rtErr("maximum recursion depth exceeded"), ex.P)
		}
		s.depth++
		defer func() { s.depth-- }()
		if parent, err = s.loadTemplate(str); err != nil {
			if errors.Is(err, ErrTemplateNotFound) {
				err = rtErr("%s", str)
			}
			return nil, at(err, ex.P)
		}
	}
	return parent, nil
}

// addBlocks appends body's blocks (nested ones too) to the chain: the
// child's come first, so blocks[name][0] is the one that renders.
func addBlocks(body []stmt, blocks map[string][]*blockStmt) error {
	seen := map[string]bool{}
	var walk func([]stmt) error
	walk = func(body []stmt) error {
		for _, st := range body {
			var inner [][]stmt
			switch n := st.(type) {
			case *blockStmt:
				if seen[n.Name] {
					return at(&Error{Kind: ErrSyntax, Msg: "block " + pyQuote(n.Name) + " defined twice"}, n.P)
				}
				seen[n.Name] = true
				blocks[n.Name] = append(blocks[n.Name], n)
				inner = append(inner, n.Body)
			case *ifStmt:
				inner = append(inner, n.Body, n.Else)
			case *forStmt:
				inner = append(inner, n.Body, n.Else)
			case *withStmt:
				inner = append(inner, n.Body)
			case *filterBlockStmt:
				inner = append(inner, n.Body)
			}
			for _, b := range inner {
				if err := walk(b); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(body)
}

// selfRef is Jinja's `self`: each block of the chain as a callable
// rendering it ({{ self.title() }} repeats a block).
func (s *state) selfRef(f *frame) *pyval.Dict {
	d := pyval.NewDict(len(s.blocks))
	names := make([]string, 0, len(s.blocks))
	for name := range s.blocks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		chain := s.blocks[name]
		d.Set(name, &function{name: name, fn: func(s *state, args []any, kw *kwargs) (any, error) {
			o := &output{}
			if err := s.execBlockAt(chain, 0, f, o); err != nil {
				return nil, err
			}
			return o.String(), nil
		}})
	}
	return d
}

// execBlock renders block n: the most derived override in the chain, with
// super() rendering the next one up.
func (s *state) execBlock(n *blockStmt, f *frame, out *output) error {
	chain := s.blocks[n.Name]
	if len(chain) == 0 {
		chain = []*blockStmt{n}
	}
	return s.execBlockAt(chain, 0, f, out)
}

func (s *state) execBlockAt(chain []*blockStmt, i int, f *frame, out *output) error {
	b := chain[i]
	if b.Required {
		// an override further down the chain must exist and not be required
		return at(rtErr("Required block %s not found", pyQuote(b.Name)), b.P)
	}
	inner := newFrame(f)
	inner.vars["super"] = &function{name: "super", fn: func(s *state, args []any, kw *kwargs) (any, error) {
		if i+1 >= len(chain) {
			return pyval.Undefined{Name: "super", Hint: "there is no parent block called " + pyQuote(b.Name) + "."}, nil
		}
		o := &output{}
		if err := s.execBlockAt(chain, i+1, f, o); err != nil {
			return nil, err
		}
		return o.String(), nil
	}}
	return s.exec(b.Body, inner, out)
}
