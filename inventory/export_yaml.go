package inventory

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"gplay/pyval"
	"gplay/yaml11"
)

// ListYAML renders `ansible-inventory --list --yaml` (with export, also
// --export): the group tree with each host's variables at its first
// appearance, dumped as PyYAML's yaml.dump(default_flow_style=False,
// allow_unicode=True) with Ansible's dumper does.
func (inv *Inventory) ListYAML(export bool) (string, error) {
	seen := map[*Host]bool{}
	var format func(g *Group) (*pyval.Dict, error)
	format = func(g *Group) (*pyval.Dict, error) {
		entry := pyval.NewDict(3)
		children := pyval.NewDict(len(g.Children))
		for _, c := range g.Children {
			if c.Name == "all" {
				continue
			}
			sub, err := format(c)
			if err != nil {
				return nil, err
			}
			sub.Range(func(k, v any) bool {
				children.Set(k, v)
				return true
			})
		}
		if children.Len() > 0 {
			entry.Set("children", children)
		}
		hosts := pyval.NewDict(len(g.Hosts))
		if g.Name != "all" {
			for _, h := range g.Hosts {
				vars := pyval.NewDict(0)
				if !seen[h] {
					seen[h] = true
					var err error
					if export {
						vars, err = inv.ownHostVars(h)
					} else {
						vars, err = inv.ExportHostVars(h)
					}
					if err != nil {
						return nil, err
					}
				}
				hosts.Set(h.Name, vars)
			}
		}
		if hosts.Len() > 0 {
			entry.Set("hosts", hosts)
		}
		if export {
			gv, err := inv.GroupVars(g)
			if err != nil {
				return nil, err
			}
			if gv = removeInternal(gv); gv.Len() > 0 {
				entry.Set("vars", gv)
			}
		}
		return pyval.DictOf(g.Name, entry), nil
	}
	d, err := format(inv.groups["all"])
	if err != nil {
		return "", err
	}
	return PythonYAML(d), nil
}

// PythonYAML dumps v as PyYAML's yaml.dump(v, default_flow_style=False,
// allow_unicode=True) with Ansible's AnsibleDumper: block collections,
// sorted keys, PyYAML's choice between plain, single- and double-quoted
// scalars, lines folded past 80 columns, vault values as !vault literals.
func PythonYAML(v any) string {
	e := &pyYAML{whitespace: true, indention: true, anchors: map[any]string{}}
	e.findAliases(v, map[any]bool{})
	e.node(v, -1, false, false)
	if !strings.HasSuffix(e.b.String(), "\n") {
		e.b.WriteByte('\n')
	}
	return e.b.String()
}

// pyYAML mirrors the state of PyYAML's Emitter that shapes the output.
type pyYAML struct {
	b          strings.Builder
	column     int
	whitespace bool
	indention  bool
	indent     int

	// anchors names the lists and dicts met more than once, as PyYAML's
	// serializer gives shared objects &id001 and *id001.
	anchors map[any]string
	emitted map[any]bool
}

// findAliases is Serializer.anchor_node: walking in output order (sorted
// keys), a collection met a second time gets the next anchor id.
func (e *pyYAML) findAliases(v any, seen map[any]bool) {
	switch t := v.(type) {
	case pyval.Tuple:
		// A tuple's identity is its backing array: one literal from an
		// INI host line is shared by every host of a range, as in Python.
		if len(t) == 0 {
			return
		}
		id := identity(t)
		if seen[id] {
			if e.anchors[id] == "" {
				e.anchors[id] = fmt.Sprintf("id%03d", len(e.anchors)+1)
			}
			return
		}
		seen[id] = true
		for _, it := range t {
			e.findAliases(it, seen)
		}
	case *pyval.List:
		if seen[t] {
			if e.anchors[t] == "" {
				e.anchors[t] = fmt.Sprintf("id%03d", len(e.anchors)+1)
			}
			return
		}
		seen[t] = true
		for _, it := range t.Items {
			e.findAliases(it, seen)
		}
	case *pyval.Dict:
		if seen[t] {
			if e.anchors[t] == "" {
				e.anchors[t] = fmt.Sprintf("id%03d", len(e.anchors)+1)
			}
			return
		}
		seen[t] = true
		keys := t.Keys()
		if sorted, err := pyval.SortedKeys(t); err == nil {
			keys = sorted
		}
		for _, k := range keys {
			val, _ := t.Get(k)
			e.findAliases(k, seen)
			e.findAliases(val, seen)
		}
	}
}

// identity is what makes two tuples the same Python object.
func identity(t pyval.Tuple) any { return &t[0] }

// anchor writes &id or *id for a shared collection and reports whether the
// collection itself must still be written.
func (e *pyYAML) anchor(v any) bool {
	name, ok := e.anchors[v]
	if !ok {
		return true
	}
	if e.emitted == nil {
		e.emitted = map[any]bool{}
	}
	if e.emitted[v] {
		e.indicator("*"+name, true, false, false)
		return false
	}
	e.emitted[v] = true
	e.indicator("&"+name, true, false, false)
	return true
}

const yamlWidth = 80

func (e *pyYAML) write(s string) {
	e.b.WriteString(s)
	e.column += utf8.RuneCountInString(s)
}

func (e *pyYAML) lineBreak() {
	e.b.WriteByte('\n')
	e.whitespace, e.indention, e.column = true, true, 0
}

func (e *pyYAML) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.lineBreak()
	}
	if e.column < indent {
		e.whitespace = true
		e.write(strings.Repeat(" ", indent-e.column))
	}
}

func (e *pyYAML) indicator(ind string, needWhitespace, whitespace, indention bool) {
	if !e.whitespace && needWhitespace {
		ind = " " + ind
	}
	e.whitespace = whitespace
	e.indention = e.indention && indention
	e.write(ind)
}

// node emits v; parent is the enclosing block indent (-1 at the root),
// inMapping says v is a mapping value, simpleKey that v is a key.
func (e *pyYAML) node(v any, parent int, inMapping, simpleKey bool) {
	switch t := v.(type) {
	case *pyval.Dict, *pyval.List:
		if !e.anchor(v) {
			return
		}
	case pyval.Tuple:
		if len(t) > 0 && !e.anchor(identity(t)) {
			return
		}
	}
	switch t := v.(type) {
	case *pyval.Dict:
		if t.Len() == 0 {
			e.indicator("{", true, true, false)
			e.indicator("}", false, false, false)
			return
		}
		saved := e.indent
		if parent < 0 {
			e.indent = 0
		} else {
			e.indent = parent + 2
		}
		keys := t.Keys()
		if sorted, err := pyval.SortedKeys(t); err == nil {
			keys = sorted
		}
		for _, k := range keys {
			e.writeIndent()
			e.scalar(k, true)
			e.indicator(":", false, false, false)
			val, _ := t.Get(k)
			e.node(val, e.indent, true, false)
		}
		e.indent = saved
	case *pyval.List, pyval.Tuple:
		var items []any
		if l, ok := t.(*pyval.List); ok {
			items = l.Items
		} else {
			items = t.(pyval.Tuple)
		}
		if len(items) == 0 {
			e.indicator("[", true, true, false)
			e.indicator("]", false, false, false)
			return
		}
		saved := e.indent
		indentless := inMapping && !e.indention
		switch {
		case parent < 0:
			e.indent = 0
		case indentless:
			e.indent = parent
		default:
			e.indent = parent + 2
		}
		for _, it := range items {
			e.writeIndent()
			e.indicator("-", true, false, true)
			e.node(it, e.indent, false, false)
		}
		e.indent = saved
	default:
		saved := e.indent
		if parent < 0 {
			e.indent = 2 // a flow-like increase from no indent
		} else {
			e.indent = parent + 2
		}
		e.scalar(v, simpleKey)
		e.indent = saved
	}
}

// scalar writes a scalar as PyYAML's representers and emitter do.
func (e *pyYAML) scalar(v any, simpleKey bool) {
	switch t := v.(type) {
	case nil:
		e.plain("null", simpleKey)
	case bool:
		if t {
			e.plain("true", simpleKey)
		} else {
			e.plain("false", simpleKey)
		}
	case int64:
		e.plain(fmt.Sprint(t), simpleKey)
	case int:
		e.plain(fmt.Sprint(t), simpleKey)
	case float64:
		e.plain(yamlFloat(t), simpleKey)
	case string:
		e.str(t, simpleKey)
	case pyval.Unsafe:
		e.str(string(t), simpleKey)
	case *yaml11.Vault:
		e.vault(string(t.Ciphertext))
	default:
		e.str(pyval.Str(v), simpleKey)
	}
}

func yamlFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strings.ToLower(pyval.FloatRepr(f))
	if !strings.Contains(s, ".") && strings.Contains(s, "e") {
		s = strings.Replace(s, "e", ".0e", 1)
	}
	return s
}

func (e *pyYAML) str(s string, simpleKey bool) {
	a := analyzeScalar(s)
	// implicit: the plain text must read back as this very string
	v, err := yaml11.ResolvePlain(s)
	implicit := err == nil && v == s && !reYAMLTimestamp.MatchString(s) && s != "=" && s != "<<"
	if implicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain {
		e.plain(s, simpleKey)
		return
	}
	if a.allowSingle && !(simpleKey && a.multiline) {
		e.singleQuoted(s, !simpleKey)
		return
	}
	e.doubleQuoted(s, !simpleKey)
}

type scalarAnalysis struct {
	empty, multiline                          bool
	allowBlockPlain, allowSingle, allowDouble bool
}

func isBreak(r rune) bool { return r == '\n' || r == '\u0085' || r == '\u2028' || r == '\u2029' }

func isSpaceOrBreak(r rune) bool { return r == 0 || r == ' ' || r == '\t' || r == '\r' || isBreak(r) }

// yamlPrintable is libyaml's IS_PRINTABLE: Ansible's dumper is PyYAML's
// CSafeDumper, so the C emitter decides, and it takes no characters
// beyond the BMP (those get \U escapes in double quotes).
func yamlPrintable(ch rune) bool {
	return ch == '\n' || (ch >= 0x20 && ch <= 0x7e) || (ch >= 0xa0 && ch <= 0xd7ff) ||
		(ch >= 0xe000 && ch <= 0xfffd && ch != 0xfeff)
}

// analyzeScalar is libyaml's yaml_emitter_analyze_scalar (unicode on),
// which PyYAML's Python emitter mirrors.
func analyzeScalar(s string) scalarAnalysis {
	if s == "" {
		return scalarAnalysis{empty: true, allowBlockPlain: true, allowSingle: true, allowDouble: true}
	}
	rs := []rune(s)
	var blockInd, lineBreaks, special, leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockInd = true
	}
	precededByWS := true
	followedByWS := len(rs) == 1 || isSpaceOrBreak(rs[1])
	prevSpace, prevBreak := false, false
	for i, ch := range rs {
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", ch) {
				blockInd = true
			}
			if (ch == '?' || ch == ':') && followedByWS {
				blockInd = true
			}
			if ch == '-' && followedByWS {
				blockInd = true
			}
		} else {
			if ch == ':' && followedByWS {
				blockInd = true
			}
			if ch == '#' && precededByWS {
				blockInd = true
			}
		}
		if isBreak(ch) {
			lineBreaks = true
		}
		if !yamlPrintable(ch) {
			special = true
		}
		switch {
		case ch == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i == len(rs)-1 {
				trailingSpace = true
			}
			if prevBreak {
				breakSpace = true
			}
			prevSpace, prevBreak = true, false
		case isBreak(ch):
			if i == 0 {
				leadingBreak = true
			}
			if i == len(rs)-1 {
				trailingBreak = true
			}
			if prevSpace {
				spaceBreak = true
			}
			prevSpace, prevBreak = false, true
		default:
			prevSpace, prevBreak = false, false
		}
		precededByWS = isSpaceOrBreak(ch)
		followedByWS = i+2 >= len(rs) || isSpaceOrBreak(rs[i+2])
	}
	a := scalarAnalysis{multiline: lineBreaks, allowBlockPlain: true, allowSingle: true, allowDouble: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.allowBlockPlain = false
	}
	if breakSpace {
		a.allowBlockPlain, a.allowSingle = false, false
	}
	if spaceBreak || special {
		a.allowBlockPlain, a.allowSingle = false, false
	}
	if lineBreaks || blockInd {
		a.allowBlockPlain = false
	}
	return a
}

// plain is PyYAML's write_plain: words separated by single spaces are
// folded onto a new line once the column passes 80.
func (e *pyYAML) plain(s string, simpleKey bool) {
	if s == "" {
		return
	}
	if !e.whitespace {
		e.write(" ")
	}
	e.whitespace, e.indention = false, false
	split := !simpleKey
	rs := []rune(s)
	spaces := false
	start := 0
	for end := 0; end <= len(rs); end++ {
		var ch rune = -1
		if end < len(rs) {
			ch = rs[end]
		}
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.column > yamlWidth && split {
					e.writeIndent()
					e.whitespace, e.indention = false, false
				} else {
					e.write(string(rs[start:end]))
				}
				start = end
			}
		} else if ch == -1 || ch == ' ' {
			e.write(string(rs[start:end]))
			start = end
		}
		if ch != -1 {
			spaces = ch == ' '
		}
	}
}

// singleQuoted is PyYAML's write_single_quoted.
func (e *pyYAML) singleQuoted(s string, split bool) {
	e.indicator("'", true, false, false)
	rs := []rune(s)
	spaces, breaks := false, false
	start := 0
	for end := 0; end <= len(rs); end++ {
		var ch rune = -1
		if end < len(rs) {
			ch = rs[end]
		}
		switch {
		case spaces:
			if ch == -1 || ch != ' ' {
				if start+1 == end && e.column > yamlWidth && split && start != 0 && end != len(rs) {
					e.writeIndent()
				} else {
					e.write(string(rs[start:end]))
				}
				start = end
			}
		case breaks:
			if ch == -1 || !isBreak(ch) {
				if rs[start] == '\n' {
					e.lineBreak()
				}
				for _, br := range rs[start:end] {
					if br == '\n' {
						e.lineBreak()
					} else {
						e.b.WriteRune(br)
						e.whitespace, e.indention, e.column = true, true, 0
					}
				}
				e.writeIndent()
				start = end
			}
		default:
			if ch == -1 || ch == ' ' || isBreak(ch) || ch == '\'' {
				if start < end {
					e.write(string(rs[start:end]))
					start = end
				}
			}
		}
		if ch == '\'' {
			e.write("''")
			start = end + 1
		}
		if ch != -1 {
			spaces = ch == ' '
			breaks = isBreak(ch)
		}
	}
	e.indicator("'", false, false, false)
}

var yamlEscapes = map[rune]string{0: "0", 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 27: "e",
	'"': "\"", '\\': "\\", 0x85: "N", 0xa0: "_", 0x2028: "L", 0x2029: "P"}

// doubleQuoted is libyaml's yaml_emitter_write_double_quoted_scalar:
// escapes for what is not printable, and folding only at a single space
// past 80 columns (the line break reads back as that space).
func (e *pyYAML) doubleQuoted(s string, split bool) {
	e.indicator("\"", true, false, false)
	rs := []rune(s)
	spaces := false
	for i, ch := range rs {
		switch {
		case !yamlPrintable(ch) || ch == 0xfeff || isBreak(ch) || ch == '"' || ch == '\\':
			var data string
			if r, ok := yamlEscapes[ch]; ok {
				data = "\\" + r
			} else if ch <= 0xff {
				data = fmt.Sprintf("\\x%02X", ch)
			} else if ch <= 0xffff {
				data = fmt.Sprintf("\\u%04X", ch)
			} else {
				data = fmt.Sprintf("\\U%08X", ch)
			}
			e.write(data)
			spaces = false
		case ch == ' ':
			if split && !spaces && e.column > yamlWidth && i != 0 && i != len(rs)-1 {
				e.writeIndent()
				if i+1 < len(rs) && rs[i+1] == ' ' {
					e.write("\\")
				}
			} else {
				e.write(" ")
			}
			spaces = true
		default:
			e.write(string(ch))
			spaces = false
		}
	}
	e.indicator("\"", false, false, false)
}

// vault writes Ansible's `!vault |` literal block.
func (e *pyYAML) vault(text string) {
	e.indicator("!vault", true, false, false)
	hint := ""
	if !strings.HasSuffix(text, "\n") {
		hint = "-"
	} else if strings.HasSuffix(text, "\n\n") {
		hint = "+"
	}
	e.indicator("|"+hint, true, false, false)
	e.lineBreak()
	for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
		l = strings.TrimSuffix(l, "\n")
		if l != "" {
			e.write(strings.Repeat(" ", e.indent) + l)
		}
		e.lineBreak()
	}
}

// reYAMLTimestamp is PyYAML's timestamp resolver: such text is written
// quoted, as it would not read back as a string.
var reYAMLTimestamp = regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)
