package jinja

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"gplay/pyval"
)

// percentFormat is Python's `format % args`.
func percentFormat(format string, args any) (any, error) {
	var positional []any
	var mapping *pyval.Dict
	mappingLike := false // Python skips the "not all converted" check for these
	switch a := args.(type) {
	case pyval.Tuple:
		positional = a
	case *pyval.Dict:
		mapping = a
		positional = []any{a}
		mappingLike = true
	case *pyval.List:
		positional = []any{a}
		mappingLike = true
	default:
		positional = []any{a}
	}
	next := 0
	used := false
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(format) {
			return nil, rtErr("incomplete format")
		}
		var val any
		hasVal := false
		if format[i] == '(' {
			end := strings.IndexByte(format[i:], ')')
			if end < 0 {
				return nil, rtErr("incomplete format key")
			}
			key := format[i+1 : i+end]
			i += end + 1
			if mapping == nil {
				return nil, typeErr("format requires a mapping")
			}
			v, ok := mapping.Get(key)
			if !ok {
				return nil, rtErr("%s", pyQuote(key))
			}
			val, hasVal = v, true
			used = true
		}
		flags := ""
		for i < len(format) && strings.IndexByte("-+ #0", format[i]) >= 0 {
			flags += string(format[i])
			i++
		}
		width := -1
		if i < len(format) && format[i] == '*' {
			if next >= len(positional) {
				return nil, typeErr("not enough arguments for format string")
			}
			w, ok := toInt(positional[next])
			if !ok {
				return nil, typeErr("* wants int")
			}
			next++
			width = int(w)
			i++
		} else {
			j := i
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
			if i > j {
				width, _ = strconv.Atoi(format[j:i])
			}
		}
		prec := -1
		if i < len(format) && format[i] == '.' {
			i++
			j := i
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
			prec, _ = strconv.Atoi(format[j:i])
		}
		for i < len(format) && (format[i] == 'l' || format[i] == 'h' || format[i] == 'L') {
			i++
		}
		if i >= len(format) {
			return nil, rtErr("incomplete format")
		}
		conv := format[i]
		if conv == '%' {
			b.WriteByte('%')
			continue
		}
		if !hasVal {
			if mapping != nil && len(positional) == 1 && positional[0] == mapping && next > 0 {
				return nil, typeErr("not enough arguments for format string")
			}
			if next >= len(positional) {
				return nil, typeErr("not enough arguments for format string")
			}
			val = positional[next]
			next++
		}
		s, err := formatOne(conv, flags, width, prec, val)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	if !mappingLike && next < len(positional) {
		return nil, typeErr("not all arguments converted during string formatting")
	}
	_ = used
	return b.String(), nil
}

func formatOne(conv byte, flags string, width, prec int, val any) (string, error) {
	if err := sizeErr(int64(width) + int64(prec)); err != nil {
		return "", err
	}
	if u, ok := val.(pyval.Undefined); ok {
		return "", undefErr(u)
	}
	var body string
	numeric := false
	switch conv {
	case 's', 'r', 'a':
		if conv == 's' {
			body = pyStr(val)
		} else {
			body = pyRepr(val)
		}
		if prec >= 0 && utf8.RuneCountInString(body) > prec {
			body = string([]rune(body)[:prec])
		}
	case 'd', 'i', 'u':
		numeric = true
		f, ok := toFloat(val)
		if !ok {
			return "", typeErr("%%%c format: a real number is required, not %s", conv, typeName(val))
		}
		if bv, ok := val.(*big.Int); ok {
			body = bv.String()
		} else if iv, ok := toInt(val); ok {
			body = strconv.FormatInt(iv, 10)
		} else if math.Abs(f) < 1<<63 {
			body = strconv.FormatInt(int64(math.Trunc(f)), 10)
		} else {
			bi, _ := new(big.Float).SetFloat64(math.Trunc(f)).Int(nil)
			body = bi.String()
		}
		if prec >= 0 {
			body = zeroPadDigits(body, prec)
		}
	case 'x', 'X', 'o':
		numeric = true
		i, ok := toInt(val)
		if !ok {
			return "", typeErr("%%%c format: an integer is required, not %s", conv, typeName(val))
		}
		base := 16
		if conv == 'o' {
			base = 8
		}
		neg := i < 0
		if neg {
			i = -i
		}
		body = strconv.FormatInt(i, base)
		if conv == 'X' {
			body = strings.ToUpper(body)
		}
		if prec >= 0 {
			body = zeroPadDigits(body, prec)
		}
		if strings.Contains(flags, "#") {
			body = "0" + string(conv) + body
		}
		if neg {
			body = "-" + body
		}
	case 'e', 'E', 'f', 'F', 'g', 'G':
		numeric = true
		f, ok := toFloat(val)
		if !ok {
			return "", typeErr("must be real number, not %s", typeName(val))
		}
		if prec < 0 {
			prec = 6
		}
		body = formatFloat(f, conv, prec, strings.Contains(flags, "#"))
	case 'c':
		if i, ok := toInt(val); ok {
			body = string(rune(i))
		} else if s, ok := asStr(val); ok && utf8.RuneCountInString(s) == 1 {
			body = s
		} else {
			return "", typeErr("%%c requires int or char")
		}
	default:
		return "", rtErr("unsupported format character '%c' (0x%x)", conv, conv)
	}
	if numeric {
		if !strings.HasPrefix(body, "-") {
			if strings.Contains(flags, "+") {
				body = "+" + body
			} else if strings.Contains(flags, " ") {
				body = " " + body
			}
		}
	}
	n := utf8.RuneCountInString(body)
	if width > n {
		switch {
		case strings.Contains(flags, "-"):
			body += strings.Repeat(" ", width-n)
		case numeric && strings.Contains(flags, "0"):
			sign := ""
			if strings.HasPrefix(body, "-") || strings.HasPrefix(body, "+") || strings.HasPrefix(body, " ") {
				sign, body = body[:1], body[1:]
			}
			body = sign + strings.Repeat("0", width-n) + body
		default:
			body = strings.Repeat(" ", width-n) + body
		}
	}
	return body, nil
}

func zeroPadDigits(s string, prec int) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) < prec {
		s = strings.Repeat("0", prec-len(s)) + s
	}
	if neg {
		return "-" + s
	}
	return s
}

// formatFloat formats as Python's %e/%f/%g.
func formatFloat(f float64, conv byte, prec int, alt bool) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s := pyval.FloatRepr(f)
		if conv >= 'A' && conv <= 'Z' {
			s = strings.ToUpper(s)
		}
		return s
	}
	switch conv {
	case 'f', 'F':
		return strconv.FormatFloat(f, 'f', prec, 64)
	case 'e', 'E':
		s := strconv.FormatFloat(f, 'e', prec, 64)
		if conv == 'E' {
			s = strings.ToUpper(s)
		}
		return s
	}
	if prec == 0 {
		prec = 1
	}
	if f == 0 {
		if alt {
			return "0." + strings.Repeat("0", prec-1)
		}
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	exp := int(math.Floor(math.Log10(math.Abs(f))))
	// rounding may bump the exponent
	es := strconv.FormatFloat(f, 'e', prec-1, 64)
	if i := strings.IndexByte(es, 'e'); i >= 0 {
		exp, _ = strconv.Atoi(es[i+1:])
	}
	var s string
	if exp < -4 || exp >= prec {
		s = strconv.FormatFloat(f, 'e', prec-1, 64)
		if !alt {
			mant, e, _ := strings.Cut(s, "e")
			if strings.Contains(mant, ".") {
				mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
			}
			s = mant + "e" + e
		}
	} else {
		s = strconv.FormatFloat(f, 'f', max(prec-1-exp, 0), 64)
		if !alt && strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
	}
	if conv == 'G' {
		s = strings.ToUpper(s)
	}
	return s
}

// strFormat is Python's str.format.
func strFormat(format string, args []any, kw *kwargs) (any, error) {
	var b strings.Builder
	auto := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '}' {
			if i+1 < len(format) && format[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return nil, rtErr("Single '}' encountered in format string")
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(format) && format[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		// find matching }
		depth := 1
		j := i + 1
		for j < len(format) && depth > 0 {
			if format[j] == '{' {
				depth++
			} else if format[j] == '}' {
				depth--
			}
			j++
		}
		if depth > 0 {
			return nil, rtErr("expected '}' before end of string")
		}
		field := format[i+1 : j-1]
		i = j - 1
		spec := ""
		conv := byte(0)
		if k := strings.IndexByte(field, ':'); k >= 0 {
			field, spec = field[:k], field[k+1:]
		}
		if k := strings.IndexByte(field, '!'); k >= 0 {
			if k+1 < len(field) {
				conv = field[k+1]
			}
			field = field[:k]
		}
		// field name: first part then .attr / [key]
		first := field
		rest := ""
		if k := strings.IndexAny(field, ".["); k >= 0 {
			first, rest = field[:k], field[k:]
		}
		var val any
		switch {
		case first == "":
			if auto >= len(args) {
				return nil, rtErr("Replacement index %d out of range for positional args tuple", auto)
			}
			val = args[auto]
			auto++
		case first[0] >= '0' && first[0] <= '9':
			n, _ := strconv.Atoi(first)
			if n >= len(args) {
				return nil, rtErr("Replacement index %d out of range for positional args tuple", n)
			}
			val = args[n]
		default:
			v, ok := kw.get(first)
			if !ok {
				return nil, rtErr("%s", pyQuote(first))
			}
			val = v
		}
		for rest != "" {
			if rest[0] == '.' {
				k := strings.IndexAny(rest[1:], ".[")
				name := rest[1:]
				if k >= 0 {
					name = rest[1 : k+1]
					rest = rest[k+1:]
				} else {
					rest = ""
				}
				val = getAttr(val, name)
			} else {
				k := strings.IndexByte(rest, ']')
				if k < 0 {
					return nil, rtErr("Missing ']' in format string")
				}
				key := rest[1:k]
				rest = rest[k+1:]
				var kv any = key
				if n, err := strconv.Atoi(key); err == nil {
					kv = int64(n)
				}
				v, err := getItem(val, kv)
				if err != nil {
					return nil, err
				}
				val = v
			}
		}
		if u, ok := val.(pyval.Undefined); ok {
			return nil, undefErr(u)
		}
		switch conv {
		case 'r', 'a':
			val = pyRepr(val)
		case 's':
			val = pyStr(val)
		}
		s, err := formatSpec(val, spec)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// formatSpec is Python's format(value, spec).
func formatSpec(val any, spec string) (string, error) {
	if spec == "" {
		return pyStr(val), nil
	}
	fill, align := " ", byte(0)
	rs := []rune(spec)
	if len(rs) >= 2 && strings.ContainsRune("<>=^", rs[1]) {
		fill, align = string(rs[0]), byte(rs[1])
		spec = string(rs[2:])
	} else if len(spec) >= 1 && strings.IndexByte("<>=^", spec[0]) >= 0 {
		align = spec[0]
		spec = spec[1:]
	}
	sign := byte('-')
	if len(spec) > 0 && strings.IndexByte("+- ", spec[0]) >= 0 {
		sign = spec[0]
		spec = spec[1:]
	}
	alt := false
	if len(spec) > 0 && spec[0] == '#' {
		alt = true
		spec = spec[1:]
	}
	if len(spec) > 0 && spec[0] == '0' {
		if align == 0 {
			fill, align = "0", '='
		}
		spec = spec[1:]
	}
	j := 0
	for j < len(spec) && spec[j] >= '0' && spec[j] <= '9' {
		j++
	}
	width := -1
	if j > 0 {
		width, _ = strconv.Atoi(spec[:j])
	}
	spec = spec[j:]
	group := ""
	if len(spec) > 0 && (spec[0] == ',' || spec[0] == '_') {
		group = spec[:1]
		spec = spec[1:]
	}
	prec := -1
	if len(spec) > 0 && spec[0] == '.' {
		k := 1
		for k < len(spec) && spec[k] >= '0' && spec[k] <= '9' {
			k++
		}
		prec, _ = strconv.Atoi(spec[1:k])
		spec = spec[k:]
	}
	if err := sizeErr(int64(width) + int64(prec)); err != nil {
		return "", err
	}
	typ := byte(0)
	if len(spec) == 1 {
		typ = spec[0]
	} else if len(spec) > 1 {
		return "", rtErr("Invalid format specifier")
	}
	var body string
	numeric := false
	_, isStr := asStr(val)
	switch {
	case isStr || typ == 's':
		if !isStr {
			return "", rtErr("Unknown format code 's' for object of type '%s'", typeName(val))
		}
		body = pyStr(val)
		if prec >= 0 && utf8.RuneCountInString(body) > prec {
			body = string([]rune(body)[:prec])
		}
		if align == 0 {
			align = '<'
		}
	case isNumber(val):
		numeric = true
		iv, isInt := toInt(val)
		f, _ := toFloat(val)
		if _, isB := val.(bool); isB && typ == 0 {
			body = pyStr(val)
			break
		}
		bv, isBig := val.(*big.Int)
		switch {
		case isBig && (typ == 0 || typ == 'd' || typ == 'n'):
			body = bv.String()
		case isInt && (typ == 0 || typ == 'd' || typ == 'n'):
			body = strconv.FormatInt(iv, 10)
		case isInt && (typ == 'x' || typ == 'X' || typ == 'o' || typ == 'b'):
			base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'b': 2}[typ]
			a := iv
			neg := a < 0
			if neg {
				a = -a
			}
			body = strconv.FormatInt(a, base)
			if typ == 'X' {
				body = strings.ToUpper(body)
			}
			if alt {
				body = "0" + strings.ToLower(string(typ)) + body
			}
			if neg {
				body = "-" + body
			}
		case typ == 'c' && isInt:
			body = string(rune(iv))
			numeric = false
		case typ == 0:
			if prec >= 0 {
				body = formatFloat(f, 'g', max(prec, 1), alt)
			} else {
				body = pyval.FloatRepr(f)
			}
		case strings.IndexByte("eEfFgG%", typ) >= 0:
			if prec < 0 {
				prec = 6
			}
			if typ == '%' {
				body = strconv.FormatFloat(f*100, 'f', prec, 64) + "%"
			} else {
				body = formatFloat(f, typ, prec, alt)
			}
		default:
			return "", rtErr("Unknown format code '%c' for object of type '%s'", typ, typeName(val))
		}
		if group != "" {
			body = groupDigits(body, group)
		}
		if !strings.HasPrefix(body, "-") {
			if sign == '+' {
				body = "+" + body
			} else if sign == ' ' {
				body = " " + body
			}
		}
		if align == 0 {
			align = '>'
		}
	default:
		if spec != "" || typ != 0 {
			return "", typeErr("unsupported format string passed to %s.__format__", typeName(val))
		}
		body = pyStr(val)
		if align == 0 {
			align = '<'
		}
	}
	n := utf8.RuneCountInString(body)
	if width > n {
		padN := width - n
		switch align {
		case '<':
			body += strings.Repeat(fill, padN)
		case '>':
			body = strings.Repeat(fill, padN) + body
		case '^':
			body = strings.Repeat(fill, padN/2) + body + strings.Repeat(fill, padN-padN/2)
		case '=':
			signStr := ""
			if numeric && len(body) > 0 && strings.IndexByte("+- ", body[0]) >= 0 {
				signStr, body = body[:1], body[1:]
			}
			body = signStr + strings.Repeat(fill, padN) + body
		}
	}
	return body, nil
}

func groupDigits(s, sep string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac := s, ""
	if k := strings.IndexAny(s, ".e%"); k >= 0 {
		intPart, frac = s[:k], s[k:]
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	out := b.String() + frac
	if neg {
		return "-" + out
	}
	return out
}
