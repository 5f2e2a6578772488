package jinja

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gplay/diag"
	"gplay/pyval"
)

// ErrKind classifies template errors the way Ansible reports them.
type ErrKind int

const (
	// ErrSyntax is a template that does not parse (Jinja's
	// TemplateSyntaxError, "template error while templating string").
	ErrSyntax ErrKind = iota + 1
	// ErrUndefined is the use of an undefined variable or attribute
	// (AnsibleUndefinedVariable); Msg is Jinja's, e.g. "'x' is undefined".
	ErrUndefined
	// ErrRuntime is any other failure: a Python TypeError, a filter error.
	ErrRuntime
)

func (k ErrKind) String() string {
	switch k {
	case ErrSyntax:
		return "syntax"
	case ErrUndefined:
		return "undefined"
	}
	return "other"
}

// Error is a template error at a position inside the template (line and
// column count from 1 within the template text; the caller adds the
// position of the YAML scalar that held it).
type Error struct {
	Kind ErrKind
	Pos  Pos
	Msg  string
	// typeError marks a Python TypeError, which Ansible words
	// "Unexpected templating type error occurred on (...)".
	typeError bool
	// pyClass is the Python exception class for errors Ansible reports
	// by class (ZeroDivisionError); empty for Ansible's own errors.
	pyClass string
	// Template is the template text the error happened in, set by
	// Template and Render for AnsibleMessage.
	Template string
}

// AnsibleMessage is the text Ansible 2.14 shows for the error after
// "The error was: " (str() of the exception Templar.template raises):
// "'x' is undefined. 'x' is undefined", "template error while templating
// string: ... String: {{ x + }}. ...", "Unexpected templating type error
// occurred on ({{ 'a' + 1 }}): ...". Cond's errors are already complete.
func (e *Error) AnsibleMessage() string {
	switch {
	case e.Kind == ErrUndefined && !strings.HasPrefix(e.Msg, "The conditional check"):
		return e.Msg + ". " + e.Msg
	case e.Kind == ErrSyntax:
		return "template error while templating string: " + e.Msg + ". String: " + e.Template + ". " + e.Msg
	case e.typeError:
		return "Unexpected templating type error occurred on (" + e.Template + "): " + e.Msg + ". " + e.Msg
	}
	return e.Msg
}

// Diag places the error in a file: start is where the template text
// begins (the first character of a YAML scalar's value, or line 1 column
// 1 of a template file). Columns after the first line count from the start
// of their own line; a quoted YAML scalar that escapes characters may
// shift them, so the position is a close guide, not an exact mapping.
func (e *Error) Diag(start diag.Pos) *diag.Error {
	p := start
	if e.Pos.Line > 0 {
		p.Line = max(start.Line, 1) + e.Pos.Line - 1
		if e.Pos.Line == 1 {
			p.Col = max(start.Col, 1) + e.Pos.Col - 1
		} else {
			p.Col = e.Pos.Col
		}
	}
	return &diag.Error{Pos: p, Msg: e.AnsibleMessage(), Err: e}
}

// withTemplate records the template text in a template error.
func withTemplate(err error, src string) error {
	var e *Error
	if errors.As(err, &e) && e.Template == "" {
		e.Template = src
	}
	return err
}

func (e *Error) Error() string {
	if e.Pos.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return e.Msg
}

// undefErr is the error raised when an Undefined is used.
func undefErr(u pyval.Undefined) error {
	msg := u.Hint
	if msg == "" {
		msg = "'" + u.Name + "' is undefined"
	}
	return &Error{Kind: ErrUndefined, Msg: msg}
}

func rtErr(format string, args ...any) error {
	return &Error{Kind: ErrRuntime, Msg: fmt.Sprintf(format, args...)}
}

// typeErr is a Python TypeError; Ansible words it "Unexpected templating
// type error occurred on (...): <msg>", we keep the Python part.
func typeErr(format string, args ...any) error {
	return &Error{Kind: ErrRuntime, Msg: fmt.Sprintf(format, args...), typeError: true}
}

// at gives err the position p unless it already has one.
func at(err error, p Pos) error {
	if err == nil || err == errBreak || err == errContinue {
		return err
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Pos.Line == 0 {
			e.Pos = p
		}
		return err
	}
	return &Error{Kind: ErrRuntime, Pos: p, Msg: err.Error()}
}

// errUncompilable is a template Jinja accepts but Python cannot compile;
// Ansible then returns the template text as is.
var errUncompilable = errors.New("uncompilable template")

// maxSize bounds the strings and lists one operation may build (widths,
// repetition), so that bad input fails instead of exhausting memory.
const maxSize = 1 << 24

func sizeErr(n int64) error {
	if n > maxSize || n < -maxSize {
		return &Error{Kind: ErrRuntime, Msg: "MemoryError: result would be too large"}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func pyQuote(s string) string { return pyval.QuoteStr(s) }

// errMsg is the message of err without a position.
func errMsg(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}

// KindOf returns the kind of a template error, or 0 when err is not one.
func KindOf(err error) ErrKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
