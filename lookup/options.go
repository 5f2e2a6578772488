package lookup

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gplay/pyval"
)

// option is one documented plugin option, as in a plugin's DOCUMENTATION
// block; Ansible's config manager types and defaults the keyword arguments
// with it (ensure_type in config/manager.py).
type option struct {
	name    string
	typ     string // bool, int, str, list, dict, raw ("" = untyped)
	def     any
	aliases []string
	choices []string
}

// options are the resolved option values of one call.
type options map[string]any

// resolveOptions types kw against spec as set_options(direct=kw) does:
// unknown keys are ignored, missing ones take their default.
func resolveOptions(plugin string, spec []option, kw *pyval.Dict) (options, error) {
	out := options{}
	for _, o := range spec {
		v, ok := kw.Get(o.name)
		for _, a := range o.aliases {
			if ok {
				break
			}
			v, ok = kw.Get(a)
		}
		origin := "Direct"
		if !ok {
			v, origin = o.def, "default"
		}
		tv, err := ensureType(v, o.typ)
		if err != nil {
			return nil, optionsErrf("Invalid type for configuration option plugin_type: lookup plugin: %s setting: %s (from %s): %s", plugin, o.name, origin, err)
		}
		if tv != nil && len(o.choices) > 0 {
			s := pyval.Str(tv)
			found := false
			for _, c := range o.choices {
				found = found || c == s
			}
			if !found {
				return nil, optionsErrf("Invalid value \"%s\" for configuration option \"plugin_type: lookup plugin: %s setting: %s \", valid values are: %s", s, plugin, o.name, strings.Join(o.choices, ", "))
			}
		}
		out[o.name] = tv
	}
	return out, nil
}

func (o options) bool(name string) bool { b, _ := o[name].(bool); return b }

func (o options) int(name string) int64 { n, _ := o[name].(int64); return n }

func (o options) str(name string) string {
	if o[name] == nil {
		return ""
	}
	return pyval.Str(o[name])
}

func (o options) list(name string) []any {
	switch t := o[name].(type) {
	case *pyval.List:
		return t.Items
	case pyval.Tuple:
		return t
	case []any:
		return t
	}
	return nil
}

func ensureType(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "bool":
		return boolean(v), nil
	case "int":
		return pyInt(v)
	case "list":
		if s, ok := str(v); ok {
			var out []any
			for _, p := range strings.Split(s, ",") {
				out = append(out, unquote(strings.TrimSpace(p)))
			}
			return pyval.NewList(out...), nil
		}
		switch v.(type) {
		case *pyval.List, pyval.Tuple, []any:
			return v, nil
		}
		return nil, fmt.Errorf("Invalid type provided for \"list\": %s", pyval.Str(v))
	case "dict":
		if _, ok := v.(*pyval.Dict); !ok {
			return nil, fmt.Errorf("Invalid type provided for \"dictionary\": %s", pyval.Str(v))
		}
		return v, nil
	case "str":
		switch t := v.(type) {
		case string, pyval.Unsafe, bool, int64, float64:
			return unquote(pyval.Str(t)), nil
		}
		return nil, fmt.Errorf("Invalid type provided for \"string\": %s", pyval.Str(v))
	case "raw":
		return v, nil
	}
	if s, ok := str(v); ok {
		return unquote(s), nil
	}
	return v, nil
}

// boolean is Ansible's boolean(v, strict=False): only the usual true
// spellings are true.
func boolean(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case int64:
		return t == 1
	case float64:
		return t == 1
	}
	if s, ok := str(v); ok {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "y", "yes", "on", "1", "true", "t", "1.0":
			return true
		}
	}
	return false
}

// pyInt is Python's int(v) for the values options hold.
func pyInt(v any) (any, error) {
	switch t := v.(type) {
	case bool:
		if t {
			return int64(1), nil
		}
		return int64(0), nil
	case int64:
		return t, nil
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("cannot convert float %s to integer", pyval.Repr(t))
		}
		return int64(t), nil
	}
	if s, ok := str(v); ok {
		n, err := parsePyInt(s, 10)
		if err != nil {
			return nil, fmt.Errorf("invalid literal for int() with base 10: %s", pyval.Repr(s))
		}
		return n, nil
	}
	return nil, fmt.Errorf("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyval.TypeName(v))
}

// parsePyInt is Python's int(s, base) for base 10 or 0 (0 reads 0x, 0o,
// 0b prefixes; a leading zero is an error for base 0 unless the number is
// zero, as in Python 3).
func parsePyInt(s string, base int) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "_", "")
	neg := false
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	b := base
	if base == 0 {
		ls := strings.ToLower(s)
		switch {
		case strings.HasPrefix(ls, "0x"):
			b, s = 16, s[2:]
		case strings.HasPrefix(ls, "0o"):
			b, s = 8, s[2:]
		case strings.HasPrefix(ls, "0b"):
			b, s = 2, s[2:]
		default:
			b = 10
			if len(s) > 1 && s[0] == '0' && strings.Trim(s, "0") != "" {
				return 0, fmt.Errorf("leading zero")
			}
		}
	}
	n, err := strconv.ParseInt(s, b, 64)
	if err != nil {
		return 0, err
	}
	if neg {
		n = -n
	}
	return n, nil
}

// unquote strips one pair of matching surrounding quotes (Ansible's
// parsing.quoting.unquote).
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] && s[len(s)-2] != '\\' {
		return s[1 : len(s)-1]
	}
	return s
}
