package engine

import (
	"path"
	"sort"
	"strings"

	"gplay/pyval"
)

// HostList is a small in-memory inventory: hosts in groups with variables.
// It serves -i 'h1,h2,' host lists, tests, and is what add_host and
// group_by change when the real inventory is adapted onto it.
type HostList struct {
	hosts  []string
	vars   map[string]*pyval.Dict
	groups map[string][]string
	gorder []string
}

// NewHostList returns an inventory of the given hosts, all ungrouped.
func NewHostList(hosts ...string) *HostList {
	h := &HostList{vars: map[string]*pyval.Dict{}, groups: map[string][]string{}}
	h.group("all")
	h.group("ungrouped")
	for _, n := range hosts {
		h.AddHost(n, nil, nil)
	}
	return h
}

func (h *HostList) group(g string) {
	if _, ok := h.groups[g]; !ok {
		h.groups[g] = nil
		h.gorder = append(h.gorder, g)
	}
}

// AddHost implements Inventory.
func (h *HostList) AddHost(name string, groups []string, vars *pyval.Dict) {
	if _, ok := h.vars[name]; !ok {
		h.hosts = append(h.hosts, name)
		h.vars[name] = pyval.NewDict(0)
		h.groups["all"] = append(h.groups["all"], name)
		if len(groups) == 0 {
			h.groups["ungrouped"] = append(h.groups["ungrouped"], name)
		}
	}
	for _, g := range groups {
		h.group(g)
		if !contains(h.groups[g], name) {
			h.groups[g] = append(h.groups[g], name)
		}
		if len(h.groups[g]) > 0 {
			h.groups["ungrouped"] = remove(h.groups["ungrouped"], name)
		}
	}
	if vars != nil {
		vars.Range(func(k, v any) bool { h.vars[name].Set(k, v); return true })
	}
}

// AddPlaybookDir implements Inventory; a host list has no vars files.
func (h *HostList) AddPlaybookDir(string) {}

// Vars implements Inventory.
func (h *HostList) Vars(host string) *pyval.Dict {
	if d, ok := h.vars[host]; ok {
		return d.Copy()
	}
	d := pyval.NewDict(1)
	if isLocalhost(host) {
		d.Set("ansible_connection", "local")
	}
	return d
}

func isLocalhost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

// GroupNames implements Inventory.
func (h *HostList) GroupNames(host string) []string {
	var out []string
	for g, hs := range h.groups {
		if g != "all" && contains(hs, host) {
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}

// Groups implements Inventory.
func (h *HostList) Groups() *pyval.Dict {
	d := pyval.NewDict(len(h.groups))
	for _, g := range h.gorder {
		items := make([]any, len(h.groups[g]))
		for i, x := range h.groups[g] {
			items[i] = x
		}
		d.Set(g, pyval.NewList(items...))
	}
	return d
}

// Select implements Inventory with Ansible's pattern forms: all, *, names,
// globs, groups, ~regex is not supported; a:b and a,b unions, &
// intersections and ! exclusions.
func (h *HostList) Select(pattern string) ([]string, []string) {
	var warnings []string
	parts := splitPattern(pattern)
	var result []string
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, "&"):
			m := h.match(p[1:])
			var keep []string
			for _, x := range result {
				if contains(m, x) {
					keep = append(keep, x)
				}
			}
			result = keep
		case strings.HasPrefix(p, "!"):
			m := h.match(p[1:])
			var keep []string
			for _, x := range result {
				if !contains(m, x) {
					keep = append(keep, x)
				}
			}
			result = keep
		default:
			m := h.match(p)
			if len(m) == 0 {
				if isLocalhost(p) {
					m = []string{p}
				} else {
					warnings = append(warnings, "Could not match supplied host pattern, ignoring: "+p)
				}
			}
			for _, x := range m {
				if !contains(result, x) {
					result = append(result, x)
				}
			}
		}
	}
	return result, warnings
}

func (h *HostList) match(p string) []string {
	if p == "all" || p == "*" {
		return append([]string(nil), h.groups["all"]...)
	}
	if hs, ok := h.groups[p]; ok {
		return append([]string(nil), hs...)
	}
	var out []string
	for _, n := range h.hosts {
		if ok, _ := path.Match(p, n); ok || n == p {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		for _, g := range h.gorder {
			if ok, _ := path.Match(p, g); ok {
				for _, x := range h.groups[g] {
					if !contains(out, x) {
						out = append(out, x)
					}
				}
			}
		}
	}
	return out
}

// splitPattern splits on , and on : (not inside [] ranges).
func splitPattern(p string) []string {
	var out []string
	depth := 0
	cur := ""
	for _, r := range p {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		}
		if (r == ',' || r == ':') && depth == 0 {
			if s := strings.TrimSpace(cur); s != "" {
				out = append(out, s)
			}
			cur = ""
			continue
		}
		cur += string(r)
	}
	if s := strings.TrimSpace(cur); s != "" {
		out = append(out, s)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func remove(xs []string, x string) []string {
	var out []string
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}
