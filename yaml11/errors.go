package yaml11

import (
	"errors"
	"regexp"
	"strings"
	"sync"

	"gplay/diag"

	yaml "go.yaml.in/yaml/v4"
)

func newError(file string, src []byte, p diag.Pos, msg, hint string) *diag.Error {
	if p.File == "" {
		p.File = file
	}
	if p.Line < 1 {
		p.Line = 1
	}
	if p.Col < 1 {
		p.Col = 1
	}
	return &diag.Error{Pos: p, Msg: msg, Hint: hint, Source: diag.LineOf(src, p.Line)}
}

// translateError turns a go-yaml error into a *diag.Error with a position,
// the offending line and a hint guessed from the source around it.
func translateError(file string, src []byte, err error) *diag.Error {
	var le *yaml.LoadError
	msg := err.Error()
	p := diag.Pos{File: file, Line: 1, Col: 1}
	if errors.As(err, &le) {
		msg = le.Message
		if le.ContextMsg != "" {
			msg = le.ContextMsg + ": " + msg
		}
		if strings.Contains(le.ContextMsg, "quoted scalar") && le.ContextMark.Line > 0 {
			// An unclosed quote is noticed at the end of the file; the
			// place to fix is where the quote opened.
			p.Line, p.Col = le.ContextMark.Line, le.ContextMark.Column
		} else if le.Mark.Line > 0 {
			p.Line, p.Col = le.Mark.Line, le.Mark.Column
		} else if le.ContextMark.Line > 0 {
			p.Line, p.Col = le.ContextMark.Line, le.ContextMark.Column
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	// go-yaml sometimes points past the last line (end of stream).
	if n := countLines(src); p.Line > n {
		p.Line = n
		p.Col = len(diag.LineOf(src, n)) + 1
	}
	if p.Col < 1 {
		p.Col = 1
	}
	e := newError(file, src, p, "syntax error: "+msg, "")
	e.Hint, e.Pos = guessHint(src, msg, e.Pos)
	e.Source = diag.LineOf(src, e.Pos.Line)
	return e
}

func countLines(src []byte) int {
	n := strings.Count(string(src), "\n")
	if len(src) == 0 || src[len(src)-1] != '\n' {
		n++
	}
	return n
}

var (
	reTabIndent   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ *\t`) })
	reNoSpace     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*(?:- +)?[A-Za-z0-9_.-]+:[^\s:/]`) })
	reBraceValue  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|:\s|-\s)\s*\{\{`) })
	reColonInText = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*(?:- +)?[^"'\s#][^:#]*:\s+[^"'{\[|>&*!\s][^#]*:\s`)
	})
)

// guessHint returns advice in plain words for a syntax error, looking at the
// offending line and the lines before it, and the position to report (a tab
// or a missing space is often on an earlier line than the parser noticed).
func guessHint(src []byte, msg string, p diag.Pos) (string, diag.Pos) {
	line := diag.LineOf(src, p.Line)
	// A tab in the indentation: YAML forbids it, and the parser's words
	// ("found character that cannot start any token") do not say so.
	for l := p.Line; l >= 1 && l >= p.Line-1; l-- {
		s := diag.LineOf(src, l)
		if reTabIndent().MatchString(s) {
			return "a tab character is used for indentation; YAML allows only spaces there", diag.Pos{File: p.File, Line: l, Col: strings.IndexByte(s, '\t') + 1}
		}
	}
	if reBraceValue().MatchString(line) || (p.Line > 1 && reBraceValue().MatchString(diag.LineOf(src, p.Line-1)) && strings.Contains(msg, "flow")) {
		return bracesHint, p
	}
	if q := unbalancedQuote(line); q != 0 {
		if q == '\'' {
			return "this looks like a quote that is not closed, or text after a closing quote: a quoted value must be quoted as a whole, and inside single quotes a quote is written twice, e.g. msg: 'it''s'", p
		}
		return "this looks like a quote that is not closed, or text after a closing quote: a quoted value must be quoted as a whole, e.g. msg: \"say \\\"hi\\\" now\"", p
	}
	if extraClosing(line) {
		return "a ] or } here has no matching [ or {; remove it, or quote the value if it is meant as text", p
	}
	if strings.Contains(msg, "unexpected end of stream") || strings.Contains(msg, "quoted scalar") {
		return "a quote is probably not closed; a quoted value must end with the same quote it starts with", p
	}
	for l := p.Line; l >= 1 && l >= p.Line-2; l-- {
		s := diag.LineOf(src, l)
		if loc := reNoSpace().FindStringIndex(s); loc != nil && !strings.Contains(s, "://") {
			col := strings.IndexByte(s[loc[0]:], ':') + loc[0] + 1
			return "there is probably a space missing after the colon: write key: value", diag.Pos{File: p.File, Line: l, Col: col + 1}
		}
	}
	if strings.Contains(msg, "flow sequence") || strings.Contains(msg, "flow mapping") {
		return "a [ or { is not closed, or an item inside it is not separated by a comma; quote the value if the bracket is meant as text", p
	}
	if strings.Contains(msg, "mapping values are not allowed") && reColonInText().MatchString(line) {
		return "the value contains \": \"; quote the whole value, e.g. msg: \"state: ok\"", p
	}
	if strings.Contains(msg, "did not find expected key") || strings.Contains(msg, "mapping values are not allowed") ||
		strings.Contains(msg, "did not find expected '-' indicator") || strings.Contains(msg, "could not find expected ':'") {
		return "this is probably bad indentation: the keys of one mapping and the items of one list must start in the same column", p
	}
	return "", p
}

// bracesHint is Ansible's famous advice for a value that starts with {{.
const bracesHint = `this looks like an issue with missing quotes: always quote template expression brackets when they start a value, e.g.
    with_items:
      - {{ foo }}
should be written as
    with_items:
      - "{{ foo }}"`

// unbalancedQuote reports a value that starts with a quote and does not end
// with it, or goes on after it (msg: "a" b), returning the quote.
func unbalancedQuote(line string) byte {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "- ")
	if i := strings.Index(s, ": "); i >= 0 && !strings.HasPrefix(s, `"`) && !strings.HasPrefix(s, "'") {
		s = strings.TrimSpace(s[i+2:])
	}
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return 0
	}
	q := s[0]
	i := 1
	for i < len(s) {
		c := s[i]
		if q == '"' && c == '\\' {
			i += 2
			continue
		}
		if c == q {
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				i += 2
				continue
			}
			rest := strings.TrimSpace(s[i+1:])
			if rest == "" || rest[0] == '#' || rest[0] == ':' || rest[0] == ',' || rest[0] == ']' || rest[0] == '}' {
				return 0
			}
			return q
		}
		i++
	}
	return q
}

// extraClosing reports a line with more closing brackets than opening ones
// outside quotes.
func extraClosing(line string) bool {
	depth := 0
	var q byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '#' && (i == 0 || line[i-1] == ' '):
			return false
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth < 0 {
				return true
			}
		}
	}
	return false
}
