package module

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/user"
	"regexp"
	"strconv"
	"strings"

	"gplay/pyval"
)

// pyClass is how Python prints type(v) in Ansible's conversion errors.
func pyClass(v any) string {
	if _, ok := v.(pyval.Unsafe); ok {
		return "<class 'ansible.utils.unsafe_proxy.AnsibleUnsafeText'>"
	}
	return fmt.Sprintf("<class '%s'>", pyval.TypeName(v))
}

// coerce converts v to t following module_utils/common/validation.py's
// check_type_* functions: lenient, and failing with their messages.
func coerce(t Type, v any) (any, error) {
	switch t {
	case "", TypeStr:
		return coerceStr(v), nil
	case TypeList:
		return coerceList(v)
	case TypeDict:
		return coerceDict(v)
	case TypeBool:
		return CoerceBool(v)
	case TypeInt:
		return coerceInt(v)
	case TypeFloat:
		return coerceFloat(v)
	case TypePath:
		return ExpandPath(coerceStr(v)), nil
	case TypeRaw:
		return v, nil
	case TypeJSON, "json":
		return coerceJSON(v)
	case TypeBytes:
		n, err := HumanToBytes(v, false)
		if err != nil {
			return nil, fmt.Errorf("%s cannot be converted to a Byte value", pyClass(v))
		}
		return n, nil
	case TypeBits:
		n, err := HumanToBytes(v, true)
		if err != nil {
			return nil, fmt.Errorf("%s cannot be converted to a Bit value", pyClass(v))
		}
		return n, nil
	}
	return nil, fmt.Errorf("unknown type %q", string(t))
}

// coerceStr is check_type_str with allow_conversion: Python's str(v).
func coerceStr(v any) string {
	return pyval.Str(v)
}

func coerceList(v any) (any, error) {
	switch t := v.(type) {
	case *pyval.List:
		return t, nil
	case pyval.Tuple:
		// a tuple reaches a module as a JSON list in Ansible
		return pyval.NewList(append([]any(nil), t...)...), nil
	case string, pyval.Unsafe:
		parts := strings.Split(pyval.Str(t), ",")
		items := make([]any, len(parts))
		for i, p := range parts {
			items[i] = p
		}
		return pyval.NewList(items...), nil
	case int64, float64, bool:
		// bool is an int in Python: str(True) is "True"
		return pyval.NewList(pyval.Str(t)), nil
	}
	return nil, fmt.Errorf("%s cannot be converted to a list", pyClass(v))
}

func coerceDict(v any) (any, error) {
	switch t := v.(type) {
	case *pyval.Dict:
		return t, nil
	case string, pyval.Unsafe:
		s := pyval.Str(t)
		if strings.HasPrefix(s, "{") {
			d, err := decodeJSONValue([]byte(s))
			if err != nil {
				return nil, fmt.Errorf("unable to evaluate string as dictionary")
			}
			if _, ok := d.(*pyval.Dict); !ok {
				return nil, fmt.Errorf("unable to evaluate string as dictionary")
			}
			return d, nil
		}
		if strings.Contains(s, "=") {
			return parseKVDict(s), nil
		}
		return nil, fmt.Errorf("dictionary requested, could not parse JSON or key=value")
	}
	return nil, fmt.Errorf("%s cannot be converted to a dict", pyClass(v))
}

// parseKVDict splits "k1=v1, k2='v 2'" as check_type_dict does: fields are
// separated by commas or spaces outside quotes; a backslash escapes.
func parseKVDict(s string) *pyval.Dict {
	var fields []string
	var buf strings.Builder
	var quote rune
	escape := false
	for _, c := range strings.TrimSpace(s) {
		switch {
		case escape:
			buf.WriteRune(c)
			escape = false
		case c == '\\':
			escape = true
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == ',' || c == ' '):
			if buf.Len() > 0 {
				fields = append(fields, buf.String())
			}
			buf.Reset()
		default:
			buf.WriteRune(c)
		}
	}
	if buf.Len() > 0 {
		fields = append(fields, buf.String())
	}
	d := pyval.NewDict(len(fields))
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		d.Set(k, v)
	}
	return d
}

var boolTrue = []string{"y", "yes", "on", "1", "true", "t"}
var boolFalse = []string{"n", "no", "off", "0", "false", "f"}

// CoerceBool is Ansible's check_type_bool / boolean(strict=True):
// "yes", "on", "1", "true", "t", "y" (any case) and 1 are true.
func CoerceBool(v any) (bool, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case int64:
		if t == 1 || t == 0 {
			return t == 1, nil
		}
	case float64:
		if t == 1 || t == 0 {
			return t == 1, nil
		}
	case string, pyval.Unsafe:
		s := strings.ToLower(strings.TrimSpace(pyval.Str(t)))
		for _, b := range boolTrue {
			if s == b {
				return true, nil
			}
		}
		for _, b := range boolFalse {
			if s == b {
				return false, nil
			}
		}
	default:
		return false, fmt.Errorf("%s cannot be converted to a bool", pyClass(v))
	}
	return false, fmt.Errorf("The value '%s' is not a valid boolean.  Valid booleans include: %s",
		pyval.Str(v), "0, 1, 'y', 'yes', 'on', '1', 'true', 't', 'n', 'no', 'off', '0', 'false', 'f'")
}

// parsePyInt is Python's int(str): surrounding blanks, a sign and single
// underscores between digits are allowed.
func parsePyInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "__") || strings.HasPrefix(strings.TrimLeft(s, "+-"), "_") || strings.HasSuffix(s, "_") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	return n, err == nil
}

func coerceInt(v any) (any, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case bool:
		if t {
			return int64(1), nil
		}
		return int64(0), nil
	case string, pyval.Unsafe:
		if n, ok := parsePyInt(pyval.Str(t)); ok {
			return n, nil
		}
	}
	return nil, fmt.Errorf("%s cannot be converted to an int", pyClass(v))
}

func coerceFloat(v any) (any, error) {
	switch t := v.(type) {
	case float64:
		return t, nil
	case int64:
		return float64(t), nil
	case bool:
		if t {
			return 1.0, nil
		}
		return 0.0, nil
	case string, pyval.Unsafe:
		s := strings.ToLower(strings.TrimSpace(pyval.Str(t)))
		switch strings.TrimLeft(s, "+-") {
		case "inf", "infinity", "nan":
			f, _ := strconv.ParseFloat(s, 64)
			return f, nil
		}
		if !strings.Contains(s, "__") {
			if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		}
	}
	return nil, fmt.Errorf("%s cannot be converted to a float", pyClass(v))
}

func coerceJSON(v any) (any, error) {
	switch t := v.(type) {
	case string, pyval.Unsafe:
		return strings.TrimSpace(pyval.Str(t)), nil
	case *pyval.List, pyval.Tuple, *pyval.Dict:
		return PyJSON(t), nil
	}
	return nil, fmt.Errorf("%s cannot be converted to a json string", pyClass(v))
}

var humanRE = regexp.MustCompile(`^\s*(\d*\.?\d*)\s*([A-Za-z]+)?\s*$`)

// HumanToBytes is Ansible's human_to_bytes: "10M" → 10485760; with isbits
// the unit must be in bits ("1Mb").
func HumanToBytes(v any, isbits bool) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case float64:
		return int64(t), nil
	}
	s := pyval.Str(v)
	m := humanRE.FindStringSubmatch(s)
	if m == nil || m[1] == "" || m[1] == "." {
		return 0, fmt.Errorf("can't interpret %q as a number", s)
	}
	num, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	unit := m[2]
	if unit == "" {
		return int64(math.Round(num)), nil
	}
	want := "B"
	if isbits {
		want = "b"
	}
	p := strings.IndexByte("BKMGTPEZY", strings.ToUpper(unit[:1])[0])
	switch {
	case p < 0:
		return 0, fmt.Errorf("unknown unit %q", unit)
	case p == 0 && unit != want:
		return 0, fmt.Errorf("unit %q does not match", unit)
	case p > 0 && unit[1:] != "" && unit[1:] != want:
		return 0, fmt.Errorf("unit %q does not match", unit)
	}
	return int64(math.Round(num * math.Pow(1024, float64(p)))), nil
}

var envVarRE = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// ExpandPath is check_type_path: os.path.expanduser(os.path.expandvars(v)),
// on the target, where modules run. Unknown variables are left as written.
func ExpandPath(s string) string {
	s = envVarRE.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m[1:], "{}")
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return m
	})
	if !strings.HasPrefix(s, "~") {
		return s
	}
	name, rest, _ := strings.Cut(s[1:], "/")
	var home string
	if name == "" {
		home = os.Getenv("HOME")
		if home == "" {
			if u, err := user.Current(); err == nil {
				home = u.HomeDir
			}
		}
	} else if u, err := user.Lookup(name); err == nil {
		home = u.HomeDir
	}
	if home == "" {
		return s
	}
	if rest == "" && !strings.Contains(s, "/") {
		return home
	}
	return strings.TrimSuffix(home, "/") + "/" + rest
}

// PyJSON is Python's json.dumps(v) with its default separators (", " and
// ": "), as Ansible's jsonify produces for jsonarg params.
func PyJSON(v any) string {
	var b strings.Builder
	writePyJSON(&b, v)
	return b.String()
}

func writePyJSON(b *strings.Builder, v any) {
	switch t := v.(type) {
	case *pyval.Dict:
		b.WriteByte('{')
		i := 0
		t.Range(func(k, val any) bool {
			if i > 0 {
				b.WriteString(", ")
			}
			i++
			ks, _ := json.Marshal(pyval.Str(k))
			b.Write(ks)
			b.WriteString(": ")
			writePyJSON(b, val)
			return true
		})
		b.WriteByte('}')
	case *pyval.List:
		writePyJSONSeq(b, t.Items)
	case pyval.Tuple:
		writePyJSONSeq(b, t)
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case float64:
		b.WriteString(pyval.FloatRepr(t))
	default:
		s, _ := json.Marshal(pyval.Str(t))
		b.Write(s)
	}
}

func writePyJSONSeq(b *strings.Builder, items []any) {
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		writePyJSON(b, it)
	}
	b.WriteByte(']')
}
