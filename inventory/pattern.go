package inventory

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/dlclark/regexp2"

	"gplay/diag"
)

// SplitPattern splits a host pattern into single patterns as Ansible's
// split_host_pattern: on commas when there are any, else on colons outside
// [...] unless the whole text is one address (an IPv6 address or
// host:port). Whitespace around parts is dropped.
func SplitPattern(pattern string) []string {
	var parts []string
	if strings.Contains(pattern, ",") {
		parts = strings.Split(pattern, ",")
	} else if _, _, err := parseAddress(pattern, true); err == nil {
		parts = []string{pattern}
	} else {
		parts = rePatternPart.FindAllString(pattern, -1)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var rePatternPart = regexp.MustCompile(`(?:[^\s:\[\]]|\[[^\]]*\])+`)

// ParseLimit turns a --limit value into its patterns: split as a host
// pattern, with @file entries replaced by the file's lines.
func ParseLimit(limit string) ([]string, error) {
	var out []string
	for _, x := range SplitPattern(limit) {
		if !strings.HasPrefix(x, "@") {
			out = append(out, x)
			continue
		}
		path := x[1:]
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("Unable to find limit file %s", path)
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("Limit starting with \"@\" must be a file, not a directory: %s", path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read limit file: %w", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out, nil
}

// Select returns the hosts matching pattern (a play's hosts: or an ad-hoc
// pattern), restricted to limit (ParseLimit's result; nil for none), in
// Ansible's order (InventoryManager.get_hosts): regular patterns first in
// the order given, then &intersections, then !exclusions; duplicates
// removed. Patterns that match nothing warn "Could not match supplied host
// pattern, ignoring: ...".
func (inv *Inventory) Select(pattern string, limit []string) ([]*Host, error) {
	return inv.selectSplit(SplitPattern(pattern), limit)
}

// SelectPatterns is Select for a pattern list (a play's hosts: given as a
// YAML list); each item is split further, as split_host_pattern does.
func (inv *Inventory) SelectPatterns(patterns []string, limit []string) ([]*Host, error) {
	var split []string
	for _, p := range patterns {
		split = append(split, SplitPattern(p)...)
	}
	return inv.selectSplit(split, limit)
}

func (inv *Inventory) selectSplit(patterns []string, limit []string) ([]*Host, error) {
	hosts, err := inv.evaluate(patterns)
	if err != nil {
		return nil, err
	}
	if limit != nil {
		sub, err := inv.evaluate(limit)
		if err != nil {
			return nil, err
		}
		in := map[*Host]bool{}
		for _, h := range sub {
			in[h] = true
		}
		kept := hosts[:0]
		for _, h := range hosts {
			if in[h] {
				kept = append(kept, h)
			}
		}
		hosts = kept
	}
	seen := map[*Host]bool{}
	out := make([]*Host, 0, len(hosts))
	for _, h := range hosts {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// orderPatterns is manager.py's order_patterns.
func orderPatterns(ps []string) []string {
	var reg, and, not []string
	for _, p := range ps {
		switch {
		case p == "":
		case p[0] == '!':
			not = append(not, p)
		case p[0] == '&':
			and = append(and, p)
		default:
			reg = append(reg, p)
		}
	}
	if len(reg) == 0 {
		reg = []string{"all"}
	}
	return append(append(reg, and...), not...)
}

func (inv *Inventory) evaluate(patterns []string) ([]*Host, error) {
	var hosts []*Host
	for _, p := range orderPatterns(patterns) {
		if h := inv.hosts[p]; h != nil {
			hosts = append(hosts, h)
			continue
		}
		that, err := inv.matchOne(p)
		if err != nil {
			return nil, err
		}
		switch p[0] {
		case '!':
			drop := setOf(that)
			kept := hosts[:0:0]
			for _, h := range hosts {
				if !drop[h] {
					kept = append(kept, h)
				}
			}
			hosts = kept
		case '&':
			keep := setOf(that)
			kept := hosts[:0:0]
			for _, h := range hosts {
				if keep[h] {
					kept = append(kept, h)
				}
			}
			hosts = kept
		default:
			existing := map[string]bool{}
			for _, h := range hosts {
				existing[h.Name] = true
			}
			for _, h := range that {
				if !existing[h.Name] {
					hosts = append(hosts, h)
				}
			}
		}
	}
	return hosts, nil
}

func setOf(hs []*Host) map[*Host]bool {
	m := make(map[*Host]bool, len(hs))
	for _, h := range hs {
		m[h] = true
	}
	return m
}

var rePatternSubscript = regexp.MustCompile(`^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$`)

// matchOne is _match_one_pattern: one pattern without its &/! prefix,
// with an optional [n] or [a:b] subscript.
func (inv *Inventory) matchOne(pattern string) ([]*Host, error) {
	if pattern[0] == '&' || pattern[0] == '!' {
		pattern = pattern[1:]
	}
	if pattern == "" {
		return nil, nil
	}
	expr := pattern
	var sub []int // [idx] or [start, end]
	if pattern[0] != '~' {
		if m := rePatternSubscript.FindStringSubmatch(pattern); m != nil {
			expr = m[1]
			if m[2] != "" {
				i, _ := strconv.Atoi(m[2]) // digits by the regexp
				sub = []int{i}
			} else {
				s, _ := strconv.Atoi(m[3])
				e := -1
				if m[5] != "" {
					e, _ = strconv.Atoi(m[5])
				}
				sub = []int{s, e}
				if m[4] == "-" {
					inv.warn(diag.Pos{}, "Use [x:y] inclusive subscripts instead of [x-y] which has been removed")
				}
			}
		}
	}
	hosts, err := inv.enumerate(expr)
	if err != nil {
		return nil, err
	}
	if len(hosts) == 0 || sub == nil {
		return hosts, nil
	}
	n := len(hosts)
	if len(sub) == 2 && sub[1] != 0 {
		// Python's hosts[start:end+1], end -1 meaning the last.
		start, end := sub[0], sub[1]
		if end == -1 {
			end = n - 1
		}
		start = min(start, n)
		stop := min(end+1, n)
		if stop < start {
			return []*Host{}, nil
		}
		return hosts[start:stop], nil
	}
	// A single index; [x:0] is one too, as Python's "if end:" reads it.
	i := sub[0]
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return nil, fmt.Errorf("No hosts matched the subscripted pattern '%s'", pattern)
	}
	return []*Host{hosts[i]}, nil
}

// enumerate is _enumerate_matches: groups whose name matches contribute
// all their hosts; hosts are matched by name when no group matched or the
// pattern is a regex or glob-like.
func (inv *Inventory) enumerate(pattern string) ([]*Host, error) {
	match, err := compileHostPattern(pattern)
	if err != nil {
		return nil, err
	}
	var results []*Host
	matchedGroups := false
	for _, g := range inv.groupOrder {
		if match(g.Name) {
			matchedGroups = true
			results = append(results, g.AllHosts()...)
		}
	}
	if !matchedGroups || pattern[0] == '~' || strings.ContainsAny(pattern, ".?*[") {
		for _, h := range inv.hostOrder {
			if match(h.Name) {
				results = append(results, h)
			}
		}
	}
	if len(results) == 0 && isLocalhostName(pattern) {
		results = append(results, inv.Host(pattern))
	}
	if len(results) == 0 && !matchedGroups && pattern != "all" {
		inv.warn(diag.Pos{}, "Could not match supplied host pattern, ignoring: %s", pattern)
	}
	return results, nil
}

// compileHostPattern returns a matcher: ~regex (Python re.match: anchored
// at the start only) or a shell glob (fnmatch.translate: whole name).
func compileHostPattern(p string) (func(string) bool, error) {
	if p[0] != '~' && !strings.ContainsAny(p, "*?[") {
		return func(s string) bool { return s == p }, nil // a glob without wildcards
	}
	var expr string
	if p[0] == '~' {
		expr = `\A(?:` + p[1:] + `)`
	} else {
		expr = globToRegexp(p)
	}
	re, err := regexp2.Compile(expr, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("Invalid host list pattern: %s", p)
	}
	return func(s string) bool {
		ok, err := re.MatchString(s)
		return err == nil && ok
	}, nil
}

// globToRegexp is Python's fnmatch.translate.
func globToRegexp(pat string) string {
	var b strings.Builder
	b.WriteString(`\A(?s:`)
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '*':
			b.WriteString(".*")
			for i+1 < len(rs) && rs[i+1] == '*' {
				i++
			}
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			stuff := string(rs[i+1 : j])
			i = j
			stuff = strings.ReplaceAll(stuff, `\`, `\\`)
			if strings.HasPrefix(stuff, "!") {
				stuff = "^" + stuff[1:]
			} else if strings.HasPrefix(stuff, "^") || strings.HasPrefix(stuff, "[") {
				stuff = `\` + stuff
			}
			if stuff == "" {
				b.WriteString("(?!)")
			} else if stuff == "^" {
				b.WriteString(".")
			} else {
				b.WriteString("[" + stuff + "]")
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)\z`)
	return b.String()
}
