package output

import (
	"encoding/json"
	"sort"
	"strings"

	"gplay/pyval"
)

// pyJSON writes v as Python's json.dumps(v, sort_keys=True,
// ensure_ascii=False, indent=indent) does: ", " and ": " separators
// without indent, "," and newlines with it.
func pyJSON(v any, indent int) string {
	var b strings.Builder
	writePyJSON(&b, v, indent, 0)
	return b.String()
}

func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	// Python escapes U+2028/2029 only with ensure_ascii; Go always does.
	out = strings.ReplaceAll(out, `\u2028`, "\u2028")
	out = strings.ReplaceAll(out, `\u2029`, "\u2029")
	return out
}

type mapping interface {
	Get(key string) (any, bool)
	Keys() []string
}

func writePyJSON(b *strings.Builder, v any, indent, level int) {
	nl := func(l int) {
		if indent > 0 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", indent*l))
		}
	}
	sep := ", "
	if indent > 0 {
		sep = ","
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
	case int64, int:
		b.WriteString(pyval.Str(t))
	case float64:
		s := pyval.FloatRepr(t)
		switch s {
		case "inf":
			s = "Infinity"
		case "-inf":
			s = "-Infinity"
		case "nan":
			s = "NaN"
		}
		b.WriteString(s)
	case string:
		b.WriteString(jsonString(t))
	case pyval.Unsafe:
		b.WriteString(jsonString(string(t)))
	case *pyval.List:
		writeSeq(b, t.Items, indent, level, sep, nl)
	case pyval.Tuple:
		writeSeq(b, t, indent, level, sep, nl)
	case *pyval.Dict:
		keys := make([]string, 0, t.Len())
		vals := map[string]any{}
		t.Range(func(k, x any) bool {
			ks := pyval.Str(k)
			if _, seen := vals[ks]; !seen {
				keys = append(keys, ks)
			}
			vals[ks] = x
			return true
		})
		writeObj(b, keys, vals, indent, level, sep, nl)
	case mapping:
		keys := t.Keys()
		vals := map[string]any{}
		for _, k := range keys {
			vals[k], _ = t.Get(k)
		}
		writeObj(b, keys, vals, indent, level, sep, nl)
	case pyval.Undefined:
		b.WriteString(jsonString(""))
	default:
		b.WriteString(jsonString(pyval.Str(t)))
	}
}

func writeSeq(b *strings.Builder, items []any, indent, level int, sep string, nl func(int)) {
	if len(items) == 0 {
		b.WriteString("[]")
		return
	}
	b.WriteByte('[')
	for i, x := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		nl(level + 1)
		writePyJSON(b, x, indent, level+1)
	}
	nl(level)
	b.WriteByte(']')
}

func writeObj(b *strings.Builder, keys []string, vals map[string]any, indent, level int, sep string, nl func(int)) {
	if len(keys) == 0 {
		b.WriteString("{}")
		return
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(sep)
		}
		nl(level + 1)
		b.WriteString(jsonString(k))
		b.WriteString(": ")
		writePyJSON(b, vals[k], indent, level+1)
	}
	nl(level)
	b.WriteByte('}')
}
