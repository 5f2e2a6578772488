package inventory

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Host address patterns of parsing/utils/addresses.py. Python's label
// pattern ends with a look-behind (no trailing _ or -), which RE2 lacks;
// validLabels checks it after the match.
const (
	numericRange = `\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	hexRange     = `\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`
	alnumRange   = `\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	ipv6Comp     = `(?:[0-9a-f]{1,4}|` + hexRange + `)`
	ipv4Comp     = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|` + numericRange + `)`
	wordChar     = `[\p{L}\p{N}_]`
	label        = `(?:` + wordChar + `|` + alnumRange + `)(?:` + wordChar + `|-|` + alnumRange + `)*`
)

// The address patterns compile on first use: the gplay binary is also the
// agent on every target, which never parses an inventory and should not
// pay for them at start.
var (
	reBracketedHostPort = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[(.+)\]:([0-9]+)$`) })
	reHostPort          = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$`) })
	reIPv4              = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(?:` + ipv4Comp + `\.){3}` + ipv4Comp + `$`)
	})
	reIPv6 = sync.OnceValue(func() *regexp.Regexp {
		alts := strings.Join([]string{
			`(?:C:){7}C`, `(?:C:){1,6}:`, `(?:C:)(?::C){1,6}`, `(?:C:){2}(?::C){1,5}`, `(?:C:){3}(?::C){1,4}`,
			`(?:C:){4}(?::C){1,3}`, `(?:C:){5}(?::C){1,2}`, `(?:C:){6}(?::C)`, `:(?::C){1,6}`, `C?::`,
			`(?:0:){6}(?:C\.){3}C`, `::(?:ffff:)?(?:C\.){3}C`, `(?:0:){5}ffff:(?:C\.){3}C`,
		}, "|")
		// C stands for one IPv6 component in the alternatives above.
		return regexp.MustCompile(`(?i)^(?:` + strings.ReplaceAll(alts, "C", ipv6Comp) + `)$`)
	})
	reHostname = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^` + label + `(?:\.` + label + `)*$`) })
)

// validLabels checks what Python's (?<![_-]) does: no dot-separated label
// ends with _ or -.
func validLabels(s string) bool {
	for _, l := range strings.Split(s, ".") {
		if strings.HasSuffix(l, "_") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}

var errNotAddress = errors.New("not a valid network hostname")

// parseAddress is Ansible's parse_address(address, allow_ranges=True):
// host and port (0 when absent).
func parseAddress(address string, allowRanges bool) (string, int, error) {
	port := 0
	for _, re := range []*regexp.Regexp{reBracketedHostPort(), reHostPort()} {
		if m := re.FindStringSubmatch(address); m != nil {
			address = m[1]
			p, err := strconv.Atoi(m[2])
			if err != nil {
				return "", 0, err
			}
			port = p
		}
	}
	ok := reIPv4().MatchString(address) || reIPv6().MatchString(address) ||
		(reHostname().MatchString(address) && validLabels(address))
	if !ok {
		return "", 0, fmt.Errorf("%w: %s", errNotAddress, address)
	}
	if !allowRanges && strings.Contains(address, "[") {
		return "", 0, errors.New("detected range in host but was asked to ignore ranges")
	}
	return address, port, nil
}

// expandHostPattern is BaseInventoryPlugin._expand_hostpattern: split off a
// port when the text parses as an address, then expand [x:y] ranges.
func expandHostPattern(pattern string) ([]string, int, error) {
	host, port, err := parseAddress(pattern, true)
	if err != nil {
		host, port = pattern, 0
	}
	if !strings.Contains(host, "[") {
		return []string{host}, port, nil
	}
	names, err := expandRange(host)
	return names, port, err
}

// maxRangeHosts bounds one host pattern's expansion; Ansible has no bound,
// but a typo such as web[0:99999999] should fail, not eat the memory.
const maxRangeHosts = 100_000

const asciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// expandRange is expand_hostname_range: the first [beg:end(:step)] is
// expanded, numerically (keeping zero padding) or over ASCII letters, and
// the rest recursively.
func expandRange(line string) ([]string, error) {
	i := strings.IndexByte(line, '[')
	j := strings.IndexByte(line, ']')
	// Python replaces the first [ and the first ] and splits on |; a ]
	// before the [ or a stray | gives a different split, which we report.
	if i < 0 || j < 0 || j < i || strings.Contains(line, "|") {
		return nil, fmt.Errorf("invalid host range in %q", line)
	}
	head, nrange, tail := line[:i], line[i+1:j], line[j+1:]
	bounds := strings.Split(nrange, ":")
	if len(bounds) != 2 && len(bounds) != 3 {
		return nil, errors.New("host range must be begin:end or begin:end:step")
	}
	beg, end, stepS := bounds[0], bounds[1], "1"
	if len(bounds) == 3 {
		stepS = bounds[2]
	}
	if beg == "" {
		beg = "0"
	}
	if end == "" {
		return nil, errors.New("host range must specify end value")
	}
	width := 0
	if beg[0] == '0' && len(beg) > 1 {
		width = len(beg)
		if width != len(end) {
			return nil, errors.New("host range must specify equal-length begin and end formats")
		}
	}
	step, err := pyInt(stepS)
	if err != nil {
		return nil, err
	}
	var seq []string
	ib, ie := strings.Index(asciiLetters, beg), strings.Index(asciiLetters, end)
	if ib >= 0 && ie >= 0 {
		if ib > ie {
			return nil, errors.New("host range must have begin <= end")
		}
		if step <= 0 {
			return nil, errors.New("slice step cannot be zero")
		}
		for k := ib; k <= ie; k += step {
			seq = append(seq, asciiLetters[k:k+1])
		}
	} else {
		b, err := pyInt(beg)
		if err != nil {
			return nil, err
		}
		e, err := pyInt(end)
		if err != nil {
			return nil, err
		}
		if step == 0 {
			return nil, errors.New("range() arg 3 must not be zero")
		}
		// range(b, e+1, step), as Python counts it for either sign of step.
		for k := b; (step > 0 && k < e+1) || (step < 0 && k > e+1); k += step {
			s := strconv.Itoa(k)
			if width > 0 && len(s) < width {
				s = strings.Repeat("0", width-len(s)) + s
			}
			seq = append(seq, s)
			if len(seq) > maxRangeHosts {
				return nil, fmt.Errorf("host range expands to more than %d hosts", maxRangeHosts)
			}
		}
	}
	var out []string
	for _, s := range seq {
		if len(out) > maxRangeHosts {
			return nil, fmt.Errorf("host range expands to more than %d hosts", maxRangeHosts)
		}
		name := head + s + tail
		if strings.Contains(name, "[") {
			sub, err := expandRange(name)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		} else {
			out = append(out, name)
		}
	}
	return out, nil
}

// pyInt is Python's int(s) for a decimal string.
func pyInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	if err != nil {
		return 0, fmt.Errorf("invalid literal for int() with base 10: '%s'", s)
	}
	return n, nil
}
