// Package diag holds source positions and positioned errors. Every loader
// (yaml11, inventory, play, jinja) reports problems as *Error so that the CLI
// can show file:line:column, the offending line and a caret, and a hint.
//
// diag is a leaf: it imports nothing of gplay.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pos is a place in a source file. Line and Col count from 1; zero means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether the position names at least a file or a line.
func (p Pos) IsValid() bool { return p.File != "" || p.Line > 0 }

// String prints file:line:col, leaving out the unknown parts.
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprint(p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	if s == "" {
		return "-"
	}
	return s
}

// Severity says whether a diagnostic stops the run.
type Severity int

const (
	SevError Severity = iota
	SevWarning
)

func (s Severity) String() string {
	if s == SevWarning {
		return "warning"
	}
	return "error"
}

// Error is a problem at a position in a file. Source, when set, is the text
// of the offending line, so output can draw it with a caret without reading
// the file again. Hint says what the user should probably do.
type Error struct {
	Pos      Pos
	Msg      string
	Hint     string
	Source   string
	Severity Severity
	Err      error
}

func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Snippet renders the offending line and a caret under the column, or ""
// when the source line is unknown.
func (e *Error) Snippet() string {
	if e.Source == "" {
		return ""
	}
	line := strings.TrimRight(e.Source, "\r\n")
	var b strings.Builder
	b.WriteString(line)
	b.WriteByte('\n')
	if e.Pos.Col > 0 {
		// Keep tabs so the caret lines up under tabbed source.
		for i, r := range line {
			if i >= e.Pos.Col-1 {
				break
			}
			if r == '\t' {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString("^ here\n")
	}
	return b.String()
}

// Format renders the whole diagnostic for a person: position and message,
// the offending line with a caret, and the hint.
func (e *Error) Format() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	if s := e.Snippet(); s != "" {
		b.WriteByte('\n')
		b.WriteString(s)
	}
	if e.Hint != "" {
		b.WriteString("\n" + e.Hint + "\n")
	}
	return b.String()
}

// LineOf returns the 1-based line n of src, without its newline.
func LineOf(src []byte, n int) string {
	if n < 1 {
		return ""
	}
	for i := 1; i < n; i++ {
		j := indexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := indexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return string(src)
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// List collects diagnostics so a loader can report all of them at once.
type List []*Error

// Add appends e.
func (l *List) Add(e *Error) { *l = append(*l, e) }

// Sort orders the list by file, line and column.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns the errors (not warnings) as one error, or nil when there are none.
func (l List) Err() error {
	var errs []error
	for _, e := range l {
		if e.Severity == SevError {
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}
