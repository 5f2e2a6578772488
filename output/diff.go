package output

import (
	"strings"

	"gplay/pyval"

	"github.com/pmezard/go-difflib/difflib"
)

// renderDiff renders a result's diff entries as Ansible's default callback
// does (_get_diff): unified diffs with 3 lines of context, dict states as
// indented JSON, "\ No newline at end of file" markers.
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
		before, hb := d.Get("before")
		after, ha := d.Get("after")
		if !hb || !ha {
			if p, ok := d.Get("prepared"); ok {
				out.WriteString(pyval.Str(p))
			}
			continue
		}
		bs, as := diffSide(before), diffSide(after)
		bh, ah := "before", "after"
		if h, ok := d.Get("before_header"); ok {
			bh = "before: " + pyval.Str(h)
		}
		if h, ok := d.Get("after_header"); ok {
			ah = "after: " + pyval.Str(h)
		}
		bl := splitLinesKeep(bs)
		al := splitLinesKeep(as)
		if n := len(bl); n > 0 && !strings.HasSuffix(bl[n-1], "\n") {
			bl[n-1] += "\n\\ No newline at end of file\n"
		}
		if n := len(al); n > 0 && !strings.HasSuffix(al[n-1], "\n") {
			al[n-1] += "\n\\ No newline at end of file\n"
		}
		text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: bl, B: al, FromFile: bh, ToFile: ah, Context: 3})
		if text == "" {
			continue
		}
		for _, line := range splitLinesKeep(text) {
			switch {
			case strings.HasPrefix(line, "+"):
				line = t.c(colGreen, line)
			case strings.HasPrefix(line, "-"):
				line = t.c(colRed, line)
			case strings.HasPrefix(line, "@@"):
				line = t.c(colCyan, line)
			}
			out.WriteString(line)
		}
		out.WriteString("\n")
	}
	return out.String()
}

func diffSide(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case *pyval.Dict:
		return pyJSONSep(t) + "\n"
	}
	return pyval.Str(v)
}

// pyJSONSep is json.dumps(d, sort_keys=True, indent=4, separators=(",", ": ")).
func pyJSONSep(v any) string { return pyJSON(v, 4) }

func splitLinesKeep(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}
