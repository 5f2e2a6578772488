package jinja

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"gplay/pyval"
)

type jsonOpts struct {
	pretty   bool
	indent   int
	sortKeys bool
	noASCII  bool // ensure_ascii=False
}

// jsonDumps is Python's json.dumps with Ansible's encoder (dates as ISO
// strings).
func jsonDumps(v any, o jsonOpts) (string, error) {
	var b strings.Builder
	if err := jsonWrite(&b, v, o, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

func jsonString(b *strings.Builder, s string, ascii bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (ascii && r == 0x7f):
				fmt.Fprintf(b, `\u%04x`, r)
			case ascii && r > 0x7f:
				if r > 0xffff {
					r -= 0x10000
					fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
				} else {
					fmt.Fprintf(b, `\u%04x`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

func jsonFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	return pyval.FloatRepr(f)
}

func jsonKey(k any) (string, error) {
	switch t := k.(type) {
	case string:
		return t, nil
	case pyval.Unsafe:
		return string(t), nil
	case bool:
		if t {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "null", nil
	case int64:
		return fmt.Sprint(t), nil
	case float64:
		return jsonFloat(t), nil
	}
	return "", typeErr("keys must be str, int, float, bool or None, not %s", typeName(k))
}

func jsonWrite(b *strings.Builder, v any, o jsonOpts, depth int) error {
	if depth > 500 {
		return rtErr("maximum recursion depth exceeded")
	}
	nl := func(d int) {
		if o.pretty {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", o.indent*d))
		}
	}
	itemSep := ", "
	if o.pretty {
		itemSep = ","
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		fmt.Fprint(b, t)
	case *big.Int:
		b.WriteString(t.String())
	case float64:
		b.WriteString(jsonFloat(t))
	case string:
		jsonString(b, t, !o.noASCII)
	case pyval.Unsafe:
		jsonString(b, string(t), !o.noASCII)
	case *datetime:
		jsonString(b, strings.Replace(t.String(), " ", "T", 1), !o.noASCII)
	case *pyval.List, pyval.Tuple, dictView:
		items, _ := iterate(t)
		if len(items) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteString(itemSep)
			}
			nl(depth + 1)
			if err := jsonWrite(b, it, o, depth+1); err != nil {
				return err
			}
		}
		nl(depth)
		b.WriteByte(']')
	case *pyval.Dict, Mapping:
		d, _ := asDict(t)
		if d.Len() == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := d.Keys()
		if o.sortKeys {
			var err error
			if keys, err = pyval.SortedKeys(d); err != nil {
				return typeErr("'<' not supported between instances of mixed key types")
			}
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(itemSep)
			}
			nl(depth + 1)
			ks, err := jsonKey(k)
			if err != nil {
				return err
			}
			jsonString(b, ks, !o.noASCII)
			b.WriteString(": ")
			x, _ := d.Get(k)
			if err := jsonWrite(b, x, o, depth+1); err != nil {
				return err
			}
		}
		nl(depth)
		b.WriteByte('}')
	case pyval.Undefined:
		return undefErr(t)
	default:
		return typeErr("Object of type %s is not JSON serializable", typeName(v))
	}
	return nil
}

// jsonLoads is Python's json.loads: objects keep their key order, numbers
// with a fraction or exponent are floats, and errors are worded as
// Python's json.JSONDecodeError.
func jsonLoads(s string) (any, error) {
	d := &jsonDec{s: []rune(s)}
	d.ws()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.ws()
	if d.i != len(d.s) {
		return nil, d.fail("Extra data", d.i)
	}
	return v, nil
}

type jsonDec struct {
	s []rune
	i int
}

func (d *jsonDec) fail(msg string, pos int) error {
	line, col := 1, pos+1
	for j := 0; j < pos && j < len(d.s); j++ {
		if d.s[j] == '\n' {
			line++
			col = pos - j
		}
	}
	return rtErr("%s: line %d column %d (char %d)", msg, line, col, pos)
}

func (d *jsonDec) ws() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *jsonDec) lit(word string) bool {
	if d.i+len(word) > len(d.s) || string(d.s[d.i:d.i+len(word)]) != word {
		return false
	}
	d.i += len(word)
	return true
}

func (d *jsonDec) value(depth int) (any, error) {
	if depth > 500 {
		return nil, rtErr("maximum recursion depth exceeded while decoding a JSON document")
	}
	if d.i >= len(d.s) {
		return nil, d.fail("Expecting value", d.i)
	}
	switch c := d.s[d.i]; {
	case c == '"':
		return d.str()
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case d.lit("null"):
		return nil, nil
	case d.lit("true"):
		return true, nil
	case d.lit("false"):
		return false, nil
	case d.lit("NaN"):
		return math.NaN(), nil
	case d.lit("Infinity"):
		return math.Inf(1), nil
	case d.lit("-Infinity"):
		return math.Inf(-1), nil
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, d.fail("Expecting value", d.i)
}

func (d *jsonDec) number() (any, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.s[d.i] == '-' {
		d.i++
	}
	if d.i < len(d.s) && d.s[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		d.i = start
		return nil, d.fail("Expecting value", start)
	}
	isFloat := false
	if d.i+1 < len(d.s) && d.s[d.i] == '.' && d.s[d.i+1] >= '0' && d.s[d.i+1] <= '9' {
		d.i++
		digits()
		isFloat = true
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		save := d.i
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			d.i = save
		} else {
			isFloat = true
		}
	}
	text := string(d.s[start:d.i])
	if isFloat {
		f, _ := pyFloat(text)
		return f, nil
	}
	v, _ := pyIntStr(text, 10)
	return v, nil
}

func (d *jsonDec) str() (any, error) {
	start := d.i
	d.i++
	var b strings.Builder
	for {
		if d.i >= len(d.s) {
			return nil, d.fail("Unterminated string starting at", start)
		}
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return b.String(), nil
		case c < 0x20:
			return nil, d.fail("Invalid control character at", d.i)
		case c == '\\':
			if d.i+1 >= len(d.s) {
				return nil, d.fail("Unterminated string starting at", start)
			}
			e := d.s[d.i+1]
			switch e {
			case '"', '\\', '/':
				b.WriteRune(e)
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
			case 'u':
				r, ok := d.hex4(d.i + 2)
				if !ok {
					return nil, d.fail("Invalid \\uXXXX escape", d.i+1)
				}
				d.i += 4
				if r >= 0xd800 && r <= 0xdbff && d.i+7 < len(d.s) && d.s[d.i+2] == '\\' && d.s[d.i+3] == 'u' {
					if r2, ok := d.hex4(d.i + 4); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
						d.i += 6
					}
				}
				b.WriteRune(r)
			default:
				return nil, d.fail("Invalid \\escape", d.i)
			}
			d.i += 2
		default:
			b.WriteRune(c)
			d.i++
		}
	}
}

func (d *jsonDec) hex4(at int) (rune, bool) {
	if at+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, h := range d.s[at : at+4] {
		if h > 0x7f || !isHex(byte(h)) {
			return 0, false
		}
		r = r*16 + rune(hexVal(byte(h)))
	}
	return r, true
}

func (d *jsonDec) object(depth int) (any, error) {
	m := pyval.NewDict(4)
	d.i++
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return m, nil
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, d.fail("Expecting property name enclosed in double quotes", d.i)
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.ws()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, d.fail("Expecting ':' delimiter", d.i)
		}
		d.i++
		d.ws()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m.Set(k, v)
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return m, nil
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return nil, d.fail("Expecting ',' delimiter", d.i)
		}
		d.i++
		d.ws()
	}
}

func (d *jsonDec) array(depth int) (any, error) {
	l := pyval.NewList()
	d.i++
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return l, nil
	}
	for {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		l.Append(v)
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return l, nil
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return nil, d.fail("Expecting ',' delimiter", d.i)
		}
		d.i++
		d.ws()
	}
}
