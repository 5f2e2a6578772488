package yaml11

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The implicit resolvers of PyYAML's resolver.py (YAML 1.1), which Ansible's
// AnsibleLoader uses unchanged. They apply to plain scalars only.
var (
	reBool = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	})
	// Floats need a dot, and an exponent needs a sign: "1e3" and "1.0e3"
	// are strings, "1.0e+3" is a float.
	reFloat = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	})
	reInt = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	})
	reNull = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:~|null|Null|NULL|)$`) })
)

// ResolvePlain returns the value PyYAML gives an untagged plain scalar.
// The error is for the few texts the resolver accepts that Python then
// fails to convert ("0b_" matches the int pattern but int(”, 2) fails).
func ResolvePlain(s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	// First-character dispatch, as PyYAML's resolver does, keeps the common
	// case (a word) away from the regexps.
	switch c := s[0]; {
	case c == '~' || c == 'n' || c == 'N':
		if reNull().MatchString(s) {
			return nil, nil
		}
		if reBool().MatchString(s) {
			return boolValue(s), nil
		}
		return s, nil
	case strings.IndexByte("yYtTfFoO", c) >= 0:
		if reBool().MatchString(s) {
			return boolValue(s), nil
		}
		return s, nil
	case strings.IndexByte("-+0123456789.", c) >= 0:
		// PyYAML tries bool, float, int, null, timestamp by first char; for
		// these characters the order is float, int, timestamp, and the
		// patterns do not overlap.
		if reFloat().MatchString(s) {
			return floatValue(s)
		}
		if reInt().MatchString(s) {
			return intValue(s)
		}
		return s, nil
	}
	return s, nil
}

func boolValue(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "true", "on":
		return true
	}
	return false
}

// intValue is PyYAML's construct_yaml_int.
func intValue(s string) (any, error) {
	v := strings.ReplaceAll(s, "_", "")
	neg := false
	if v != "" && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	var n *big.Int
	var ok bool
	switch {
	case v == "0":
		return int64(0), nil
	case strings.HasPrefix(v, "0b"):
		n, ok = new(big.Int).SetString(v[2:], 2)
	case strings.HasPrefix(v, "0x"):
		n, ok = new(big.Int).SetString(v[2:], 16)
	case v != "" && v[0] == '0':
		n, ok = new(big.Int).SetString(v, 8)
	case strings.Contains(v, ":"):
		n = new(big.Int)
		ok = true
		for _, part := range strings.Split(v, ":") {
			d, err := strconv.ParseInt(part, 10, 64)
			if err != nil {
				ok = false
				break
			}
			n.Mul(n, big.NewInt(60))
			n.Add(n, big.NewInt(d))
		}
	default:
		n, ok = new(big.Int).SetString(v, 10)
	}
	if !ok || n == nil {
		return nil, fmt.Errorf("invalid integer %q", s)
	}
	if neg {
		n.Neg(n)
	}
	if !n.IsInt64() {
		// Python ints are unbounded; pyval's are int64. Keeping the text is
		// the least surprising fallback (ids, serial numbers).
		return s, nil
	}
	return n.Int64(), nil
}

// floatValue is PyYAML's construct_yaml_float.
func floatValue(s string) (any, error) {
	v := strings.ToLower(strings.ReplaceAll(s, "_", ""))
	sign := 1.0
	if v != "" && (v[0] == '-' || v[0] == '+') {
		if v[0] == '-' {
			sign = -1
		}
		v = v[1:]
	}
	switch {
	case v == ".inf":
		return sign * math.Inf(1), nil
	case v == ".nan":
		return math.NaN(), nil
	case strings.Contains(v, ":"):
		f := 0.0
		for _, part := range strings.Split(v, ":") {
			d, err := strconv.ParseFloat(part, 64)
			if err != nil {
				return nil, fmt.Errorf("invalid float %q", s)
			}
			f = f*60 + d
		}
		return sign * f, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		// ParseFloat reports range errors with ±Inf, which is what Python's
		// float() gives too.
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return nil, fmt.Errorf("invalid float %q", s)
		}
	}
	return sign * f, nil
}

// resolveTagged converts a scalar with an explicit standard tag, as PyYAML's
// SafeConstructor does for !!str, !!int, !!float, !!bool, !!null.
func resolveTagged(tag, s string) (any, error) {
	switch tag {
	case "!!str", "!!python/unicode", "!!timestamp":
		return s, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		switch strings.ToLower(s) {
		case "yes", "true", "on":
			return true, nil
		case "no", "false", "off":
			return false, nil
		}
		return nil, fmt.Errorf("invalid boolean %q", s)
	case "!!int":
		if s == "" {
			return nil, fmt.Errorf("invalid integer %q", s)
		}
		return intValue(s)
	case "!!float":
		if s == "" {
			return nil, fmt.Errorf("invalid float %q", s)
		}
		return floatValue(s)
	}
	return nil, errNoConstructor
}
