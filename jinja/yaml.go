package jinja

import (
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"

	"gplay/pyval"
)

type flowStyle int

const (
	flowAuto   flowStyle = iota // PyYAML default_flow_style=None: flow for collections of scalars
	flowNever                   // False
	flowAlways                  // True
)

type yamlOpts struct {
	indent int
	width  int
	flow   flowStyle
}

// yamlDump writes v as PyYAML's yaml.dump does with Ansible's dumper,
// allow_unicode=True and sorted keys (the emitter's layout, quoting and
// line folding at width).
func yamlDump(v any, o yamlOpts) (string, error) {
	if o.indent < 2 || o.indent > 9 {
		o.indent = 2
	}
	if o.width <= o.indent*2 {
		o.width = 80
	}
	e := &yemit{o: o, whitespace: true, indention: true, indent: -1}
	if err := e.node(v, -1, ctxRoot, 0); err != nil {
		return "", err
	}
	e.writeLineBreak()
	return e.b.String(), nil
}

type yctx int

const (
	ctxRoot yctx = iota
	ctxSeq
	ctxMap
	ctxKey
)

type yemit struct {
	b          strings.Builder
	o          yamlOpts
	col        int
	whitespace bool
	indention  bool
	flowLevel  int
	indent     int // current indent; -1 at the root
}

func (e *yemit) write(s string) {
	e.b.WriteString(s)
	e.col += utf8.RuneCountInString(s)
}

func (e *yemit) writeLineBreak() {
	e.whitespace, e.indention = true, true
	e.col = 0
	e.b.WriteByte('\n')
}

func (e *yemit) writeIndent() {
	ind := max(e.indent, 0)
	if !e.indention || e.col > ind || (e.col == ind && !e.whitespace) {
		e.writeLineBreak()
	}
	if e.col < ind {
		e.whitespace = true
		e.write(strings.Repeat(" ", ind-e.col))
	}
}

func (e *yemit) writeIndicator(ind string, needWS, whitespace, indention bool) {
	if !e.whitespace && needWS {
		ind = " " + ind
	}
	e.whitespace = whitespace
	e.indention = e.indention && indention
	e.write(ind)
}

func (e *yemit) increaseIndent(flow, indentless bool) int {
	old := e.indent
	switch {
	case e.indent < 0:
		if flow {
			e.indent = e.o.indent
		} else {
			e.indent = 0
		}
	case !indentless:
		e.indent += e.o.indent
	}
	return old
}

func isScalar(v any) bool {
	switch v.(type) {
	case *pyval.List, pyval.Tuple, *pyval.Dict, Mapping, dictView:
		return false
	}
	return true
}

func (e *yemit) useFlow(items []any) bool {
	if e.flowLevel > 0 || len(items) == 0 {
		return true
	}
	switch e.o.flow {
	case flowAlways:
		return true
	case flowNever:
		return false
	}
	for _, it := range items {
		if !isScalar(it) {
			return false
		}
	}
	return true
}

func (e *yemit) node(v any, _ int, ctx yctx, depth int) error {
	if depth > 500 {
		return rtErr("maximum recursion depth exceeded")
	}
	switch t := v.(type) {
	case *pyval.List, pyval.Tuple, dictView:
		items, _ := iterate(t)
		if e.useFlow(items) {
			return e.flowSeq(items, depth)
		}
		return e.blockSeq(items, ctx, depth)
	case *pyval.Dict, Mapping:
		d, _ := asDict(t)
		keys, vals := sortedItems(d)
		children := append(append([]any{}, keys...), vals...)
		if e.useFlow(vals) || d.Len() == 0 {
			_ = children
			return e.flowMap(keys, vals, depth)
		}
		return e.blockMap(keys, vals, depth)
	case pyval.Undefined:
		return undefErr(t)
	}
	text, implicit, err := yamlScalar(v)
	if err != nil {
		return err
	}
	old := e.increaseIndent(true, false)
	e.scalar(text, implicit, ctx)
	e.indent = old
	return nil
}

// sortedItems orders a mapping as PyYAML's sort_keys does (unsorted when
// the keys cannot be compared).
func sortedItems(d *pyval.Dict) ([]any, []any) {
	keys, err := pyval.SortedKeys(d)
	if err != nil {
		keys = d.Keys()
	}
	vals := make([]any, len(keys))
	for i, k := range keys {
		vals[i], _ = d.Get(k)
	}
	return keys, vals
}

func (e *yemit) flowSeq(items []any, depth int) error {
	e.writeIndicator("[", true, true, false)
	e.flowLevel++
	old := e.increaseIndent(true, false)
	for i, it := range items {
		if i > 0 {
			e.writeIndicator(",", false, false, false)
		}
		if e.col > e.o.width {
			e.writeIndent()
		}
		if err := e.node(it, 0, ctxSeq, depth+1); err != nil {
			return err
		}
	}
	e.indent = old
	e.flowLevel--
	e.writeIndicator("]", false, false, false)
	return nil
}

func (e *yemit) flowMap(keys, vals []any, depth int) error {
	e.writeIndicator("{", true, true, false)
	e.flowLevel++
	old := e.increaseIndent(true, false)
	for i, k := range keys {
		if i > 0 {
			e.writeIndicator(",", false, false, false)
		}
		if e.col > e.o.width {
			e.writeIndent()
		}
		if err := e.node(k, 0, ctxKey, depth+1); err != nil {
			return err
		}
		e.writeIndicator(":", false, false, false)
		if err := e.node(vals[i], 0, ctxMap, depth+1); err != nil {
			return err
		}
	}
	e.indent = old
	e.flowLevel--
	e.writeIndicator("}", false, false, false)
	return nil
}

func (e *yemit) blockSeq(items []any, ctx yctx, depth int) error {
	indentless := ctx == ctxMap && !e.indention
	old := e.increaseIndent(false, indentless)
	for _, it := range items {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		if err := e.node(it, 0, ctxSeq, depth+1); err != nil {
			return err
		}
	}
	e.indent = old
	return nil
}

func (e *yemit) blockMap(keys, vals []any, depth int) error {
	old := e.increaseIndent(false, false)
	for i, k := range keys {
		e.writeIndent()
		if err := e.node(k, 0, ctxKey, depth+1); err != nil {
			return err
		}
		e.writeIndicator(":", false, false, false)
		if err := e.node(vals[i], 0, ctxMap, depth+1); err != nil {
			return err
		}
	}
	e.indent = old
	return nil
}

// yamlScalar returns the text PyYAML's representer gives a scalar and
// whether it may be written plain (it resolves back to the same type).
func yamlScalar(v any) (string, bool, error) {
	switch t := v.(type) {
	case nil:
		return "null", true, nil
	case bool:
		if t {
			return "true", true, nil
		}
		return "false", true, nil
	case int64:
		return fmt.Sprint(t), true, nil
	case *big.Int:
		return t.String(), true, nil
	case float64:
		s := pyval.FloatRepr(t)
		switch s {
		case "nan":
			return ".nan", true, nil
		case "inf":
			return ".inf", true, nil
		case "-inf":
			return "-.inf", true, nil
		}
		s = strings.ToLower(s)
		if !strings.Contains(s, ".") && strings.Contains(s, "e") {
			s = strings.Replace(s, "e", ".0e", 1)
		}
		return s, true, nil
	case string:
		return t, resolvesToStr(t), nil
	case pyval.Unsafe:
		return string(t), resolvesToStr(string(t)), nil
	case *datetime:
		return t.String(), true, nil
	}
	return "", false, rtErr("cannot represent an object: %s", pyRepr(v))
}

var yamlImplicit = []*regexp.Regexp{
	regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`),
	regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`),
	regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`),
	regexp.MustCompile(`^(?:~|null|Null|NULL|)$`),
	regexp.MustCompile(`^(?:<<)$`),
	regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`),
	regexp.MustCompile(`^(?:=)$`),
}

func resolvesToStr(s string) bool {
	for _, re := range yamlImplicit {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}

type scalarAnalysis struct {
	empty, multiline                                  bool
	flowPlain, blockPlain, singleQuoted, doubleQuoted bool
}

func isBreak(r rune) bool { return r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029 }
func isWSorEnd(r rune) bool {
	return r == 0 || r == ' ' || r == '\t' || r == '\r' || isBreak(r)
}

func analyzeScalar(s string) scalarAnalysis {
	if s == "" {
		return scalarAnalysis{empty: true, blockPlain: true, singleQuoted: true, doubleQuoted: true}
	}
	rs := []rune(s)
	var blockInd, flowInd, lineBreaks, special bool
	var leadSpace, leadBreak, trailSpace, trailBreak, breakSpace, spaceBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockInd, flowInd = true, true
	}
	preceded := true
	followed := len(rs) == 1 || isWSorEnd(rs[1])
	prevSpace, prevBreak := false, false
	for i, ch := range rs {
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", ch) {
				flowInd, blockInd = true, true
			}
			if ch == '?' || ch == ':' {
				flowInd = true
				if followed {
					blockInd = true
				}
			}
			if ch == '-' && followed {
				flowInd, blockInd = true, true
			}
		} else {
			if strings.ContainsRune(",?[]{}", ch) {
				flowInd = true
			}
			if ch == ':' {
				flowInd = true
				if followed {
					blockInd = true
				}
			}
			if ch == '#' && preceded {
				flowInd, blockInd = true, true
			}
		}
		if isBreak(ch) {
			lineBreaks = true
		}
		if !(ch == '\n' || ch >= 0x20 && ch <= 0x7e) {
			if (ch == 0x85 || ch >= 0xa0 && ch <= 0xd7ff || ch >= 0xe000 && ch <= 0xfffd || ch >= 0x10000 && ch < 0x10ffff) && ch != 0xfeff {
				// printable unicode, allowed with allow_unicode
			} else {
				special = true
			}
		}
		switch {
		case ch == ' ':
			if i == 0 {
				leadSpace = true
			}
			if i == len(rs)-1 {
				trailSpace = true
			}
			if prevBreak {
				breakSpace = true
			}
			prevSpace, prevBreak = true, false
		case isBreak(ch):
			if i == 0 {
				leadBreak = true
			}
			if i == len(rs)-1 {
				trailBreak = true
			}
			if prevSpace {
				spaceBreak = true
			}
			prevSpace, prevBreak = false, true
		default:
			prevSpace, prevBreak = false, false
		}
		preceded = isWSorEnd(ch)
		followed = i+2 >= len(rs) || isWSorEnd(rs[i+2])
	}
	a := scalarAnalysis{multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, doubleQuoted: true}
	if leadSpace || leadBreak || trailSpace || trailBreak {
		a.flowPlain, a.blockPlain = false, false
	}
	if breakSpace {
		a.flowPlain, a.blockPlain, a.singleQuoted = false, false, false
	}
	if spaceBreak || special {
		a.flowPlain, a.blockPlain, a.singleQuoted = false, false, false
	}
	if lineBreaks {
		a.flowPlain, a.blockPlain = false, false
	}
	if flowInd {
		a.flowPlain = false
	}
	if blockInd {
		a.blockPlain = false
	}
	return a
}

func (e *yemit) scalar(text string, implicit bool, ctx yctx) {
	a := analyzeScalar(text)
	simpleKey := ctx == ctxKey
	style := byte('"')
	switch {
	case implicit && !(simpleKey && (a.empty || a.multiline)) &&
		(e.flowLevel > 0 && a.flowPlain || e.flowLevel == 0 && a.blockPlain):
		style = 0
	case a.singleQuoted && !(simpleKey && a.multiline):
		style = '\''
	}
	split := !simpleKey
	switch style {
	case 0:
		e.writePlain(text, split)
	case '\'':
		e.writeSingle(text, split)
	default:
		e.writeDouble(text, split)
	}
}

func (e *yemit) writePlain(text string, split bool) {
	if text == "" {
		return
	}
	if !e.whitespace {
		e.write(" ")
	}
	e.whitespace, e.indention = false, false
	rs := []rune(text)
	spaces := false
	start := 0
	for end := 0; end <= len(rs); end++ {
		var ch rune = -1
		if end < len(rs) {
			ch = rs[end]
		}
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.col > e.o.width && split {
					e.writeIndent()
					e.whitespace, e.indention = false, false
				} else {
					e.write(string(rs[start:end]))
				}
				start = end
			}
		} else if ch == -1 || ch == ' ' || isBreak(ch) {
			e.write(string(rs[start:end]))
			start = end
		}
		spaces = ch == ' '
	}
}

func (e *yemit) writeSingle(text string, split bool) {
	e.writeIndicator("'", true, false, false)
	rs := []rune(text)
	spaces, breaks := false, false
	start := 0
	for end := 0; end <= len(rs); end++ {
		var ch rune = -1
		if end < len(rs) {
			ch = rs[end]
		}
		switch {
		case spaces:
			if ch != ' ' {
				if start+1 == end && e.col > e.o.width && split && start != 0 && end != len(rs) {
					e.writeIndent()
				} else {
					e.write(string(rs[start:end]))
				}
				start = end
			}
		case breaks:
			if ch == -1 || !isBreak(ch) {
				if rs[start] == '\n' {
					e.writeLineBreak()
				}
				for _, br := range rs[start:end] {
					if br == '\n' {
						e.writeLineBreak()
					} else {
						e.b.WriteRune(br)
						e.writeLineBreak()
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
	e.writeIndicator("'", false, false, false)
}

var yamlEscapes = map[rune]string{0: "0", 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 27: "e", '"': "\"", '\\': "\\", 0x85: "N", 0xa0: "_", 0x2028: "L", 0x2029: "P"}

func (e *yemit) writeDouble(text string, split bool) {
	e.writeIndicator("\"", true, false, false)
	rs := []rune(text)
	start := 0
	for end := 0; end <= len(rs); end++ {
		var ch rune = -1
		if end < len(rs) {
			ch = rs[end]
		}
		if ch == -1 || strings.ContainsRune("\"\\\u0085\u2028\u2029\ufeff", ch) ||
			!(ch >= 0x20 && ch <= 0x7e || ch >= 0xa0 && ch <= 0xd7ff || ch >= 0xe000 && ch <= 0xfffd) {
			if start < end {
				e.write(string(rs[start:end]))
				start = end
			}
			if ch != -1 {
				var data string
				if esc, ok := yamlEscapes[ch]; ok {
					data = "\\" + esc
				} else if ch <= 0xff {
					data = fmt.Sprintf("\\x%02X", ch)
				} else if ch <= 0xffff {
					data = fmt.Sprintf("\\u%04X", ch)
				} else {
					data = fmt.Sprintf("\\U%08X", ch)
				}
				e.write(data)
				start = end + 1
			}
		}
		if end > 0 && end < len(rs)-1 && (ch == ' ' || start >= end) && e.col+(end-start) > e.o.width && split {
			data := string(rs[start:end]) + "\\"
			if start < end {
				start = end
			}
			e.write(data)
			e.writeIndent()
			e.whitespace, e.indention = false, false
			if rs[start] == ' ' {
				e.write("\\")
			}
		}
	}
	e.writeIndicator("\"", false, false, false)
}

// yaml11Plain resolves a plain scalar as PyYAML's SafeLoader does (bools
// yes/no/on/off, octal 0755, sexagesimal 1:30, ~), for the cases where
// YAML 1.2 would read a string or another number.
func yaml11Plain(s string) (any, bool) {
	switch {
	case yamlImplicit[0].MatchString(s):
		switch strings.ToLower(s) {
		case "yes", "true", "on":
			return true, true
		}
		return false, true
	case yamlImplicit[3].MatchString(s):
		return nil, true
	case yamlImplicit[1].MatchString(s):
		t := strings.ReplaceAll(s, "_", "")
		neg := strings.HasPrefix(t, "-")
		t = strings.TrimLeft(t, "+-")
		var v any
		var ok bool
		switch {
		case strings.Contains(t, ":"):
			n := int64(0)
			for _, part := range strings.Split(t, ":") {
				d, err := strconv.ParseInt(part, 10, 64)
				if err != nil {
					return nil, false
				}
				n = n*60 + d
			}
			v, ok = n, true
		case strings.HasPrefix(t, "0b"):
			v, ok = pyIntStr(t[2:], 2)
		case strings.HasPrefix(t, "0x"):
			v, ok = pyIntStr(t[2:], 16)
		case len(t) > 1 && t[0] == '0':
			v, ok = pyIntStr(t[1:], 8)
		default:
			v, ok = pyIntStr(t, 10)
		}
		if !ok {
			return nil, false
		}
		if neg {
			r, err := unaryOp("-", v)
			return r, err == nil
		}
		return v, true
	case yamlImplicit[2].MatchString(s):
		t := strings.ReplaceAll(s, "_", "")
		if strings.Contains(t, ":") {
			return nil, false // sexagesimal floats: rare, leave to yaml/v4
		}
		f, ok := pyFloat(strings.NewReplacer(".inf", "inf", ".Inf", "inf", ".INF", "inf", ".nan", "nan", ".NaN", "nan", ".NAN", "nan").Replace(t))
		return f, ok
	}
	return nil, false
}

// yamlLoad parses YAML for from_yaml/from_yaml_all into Python values.
func yamlLoad(s string, all bool) (any, error) {
	dec := yaml.NewDecoder(strings.NewReader(s))
	var docs []any
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rtErr("%s", err.Error())
		}
		v, err := yamlNodeValue(&n, 0)
		if err != nil {
			return nil, err
		}
		docs = append(docs, v)
		if !all {
			break
		}
	}
	if all {
		return pyval.NewList(docs...), nil
	}
	if len(docs) == 0 {
		return nil, nil
	}
	return docs[0], nil
}

func yamlNodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > 1000 {
		return nil, rtErr("YAML nesting too deep")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlNodeValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return yamlNodeValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		l := pyval.NewList()
		for _, c := range n.Content {
			v, err := yamlNodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			l.Append(v)
		}
		return l, nil
	case yaml.MappingNode:
		d := pyval.NewDict(len(n.Content) / 2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := yamlNodeValue(n.Content[i], depth+1)
			if err != nil {
				return nil, err
			}
			v, err := yamlNodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			if !pyval.Hashable(k) {
				return nil, rtErr("found unhashable key")
			}
			d.Set(k, v)
		}
		return d, nil
	case yaml.ScalarNode:
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) == 0 {
			// plain scalars resolve by YAML 1.1 rules, as PyYAML's
			// SafeLoader does (timestamps stay strings here)
			if v, ok := yaml11Plain(n.Value); ok {
				return v, nil
			}
			return n.Value, nil
		}
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			return strings.ToLower(n.Value) == "true", nil
		case "!!int":
			if v, ok := pyIntStr(n.Value, 0); ok {
				return v, nil
			}
		case "!!float":
			if f, ok := pyFloat(strings.NewReplacer(".inf", "inf", ".Inf", "inf", ".INF", "inf", ".nan", "nan", ".NaN", "nan", ".NAN", "nan").Replace(n.Value)); ok {
				return f, nil
			}
		}
		return n.Value, nil
	}
	return nil, nil
}
