package engine

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gplay/diag"
	"gplay/jinja"
)

// Ansible's hints for common YAML mistakes (errors/yaml_strings.py).
const (
	hintUnquotedVariable = "We could be wrong, but this one looks like it might be an issue with\nmissing quotes. Always quote template expression brackets when they\nstart a value. For instance:\n\n    with_items:\n      - {{ foo }}\n\nShould be written as:\n\n    with_items:\n      - \"{{ foo }}\"\n"
	hintShorthand        = "There appears to be both 'k=v' shorthand syntax and YAML in this task. Only one syntax may be used.\n"
	hintDict             = "This one looks easy to fix. YAML thought it was looking for the start of a\nhash/dictionary and was confused to see a second \"{\". Most likely this was\nmeant to be an ansible template evaluation instead, so we have to give the\nparser a small hint that we wanted a string instead. The solution here is to\njust quote the entire value.\n\nFor instance, if the original line was:\n\n    app_path: {{ base_path }}/foo\n\nIt should be written as:\n\n    app_path: \"{{ base_path }}/foo\"\n"
	hintColon            = "This one looks easy to fix. There seems to be an extra unquoted colon in the line\nand this is confusing the parser. It was only expecting to find one free\ncolon. The solution is just add some quotes around the colon, or quote the\nentire line after the first colon.\n\nFor instance, if the original line was:\n\n    copy: src=file.txt dest=/path/filename:with_colon.txt\n\nIt can be written as:\n\n    copy: src=file.txt dest='/path/filename:with_colon.txt'\n\nOr:\n\n    copy: 'src=file.txt dest=/path/filename:with_colon.txt'\n"
	hintPartialQuote     = "This one looks easy to fix. It seems that there is a value started\nwith a quote, and the YAML parser is expecting to see the line ended\nwith the same kind of quote. For instance:\n\n    when: \"ok\" in result.stdout\n\nCould be written as:\n\n   when: '\"ok\" in result.stdout'\n\nOr equivalently:\n\n   when: \"'ok' in result.stdout\"\n"
	hintUnbalanced       = "We could be wrong, but this one looks like it might be an issue with\nunbalanced quotes. If starting a value with a quote, make sure the\nline ends with the same set of quotes. For instance this arbitrary\nexample:\n\n    foo: \"bad\" \"wolf\"\n\nCould be written as:\n\n    foo: '\"bad\" \"wolf\"'\n"
	hintTab              = "There appears to be a tab character at the start of the line.\n\nYAML does not use tabs for formatting. Tabs should be replaced with spaces.\n\nFor example:\n    - name: update tooling\n      vars:\n        version: 1.2.3\n#    ^--- there is a tab there.\n\nShould be written as:\n    - name: update tooling\n      vars:\n        version: 1.2.3\n# ^--- all spaces here.\n"
)

var shorthandRE = regexp.MustCompile(`\w+(\s+)?=(\s+)?[\w/-]+`)

func positionDetails(file string, line, col int) string {
	return fmt.Sprintf("The error appears to be in '%s': line %d, column %d, but may\nbe elsewhere in the file depending on the exact syntax problem.\n", file, line, col)
}

// ExtendedError is the text Ansible appends to an error tied to a place in
// a playbook (AnsibleError._get_extended_error): where it appears to be,
// the line before and the line itself with a caret, and a hint for common
// quoting mistakes.
func ExtendedError(pos diag.Pos) string {
	if pos.File == "" || pos.Line == 0 {
		return ""
	}
	msg := positionDetails(pos.File, pos.Line, pos.Col)
	src, err := os.ReadFile(pos.File)
	if err != nil {
		return msg + "\n(could not open file to display line)"
	}
	target := diag.LineOf(src, pos.Line)
	prev := ""
	if pos.Line > 1 {
		prev = diag.LineOf(src, pos.Line-1)
	}
	if target == "" {
		return msg
	}
	if shorthandRE.MatchString(prev) {
		at := strings.Index(strings.TrimRight(prev, " \t\r\n"), "=")
		msg = positionDetails(pos.File, pos.Line-1, at+1)
		msg += fmt.Sprintf("\nThe offending line appears to be:\n\n%s\n%s\n\n", strings.TrimRight(prev, " \t\r\n"), strings.Repeat(" ", at)+"^ here")
		msg += hintShorthand
	} else {
		msg += fmt.Sprintf("\nThe offending line appears to be:\n\n%s\n%s\n%s\n", strings.TrimRight(prev, " \t\r\n"), strings.TrimRight(target, " \t\r\n"), strings.Repeat(" ", max(pos.Col-1, 0))+"^ here")
	}
	stripped := strings.ReplaceAll(target, " ", "")
	if strings.Contains(target, "\t") {
		msg += hintTab
	}
	switch {
	case strings.Contains(target, "{{") && strings.Contains(target, "}}") && (!strings.Contains(target, `"{{`) || !strings.Contains(target, "'{{")):
		msg += hintUnquotedVariable
	case strings.Contains(stripped, ":{{") && strings.Contains(stripped, "}}"):
		msg += hintDict
	case len(target) > 1 && len(target) > pos.Col && target[pos.Col] == ':' && strings.Count(target, ":") > 1:
		msg += hintColon
	default:
		parts := strings.Split(target, ":")
		if len(parts) > 1 {
			middle := strings.TrimSpace(parts[1])
			match := (strings.HasPrefix(middle, "'") && !strings.HasSuffix(middle, "'")) || (strings.HasPrefix(middle, `"`) && !strings.HasSuffix(middle, `"`))
			unbalanced := (len(middle) > 0 && strings.ContainsAny(middle[:1], `"'`) && strings.ContainsAny(middle[len(middle)-1:], `"'`) && strings.Count(target, "'") > 2) || strings.Count(target, `"`) > 2
			if match {
				msg += hintPartialQuote
			}
			if unbalanced {
				msg += hintUnbalanced
			}
		}
	}
	return msg
}

// jinjaMsg is a template error's message without its position inside the
// template.
func jinjaMsg(err error) string {
	var je *jinja.Error
	if errors.As(err, &je) {
		return je.Msg
	}
	return err.Error()
}

// argsError words a failure to template a task's arguments as Ansible's
// TaskExecutor does.
func (hr *hostRun) argsError(err error) string {
	if jinja.KindOf(err) == jinja.ErrUndefined {
		m := jinjaMsg(err)
		return fmt.Sprintf("The task includes an option with an undefined variable. The error was: %s. %s\n\n%s", m, m, ExtendedError(hr.t.Pos))
	}
	return jinjaMsg(err)
}

// condError words a failed conditional as Ansible does.
func (hr *hostRun) condError(cond any, err error) string {
	if m := jinjaMsg(err); strings.HasPrefix(m, "The conditional check") {
		// jinja words it as Ansible's Conditional already
		return m + "\n\n" + ExtendedError(hr.t.Pos)
	}
	return fmt.Sprintf("The conditional check '%v' failed. The error was: %s\n\n%s", condText(cond), jinjaMsg(err), ExtendedError(hr.t.Pos))
}

func condText(c any) string {
	if s, ok := c.(string); ok {
		return s
	}
	return fmt.Sprint(c)
}
