package output

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"gplay/diag"
)

// FormatError renders an error as ansible-playbook shows it after
// "ERROR! ": for a positioned error, the message, where it appears to be,
// and the offending line with a caret.
func FormatError(err error) string {
	var de *diag.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(de.Msg)
	if de.Err != nil {
		b.WriteString(": " + de.Err.Error())
	}
	if de.Pos.File != "" && de.Pos.Line > 0 {
		fmt.Fprintf(&b, "\n\nThe error appears to be in '%s': line %d, column %d, but may\nbe elsewhere in the file depending on the exact syntax problem.\n", de.Pos.File, de.Pos.Line, de.Pos.Col)
		src, _ := os.ReadFile(de.Pos.File)
		line := de.Source
		if line == "" && src != nil {
			line = diag.LineOf(src, de.Pos.Line)
		}
		if line != "" {
			b.WriteString("\nThe offending line appears to be:\n\n")
			if src != nil && de.Pos.Line > 1 {
				if prev := diag.LineOf(src, de.Pos.Line-1); strings.TrimSpace(prev) != "" {
					b.WriteString(prev + "\n")
				}
			}
			b.WriteString(line + "\n")
			if de.Pos.Col > 0 {
				b.WriteString(strings.Repeat(" ", de.Pos.Col-1) + "^ here\n")
			}
		}
	}
	if de.Hint != "" {
		b.WriteString("\n" + de.Hint + "\n")
	}
	return b.String()
}
