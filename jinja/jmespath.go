package jinja

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"gplay/pyval"
)

// A small JMESPath evaluator for json_query: identifiers, sub-expressions,
// indexes, slices, projections ([*], *, [], [?filter]), multi-selects,
// pipes, or/and/not, comparisons, literals and the common functions.

type jtok struct {
	kind string // ident, qident, num, lit, raw, op, eof
	val  string
	pos  int
}

func jmesLex(s string) ([]jtok, error) {
	var toks []jtok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, jtok{"ident", s[i:j], i})
			i = j
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, jtok{"num", s[i:j], i})
			i = j
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, rtErr("unterminated quoted identifier")
			}
			v, err := jsonLoads(s[i : j+1])
			if err != nil {
				return nil, rtErr("invalid quoted identifier")
			}
			toks = append(toks, jtok{"qident", v.(string), i})
			i = j + 1
		case c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != '\'' {
				if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '\'' || s[j+1] == '\\') {
					j++
				}
				b.WriteByte(s[j])
				j++
			}
			if j >= len(s) {
				return nil, rtErr("unterminated raw string")
			}
			toks = append(toks, jtok{"raw", b.String(), i})
			i = j + 1
		case c == '`':
			j := i + 1
			for j < len(s) && s[j] != '`' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, rtErr("unterminated literal")
			}
			toks = append(toks, jtok{"lit", strings.ReplaceAll(s[i+1:j], "\\`", "`"), i})
			i = j + 1
		default:
			ops := []string{"[]", "[?", "||", "&&", "==", "!=", "<=", ">=", "[", "]", "{", "}", "(", ")", ".", ",", ":", "*", "@", "|", "&", "!", "<", ">"}
			found := ""
			for _, o := range ops {
				if strings.HasPrefix(s[i:], o) {
					found = o
					break
				}
			}
			if found == "" {
				return nil, rtErr("Unknown token %s", pyQuote(s[i:i+1]))
			}
			toks = append(toks, jtok{"op", found, i})
			i += len(found)
		}
	}
	return append(toks, jtok{"eof", "", len(s)}), nil
}

type jnode struct {
	kind     string // field, sub, index, slice, proj, vproj, fproj, flatten, pipe, or, and, not, cmp, lit, cur, mlist, mhash, func, expref
	name     string
	val      any
	kids     []*jnode
	keys     []string
	sliceArg [3]*int
}

type jparser struct {
	toks []jtok
	i    int
}

var jbp = map[string]int{"eof": 0, "ident": 0, "qident": 0, "num": 0, "lit": 0, "raw": 0, "]": 0, ")": 0, ",": 0, "}": 0, ":": 0,
	"|": 1, "||": 2, "&&": 3, "==": 5, "!=": 5, "<": 5, "<=": 5, ">": 5, ">=": 5, "[]": 9, "*": 20, "[?": 21, ".": 40, "!": 45, "{": 50, "[": 55, "(": 60, "@": 0, "&": 0}

func (p *jparser) cur() jtok { return p.toks[p.i] }
func (p *jparser) key(t jtok) string {
	if t.kind == "op" {
		return t.val
	}
	return t.kind
}
func (p *jparser) next() jtok {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}
func (p *jparser) expect(v string) error {
	t := p.next()
	if p.key(t) != v {
		return rtErr("Expected %s, got: %s", v, t.val)
	}
	return nil
}

func (p *jparser) expr(bp int) (*jnode, error) {
	left, err := p.nud(p.next())
	if err != nil {
		return nil, err
	}
	for bp < jbp[p.key(p.cur())] {
		left, err = p.led(p.next(), left)
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (p *jparser) nud(t jtok) (*jnode, error) {
	switch p.key(t) {
	case "ident", "qident":
		return &jnode{kind: "field", name: t.val}, nil
	case "lit":
		v, err := jsonLoads(t.val)
		if err != nil {
			v = strings.TrimSpace(t.val)
		}
		return &jnode{kind: "lit", val: v}, nil
	case "raw":
		return &jnode{kind: "lit", val: t.val}, nil
	case "@":
		return &jnode{kind: "cur"}, nil
	case "*":
		right, err := p.projRHS(jbp["*"])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "vproj", kids: []*jnode{{kind: "cur"}, right}}, nil
	case "[":
		k := p.key(p.cur())
		if k == "num" || k == ":" {
			idx, err := p.indexExpr()
			if err != nil {
				return nil, err
			}
			return p.projectIfSlice(&jnode{kind: "cur"}, idx)
		}
		if k == "*" && p.toks[p.i+1].val == "]" {
			p.next()
			p.next()
			right, err := p.projRHS(jbp["*"])
			if err != nil {
				return nil, err
			}
			return &jnode{kind: "proj", kids: []*jnode{{kind: "cur"}, right}}, nil
		}
		return p.multiList()
	case "[]":
		right, err := p.projRHS(jbp["[]"])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "proj", kids: []*jnode{{kind: "flatten", kids: []*jnode{{kind: "cur"}}}, right}}, nil
	case "[?":
		return p.filter(&jnode{kind: "cur"})
	case "{":
		return p.multiHash()
	case "(":
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	case "!":
		e, err := p.expr(jbp["!"])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "not", kids: []*jnode{e}}, nil
	case "&":
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "expref", kids: []*jnode{e}}, nil
	}
	return nil, rtErr("Invalid token: %s", t.val)
}

func (p *jparser) led(t jtok, left *jnode) (*jnode, error) {
	switch k := p.key(t); k {
	case ".":
		if p.key(p.cur()) == "*" {
			p.next()
			right, err := p.projRHS(jbp["."])
			if err != nil {
				return nil, err
			}
			return &jnode{kind: "vproj", kids: []*jnode{left, right}}, nil
		}
		right, err := p.dotRHS(jbp["."])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "sub", kids: []*jnode{left, right}}, nil
	case "[":
		ck := p.key(p.cur())
		if ck == "num" || ck == ":" {
			idx, err := p.indexExpr()
			if err != nil {
				return nil, err
			}
			return p.projectIfSlice(left, idx)
		}
		if err := p.expect("*"); err != nil {
			return nil, err
		}
		if err := p.expect("]"); err != nil {
			return nil, err
		}
		right, err := p.projRHS(jbp["*"])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "proj", kids: []*jnode{left, right}}, nil
	case "[]":
		right, err := p.projRHS(jbp["[]"])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "proj", kids: []*jnode{{kind: "flatten", kids: []*jnode{left}}, right}}, nil
	case "[?":
		return p.filter(left)
	case "|", "||", "&&":
		right, err := p.expr(jbp[k])
		if err != nil {
			return nil, err
		}
		kind := map[string]string{"|": "pipe", "||": "or", "&&": "and"}[k]
		return &jnode{kind: kind, kids: []*jnode{left, right}}, nil
	case "==", "!=", "<", "<=", ">", ">=":
		right, err := p.expr(jbp[k])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "cmp", name: k, kids: []*jnode{left, right}}, nil
	case "(":
		if left.kind != "field" {
			return nil, rtErr("invalid function name")
		}
		fn := &jnode{kind: "func", name: left.name}
		for p.key(p.cur()) != ")" {
			if len(fn.kids) > 0 {
				if err := p.expect(","); err != nil {
					return nil, err
				}
			}
			a, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			fn.kids = append(fn.kids, a)
		}
		p.next()
		return fn, nil
	}
	return nil, rtErr("Invalid token: %s", t.val)
}

func (p *jparser) filter(left *jnode) (*jnode, error) {
	cond, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if err := p.expect("]"); err != nil {
		return nil, err
	}
	right, err := p.projRHS(jbp["[?"])
	if err != nil {
		return nil, err
	}
	return &jnode{kind: "fproj", kids: []*jnode{left, right, cond}}, nil
}

func (p *jparser) indexExpr() (*jnode, error) {
	var parts [3]*int
	n := 0
	sawColon := false
	for p.key(p.cur()) != "]" {
		t := p.next()
		switch p.key(t) {
		case ":":
			sawColon = true
			n++
			if n > 2 {
				return nil, rtErr("Too many colons in slice expression")
			}
		case "num":
			v, _ := strconv.Atoi(t.val)
			parts[n] = &v
		default:
			return nil, rtErr("Invalid token in index: %s", t.val)
		}
	}
	p.next()
	if !sawColon {
		if parts[0] == nil {
			return nil, rtErr("empty index")
		}
		return &jnode{kind: "index", val: *parts[0]}, nil
	}
	return &jnode{kind: "slice", sliceArg: parts}, nil
}

func (p *jparser) projectIfSlice(left, idx *jnode) (*jnode, error) {
	n := &jnode{kind: "sub", kids: []*jnode{left, idx}}
	if idx.kind == "slice" {
		right, err := p.projRHS(jbp["*"])
		if err != nil {
			return nil, err
		}
		return &jnode{kind: "proj", kids: []*jnode{n, right}}, nil
	}
	return n, nil
}

func (p *jparser) projRHS(bp int) (*jnode, error) {
	k := p.key(p.cur())
	switch {
	case jbp[k] < 10:
		return &jnode{kind: "cur"}, nil
	case k == "[" || k == "[?":
		return p.expr(bp)
	case k == ".":
		p.next()
		return p.dotRHS(bp)
	}
	return nil, rtErr("syntax error in projection")
}

func (p *jparser) dotRHS(bp int) (*jnode, error) {
	switch p.key(p.cur()) {
	case "ident", "qident", "*":
		return p.expr(bp)
	case "[":
		p.next()
		return p.multiList()
	case "{":
		p.next()
		return p.multiHash()
	}
	return nil, rtErr("Expected identifier after dot")
}

func (p *jparser) multiList() (*jnode, error) {
	n := &jnode{kind: "mlist"}
	for {
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, e)
		if p.key(p.cur()) == "]" {
			p.next()
			return n, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

func (p *jparser) multiHash() (*jnode, error) {
	n := &jnode{kind: "mhash"}
	for {
		k := p.next()
		if k.kind != "ident" && k.kind != "qident" {
			return nil, rtErr("Expected key in multiselect hash")
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, k.val)
		n.kids = append(n.kids, e)
		if p.key(p.cur()) == "}" {
			p.next()
			return n, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

func jmesSearch(q string, data any) (any, error) {
	toks, err := jmesLex(q)
	if err != nil {
		return nil, jmesErr(err)
	}
	p := &jparser{toks: toks}
	n, err := p.expr(0)
	if err != nil {
		if p.toks[p.i].kind == "eof" {
			// the jmespath library's IncompleteExpressionError
			return nil, jmesErr(rtErr("Invalid jmespath expression: Incomplete expression:\n\"%s\"\n%s^", q, strings.Repeat(" ", len(q)+1)))
		}
		return nil, jmesErr(err)
	}
	if p.cur().kind != "eof" {
		return nil, jmesErr(rtErr("Unexpected token: %s", p.cur().val))
	}
	r, err := jeval(n, data, 0)
	if err != nil {
		return nil, jmesErr(err)
	}
	return r, nil
}

func jmesErr(err error) error {
	return rtErr("JMESPathError in json_query filter plugin:\n%s", errMsg(err))
}

func jtruthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case *pyval.List:
		return len(t.Items) > 0
	case pyval.Tuple:
		return len(t) > 0
	case *pyval.Dict:
		return t.Len() > 0
	}
	return true
}

func jlist(v any) ([]any, bool) {
	switch t := v.(type) {
	case *pyval.List:
		return t.Items, true
	case pyval.Tuple:
		return t, true
	}
	return nil, false
}

func jeval(n *jnode, v any, depth int) (any, error) {
	if depth > 200 {
		return nil, rtErr("expression too deep")
	}
	d := depth + 1
	switch n.kind {
	case "cur":
		return v, nil
	case "lit":
		return n.val, nil
	case "field":
		if m, ok := asDict(v); ok {
			x, _ := m.Get(n.name)
			return x, nil
		}
		return nil, nil
	case "sub":
		l, err := jeval(n.kids[0], v, d)
		if err != nil {
			return nil, err
		}
		return jeval(n.kids[1], l, d)
	case "index":
		l, ok := jlist(v)
		if !ok {
			return nil, nil
		}
		i := n.val.(int)
		if i < 0 {
			i += len(l)
		}
		if i < 0 || i >= len(l) {
			return nil, nil
		}
		return l[i], nil
	case "slice":
		l, ok := jlist(v)
		if !ok {
			return nil, nil
		}
		var parts [3]any
		for i, p := range n.sliceArg {
			if p != nil {
				parts[i] = int64(*p)
			}
		}
		out, err := sliceItems(l, parts[0], parts[1], parts[2])
		if err != nil {
			return nil, err
		}
		return pyval.NewList(out...), nil
	case "proj", "vproj", "fproj":
		base, err := jeval(n.kids[0], v, d)
		if err != nil {
			return nil, err
		}
		var items []any
		if n.kind == "vproj" {
			m, ok := asDict(base)
			if !ok {
				return nil, nil
			}
			items = m.Values()
		} else {
			l, ok := jlist(base)
			if !ok {
				return nil, nil
			}
			items = l
		}
		out := []any{}
		for _, it := range items {
			if n.kind == "fproj" {
				c, err := jeval(n.kids[2], it, d)
				if err != nil {
					return nil, err
				}
				if !jtruthy(c) {
					continue
				}
			}
			r, err := jeval(n.kids[1], it, d)
			if err != nil {
				return nil, err
			}
			if r != nil {
				out = append(out, r)
			}
		}
		return pyval.NewList(out...), nil
	case "flatten":
		base, err := jeval(n.kids[0], v, d)
		if err != nil {
			return nil, err
		}
		l, ok := jlist(base)
		if !ok {
			return nil, nil
		}
		out := []any{}
		for _, it := range l {
			if sub, ok := jlist(it); ok {
				out = append(out, sub...)
			} else {
				out = append(out, it)
			}
		}
		return pyval.NewList(out...), nil
	case "pipe":
		l, err := jeval(n.kids[0], v, d)
		if err != nil {
			return nil, err
		}
		return jeval(n.kids[1], l, d)
	case "or", "and":
		l, err := jeval(n.kids[0], v, d)
		if err != nil {
			return nil, err
		}
		if jtruthy(l) == (n.kind == "or") {
			return l, nil
		}
		return jeval(n.kids[1], v, d)
	case "not":
		x, err := jeval(n.kids[0], v, d)
		return !jtruthy(x), err
	case "cmp":
		a, err := jeval(n.kids[0], v, d)
		if err != nil {
			return nil, err
		}
		b, err := jeval(n.kids[1], v, d)
		if err != nil {
			return nil, err
		}
		switch n.name {
		case "==":
			return jequal(a, b), nil
		case "!=":
			return !jequal(a, b), nil
		}
		fa, ok1 := jnum(a)
		fb, ok2 := jnum(b)
		if !ok1 || !ok2 {
			return nil, nil
		}
		switch n.name {
		case "<":
			return fa < fb, nil
		case "<=":
			return fa <= fb, nil
		case ">":
			return fa > fb, nil
		}
		return fa >= fb, nil
	case "mlist":
		if v == nil {
			return nil, nil
		}
		out := []any{}
		for _, k := range n.kids {
			r, err := jeval(k, v, d)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return pyval.NewList(out...), nil
	case "mhash":
		if v == nil {
			return nil, nil
		}
		m := pyval.NewDict(len(n.keys))
		for i, k := range n.kids {
			r, err := jeval(k, v, d)
			if err != nil {
				return nil, err
			}
			m.Set(n.keys[i], r)
		}
		return m, nil
	case "expref":
		return n, nil
	case "func":
		return jcall(n, v, d)
	}
	return nil, rtErr("unknown node %s", n.kind)
}

func jnum(v any) (float64, bool) {
	if _, ok := v.(bool); ok {
		return 0, false
	}
	return toFloat(v)
}

func jequal(a, b any) bool {
	_, ab := a.(bool)
	_, bb := b.(bool)
	if ab != bb {
		return false
	}
	return equal(a, b)
}

func jtype(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	case string, pyval.Unsafe:
		return "string"
	case *pyval.List, pyval.Tuple:
		return "array"
	case *pyval.Dict, Mapping:
		return "object"
	case *jnode:
		return "expref"
	}
	return "unknown"
}

func jcall(n *jnode, v any, d int) (any, error) {
	args := make([]any, len(n.kids))
	for i, k := range n.kids {
		r, err := jeval(k, v, d)
		if err != nil {
			return nil, err
		}
		args[i] = r
	}
	arity := func(want int) error {
		if len(args) != want {
			return rtErr("Function %s() expects %d arguments, got %d", n.name, want, len(args))
		}
		return nil
	}
	typeFail := func(arg any) error {
		return rtErr("In function %s(), invalid type for value: %s, expected one of: ..., received: \"%s\"", n.name, pyStr(arg), jtype(arg))
	}
	byKey := func(items []any, ref any) ([]any, error) {
		e, ok := ref.(*jnode)
		if !ok {
			return nil, typeFail(ref)
		}
		keys := make([]any, len(items))
		for i, it := range items {
			k, err := jeval(e.kids[0], it, d)
			if err != nil {
				return nil, err
			}
			keys[i] = k
		}
		return keys, nil
	}
	switch n.name {
	case "length":
		if err := arity(1); err != nil {
			return nil, err
		}
		l, err := length(args[0])
		if err != nil {
			return nil, typeFail(args[0])
		}
		return int64(l), nil
	case "keys", "values":
		if err := arity(1); err != nil {
			return nil, err
		}
		m, ok := asDict(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		if n.name == "keys" {
			return pyval.NewList(append([]any{}, m.Keys()...)...), nil
		}
		return pyval.NewList(append([]any{}, m.Values()...)...), nil
	case "sort", "reverse":
		if err := arity(1); err != nil {
			return nil, err
		}
		if s, ok := asStr(args[0]); ok && n.name == "reverse" {
			return fReverse(nil, s, nil, nil)
		}
		l, ok := jlist(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		out := append([]any{}, l...)
		if n.name == "reverse" {
			r, _ := fReverse(nil, pyval.NewList(out...), nil, nil)
			return r, nil
		}
		err := sortValues(out, func(x any) (any, error) { return x, nil }, false)
		return pyval.NewList(out...), err
	case "sort_by", "max_by", "min_by":
		if err := arity(2); err != nil {
			return nil, err
		}
		l, ok := jlist(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		keys, err := byKey(l, args[1])
		if err != nil {
			return nil, err
		}
		idx := make([]int, len(l))
		for i := range idx {
			idx[i] = i
		}
		var serr error
		sort.SliceStable(idx, func(i, j int) bool {
			c, err := pyval.Compare(keys[idx[i]], keys[idx[j]])
			if err != nil {
				serr = err
			}
			return c < 0
		})
		if serr != nil {
			return nil, rtErr("%s", serr.Error())
		}
		if len(idx) == 0 {
			if n.name == "sort_by" {
				return pyval.NewList(), nil
			}
			return nil, nil
		}
		switch n.name {
		case "max_by":
			return l[idx[len(idx)-1]], nil
		case "min_by":
			return l[idx[0]], nil
		}
		out := make([]any, len(idx))
		for i, j := range idx {
			out[i] = l[j]
		}
		return pyval.NewList(out...), nil
	case "max", "min":
		if err := arity(1); err != nil {
			return nil, err
		}
		l, ok := jlist(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		if len(l) == 0 {
			return nil, nil
		}
		best := l[0]
		for _, x := range l[1:] {
			c, err := pyval.Compare(x, best)
			if err != nil {
				return nil, rtErr("%s", err.Error())
			}
			if n.name == "max" && c > 0 || n.name == "min" && c < 0 {
				best = x
			}
		}
		return best, nil
	case "sum", "avg":
		if err := arity(1); err != nil {
			return nil, err
		}
		l, ok := jlist(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		var acc any = int64(0)
		for _, x := range l {
			var err error
			if acc, err = binaryOp("+", acc, x); err != nil {
				return nil, typeFail(x)
			}
		}
		if n.name == "avg" {
			if len(l) == 0 {
				return nil, nil
			}
			f, _ := toFloat(acc)
			return f / float64(len(l)), nil
		}
		return acc, nil
	case "abs", "ceil", "floor":
		if err := arity(1); err != nil {
			return nil, err
		}
		f, ok := jnum(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		switch n.name {
		case "abs":
			return fAbs(nil, args[0], nil, nil)
		case "ceil":
			return int64(math.Ceil(f)), nil
		}
		return int64(math.Floor(f)), nil
	case "contains":
		if err := arity(2); err != nil {
			return nil, err
		}
		if s, ok := asStr(args[0]); ok {
			sub, ok := asStr(args[1])
			return ok && strings.Contains(s, sub), nil
		}
		l, ok := jlist(args[0])
		if !ok {
			return nil, typeFail(args[0])
		}
		for _, x := range l {
			if jequal(x, args[1]) {
				return true, nil
			}
		}
		return false, nil
	case "starts_with", "ends_with":
		if err := arity(2); err != nil {
			return nil, err
		}
		s, ok1 := asStr(args[0])
		p, ok2 := asStr(args[1])
		if !ok1 || !ok2 {
			return nil, typeFail(args[0])
		}
		if n.name == "starts_with" {
			return strings.HasPrefix(s, p), nil
		}
		return strings.HasSuffix(s, p), nil
	case "join":
		if err := arity(2); err != nil {
			return nil, err
		}
		sep, ok := asStr(args[0])
		l, ok2 := jlist(args[1])
		if !ok || !ok2 {
			return nil, typeFail(args[0])
		}
		parts := make([]string, len(l))
		for i, x := range l {
			s, ok := asStr(x)
			if !ok {
				return nil, typeFail(x)
			}
			parts[i] = s
		}
		return strings.Join(parts, sep), nil
	case "to_string":
		if err := arity(1); err != nil {
			return nil, err
		}
		if s, ok := asStr(args[0]); ok {
			return s, nil
		}
		o := jsonOpts{}
		s, err := jsonDumps(args[0], o)
		return strings.ReplaceAll(strings.ReplaceAll(s, ", ", ","), ": ", ":"), err
	case "to_number":
		if err := arity(1); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case int64, float64:
			return t, nil
		case string:
			if i, ok := pyIntStr(t, 10); ok {
				return i, nil
			}
			if f, ok := pyFloat(t); ok {
				return f, nil
			}
		}
		return nil, nil
	case "to_array":
		if err := arity(1); err != nil {
			return nil, err
		}
		if _, ok := jlist(args[0]); ok {
			return args[0], nil
		}
		return pyval.NewList(args[0]), nil
	case "type":
		if err := arity(1); err != nil {
			return nil, err
		}
		return jtype(args[0]), nil
	case "not_null":
		for _, a := range args {
			if a != nil {
				return a, nil
			}
		}
		return nil, nil
	case "merge":
		m := pyval.NewDict(4)
		for _, a := range args {
			x, ok := asDict(a)
			if !ok {
				return nil, typeFail(a)
			}
			x.Range(func(k, v any) bool { m.Set(k, v); return true })
		}
		return m, nil
	case "map":
		if err := arity(2); err != nil {
			return nil, err
		}
		e, ok := args[0].(*jnode)
		l, ok2 := jlist(args[1])
		if !ok || !ok2 {
			return nil, typeFail(args[1])
		}
		out := []any{}
		for _, it := range l {
			r, err := jeval(e.kids[0], it, d)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return pyval.NewList(out...), nil
	}
	return nil, rtErr("Unknown function: %s()", n.name)
}
