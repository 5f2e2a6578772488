package output

import (
	"errors"
	"strings"

	"gplay/diag"
	"gplay/engine"
)

// FormatError renders an error as ansible-playbook shows it after
// "ERROR! ": for a positioned error, the message, then where it appears to
// be with the line before, the line and a caret, and Ansible's hints; a
// YAML syntax error is worded as Ansible's loader words it.
func FormatError(err error) string {
	var de *diag.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	var b strings.Builder
	if rest, ok := strings.CutPrefix(de.Msg, "syntax error: "); ok {
		// Ansible tries JSON first, then shows YAML's problem without
		// its context ("while parsing a block mapping")
		problem := rest
		if i := strings.LastIndex(rest, ": "); i >= 0 {
			problem = rest[i+2:]
		}
		b.WriteString("We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 (char 0)\n\nSyntax Error while loading YAML.\n  " + problem)
	} else {
		b.WriteString(de.Msg)
		if de.Err != nil {
			b.WriteString(": " + de.Err.Error())
		}
	}
	if ext := engine.ExtendedError(de.Pos); ext != "" {
		b.WriteString("\n\n" + ext)
	}
	if de.Hint != "" {
		b.WriteString("\n" + de.Hint + "\n")
	}
	return b.String()
}
