package inventory

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"gplay/diag"
)

var (
	// As plugins/inventory/ini.py: [name] or [name:type], then an optional
	// comment.
	reSection   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$`) })
	reGroupName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([^:\]\s]+)\s*(?:#.*)?$`) })
)

type iniParser struct {
	inv  *Inventory
	file string
	src  []byte
	line int
}

type pending struct {
	line    int
	state   string
	name    string
	parents []string
}

// parseINI reads an INI inventory into inv, as Ansible's ini plugin. Like
// Ansible it adds hosts and groups as it goes, so a file that fails half
// way leaves what came before.
func (inv *Inventory) parseINI(file string, src []byte) error {
	p := &iniParser{inv: inv, file: file, src: src}
	return p.parse()
}

func (p *iniParser) errorf(col int, hint, format string, args ...any) *diag.Error {
	return &diag.Error{
		Pos:    diag.Pos{File: p.file, Line: p.line, Col: max(col, 1)},
		Msg:    fmt.Sprintf(format, args...),
		Hint:   hint,
		Source: diag.LineOf(p.src, p.line),
	}
}

func (p *iniParser) parse() error {
	if !utf8.Valid(p.src) {
		// Ansible tolerates bad bytes only in comment lines.
		for i, l := range strings.Split(string(p.src), "\n") {
			t := strings.TrimSpace(l)
			if !utf8.ValidString(l) && !(t != "" && (t[0] == '#' || t[0] == ';')) {
				p.line = i + 1
				return p.errorf(1, "save the file as UTF-8", "invalid UTF-8 in inventory line")
			}
		}
	}
	order := []string{}
	pend := map[string]*pending{}
	group, state := "ungrouped", "hosts"
	lines := splitLines(string(p.src))
	for i, raw := range lines {
		p.line = i + 1
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		col := strings.Index(raw, line) + 1
		if m := reSection().FindStringSubmatch(line); m != nil {
			group, state = m[1], m[2]
			if state == "" {
				state = "hosts"
			}
			if state != "hosts" && state != "children" && state != "vars" {
				return p.errorf(col, "a section is [group], [group:vars] or [group:children]",
					"Section [%s:%s] has unknown type: %s", m[1], m[2], state)
			}
			if p.inv.groups[group] == nil {
				// [g:vars] alone does not declare g; checked at the end.
				if state == "vars" && pend[group] == nil {
					pend[group] = &pending{line: p.line, state: state, name: group}
					order = append(order, group)
				}
				p.inv.AddGroup(group)
			}
			if pd := pend[group]; pd != nil && state != "vars" {
				if pd.state == "children" {
					if err := p.addPendingChildren(group, pend); err != nil {
						return err
					}
				} else if pd.state == "vars" {
					delete(pend, group)
				}
			}
			continue
		} else if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			return p.errorf(col, "section names may not contain spaces",
				"Invalid section entry: '%s'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters", line)
		}
		switch state {
		case "hosts":
			if err := p.hostLine(line, col, group); err != nil {
				return err
			}
		case "vars":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return p.errorf(col, "under [group:vars] each line is name=value", "Expected key=value, got: %s", line)
			}
			if err := p.inv.groups[group].SetVar(strings.TrimSpace(k), parseINIValue(strings.TrimSpace(v))); err != nil {
				return p.errorf(col, "", "%v", err)
			}
		case "children":
			m := reGroupName().FindStringSubmatch(line)
			if m == nil {
				return p.errorf(col, "under [group:children] each line is one group name", "Expected group name, got: %s", line)
			}
			child := m[1]
			if p.inv.groups[child] == nil {
				if pd := pend[child]; pd == nil {
					pend[child] = &pending{line: p.line, state: "children", name: child, parents: []string{group}}
					order = append(order, child)
				} else {
					pd.parents = append(pd.parents, group)
				}
			} else if err := p.inv.AddChild(group, child); err != nil {
				return p.errorf(col, "", "%v", err)
			}
		}
	}
	for _, name := range order {
		pd := pend[name]
		if pd == nil {
			continue
		}
		p.line = pd.line
		if pd.state == "vars" {
			return p.errorf(1, "declare the group with ["+pd.name+"] or list it under some [parent:children]",
				"Section [%s:vars] not valid for undefined group: %s", pd.name, pd.name)
		}
		return p.errorf(1, "declare the group with a ["+pd.name+"] section",
			"Section [%s:children] includes undefined group: %s", pd.parents[len(pd.parents)-1], pd.name)
	}
	return nil
}

// splitLines is Python's str.splitlines for the line breaks that occur in
// text files.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (p *iniParser) addPendingChildren(group string, pend map[string]*pending) error {
	for _, parent := range pend[group].parents {
		if err := p.inv.AddChild(parent, group); err != nil {
			return p.errorf(1, "", "%v", err)
		}
		if pp := pend[parent]; pp != nil && pp.state == "children" {
			if err := p.addPendingChildren(parent, pend); err != nil {
				return err
			}
		}
	}
	delete(pend, group)
	return nil
}

func (p *iniParser) hostLine(line string, col int, group string) error {
	toks, err := shlexSplit(line)
	if err != nil {
		return p.errorf(col, "a quote is not closed on this line", "Error parsing host definition '%s': %v", line, err)
	}
	if len(toks) == 0 {
		return nil
	}
	pattern := toks[0]
	names, port, err := expandHostPattern(pattern)
	if err != nil {
		return p.errorf(col, "a range is written [01:20] or [a:f], optionally with :step", "%v", err)
	}
	if strings.HasSuffix(strings.TrimSpace(pattern), ":") && port == 0 {
		return p.errorf(col, "write host:port with a number, or drop the colon",
			"Invalid host pattern '%s' supplied, ending in ':' is not allowed, this character is reserved to provide a port.", pattern)
	}
	for _, n := range names {
		if strings.TrimSpace(n) == "---" {
			return p.errorf(col, "name the file .yml or .yaml if it is a YAML inventory",
				"Invalid host pattern '%s' supplied, '---' is normally a sign this is a YAML file.", pattern)
		}
	}
	type kv struct {
		k string
		v any
	}
	var vars []kv
	for _, t := range toks[1:] {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return p.errorf(col+strings.Index(line, t), "host variables are written name=value, quoted if the value has spaces: x=\"a b\"",
				"Expected key=value host variable assignment, got: %s", t)
		}
		val := parseINIValue(v)
		replaced := false
		for i := range vars {
			if vars[i].k == k {
				vars[i].v = val // a dict: the first position, the last value
				replaced = true
			}
		}
		if !replaced {
			vars = append(vars, kv{k, val})
		}
	}
	for _, n := range names {
		h, err := p.inv.AddHost(n, group, port)
		if err != nil {
			return p.errorf(col, "", "%v", err)
		}
		for _, e := range vars {
			h.SetVar(e.k, e.v)
		}
	}
	return nil
}

// parseINIValue is ini.py's _parse_value: a Python literal when it is one,
// else the text.
func parseINIValue(s string) any {
	if v, ok := literalEval(s); ok {
		return v
	}
	return s
}
