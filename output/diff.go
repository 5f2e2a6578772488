package output

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gplay/pyval"

	"github.com/pmezard/go-difflib/difflib"
)

// renderDiff renders a result's diff entries as Ansible's default callback
// does (CallbackBase._get_diff): binary/size notes, unified diffs with 3
// lines of context, dict states as indented JSON, "\ No newline at end of
// file" markers, then any "prepared" text. Diff lines are coloured one
// difflib line at a time (+ green, - red, @@ cyan), as Ansible does.
func (t *Text) renderDiff(diff any) string {
	var entries []any
	switch d := diff.(type) {
	case *pyval.List:
		entries = d.Items
	case *pyval.Dict:
		entries = []any{d}
	default:
		return ""
	}
	var out strings.Builder
	for _, e := range entries {
		d, ok := e.(*pyval.Dict)
		if !ok {
			continue
		}
		if d.Has("dst_binary") {
			out.WriteString("diff skipped: destination file appears to be binary\n")
		}
		if d.Has("src_binary") {
			out.WriteString("diff skipped: source file appears to be binary\n")
		}
		if v, ok := d.Get("dst_larger"); ok {
			fmt.Fprintf(&out, "diff skipped: destination file size is greater than %s\n", pyval.Str(v))
		}
		if v, ok := d.Get("src_larger"); ok {
			fmt.Fprintf(&out, "diff skipped: source file size is greater than %s\n", pyval.Str(v))
		}
		before, hb := d.Get("before")
		after, ha := d.Get("after")
		if hb && ha {
			bh, ah := "before", "after"
			if h, ok := d.Get("before_header"); ok {
				bh = "before: " + pyval.Str(h)
			}
			if h, ok := d.Get("after_header"); ok {
				ah = "after: " + pyval.Str(h)
			}
			lines := unifiedDiff(diffLines(diffSide(before)), diffLines(diffSide(after)), bh, ah)
			for _, line := range lines {
				switch {
				case strings.HasPrefix(line, "+"):
					line = stringc(t.opts.Color, colGreen, line)
				case strings.HasPrefix(line, "-"):
					line = stringc(t.opts.Color, colRed, line)
				case strings.HasPrefix(line, "@@"):
					line = stringc(t.opts.Color, colCyan, line)
				}
				out.WriteString(line)
			}
			if len(lines) > 0 {
				out.WriteString("\n")
			}
		}
		if p, ok := d.Get("prepared"); ok {
			out.WriteString(pyval.Str(p))
		}
	}
	return out.String()
}

// diffLines is str.splitlines(True) with Ansible's marker appended to a
// last line that lacks its newline.
func diffLines(s string) []string {
	l := pySplitLines(s)
	if n := len(l); n > 0 && !strings.HasSuffix(l[n-1], "\n") {
		l[n-1] += "\n\\ No newline at end of file\n"
	}
	return l
}

// unifiedDiff is Python's difflib.unified_diff(a, b, from, to, n=3) with
// empty dates: each returned element is one line of a or b with its
// prefix (possibly spanning the "\ No newline" marker), so that it is
// coloured as one piece.
func unifiedDiff(a, b []string, from, to string) []string {
	var out []string
	for _, group := range difflib.NewMatcher(a, b).GetGroupedOpCodes(3) {
		if out == nil {
			out = append(out, "--- "+from+"\n", "+++ "+to+"\n")
		}
		first, last := group[0], group[len(group)-1]
		out = append(out, fmt.Sprintf("@@ -%s +%s @@\n", unifiedRange(first.I1, last.I2), unifiedRange(first.J1, last.J2)))
		for _, op := range group {
			if op.Tag == 'e' {
				for _, l := range a[op.I1:op.I2] {
					out = append(out, " "+l)
				}
				continue
			}
			if op.Tag == 'r' || op.Tag == 'd' {
				for _, l := range a[op.I1:op.I2] {
					out = append(out, "-"+l)
				}
			}
			if op.Tag == 'r' || op.Tag == 'i' {
				for _, l := range b[op.J1:op.J2] {
					out = append(out, "+"+l)
				}
			}
		}
	}
	return out
}

// unifiedRange is difflib's _format_range_unified.
func unifiedRange(start, stop int) string {
	begin, length := start+1, stop-start
	if length == 1 {
		return fmt.Sprint(begin)
	}
	if length == 0 {
		begin--
	}
	return fmt.Sprintf("%d,%d", begin, length)
}

func diffSide(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case *pyval.Dict:
		// _serialize_diff: json.dumps(sort_keys=True, indent=4) + "\n"
		return pyJSON(t, 4) + "\n"
	}
	return pyval.Str(v)
}

// pySplitLines is Python's str.splitlines(True): lines end at \n, \r,
// \r\n and the other Unicode line boundaries, which are kept. Bytes are
// sliced from s, so invalid UTF-8 passes through unchanged.
func pySplitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		end := i + size
		switch r {
		case '\r':
			if end < len(s) && s[end] == '\n' {
				end++
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		default:
			i = end
			continue
		}
		out = append(out, s[start:end])
		start, i = end, end
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
