package jinja

import (
	"math/big"
	"strconv"
	"strings"
)

type parser struct {
	toks []token
	i    int
	env  *Env
	// endTags is the stack of tags that may close the blocks being parsed,
	// for the "looking for" error message.
	endTags [][]string
	inLoop  int
}

func parse(env *Env, src string, opts lexOpts) ([]stmt, error) {
	toks, err := lex(src, opts)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, env: env}
	body, err := p.subparse(nil)
	if err != nil {
		return nil, err
	}
	return body, nil
}

func parseExpr(env *Env, src string) (expr, error) {
	toks, err := lex("{{"+src+"}}", lexOpts{})
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, env: env}
	p.i = 1
	e, err := p.parseTuple(false, true)
	if err != nil {
		return nil, err
	}
	if p.cur().kind != tVarEnd {
		return nil, p.unexpected()
	}
	return e, nil
}

func (p *parser) cur() token { return p.toks[p.i] }
func (p *parser) peek() token {
	if p.i+1 < len(p.toks) {
		return p.toks[p.i+1]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) isOp(v string) bool   { t := p.cur(); return t.kind == tOp && t.val == v }
func (p *parser) isName(v string) bool { t := p.cur(); return t.kind == tName && t.val == v }

func (p *parser) errf(t token, msg string) error {
	if c := p.cur(); c.kind == tError {
		return &Error{Kind: ErrSyntax, Pos: c.pos, Msg: c.val}
	}
	return &Error{Kind: ErrSyntax, Pos: t.pos, Msg: msg}
}

func describeTok(t token) string {
	switch t.kind {
	case tName, tOp:
		return t.val
	case tString, tInt, tFloat:
		return t.kind.String()
	}
	return t.kind.String()
}

func (p *parser) unexpected() error {
	t := p.cur()
	if t.kind == tEOF {
		return p.errf(t, "unexpected end of template")
	}
	return p.errf(t, "unexpected '"+describeTok(t)+"'")
}

func (p *parser) expectOp(v string) error {
	if !p.isOp(v) {
		t := p.cur()
		return p.errf(t, "expected token '"+v+"', got '"+describeTok(t)+"'")
	}
	p.next()
	return nil
}

func (p *parser) expectName(v string) error {
	if !p.isName(v) {
		t := p.cur()
		return p.errf(t, "expected token '"+v+"', got '"+describeTok(t)+"'")
	}
	p.next()
	return nil
}

func (p *parser) expectKind(k tokKind) (token, error) {
	t := p.cur()
	if t.kind != k {
		return t, p.errf(t, "expected token '"+k.String()+"', got '"+describeTok(t)+"'")
	}
	return p.next(), nil
}

// subparse parses statements until a block tag in ends (left unconsumed,
// with the {% consumed) or EOF when ends is nil.
func (p *parser) subparse(ends []string) ([]stmt, error) {
	var body []stmt
	if ends != nil {
		p.endTags = append(p.endTags, ends)
		defer func() { p.endTags = p.endTags[:len(p.endTags)-1] }()
	}
	for {
		t := p.cur()
		switch t.kind {
		case tEOF:
			if ends != nil {
				return nil, p.errf(t, "Unexpected end of template. Jinja was looking for the following tags: "+quoteList(ends)+". The innermost block that needs to be closed is '"+blockName(ends)+"'.")
			}
			return body, nil
		case tData:
			p.next()
			body = append(body, &dataStmt{P: t.pos, Text: t.val})
		case tVarBegin:
			p.next()
			e, err := p.parseTuple(false, true)
			if err != nil {
				return nil, err
			}
			if _, err := p.expectKind(tVarEnd); err != nil {
				return nil, err
			}
			body = append(body, &outputStmt{P: t.pos, X: e})
		case tBlockBegin:
			p.next()
			nt := p.cur()
			if nt.kind == tName && contains(ends, nt.val) {
				return body, nil
			}
			s, err := p.parseStatement()
			if err != nil {
				return nil, err
			}
			if s != nil {
				body = append(body, s)
			}
		default:
			return nil, p.unexpected()
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// blockName is the tag that opened a block, from the tags that end it.
func blockName(ends []string) string {
	for _, e := range ends {
		if strings.HasPrefix(e, "end") {
			return strings.TrimPrefix(e, "end")
		}
	}
	return ends[len(ends)-1]
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, " or ")
}

func (p *parser) blockEnd() error {
	_, err := p.expectKind(tBlockEnd)
	return err
}

func (p *parser) parseStatement() (stmt, error) {
	t := p.cur()
	if t.kind != tName {
		return nil, p.errf(t, "tag name expected")
	}
	switch t.val {
	case "if":
		return p.parseIf()
	case "for":
		return p.parseFor()
	case "set":
		return p.parseSet()
	case "macro":
		return p.parseMacro()
	case "call":
		return p.parseCallBlock()
	case "filter":
		return p.parseFilterBlock()
	case "include":
		return p.parseInclude()
	case "import":
		return p.parseImport()
	case "from":
		return p.parseFrom()
	case "with":
		return p.parseWith()
	case "block":
		return p.parseBlock()
	case "extends":
		p.next()
		e, err := p.parseExpression(true)
		if err != nil {
			return nil, err
		}
		return &extendsStmt{P: t.pos, Template: e}, p.blockEnd()
	case "do":
		if !p.env.hasExtension("do") {
			break
		}
		p.next()
		e, err := p.parseTuple(false, true)
		if err != nil {
			return nil, err
		}
		return &doStmt{P: t.pos, X: e}, p.blockEnd()
	case "break", "continue":
		if !p.env.hasExtension("loopcontrols") {
			break
		}
		p.next()
		if p.inLoop == 0 {
			// Jinja parses it, then Python's compiler rejects the generated
			// code and Ansible's do_template returns the text unrendered.
			return nil, errUncompilable
		}
		if err := p.blockEnd(); err != nil {
			return nil, err
		}
		if t.val == "break" {
			return &breakStmt{P: t.pos}, nil
		}
		return &continueStmt{P: t.pos}, nil
	}
	msg := "Encountered unknown tag '" + t.val + "'."
	if len(p.endTags) > 0 {
		msg += " Jinja was looking for the following tags: " + quoteList(p.endTags[len(p.endTags)-1]) + ". The innermost block that needs to be closed is '" + blockName(p.endTags[len(p.endTags)-1]) + "'."
	}
	return nil, p.errf(t, msg)
}

func (p *parser) parseIf() (stmt, error) {
	t := p.next()
	cond, err := p.parseTuple(false, false)
	if err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	node := &ifStmt{P: t.pos, Cond: cond}
	body, err := p.subparse([]string{"elif", "else", "endif"})
	if err != nil {
		return nil, err
	}
	node.Body = body
	tag := p.next()
	switch tag.val {
	case "elif":
		p.i-- // reuse parseIf on the elif keyword
		sub, err := p.parseIf()
		if err != nil {
			return nil, err
		}
		node.Else = []stmt{sub}
		return node, nil
	case "else":
		if err := p.blockEnd(); err != nil {
			return nil, err
		}
		els, err := p.subparse([]string{"endif"})
		if err != nil {
			return nil, err
		}
		node.Else = els
		p.next()
	}
	return node, p.blockEnd()
}

func (p *parser) parseAssignTarget(allowTuple, allowNS bool) (expr, error) {
	t := p.cur()
	var items []expr
	for {
		if k := p.cur().kind; k == tBlockEnd || k == tVarEnd || k == tEOF {
			return nil, p.errf(p.cur(), "Expected an expression, got '"+describeTok(p.cur())+"'")
		}
		n, err := p.expectKind(tName)
		if err != nil {
			return nil, err
		}
		var e expr = &nameExpr{P: n.pos, Name: n.val}
		if allowNS && p.isOp(".") {
			p.next()
			a, err := p.expectKind(tName)
			if err != nil {
				return nil, err
			}
			e = &attrExpr{P: a.pos, X: e, Name: a.val}
		}
		items = append(items, e)
		if !allowTuple || !p.isOp(",") {
			break
		}
		p.next()
		if p.cur().kind != tName {
			break
		}
	}
	if len(items) == 1 && !(p.toks[p.i-1].kind == tOp && p.toks[p.i-1].val == ",") {
		return items[0], nil
	}
	return &tupleExpr{P: t.pos, Items: items}, nil
}

func (p *parser) parseFor() (stmt, error) {
	t := p.next()
	paren := p.isOp("(")
	if paren {
		p.next()
	}
	target, err := p.parseAssignTarget(true, false)
	if err != nil {
		return nil, err
	}
	if paren {
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
	}
	if err := p.expectName("in"); err != nil {
		return nil, err
	}
	iter, err := p.parseTuple(false, false)
	if err != nil {
		return nil, err
	}
	node := &forStmt{P: t.pos, Target: target, Iter: iter}
	if p.isName("if") {
		p.next()
		f, err := p.parseExpression(true)
		if err != nil {
			return nil, err
		}
		node.Filter = f
	}
	if p.isName("recursive") {
		p.next()
		node.Recursive = true
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	p.inLoop++
	body, err := p.subparse([]string{"endfor", "else"})
	p.inLoop--
	if err != nil {
		return nil, err
	}
	node.Body = body
	if p.next().val == "else" {
		if err := p.blockEnd(); err != nil {
			return nil, err
		}
		els, err := p.subparse([]string{"endfor"})
		if err != nil {
			return nil, err
		}
		node.Else = els
		p.next()
	}
	return node, p.blockEnd()
}

func (p *parser) parseSet() (stmt, error) {
	t := p.next()
	target, err := p.parseAssignTarget(true, true)
	if err != nil {
		return nil, err
	}
	if p.isOp("=") {
		p.next()
		v, err := p.parseTuple(false, true)
		if err != nil {
			return nil, err
		}
		return &setStmt{P: t.pos, Target: target, Value: v}, p.blockEnd()
	}
	filters, err := p.parseFilterChain()
	if err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, err := p.subparse([]string{"endset"})
	if err != nil {
		return nil, err
	}
	p.next()
	return &setBlockStmt{P: t.pos, Target: target, Filter: filters, Body: body}, p.blockEnd()
}

// parseFilterChain parses `| f(args) | g` (a leading | optional only for
// the {% filter %} tag, where the first name comes bare).
func (p *parser) parseFilterChain() ([]*filterExpr, error) {
	var out []*filterExpr
	first := true
	for p.isOp("|") || (first && p.cur().kind == tName && p.toks[p.i-1].val == "filter") {
		if p.isOp("|") {
			p.next()
		}
		first = false
		f, err := p.parseFilterCall(nil)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (p *parser) parseSignature() ([]string, []expr, error) {
	var args []string
	var defs []expr
	if err := p.expectOp("("); err != nil {
		return nil, nil, err
	}
	for !p.isOp(")") {
		if len(args) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, nil, err
			}
			if p.isOp(")") {
				break
			}
		}
		n, err := p.expectKind(tName)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, n.val)
		if p.isOp("=") {
			p.next()
			d, err := p.parseExpression(true)
			if err != nil {
				return nil, nil, err
			}
			defs = append(defs, d)
		} else if len(defs) > 0 {
			return nil, nil, p.errf(n, "non-default argument follows default argument")
		}
	}
	p.next()
	return args, defs, nil
}

func (p *parser) parseMacro() (stmt, error) {
	t := p.next()
	n, err := p.expectKind(tName)
	if err != nil {
		return nil, err
	}
	args, defs, err := p.parseSignature()
	if err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	saved := p.inLoop
	p.inLoop = 0
	body, err := p.subparse([]string{"endmacro"})
	p.inLoop = saved
	if err != nil {
		return nil, err
	}
	p.next()
	return &macroStmt{P: t.pos, Name: n.val, Args: args, Defaults: defs, Body: body}, p.blockEnd()
}

func (p *parser) parseCallBlock() (stmt, error) {
	t := p.next()
	var args []string
	var defs []expr
	var err error
	if p.isOp("(") {
		args, defs, err = p.parseSignature()
		if err != nil {
			return nil, err
		}
	}
	e, err := p.parseExpression(true)
	if err != nil {
		return nil, err
	}
	call, ok := e.(*callExpr)
	if !ok {
		return nil, p.errf(t, "expected call")
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, err := p.subparse([]string{"endcall"})
	if err != nil {
		return nil, err
	}
	p.next()
	return &callBlockStmt{P: t.pos, Call: call, Args: args, Defaults: defs, Body: body}, p.blockEnd()
}

func (p *parser) parseFilterBlock() (stmt, error) {
	t := p.next()
	p.i-- // let parseFilterChain see the "filter" keyword before the name
	p.next()
	filters, err := p.parseFilterChain()
	if err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, err := p.subparse([]string{"endfilter"})
	if err != nil {
		return nil, err
	}
	p.next()
	return &filterBlockStmt{P: t.pos, Filter: filters, Body: body}, p.blockEnd()
}

func (p *parser) parseContext(def bool) bool {
	if (p.isName("with") || p.isName("without")) && p.peek().kind == tName && p.peek().val == "context" {
		w := p.next().val == "with"
		p.next()
		return w
	}
	return def
}

func (p *parser) parseInclude() (stmt, error) {
	t := p.next()
	tmpl, err := p.parseExpression(true)
	if err != nil {
		return nil, err
	}
	node := &includeStmt{P: t.pos, Template: tmpl, WithContext: true}
	if p.isName("ignore") && p.peek().kind == tName && p.peek().val == "missing" {
		p.next()
		p.next()
		node.IgnoreMissing = true
	}
	node.WithContext = p.parseContext(true)
	return node, p.blockEnd()
}

func (p *parser) parseImport() (stmt, error) {
	t := p.next()
	tmpl, err := p.parseExpression(true)
	if err != nil {
		return nil, err
	}
	if err := p.expectName("as"); err != nil {
		return nil, err
	}
	n, err := p.expectKind(tName)
	if err != nil {
		return nil, err
	}
	node := &importStmt{P: t.pos, Template: tmpl, Target: n.val}
	node.WithContext = p.parseContext(false)
	return node, p.blockEnd()
}

func (p *parser) parseFrom() (stmt, error) {
	t := p.next()
	tmpl, err := p.parseExpression(true)
	if err != nil {
		return nil, err
	}
	if err := p.expectName("import"); err != nil {
		return nil, err
	}
	node := &fromImportStmt{P: t.pos, Template: tmpl}
	for {
		if len(node.Names) > 0 {
			if !p.isOp(",") {
				break
			}
			p.next()
		}
		if (p.isName("with") || p.isName("without")) && p.peek().val == "context" {
			break
		}
		n, err := p.expectKind(tName)
		if err != nil {
			return nil, err
		}
		alias := n.val
		if p.isName("as") {
			p.next()
			a, err := p.expectKind(tName)
			if err != nil {
				return nil, err
			}
			alias = a.val
		}
		node.Names = append(node.Names, n.val)
		node.Aliases = append(node.Aliases, alias)
	}
	node.WithContext = p.parseContext(false)
	return node, p.blockEnd()
}

func (p *parser) parseWith() (stmt, error) {
	t := p.next()
	node := &withStmt{P: t.pos}
	for p.cur().kind != tBlockEnd {
		if len(node.Targets) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
		}
		target, err := p.parseAssignTarget(false, false)
		if err != nil {
			return nil, err
		}
		if err := p.expectOp("="); err != nil {
			return nil, err
		}
		v, err := p.parseExpression(true)
		if err != nil {
			return nil, err
		}
		node.Targets = append(node.Targets, target)
		node.Values = append(node.Values, v)
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, err := p.subparse([]string{"endwith"})
	if err != nil {
		return nil, err
	}
	node.Body = body
	p.next()
	return node, p.blockEnd()
}

func (p *parser) parseBlock() (stmt, error) {
	t := p.next()
	n, err := p.expectKind(tName)
	if err != nil {
		return nil, err
	}
	node := &blockStmt{P: t.pos, Name: n.val}
	for p.isName("scoped") || p.isName("required") {
		if p.next().val == "scoped" {
			node.Scoped = true
		} else {
			node.Required = true
		}
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, err := p.subparse([]string{"endblock"})
	if err != nil {
		return nil, err
	}
	if node.Required {
		// a required block may hold only whitespace and comments
		for _, st := range body {
			if d, ok := st.(*dataStmt); !ok || strings.TrimSpace(d.Text) != "" {
				return nil, p.errf(t, "Required blocks can only contain comments or whitespace")
			}
		}
	}
	node.Body = body
	p.next()
	if p.cur().kind == tName {
		p.next()
	}
	return node, p.blockEnd()
}

// ---- expressions ----

// parseTuple parses a comma-separated expression list; one item without a
// trailing comma is the item itself.
func (p *parser) parseTuple(simplified, withCond bool) (expr, error) {
	start := p.cur().pos
	var items []expr
	isTuple := false
	for {
		if len(items) > 0 {
			if !p.isOp(",") {
				break
			}
			p.next()
			isTuple = true
		}
		if p.tupleEnd() {
			break
		}
		var e expr
		var err error
		if simplified {
			e, err = p.parsePrimaryPostfix()
		} else {
			e, err = p.parseExpression(withCond)
		}
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	if !isTuple {
		if len(items) == 0 {
			return nil, p.errf(p.cur(), "Expected an expression, got '"+describeTok(p.cur())+"'")
		}
		return items[0], nil
	}
	return &tupleExpr{P: start, Items: items}, nil
}

func (p *parser) tupleEnd() bool {
	t := p.cur()
	switch t.kind {
	case tVarEnd, tBlockEnd, tEOF:
		return true
	case tOp:
		return t.val == ")" || t.val == "]" || t.val == "}"
	case tName:
		return t.val == "in" || t.val == "if" || t.val == "recursive"
	}
	return false
}

func (p *parser) parsePrimaryPostfix() (expr, error) {
	e, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	return p.parsePostfix(e)
}

func (p *parser) parseExpression(withCond bool) (expr, error) {
	if !withCond {
		return p.parseOr()
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	for p.isName("if") {
		t := p.next()
		test, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		var els expr
		if p.isName("else") {
			p.next()
			els, err = p.parseExpression(true)
			if err != nil {
				return nil, err
			}
		}
		e = &condExpr{P: t.pos, Test: test, Then: e, Else: els}
	}
	return e, nil
}

func (p *parser) parseOr() (expr, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isName("or") {
		t := p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &binExpr{P: t.pos, Op: "or", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseAnd() (expr, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isName("and") {
		t := p.next()
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = &binExpr{P: t.pos, Op: "and", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseNot() (expr, error) {
	if p.isName("not") {
		t := p.next()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &unaryExpr{P: t.pos, Op: "not", X: x}, nil
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() (expr, error) {
	first, err := p.parseMath1()
	if err != nil {
		return nil, err
	}
	node := &compareExpr{P: first.exprPos(), First: first}
	for {
		t := p.cur()
		var op string
		switch {
		case t.kind == tOp && (t.val == "==" || t.val == "!=" || t.val == ">" || t.val == ">=" || t.val == "<" || t.val == "<="):
			op = t.val
			p.next()
		case t.kind == tName && t.val == "in":
			op = "in"
			p.next()
		case t.kind == tName && t.val == "not" && p.peek().kind == tName && p.peek().val == "in":
			op = "notin"
			p.next()
			p.next()
		}
		if op == "" {
			break
		}
		r, err := p.parseMath1()
		if err != nil {
			return nil, err
		}
		node.Ops = append(node.Ops, op)
		node.Rest = append(node.Rest, r)
	}
	if len(node.Ops) == 0 {
		return first, nil
	}
	return node, nil
}

func (p *parser) parseMath1() (expr, error) {
	l, err := p.parseConcat()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		t := p.next()
		r, err := p.parseConcat()
		if err != nil {
			return nil, err
		}
		l = &binExpr{P: t.pos, Op: t.val, L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseConcat() (expr, error) {
	l, err := p.parseMath2()
	if err != nil {
		return nil, err
	}
	for p.isOp("~") {
		t := p.next()
		r, err := p.parseMath2()
		if err != nil {
			return nil, err
		}
		l = &binExpr{P: t.pos, Op: "~", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseMath2() (expr, error) {
	l, err := p.parsePow()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%") {
		t := p.next()
		r, err := p.parsePow()
		if err != nil {
			return nil, err
		}
		l = &binExpr{P: t.pos, Op: t.val, L: l, R: r}
	}
	return l, nil
}

func (p *parser) parsePow() (expr, error) {
	l, err := p.parseUnary(true)
	if err != nil {
		return nil, err
	}
	for p.isOp("**") {
		t := p.next()
		r, err := p.parseUnary(true)
		if err != nil {
			return nil, err
		}
		l = &binExpr{P: t.pos, Op: "**", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseUnary(withFilter bool) (expr, error) {
	t := p.cur()
	var e expr
	var err error
	switch {
	case p.isOp("-") || p.isOp("+"):
		p.next()
		x, err := p.parseUnary(false)
		if err != nil {
			return nil, err
		}
		e = &unaryExpr{P: t.pos, Op: t.val, X: x}
	default:
		e, err = p.parsePrimary()
		if err != nil {
			return nil, err
		}
		e, err = p.parsePostfix(e)
		if err != nil {
			return nil, err
		}
	}
	if withFilter {
		return p.parseFilterExpr(e)
	}
	return e, nil
}

func (p *parser) parsePrimary() (expr, error) {
	t := p.cur()
	switch t.kind {
	case tName:
		p.next()
		switch t.val {
		case "true", "True":
			return &constExpr{P: t.pos, V: true}, nil
		case "false", "False":
			return &constExpr{P: t.pos, V: false}, nil
		case "none", "None":
			return &constExpr{P: t.pos, V: nil}, nil
		}
		return &nameExpr{P: t.pos, Name: t.val}, nil
	case tString:
		s := p.next().val
		for p.cur().kind == tString {
			s += p.next().val
		}
		return &constExpr{P: t.pos, V: s}, nil
	case tInt:
		p.next()
		v, err := parseIntLit(t.val)
		if err != nil {
			return nil, p.errf(t, err.Error())
		}
		return &constExpr{P: t.pos, V: v}, nil
	case tFloat:
		p.next()
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			return nil, p.errf(t, "invalid float literal")
		}
		return &constExpr{P: t.pos, V: f}, nil
	case tOp:
		switch t.val {
		case "(":
			p.next()
			if p.isOp(")") {
				p.next()
				return &tupleExpr{P: t.pos}, nil
			}
			e, err := p.parseTuple(false, true)
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		case "[":
			p.next()
			node := &listExpr{P: t.pos}
			for !p.isOp("]") {
				if len(node.Items) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
					if p.isOp("]") {
						break
					}
				}
				e, err := p.parseExpression(true)
				if err != nil {
					return nil, err
				}
				node.Items = append(node.Items, e)
			}
			p.next()
			return node, nil
		case "{":
			p.next()
			node := &dictExpr{P: t.pos}
			for !p.isOp("}") {
				if len(node.Keys) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
					if p.isOp("}") {
						break
					}
				}
				k, err := p.parseExpression(true)
				if err != nil {
					return nil, err
				}
				if err := p.expectOp(":"); err != nil {
					return nil, err
				}
				v, err := p.parseExpression(true)
				if err != nil {
					return nil, err
				}
				node.Keys = append(node.Keys, k)
				node.Vals = append(node.Vals, v)
			}
			p.next()
			return node, nil
		}
	}
	return nil, p.unexpected()
}

func parseIntLit(s string) (any, error) {
	base := 10
	body := s
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, body = 16, s[2:]
		case 'o', 'O':
			base, body = 8, s[2:]
		case 'b', 'B':
			base, body = 2, s[2:]
		}
	}
	v, err := strconv.ParseInt(body, base, 64)
	if err != nil {
		if b, ok := new(big.Int).SetString(body, base); ok {
			return normInt(b), nil
		}
		return nil, err
	}
	return v, nil
}

func (p *parser) parsePostfix(e expr) (expr, error) {
	for {
		t := p.cur()
		switch {
		case p.isOp("."):
			p.next()
			n := p.cur()
			switch n.kind {
			case tName:
				p.next()
				e = &attrExpr{P: n.pos, X: e, Name: n.val}
			case tInt:
				p.next()
				v, err := parseIntLit(n.val)
				if err != nil {
					return nil, p.errf(n, err.Error())
				}
				e = &itemExpr{P: n.pos, X: e, Key: &constExpr{P: n.pos, V: v}}
			default:
				return nil, p.errf(n, "expected name or number")
			}
		case p.isOp("["):
			p.next()
			var err error
			e, err = p.parseSubscript(t.pos, e)
			if err != nil {
				return nil, err
			}
		case p.isOp("("):
			var err error
			e, err = p.parseCall(e)
			if err != nil {
				return nil, err
			}
		default:
			return e, nil
		}
	}
}

func (p *parser) parseSubscript(pos Pos, x expr) (expr, error) {
	var parts []expr
	var items []expr
	isTuple := false
	for {
		var part expr
		var err error
		isSlice := false
		// one subscript item: expr or slice
		var lo, hi, step expr
		if !p.isOp(":") {
			lo, err = p.parseExpression(true)
			if err != nil {
				return nil, err
			}
		}
		if p.isOp(":") {
			isSlice = true
			p.next()
			if !p.isOp("]") && !p.isOp(",") && !p.isOp(":") {
				hi, err = p.parseExpression(true)
				if err != nil {
					return nil, err
				}
			}
			if p.isOp(":") {
				p.next()
				if !p.isOp("]") && !p.isOp(",") {
					step, err = p.parseExpression(true)
					if err != nil {
						return nil, err
					}
				}
			}
		}
		if isSlice {
			part = &sliceExpr{P: pos, X: x, Lo: lo, Hi: hi, Step: step}
		} else {
			part = lo
		}
		parts = append(parts, part)
		items = append(items, part)
		if p.isOp(",") {
			p.next()
			isTuple = true
			if p.isOp("]") {
				break
			}
			continue
		}
		break
	}
	if err := p.expectOp("]"); err != nil {
		return nil, err
	}
	if isTuple {
		return &itemExpr{P: pos, X: x, Key: &tupleExpr{P: pos, Items: items}}, nil
	}
	if s, ok := parts[0].(*sliceExpr); ok {
		return s, nil
	}
	return &itemExpr{P: pos, X: x, Key: parts[0]}, nil
}

func (p *parser) parseCallArgs() (callArgs, error) {
	var a callArgs
	if err := p.expectOp("("); err != nil {
		return a, err
	}
	first := true
	for !p.isOp(")") {
		if !first {
			if err := p.expectOp(","); err != nil {
				return a, err
			}
			if p.isOp(")") {
				break
			}
		}
		first = false
		switch {
		case p.isOp("*"):
			p.next()
			e, err := p.parseExpression(true)
			if err != nil {
				return a, err
			}
			a.Star = e
		case p.isOp("**"):
			p.next()
			e, err := p.parseExpression(true)
			if err != nil {
				return a, err
			}
			a.StarStar = e
		case p.cur().kind == tName && p.peek().kind == tOp && p.peek().val == "=":
			n := p.next()
			p.next()
			e, err := p.parseExpression(true)
			if err != nil {
				return a, err
			}
			a.KwNames = append(a.KwNames, n.val)
			a.KwVals = append(a.KwVals, e)
		default:
			if len(a.KwNames) > 0 || a.StarStar != nil {
				return a, p.errf(p.cur(), "invalid syntax for function call expression")
			}
			e, err := p.parseExpression(true)
			if err != nil {
				return a, err
			}
			a.Args = append(a.Args, e)
		}
	}
	p.next()
	return a, nil
}

func (p *parser) parseCall(fn expr) (expr, error) {
	t := p.cur()
	a, err := p.parseCallArgs()
	if err != nil {
		return nil, err
	}
	return &callExpr{P: t.pos, Fn: fn, callArgs: a}, nil
}

func (p *parser) parseFilterCall(x expr) (*filterExpr, error) {
	n, err := p.expectKind(tName)
	if err != nil {
		return nil, err
	}
	name := n.val
	for p.isOp(".") {
		p.next()
		m, err := p.expectKind(tName)
		if err != nil {
			return nil, err
		}
		name += "." + m.val
	}
	f := &filterExpr{P: n.pos, X: x, Name: name}
	if p.isOp("(") {
		a, err := p.parseCallArgs()
		if err != nil {
			return nil, err
		}
		f.callArgs = a
	}
	if !p.env.hasFilter(name) {
		return nil, p.errf(n, "Could not load \""+name+"\": '"+name+"'") // Ansible's plugin loader wording
	}
	return f, nil
}

func (p *parser) parseFilterExpr(e expr) (expr, error) {
	for {
		switch {
		case p.isOp("|"):
			p.next()
			f, err := p.parseFilterCall(e)
			if err != nil {
				return nil, err
			}
			e = f
		case p.isName("is"):
			p.next()
			var err error
			e, err = p.parseTest(e)
			if err != nil {
				return nil, err
			}
		case p.isOp("("):
			var err error
			e, err = p.parseCall(e)
			if err != nil {
				return nil, err
			}
		default:
			return e, nil
		}
	}
}

func (p *parser) parseTest(x expr) (expr, error) {
	neg := false
	if p.isName("not") {
		p.next()
		neg = true
	}
	n, err := p.expectKind(tName)
	if err != nil {
		return nil, err
	}
	name := n.val
	for p.isOp(".") {
		p.next()
		m, err := p.expectKind(tName)
		if err != nil {
			return nil, err
		}
		name += "." + m.val
	}
	t := &testExpr{P: n.pos, X: x, Name: name, Neg: neg}
	c := p.cur()
	switch {
	case p.isOp("("):
		a, err := p.parseCallArgs()
		if err != nil {
			return nil, err
		}
		t.callArgs = a
	case c.kind == tName && !contains([]string{"else", "or", "and"}, c.val),
		c.kind == tString, c.kind == tInt, c.kind == tFloat,
		c.kind == tOp && (c.val == "[" || c.val == "{"):
		arg, err := p.parsePrimaryPostfix()
		if err != nil {
			return nil, err
		}
		t.Args = []expr{arg}
	}
	if !p.env.hasTest(name) {
		return nil, p.errf(n, "Could not load \""+name+"\": '"+name+"'")
	}
	return t, nil
}
