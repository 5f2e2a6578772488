package pyyaml

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type context int

const (
	ctxRoot context = iota
	ctxSeq
	ctxMap    // a mapping value
	ctxKey    // a simple mapping key
	ctxCplKey // a key written after "? "
)

// emitter mirrors the state of libyaml's yaml_emitter_t that shapes the
// output.
type emitter struct {
	b          strings.Builder
	o          Options
	column     int
	whitespace bool
	indention  bool
	flowLevel  int
	indent     int // -1 at the root
	emitted    map[*node]bool
}

func (e *emitter) write(s string) {
	e.b.WriteString(s)
	e.column += utf8.RuneCountInString(s)
}

func (e *emitter) lineBreak() {
	e.b.WriteByte('\n')
	e.whitespace, e.indention, e.column = true, true, 0
}

func (e *emitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.lineBreak()
	}
	if e.column < indent {
		e.whitespace = true
		e.write(strings.Repeat(" ", indent-e.column))
	}
}

func (e *emitter) indicator(ind string, needWhitespace, whitespace, indention bool) {
	if !e.whitespace && needWhitespace {
		ind = " " + ind
	}
	e.whitespace = whitespace
	e.indention = e.indention && indention
	e.write(ind)
}

func (e *emitter) increaseIndent(flow, indentless bool) int {
	old := e.indent
	switch {
	case e.indent < 0:
		if flow {
			e.indent = e.o.Indent
		} else {
			e.indent = 0
		}
	case !indentless:
		e.indent += e.o.Indent
	}
	return old
}

func (e *emitter) node(n *node, ctx context) {
	if n.anchor != "" {
		if e.emitted[n] {
			e.indicator("*"+n.anchor, true, false, false)
			if ctx == ctxKey {
				e.write(" ")
			}
			return
		}
		e.emitted[n] = true
		e.indicator("&"+n.anchor, true, false, false)
	}
	switch n.kind {
	case seqNode:
		if e.flowLevel > 0 || n.flow || len(n.items) == 0 {
			e.flowSeq(n)
		} else {
			e.blockSeq(n, ctx)
		}
	case mapNode:
		if e.flowLevel > 0 || n.flow || len(n.items) == 0 {
			e.flowMap(n)
		} else {
			e.blockMap(n)
		}
	default:
		old := e.increaseIndent(true, false)
		e.scalar(n, ctx)
		e.indent = old
	}
}

func (e *emitter) flowSeq(n *node) {
	e.indicator("[", true, true, false)
	old := e.increaseIndent(true, false)
	e.flowLevel++
	for i, it := range n.items {
		if i > 0 {
			e.indicator(",", false, false, false)
		}
		if e.column > e.o.Width {
			e.writeIndent()
		}
		e.node(it, ctxSeq)
	}
	e.flowLevel--
	e.indent = old
	e.indicator("]", false, false, false)
}

func (e *emitter) flowMap(n *node) {
	e.indicator("{", true, true, false)
	old := e.increaseIndent(true, false)
	e.flowLevel++
	for i := 0; i < len(n.items); i += 2 {
		if i > 0 {
			e.indicator(",", false, false, false)
		}
		if e.column > e.o.Width {
			e.writeIndent()
		}
		if simpleKey(n.items[i]) {
			e.node(n.items[i], ctxKey)
			e.indicator(":", false, false, false)
		} else {
			e.indicator("?", true, false, false)
			e.node(n.items[i], ctxCplKey)
			if e.column > e.o.Width {
				e.writeIndent()
			}
			e.indicator(":", true, false, false)
		}
		e.node(n.items[i+1], ctxMap)
	}
	e.flowLevel--
	e.indent = old
	e.indicator("}", false, false, false)
}

func (e *emitter) blockSeq(n *node, ctx context) {
	old := e.increaseIndent(false, ctx == ctxMap && !e.indention)
	for _, it := range n.items {
		e.writeIndent()
		e.indicator("-", true, false, true)
		e.node(it, ctxSeq)
	}
	e.indent = old
}

func (e *emitter) blockMap(n *node) {
	old := e.increaseIndent(false, false)
	for i := 0; i < len(n.items); i += 2 {
		e.writeIndent()
		if simpleKey(n.items[i]) {
			e.node(n.items[i], ctxKey)
			e.indicator(":", false, false, false)
		} else {
			e.indicator("?", true, false, true)
			e.node(n.items[i], ctxCplKey)
			e.writeIndent()
			e.indicator(":", true, false, true)
		}
		e.node(n.items[i+1], ctxMap)
	}
	e.indent = old
}

// simpleKey is libyaml's yaml_emitter_check_simple_key: a key written
// without "? " is a scalar (or an empty collection or an alias) on one line
// of at most 128 bytes.
func simpleKey(n *node) bool {
	length := len(n.anchor)
	switch n.kind {
	case seqNode, mapNode:
		if len(n.items) > 0 {
			return false
		}
	default:
		if n.literal || analyzeScalar(n.text).multiline {
			return false
		}
		length += len(n.text) + len(n.tag)
	}
	return length <= 128
}

func (e *emitter) scalar(n *node, ctx context) {
	if n.literal {
		e.literal(n.tag, n.text)
		return
	}
	a := analyzeScalar(n.text)
	simple := ctx == ctxKey
	plain := n.implicit && !(simple && a.multiline) &&
		(e.flowLevel > 0 && a.flowPlain || e.flowLevel == 0 && a.blockPlain) &&
		!(a.empty && (e.flowLevel > 0 || simple))
	switch {
	case plain:
		e.plain(n.text, !simple)
	case a.singleQuoted && !(simple && a.multiline):
		e.singleQuoted(n.text, !simple)
	default:
		e.doubleQuoted(n.text, !simple)
	}
}

type scalarAnalysis struct {
	empty, multiline                                  bool
	flowPlain, blockPlain, singleQuoted, doubleQuoted bool
}

// isBreak is libyaml's IS_BREAK, which counts '\r' too (a key holding one
// is not simple; the scalar is double-quoted anyway, '\r' being special).
func isBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

func isSpaceOrBreak(r rune) bool { return r == 0 || r == ' ' || r == '\t' || r == '\r' || isBreak(r) }

// printable is libyaml's IS_PRINTABLE: Ansible's dumper is PyYAML's
// CSafeDumper, so the C emitter decides, and it takes no characters
// beyond the BMP (those get \U escapes in double quotes).
func printable(ch rune) bool {
	return ch == '\n' || (ch >= 0x20 && ch <= 0x7e) || (ch >= 0xa0 && ch <= 0xd7ff) ||
		(ch >= 0xe000 && ch <= 0xfffd && ch != 0xfeff)
}

// analyzeScalar is libyaml's yaml_emitter_analyze_scalar (unicode on).
func analyzeScalar(s string) scalarAnalysis {
	if s == "" {
		return scalarAnalysis{empty: true, blockPlain: true, singleQuoted: true, doubleQuoted: true}
	}
	rs := []rune(s)
	var flowInd, blockInd, lineBreaks, special, leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		flowInd, blockInd = true, true
	}
	precededByWS := true
	followedByWS := len(rs) == 1 || isSpaceOrBreak(rs[1])
	prevSpace, prevBreak := false, false
	for i, ch := range rs {
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", ch) {
				flowInd, blockInd = true, true
			}
			if ch == '?' || ch == ':' {
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			}
			if ch == '-' && followedByWS {
				flowInd, blockInd = true, true
			}
		} else {
			if strings.ContainsRune(",?[]{}", ch) {
				flowInd = true
			}
			if ch == ':' {
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			}
			if ch == '#' && precededByWS {
				flowInd, blockInd = true, true
			}
		}
		if isBreak(ch) {
			lineBreaks = true
		}
		if !printable(ch) {
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
	a := scalarAnalysis{multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, doubleQuoted: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.flowPlain, a.blockPlain = false, false
	}
	if breakSpace || spaceBreak || special {
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

// plain is libyaml's yaml_emitter_write_plain_scalar: words separated by
// single spaces are folded onto a new line once the column passes the width.
func (e *emitter) plain(s string, split bool) {
	if s == "" {
		return
	}
	if !e.whitespace {
		e.write(" ")
	}
	e.whitespace, e.indention = false, false
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
				if start+1 == end && e.column > e.o.Width && split {
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

// singleQuoted is libyaml's yaml_emitter_write_single_quoted_scalar.
func (e *emitter) singleQuoted(s string, split bool) {
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
			if ch != ' ' {
				if start+1 == end && e.column > e.o.Width && split && start != 0 && end != len(rs) {
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

var escapes = map[rune]string{0: "0", 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 27: "e",
	'"': "\"", '\\': "\\", 0x85: "N", 0xa0: "_", 0x2028: "L", 0x2029: "P"}

// doubleQuoted is libyaml's yaml_emitter_write_double_quoted_scalar:
// escapes for what is not printable, and folding only at a single space
// past the width (the line break reads back as that space).
func (e *emitter) doubleQuoted(s string, split bool) {
	e.indicator("\"", true, false, false)
	rs := []rune(s)
	spaces := false
	for i, ch := range rs {
		switch {
		case !printable(ch) || isBreak(ch) || ch == '"' || ch == '\\':
			var data string
			if r, ok := escapes[ch]; ok {
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
			if split && !spaces && e.column > e.o.Width && i != 0 && i != len(rs)-1 {
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

// literal writes a tagged literal block scalar (`!vault |`) with its
// chomping hint; lines are indented to the scalar's indent.
func (e *emitter) literal(tag, text string) {
	if tag != "" {
		e.indicator(tag, true, false, false)
	}
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
