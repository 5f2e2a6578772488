package jinja

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF tokKind = iota
	tData
	tVarBegin
	tVarEnd
	tBlockBegin
	tBlockEnd
	tName
	tString
	tInt
	tFloat
	tOp
	// tError stands where lexing failed: Jinja lexes lazily, so the parser
	// may report an earlier error first; reaching this token reports the
	// lexer's.
	tError
)

func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "end of template"
	case tData:
		return "template data"
	case tVarBegin:
		return "begin of print statement"
	case tVarEnd:
		return "end of print statement"
	case tBlockBegin:
		return "begin of statement block"
	case tBlockEnd:
		return "end of statement block"
	case tName:
		return "name"
	case tString:
		return "string"
	case tInt:
		return "integer"
	case tFloat:
		return "float"
	}
	return "operator"
}

type token struct {
	kind tokKind
	val  string // data text, name, operator, unescaped string, number text
	pos  Pos
}

// Pos is a position inside a template; Line and Col count from 1.
type Pos struct{ Line, Col int }

type lexOpts struct {
	trimBlocks, lstripBlocks bool
	// rawVarStrings applies Ansible's _escape_backslashes first: the
	// backslashes of string literals inside {{ }} are doubled before Jinja
	// lexes the template, so '\1' reaches regex_replace intact.
	rawVarStrings bool
}

type lexer struct {
	src    string
	opts   lexOpts
	pos    int
	toks   []token
	lineAt []int // byte offsets of line starts
	// varStrings collects the byte spans of string literals inside {{ }}
	// (for escapeBackslashes)
	varStrings [][2]int
}

func (lx *lexer) position(off int) Pos {
	lo, hi := 0, len(lx.lineAt)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if lx.lineAt[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return Pos{Line: lo + 1, Col: utf8.RuneCountInString(lx.src[lx.lineAt[lo]:min(off, len(lx.src))]) + 1}
}

// normalizeSource does what Jinja does before lexing: newlines become \n and
// one trailing newline is dropped (keep_trailing_newline=False).
func normalizeSource(src string) string {
	if strings.ContainsRune(src, '\r') {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	return strings.TrimSuffix(src, "\n")
}

// escapeBackslashes is Ansible's _escape_backslashes: it doubles the
// backslashes inside string literals of {{ }} blocks.
func escapeBackslashes(src string, opts lexOpts) (string, error) {
	opts.rawVarStrings = false
	lx := &lexer{src: src, opts: opts, lineAt: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			lx.lineAt = append(lx.lineAt, i+1)
		}
	}
	if err := lx.run(); err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, sp := range lx.varStrings {
		b.WriteString(src[last:sp[0]])
		b.WriteString(strings.ReplaceAll(src[sp[0]:sp[1]], `\`, `\\`))
		last = sp[1]
	}
	b.WriteString(src[last:])
	return b.String(), nil
}

func lex(src string, opts lexOpts) ([]token, error) {
	if opts.rawVarStrings {
		esc, err := escapeBackslashes(src, opts)
		if err != nil {
			return nil, err
		}
		src = esc
		opts.rawVarStrings = false
	}
	lx := &lexer{src: src, opts: opts, lineAt: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			lx.lineAt = append(lx.lineAt, i+1)
		}
	}
	if err := lx.run(); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return nil, err
		}
		lx.toks = append(lx.toks, token{kind: tError, val: e.Msg, pos: e.Pos})
	}
	lx.toks = append(lx.toks, token{kind: tEOF, pos: lx.position(len(src))})
	return lx.toks, nil
}

func (lx *lexer) errAt(off int, msg string) error {
	p := lx.position(off)
	return &Error{Kind: ErrSyntax, Pos: p, Msg: msg}
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

// findTag returns the offset of the next {{, {% or {# at or after from.
func (lx *lexer) findTag(from int) int {
	for {
		i := strings.IndexByte(lx.src[from:], '{')
		if i < 0 {
			return -1
		}
		j := from + i
		if j+1 < len(lx.src) {
			switch lx.src[j+1] {
			case '{', '%', '#':
				return j
			}
		}
		from = j + 1
	}
}

// emitData adds text before a tag at tagOff, applying '-' and lstrip_blocks.
func (lx *lexer) emitData(start, tagOff int, lineStarting bool) {
	text := lx.src[start:tagOff]
	sign := byte(0)
	if tagOff+2 < len(lx.src) {
		sign = lx.src[tagOff+2]
	}
	kind := lx.src[tagOff+1]
	if sign == '-' {
		text = strings.TrimRightFunc(text, unicode.IsSpace)
	} else if sign != '+' && lx.opts.lstripBlocks && kind != '{' {
		l := strings.LastIndexByte(text, '\n') + 1
		if l > 0 || lineStarting {
			if strings.TrimLeftFunc(text[l:], unicode.IsSpace) == "" {
				text = text[:l]
			}
		}
	}
	if text != "" {
		lx.toks = append(lx.toks, token{kind: tData, val: text, pos: lx.position(start)})
	}
}

// afterEnd applies the whitespace rules after a closing %} or #} whose
// first byte is at off and whose sign ('-', '+' or 0) is given.
func (lx *lexer) afterEnd(end int, sign byte, trim bool) int {
	switch {
	case sign == '-':
		for end < len(lx.src) && isSpace(lx.src[end]) {
			end++
		}
	case sign != '+' && trim && lx.opts.trimBlocks:
		if end < len(lx.src) && lx.src[end] == '\n' {
			end++
		}
	}
	return end
}

func (lx *lexer) run() error {
	src := lx.src
	lineStarting := true
	for lx.pos < len(src) {
		tag := lx.findTag(lx.pos)
		if tag < 0 {
			lx.toks = append(lx.toks, token{kind: tData, val: src[lx.pos:], pos: lx.position(lx.pos)})
			return nil
		}
		// raw block?
		if src[tag+1] == '%' {
			if end, bodyStart, ok := lx.matchRawBegin(tag); ok {
				lx.emitData(lx.pos, tag, lineStarting)
				if err := lx.raw(tag, bodyStart); err != nil {
					return err
				}
				_ = end
				lineStarting = lx.pos > 0 && src[lx.pos-1] == '\n'
				continue
			}
		}
		lx.emitData(lx.pos, tag, lineStarting)
		p := tag + 2
		if p < len(src) && (src[p] == '-' || src[p] == '+') {
			p++
		}
		switch src[tag+1] {
		case '#':
			endRel := strings.Index(src[p:], "#}")
			if endRel < 0 {
				return lx.errAt(tag, "Missing end of comment tag")
			}
			e := p + endRel
			sign := byte(0)
			if e > p && (src[e-1] == '-' || src[e-1] == '+') {
				sign = src[e-1]
			}
			lx.pos = lx.afterEnd(e+2, sign, true)
		case '{':
			lx.toks = append(lx.toks, token{kind: tVarBegin, pos: lx.position(tag)})
			np, err := lx.exprTokens(p, '}')
			if err != nil {
				return err
			}
			lx.pos = np
		case '%':
			lx.toks = append(lx.toks, token{kind: tBlockBegin, pos: lx.position(tag)})
			np, err := lx.exprTokens(p, '%')
			if err != nil {
				return err
			}
			lx.pos = np
		}
		lineStarting = lx.pos > 0 && src[lx.pos-1] == '\n'
	}
	return nil
}

// matchRawBegin recognizes {% raw %} (with optional -/+ signs) at tag.
func (lx *lexer) matchRawBegin(tag int) (end, bodyStart int, ok bool) {
	src := lx.src
	p := tag + 2
	if p < len(src) && (src[p] == '-' || src[p] == '+') {
		p++
	}
	for p < len(src) && isSpace(src[p]) {
		p++
	}
	if !strings.HasPrefix(src[p:], "raw") {
		return 0, 0, false
	}
	p += 3
	for p < len(src) && isSpace(src[p]) {
		p++
	}
	if strings.HasPrefix(src[p:], "-%}") {
		p += 3
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		return p, p, true
	}
	if strings.HasPrefix(src[p:], "%}") {
		return p + 2, p + 2, true
	}
	return 0, 0, false
}

func (lx *lexer) raw(tag, body int) error {
	src := lx.src
	from := body
	for {
		i := strings.Index(src[from:], "{%")
		if i < 0 {
			return lx.errAt(tag, "Missing end of raw directive")
		}
		t := from + i
		p := t + 2
		sign := byte(0)
		if p < len(src) && (src[p] == '-' || src[p] == '+') {
			sign = src[p]
			p++
		}
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		if !strings.HasPrefix(src[p:], "endraw") {
			from = t + 2
			continue
		}
		p += 6
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		esign := byte(0)
		if p < len(src) && (src[p] == '-' || src[p] == '+') {
			esign = src[p]
			p++
		}
		if !strings.HasPrefix(src[p:], "%}") {
			from = t + 2
			continue
		}
		text := src[body:t]
		if sign == '-' {
			text = strings.TrimRightFunc(text, unicode.IsSpace)
		} else if sign != '+' && lx.opts.lstripBlocks {
			l := strings.LastIndexByte(text, '\n') + 1
			if l > 0 && strings.TrimLeftFunc(text[l:], unicode.IsSpace) == "" {
				text = text[:l]
			}
		}
		if text != "" {
			lx.toks = append(lx.toks, token{kind: tData, val: text, pos: lx.position(body)})
		}
		lx.pos = lx.afterEnd(p+2, esign, true)
		return nil
	}
}

var ops3 = []string{"//", "**", "==", "!=", ">=", "<="}

// exprTokens lexes the inside of {{ }} (closer '}') or {% %} (closer '%')
// and returns the offset after the closing tag.
func (lx *lexer) exprTokens(p int, closer byte) (int, error) {
	src := lx.src
	var balance []byte
	inVar := closer == '}'
	for {
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		if p >= len(src) {
			if inVar {
				return 0, lx.errAt(p, "unexpected end of template, expected 'end of print statement'.")
			}
			return 0, lx.errAt(p, "unexpected end of template, expected 'end of statement block'.")
		}
		if len(balance) == 0 {
			// closing tag: -}} / }} or -%} / +%} / %}
			sign := byte(0)
			q := p
			if src[q] == '-' || (src[q] == '+' && !inVar) {
				sign = src[q]
				q++
			}
			if q+1 < len(src) && src[q] == closer && src[q+1] == '}' {
				if inVar {
					lx.toks = append(lx.toks, token{kind: tVarEnd, pos: lx.position(p)})
					end := q + 2
					if sign == '-' {
						for end < len(src) && isSpace(src[end]) {
							end++
						}
					}
					return end, nil
				}
				lx.toks = append(lx.toks, token{kind: tBlockEnd, pos: lx.position(p)})
				return lx.afterEnd(q+2, sign, true), nil
			}
		}
		c := src[p]
		start := p
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			for p < len(src) {
				r, sz := utf8.DecodeRuneInString(src[p:])
				if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
					p += sz
					continue
				}
				break
			}
			if p == start {
				return 0, lx.errAt(start, "unexpected char "+pyQuote(src[start:start+1])+" at "+itoa(start))
			}
			lx.toks = append(lx.toks, token{kind: tName, val: src[start:p], pos: lx.position(start)})
		case c >= '0' && c <= '9':
			kind, end := scanNumber(src, p)
			lx.toks = append(lx.toks, token{kind: kind, val: strings.ReplaceAll(src[start:end], "_", ""), pos: lx.position(start)})
			p = end
		case c == '\'' || c == '"':
			q := p + 1
			for q < len(src) && src[q] != c {
				if src[q] == '\\' {
					q++
				}
				q++
			}
			if q >= len(src) {
				return 0, lx.errAt(start, "unexpected char "+pyQuote(string(c))+" at "+itoa(start))
			}
			if inVar {
				lx.varStrings = append(lx.varStrings, [2]int{p, q + 1})
			}
			lx.toks = append(lx.toks, token{kind: tString, val: unescapeString(src[p+1 : q]), pos: lx.position(start)})
			p = q + 1
		default:
			op := ""
			for _, o := range ops3 {
				if strings.HasPrefix(src[p:], o) {
					op = o
					break
				}
			}
			if op == "" {
				if !strings.ContainsRune("+-/*%~[](){}><=.:|,;", rune(c)) {
					return 0, lx.errAt(start, "unexpected char "+pyQuote(src[start:start+1])+" at "+itoa(start))
				}
				op = src[p : p+1]
			}
			switch op {
			case "(", "[", "{":
				balance = append(balance, op[0])
			case ")", "]", "}":
				if len(balance) == 0 {
					return 0, lx.errAt(start, "unexpected '"+op+"'")
				}
				want := map[byte]byte{'(': ')', '[': ']', '{': '}'}[balance[len(balance)-1]]
				if op[0] != want {
					return 0, lx.errAt(start, "unexpected '"+op+"', expected '"+string(want)+"'")
				}
				balance = balance[:len(balance)-1]
			}
			lx.toks = append(lx.toks, token{kind: tOp, val: op, pos: lx.position(start)})
			p += len(op)
		}
	}
}

func scanDigits(src string, p int) int {
	start := p
	for p < len(src) && (src[p] >= '0' && src[p] <= '9' || src[p] == '_' && p > start && p+1 < len(src) && src[p+1] >= '0' && src[p+1] <= '9') {
		p++
	}
	return p
}

func scanNumber(src string, p int) (tokKind, int) {
	if src[p] == '0' && p+1 < len(src) && strings.ContainsRune("xXoObB", rune(src[p+1])) {
		q := p + 2
		for q < len(src) && (isHex(src[q]) || src[q] == '_') {
			q++
		}
		if q > p+2 {
			return tInt, q
		}
	}
	end := scanDigits(src, p)
	kind := tInt
	if end+1 < len(src) && src[end] == '.' && src[end+1] >= '0' && src[end+1] <= '9' {
		end = scanDigits(src, end+1)
		kind = tFloat
	}
	if end < len(src) && (src[end] == 'e' || src[end] == 'E') {
		q := end + 1
		if q < len(src) && (src[q] == '+' || src[q] == '-') {
			q++
		}
		if q < len(src) && src[q] >= '0' && src[q] <= '9' {
			end = scanDigits(src, q)
			kind = tFloat
		}
	}
	return kind, end
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// unescapeString decodes Python's unicode-escape sequences as Jinja does
// for string literals; unknown escapes keep their backslash.
func unescapeString(s string) string {
	if !strings.ContainsRune(s, '\\') {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case '\'':
			b.WriteByte('\'')
		case '"':
			b.WriteByte('"')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '\n':
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				n = n*8 + int(s[j]-'0')
				j++
			}
			b.WriteRune(rune(n))
			i = j - 1
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
			if i+width < len(s)+0 && i+1+width <= len(s) {
				n, ok := 0, true
				for _, h := range []byte(s[i+1 : i+1+width]) {
					if !isHex(h) {
						ok = false
						break
					}
					n = n*16 + hexVal(h)
				}
				if ok && utf8.ValidRune(rune(n)) {
					b.WriteRune(rune(n))
					i += width
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func hexVal(h byte) int {
	switch {
	case h >= '0' && h <= '9':
		return int(h - '0')
	case h >= 'a' && h <= 'f':
		return int(h-'a') + 10
	}
	return int(h-'A') + 10
}
