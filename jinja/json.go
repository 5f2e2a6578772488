package jinja

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

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

// jsonLoads is Python's json.loads: objects keep their key order.
func jsonLoads(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := jsonValue(dec, 0)
	if err != nil {
		return nil, rtErr("%s", err.Error())
	}
	if dec.More() {
		return nil, rtErr("Extra data")
	}
	if _, err := dec.Token(); err == nil {
		return nil, rtErr("Extra data")
	}
	return v, nil
}

func jsonValue(dec *json.Decoder, depth int) (any, error) {
	if depth > 500 {
		return nil, fmt.Errorf("maximum recursion depth exceeded")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			l := pyval.NewList()
			for dec.More() {
				x, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				l.Append(x)
			}
			_, err := dec.Token()
			return l, err
		case '{':
			d := pyval.NewDict(4)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				x, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				d.Set(kt.(string), x)
			}
			_, err := dec.Token()
			return d, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		str := string(t)
		if !strings.ContainsAny(str, ".eE") {
			if r, ok := pyIntStr(str, 10); ok {
				return r, nil
			}
		}
		f, _ := pyFloat(str)
		return f, nil
	case string:
		if !utf8.ValidString(t) {
			return strings.ToValidUTF8(t, "\ufffd"), nil
		}
		return t, nil
	case bool:
		return t, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected token")
}
