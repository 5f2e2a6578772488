package inventory

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gplay/pyval"
)

// literalEval is Python's ast.literal_eval as Ansible's INI plugin uses it
// (_parse_value): the value when s is a Python literal (numbers, strings,
// True/False/None, lists, tuples, dicts, sets), ok=false otherwise, in
// which case the caller keeps s as a string. Sets become lists (pyval has
// no set); complex numbers and f-strings are not literals here.
func literalEval(s string) (v any, ok bool) {
	p := &litParser{s: strings.TrimLeft(s, " \t")}
	v, err := p.expr()
	if err != nil {
		return nil, false
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, false
	}
	return v, true
}

type litParser struct {
	s string
	i int
}

var errNotLiteral = errors.New("not a literal")

func (p *litParser) skipSpace() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			p.i++
		case c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '\n':
			p.i += 2
		case c == '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

func (p *litParser) peek() byte {
	p.skipSpace()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// expr parses one expression; a top-level "a, b" is a tuple, as Python's
// eval mode reads it.
func (p *litParser) expr() (any, error) {
	v, err := p.atom()
	if err != nil {
		return nil, err
	}
	if p.peek() != ',' {
		return v, nil
	}
	items := pyval.Tuple{v}
	for p.peek() == ',' {
		p.i++
		if c := p.peek(); c == 0 {
			break
		}
		v, err := p.atom()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	return items, nil
}

func (p *litParser) atom() (any, error) {
	c := p.peek()
	switch {
	case c == 0:
		return nil, errNotLiteral
	case c == '[':
		p.i++
		items, err := p.seq(']')
		if err != nil {
			return nil, err
		}
		return &pyval.List{Items: items}, nil
	case c == '(':
		p.i++
		if p.peek() == ')' {
			p.i++
			return pyval.Tuple{}, nil
		}
		first, err := p.atom()
		if err != nil {
			return nil, err
		}
		if p.peek() == ')' {
			p.i++
			return first, nil // parentheses only group
		}
		if p.peek() != ',' {
			return nil, errNotLiteral
		}
		p.i++
		rest, err := p.seq(')')
		if err != nil {
			return nil, err
		}
		return append(pyval.Tuple{first}, rest...), nil
	case c == '{':
		p.i++
		return p.dictOrSet()
	case c == '-' || c == '+':
		p.i++
		if c2 := p.peek(); !(c2 >= '0' && c2 <= '9') && c2 != '.' {
			return nil, errNotLiteral // only a sign on a number constant
		}
		v, err := p.number()
		if err != nil {
			return nil, err
		}
		if c == '-' {
			switch n := v.(type) {
			case int64:
				return -n, nil
			case float64:
				return -n, nil
			case string: // big int text
				return "-" + n, nil
			}
		}
		return v, nil
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c == '"' || c == '\'':
		return p.strings("")
	}
	// A name, or a string prefix.
	start := p.i
	for p.i < len(p.s) {
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			break
		}
		p.i += n
	}
	word := p.s[start:p.i]
	if word == "" {
		return nil, errNotLiteral
	}
	if p.i < len(p.s) && (p.s[p.i] == '\'' || p.s[p.i] == '"') {
		switch strings.ToLower(word) {
		case "r", "u", "b", "br", "rb":
			return p.strings(strings.ToLower(word))
		}
		return nil, errNotLiteral
	}
	switch word {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return nil, nil
	}
	return nil, errNotLiteral
}

func (p *litParser) seq(end byte) ([]any, error) {
	items := []any{}
	for {
		if p.peek() == end {
			p.i++
			return items, nil
		}
		v, err := p.atom()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		switch p.peek() {
		case ',':
			p.i++
		case end:
		default:
			return nil, errNotLiteral
		}
	}
}

func (p *litParser) dictOrSet() (any, error) {
	if p.peek() == '}' {
		p.i++
		return pyval.NewDict(0), nil
	}
	first, err := p.atom()
	if err != nil {
		return nil, err
	}
	if p.peek() != ':' {
		// a set literal
		items := []any{first}
		switch p.peek() {
		case ',':
			p.i++
			rest, err := p.seq('}')
			if err != nil {
				return nil, err
			}
			items = append(items, rest...)
		case '}':
			p.i++
		default:
			return nil, errNotLiteral
		}
		for _, it := range items {
			if !pyval.Hashable(it) {
				return nil, errNotLiteral
			}
		}
		return &pyval.List{Items: items}, nil
	}
	d := pyval.NewDict(4)
	k := first
	for {
		if p.peek() != ':' {
			return nil, errNotLiteral
		}
		p.i++
		v, err := p.atom()
		if err != nil {
			return nil, err
		}
		if !pyval.Hashable(k) {
			return nil, errNotLiteral
		}
		d.Set(k, v)
		switch p.peek() {
		case ',':
			p.i++
			if p.peek() == '}' {
				p.i++
				return d, nil
			}
		case '}':
			p.i++
			return d, nil
		default:
			return nil, errNotLiteral
		}
		if k, err = p.atom(); err != nil {
			return nil, err
		}
	}
}

// number scans a Python numeric literal at p.i.
func (p *litParser) number() (any, error) {
	s := p.s[p.i:]
	end := 0
	for end < len(s) {
		c := s[end]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' {
			end++
			continue
		}
		if (c == '+' || c == '-') && end > 0 && (s[end-1] == 'e' || s[end-1] == 'E') && !isPrefixedInt(s[:end]) {
			end++
			continue
		}
		break
	}
	tok := s[:end]
	p.i += end
	return parsePyNumber(tok)
}

func isPrefixedInt(s string) bool {
	return len(s) > 1 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1]))
}

// parsePyNumber checks a token against Python 3's numeric literal grammar.
func parsePyNumber(tok string) (any, error) {
	digits := func(s string, ok func(byte) bool) bool {
		if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
			return false
		}
		for i := 0; i < len(s); i++ {
			if s[i] != '_' && !ok(s[i]) {
				return false
			}
		}
		return true
	}
	dec := func(c byte) bool { return c >= '0' && c <= '9' }
	if isPrefixedInt(tok) {
		base, ok := 16, func(c byte) bool { return dec(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
		switch tok[1] {
		case 'o', 'O':
			base, ok = 8, func(c byte) bool { return c >= '0' && c <= '7' }
		case 'b', 'B':
			base, ok = 2, func(c byte) bool { return c == '0' || c == '1' }
		}
		body := tok[2:]
		if strings.HasPrefix(body, "_") {
			body = body[1:]
		}
		if !digits(body, ok) {
			return nil, errNotLiteral
		}
		return bigToValue(strings.ReplaceAll(body, "_", ""), base)
	}
	if strings.HasSuffix(tok, "j") || strings.HasSuffix(tok, "J") {
		return nil, errNotLiteral // complex
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(tok), "e")
	if hasExp {
		e := strings.TrimLeft(exp, "+-")
		if len(exp)-len(e) > 1 || !digits(e, dec) {
			return nil, errNotLiteral
		}
	}
	ip, fp, hasDot := strings.Cut(mant, ".")
	if !hasDot && !hasExp {
		if !digits(ip, dec) {
			return nil, errNotLiteral
		}
		clean := strings.ReplaceAll(ip, "_", "")
		if len(clean) > 1 && clean[0] == '0' && strings.Trim(clean, "0") != "" {
			return nil, errNotLiteral // leading zeros are a SyntaxError in Python 3
		}
		return bigToValue(clean, 10)
	}
	if ip == "" && fp == "" {
		return nil, errNotLiteral
	}
	if ip != "" && !digits(ip, dec) || fp != "" && !digits(fp, dec) {
		return nil, errNotLiteral
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(tok, "_", ""), 64)
	if err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return nil, errNotLiteral
		}
	}
	return f, nil
}

func bigToValue(s string, base int) (any, error) {
	n, ok := new(big.Int).SetString(s, base)
	if !ok {
		return nil, errNotLiteral
	}
	if n.IsInt64() {
		return n.Int64(), nil
	}
	return n.String(), nil // beyond int64: kept as decimal text
}

// strings parses one or more adjacent string literals (Python concatenates
// them); prefix is the first one's prefix, already consumed.
func (p *litParser) strings(prefix string) (any, error) {
	var b strings.Builder
	for {
		s, err := p.oneString(prefix)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
		c := p.peek()
		prefix = ""
		if c == '\'' || c == '"' {
			continue
		}
		j := p.i
		for j < len(p.s) && strings.ContainsRune("rRuUbB", rune(p.s[j])) && j-p.i < 2 {
			j++
		}
		if j > p.i && j < len(p.s) && (p.s[j] == '\'' || p.s[j] == '"') {
			prefix = strings.ToLower(p.s[p.i:j])
			p.i = j
			continue
		}
		return b.String(), nil
	}
}

func (p *litParser) oneString(prefix string) (string, error) {
	raw := strings.Contains(prefix, "r")
	isBytes := strings.Contains(prefix, "b")
	q := p.s[p.i]
	triple := strings.HasPrefix(p.s[p.i:], strings.Repeat(string(q), 3))
	if triple {
		p.i += 3
	} else {
		p.i++
	}
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", errNotLiteral
		}
		c := p.s[p.i]
		if triple && strings.HasPrefix(p.s[p.i:], strings.Repeat(string(q), 3)) {
			p.i += 3
			return b.String(), nil
		}
		if !triple && c == q {
			p.i++
			return b.String(), nil
		}
		if c == '\n' && !triple {
			return "", errNotLiteral
		}
		if c != '\\' {
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", errNotLiteral
		}
		n := p.s[p.i+1]
		if raw {
			b.WriteByte('\\')
			b.WriteByte(n)
			p.i += 2
			continue
		}
		p.i += 2
		switch n {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(n)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := p.i - 1
			k := j
			for k < len(p.s) && k < j+3 && p.s[k] >= '0' && p.s[k] <= '7' {
				k++
			}
			v, _ := strconv.ParseUint(p.s[j:k], 8, 32) // digits checked above
			b.WriteRune(rune(v))
			p.i = k
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[n]
			if isBytes && n != 'x' {
				b.WriteByte('\\')
				b.WriteByte(n)
				continue
			}
			if p.i+width > len(p.s) {
				return "", errNotLiteral
			}
			v, err := strconv.ParseUint(p.s[p.i:p.i+width], 16, 32)
			if err != nil || v > unicode.MaxRune {
				return "", errNotLiteral
			}
			b.WriteRune(rune(v))
			p.i += width
		default:
			b.WriteByte('\\')
			b.WriteByte(n)
		}
	}
}
