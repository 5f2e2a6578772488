package jinja

import (
	"strconv"
	"strings"

	"gplay/pyval"
)

// literalEval is Python's ast.literal_eval for the literals Ansible's
// native-result rules meet: str, int, float, bool, None, list, tuple,
// dict. With jsonNames, true/false/null are accepted too (Ansible's
// Json2Python). ok is false when Python would raise.
func literalEval(s string, jsonNames bool) (any, bool) {
	p := &litParser{s: s, json: jsonNames}
	if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		return nil, false // IndentationError
	}
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.skipSpace(false)
	if p.i != len(p.s) {
		return nil, false
	}
	return v, true
}

type litParser struct {
	s    string
	i    int
	json bool
}

func (p *litParser) skipSpace(inBrackets bool) {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			p.i++
		case c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '\n':
			p.i += 2
		case (c == '\n' || c == '\r') && inBrackets:
			p.i++
		case c == '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case (c == '\n' || c == '\r') && !inBrackets:
			// a trailing newline ends the expression
			rest := strings.TrimLeft(p.s[p.i:], " \t\r\n\f")
			if rest == "" {
				p.i = len(p.s)
			}
			return
		default:
			return
		}
	}
}

func (p *litParser) value(depth int) (any, bool) {
	if depth > 100 {
		return nil, false
	}
	in := depth > 0
	p.skipSpace(in)
	if p.i >= len(p.s) {
		return nil, false
	}
	c := p.s[p.i]
	switch {
	case c == '[':
		p.i++
		items, ok := p.seq(']', depth)
		if !ok {
			return nil, false
		}
		return pyval.NewList(items...), true
	case c == '(':
		p.i++
		p.skipSpace(true)
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			return pyval.Tuple{}, true
		}
		first, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		p.skipSpace(true)
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			return first, true
		}
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return nil, false
		}
		p.i++
		rest, ok := p.seq(')', depth)
		if !ok {
			return nil, false
		}
		return append(pyval.Tuple{first}, rest...), true
	case c == '{':
		p.i++
		d := pyval.NewDict(4)
		for {
			p.skipSpace(true)
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return d, true
			}
			k, ok := p.value(depth + 1)
			if !ok || !pyval.Hashable(k) {
				return nil, false
			}
			p.skipSpace(true)
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, false
			}
			p.i++
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			d.Set(k, v)
			p.skipSpace(true)
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return d, true
			}
			return nil, false
		}
	case c == '-' || c == '+':
		p.i++
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		switch t := v.(type) {
		case int64:
			if c == '-' {
				return -t, true
			}
			return t, true
		case float64:
			if c == '-' {
				return -t, true
			}
			return t, true
		}
		return nil, false
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c == '\'' || c == '"':
		return p.strings(depth)
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		j := p.i
		for j < len(p.s) && (p.s[j] == '_' || p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z' || p.s[j] >= '0' && p.s[j] <= '9') {
			j++
		}
		word := p.s[p.i:j]
		if j < len(p.s) && (p.s[j] == '\'' || p.s[j] == '"') && strings.ContainsAny(strings.ToLower(word), "rub") && len(word) <= 2 {
			return p.strings(depth)
		}
		p.i = j
		switch word {
		case "True":
			return true, true
		case "False":
			return false, true
		case "None":
			return nil, true
		}
		if p.json {
			switch word {
			case "true":
				return true, true
			case "false":
				return false, true
			case "null":
				return nil, true
			}
		}
	}
	return nil, false
}

func (p *litParser) seq(closer byte, depth int) ([]any, bool) {
	var items []any
	for {
		p.skipSpace(true)
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			return items, true
		}
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		items = append(items, v)
		p.skipSpace(true)
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			return items, true
		}
		return nil, false
	}
}

func (p *litParser) number() (any, bool) {
	kind, end := scanNumber(p.s, p.i)
	if p.s[p.i] == '.' {
		end2 := scanDigits(p.s, p.i+1)
		if end2 == p.i+1 {
			return nil, false
		}
		kind, end = tFloat, end2
		if end < len(p.s) && (p.s[end] == 'e' || p.s[end] == 'E') {
			_, end = scanNumber(p.s, end-1)
		}
	} else if end < len(p.s) && p.s[end] == '.' {
		// "1." is a float in Python
		end = scanDigits(p.s, end+1)
		kind = tFloat
		if end < len(p.s) && (p.s[end] == 'e' || p.s[end] == 'E') {
			q := end + 1
			if q < len(p.s) && (p.s[q] == '+' || p.s[q] == '-') {
				q++
			}
			if q < len(p.s) && p.s[q] >= '0' && p.s[q] <= '9' {
				end = scanDigits(p.s, q)
			}
		}
	}
	text := strings.ReplaceAll(p.s[p.i:end], "_", "")
	if end < len(p.s) {
		c := p.s[end]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			return nil, false
		}
	}
	p.i = end
	if kind == tFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			return nil, false
		}
		return f, true
	}
	if len(text) > 1 && text[0] == '0' && text[1] >= '0' && text[1] <= '9' {
		if strings.Trim(text, "0") != "" {
			return nil, false // leading zeros are a SyntaxError
		}
	}
	v, err := parseIntLit(text)
	if err != nil {
		return nil, false
	}
	return v, true
}

func (p *litParser) strings(depth int) (any, bool) {
	var b strings.Builder
	isBytes := false
	n := 0
	for {
		if n > 0 {
			save := p.i
			p.skipSpace(depth > 0)
			if p.i >= len(p.s) {
				p.i = save
				break
			}
			c := p.s[p.i]
			if !(c == '\'' || c == '"' || (c == 'r' || c == 'R' || c == 'u' || c == 'U' || c == 'b' || c == 'B') && p.i+1 < len(p.s) && strings.ContainsRune("'\"rRbB", rune(p.s[p.i+1]))) {
				p.i = save
				break
			}
		}
		raw := false
		for p.i < len(p.s) && strings.ContainsRune("rRuUbB", rune(p.s[p.i])) {
			switch p.s[p.i] {
			case 'r', 'R':
				raw = true
			case 'b', 'B':
				isBytes = true
			}
			p.i++
		}
		if p.i >= len(p.s) {
			return nil, false
		}
		q := p.s[p.i]
		if q != '\'' && q != '"' {
			return nil, false
		}
		triple := strings.HasPrefix(p.s[p.i:], strings.Repeat(string(q), 3))
		delim := string(q)
		if triple {
			delim = strings.Repeat(string(q), 3)
		}
		p.i += len(delim)
		start := p.i
		for {
			if p.i >= len(p.s) {
				return nil, false
			}
			if p.s[p.i] == '\\' {
				p.i += 2
				continue
			}
			if !triple && p.s[p.i] == '\n' {
				return nil, false
			}
			if strings.HasPrefix(p.s[p.i:], delim) {
				break
			}
			p.i++
		}
		body := p.s[start:p.i]
		p.i += len(delim)
		if raw {
			b.WriteString(body)
		} else {
			b.WriteString(unescapeString(body))
		}
		n++
	}
	if isBytes {
		return nil, false // bytes never come out of a rendered str
	}
	return b.String(), true
}
