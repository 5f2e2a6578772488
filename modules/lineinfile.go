package modules

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2"

	"gplay/module"
)

// lineinfileModule is ansible.builtin.lineinfile. Regular expressions are
// Python's re dialect as far as regexp2 follows it (lookarounds,
// backreferences, named groups); backrefs expands \1 and \g<name>.
//
// Differences from Ansible, on purpose: a file the run creates shows no
// attribute diff (so check and real runs report the same diff); under
// check a missing file (which an earlier task would create) is a predicted
// change with a warning, not a failure.
type lineinfileModule struct{}

func init() { module.Register(lineinfileModule{}) }

func (lineinfileModule) Info() module.Info {
	id := module.ID("ansible.builtin.lineinfile")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "path", Type: module.TypePath, Required: true, Aliases: []string{"dest", "destfile", "name"}},
				{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
				{Name: "regexp", Aliases: []string{"regex"}},
				{Name: "search_string"},
				{Name: "line", Aliases: []string{"value"}},
				{Name: "insertafter"},
				{Name: "insertbefore"},
				{Name: "backrefs", Type: module.TypeBool, Default: false},
				{Name: "create", Type: module.TypeBool, Default: false},
				{Name: "backup", Type: module.TypeBool, Default: false},
				{Name: "firstmatch", Type: module.TypeBool, Default: false},
				{Name: "validate"},
			},
			Rules: module.Rules{MutuallyExclusive: [][]string{
				{"insertbefore", "insertafter"}, {"regexp", "search_string"}, {"backrefs", "search_string"}}},
			FileCommon: true,
		},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

type lineinfileParams struct {
	Path         string  `arg:"path"`
	State        string  `arg:"state"`
	Regexp       *string `arg:"regexp"`
	SearchString *string `arg:"search_string"`
	Line         *string `arg:"line"`
	InsertAfter  *string `arg:"insertafter"`
	InsertBefore *string `arg:"insertbefore"`
	Backrefs     bool    `arg:"backrefs"`
	Create       bool    `arg:"create"`
	Backup       bool    `arg:"backup"`
	FirstMatch   bool    `arg:"firstmatch"`
	Validate     string  `arg:"validate"`
	fileArgs
}

type lineinfileResult struct {
	Found  *int   `json:"found,omitempty"`
	Backup string `json:"backup"`
}

// rcResult is what a failure before any edit registers besides msg.
type rcResult struct {
	RC int `json:"rc"`
}

// pyRegexp is a compiled Python regular expression. regexp2 numbers
// named groups after the unnamed ones (.NET); Python numbers all groups
// left to right, so named groups are rewritten as plain ones and their
// names kept here.
type pyRegexp struct {
	re    *regexp2.Regexp
	names map[string]int
}

// compilePy compiles a Python regular expression.
func compilePy(expr string) (*pyRegexp, error) { return compilePyOpts(expr, regexp2.None) }

// compilePyOpts compiles with flags (regexp2.Multiline is re.MULTILINE,
// regexp2.Singleline is re.DOTALL).
func compilePyOpts(expr string, opts regexp2.RegexOptions) (*pyRegexp, error) {
	var b strings.Builder
	names := map[string]int{}
	groups := 0
	inClass := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr):
			b.WriteByte(c)
			i++
			b.WriteByte(expr[i])
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if strings.HasPrefix(expr[i+1:], "]") || strings.HasPrefix(expr[i+1:], "^]") {
				// a leading ] is a literal member
				n := strings.IndexByte(expr[i+1:], ']')
				b.WriteString(expr[i : i+2+n])
				i += 1 + n
				continue
			}
		case c == '(' && strings.HasPrefix(expr[i:], "(?P<"):
			end := strings.IndexByte(expr[i:], '>')
			if end < 0 {
				return nil, fmt.Errorf("invalid regular expression %q: missing >", expr)
			}
			groups++
			names[expr[i+4:i+end]] = groups
			b.WriteByte('(')
			i += end
			continue
		case c == '(' && strings.HasPrefix(expr[i:], "(?P="):
			end := strings.IndexByte(expr[i:], ')')
			if end < 0 {
				return nil, fmt.Errorf("invalid regular expression %q: missing )", expr)
			}
			n, ok := names[expr[i+4:i+end]]
			if !ok {
				return nil, fmt.Errorf("invalid regular expression %q: unknown group name", expr)
			}
			fmt.Fprintf(&b, `(?:\%d)`, n)
			i += end
			continue
		case c == '(' && !strings.HasPrefix(expr[i:], "(?"):
			groups++
		}
		b.WriteByte(c)
	}
	re, err := regexp2.Compile(b.String(), opts)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", expr, err)
	}
	return &pyRegexp{re: re, names: names}, nil
}

// search is Python's re.search: the first match anywhere, or nil.
func (p *pyRegexp) search(s string) *pyMatch {
	m, err := p.re.FindStringMatch(s)
	if err != nil || m == nil {
		return nil // a match timeout counts as no match; none is set
	}
	return &pyMatch{m: m, names: p.names}
}

type pyMatch struct {
	m     *regexp2.Match
	names map[string]int
}

// group returns group ref (a number or a name), "" when it did not take part.
func (m *pyMatch) group(ref string) string {
	n, err := strconv.Atoi(ref)
	if err != nil {
		var ok bool
		if n, ok = m.names[ref]; !ok {
			return ""
		}
	}
	if g := m.m.GroupByNumber(n); g != nil {
		return g.String()
	}
	return ""
}

// reExpand is Python's Match.expand: \1..\99, \g<n>, \g<name> and the
// usual character escapes in tmpl.
func reExpand(m *pyMatch, tmpl string) string {
	var b strings.Builder
	group := m.group
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '\\' || i+1 == len(tmpl) {
			b.WriteByte(c)
			continue
		}
		i++
		switch n := tmpl[i]; {
		case n >= '0' && n <= '9':
			j := i + 1
			if j < len(tmpl) && tmpl[j] >= '0' && tmpl[j] <= '9' {
				j++
			}
			b.WriteString(group(tmpl[i:j]))
			i = j - 1
		case n == 'g' && i+1 < len(tmpl) && tmpl[i+1] == '<':
			end := strings.IndexByte(tmpl[i:], '>')
			if end < 0 {
				b.WriteString(`\g`)
				continue
			}
			b.WriteString(group(tmpl[i+2 : i+end]))
			i += end
		case n == 'n':
			b.WriteByte('\n')
		case n == 't':
			b.WriteByte('\t')
		case n == 'r':
			b.WriteByte('\r')
		case n == '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(n)
		}
	}
	return b.String()
}

// readLines is Python's file.readlines(): lines keep their "\n".
func readLines(data []byte) []string {
	s := string(data)
	var out []string
	for s != "" {
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

func (lineinfileModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p lineinfileParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	var warns []string
	if (p.Regexp != nil && *p.Regexp == "") || (p.SearchString != nil && *p.SearchString == "") {
		name := "search string"
		msg := "The %s is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending."
		if p.Regexp != nil && *p.Regexp == "" {
			name = "regular expression"
			msg += " If this is desired, use '^' to match every line in the file and avoid this warning."
		}
		warns = append(warns, fmt.Sprintf(msg, name))
	}
	if isDir(req.Host, p.Path) {
		return module.Result{Return: rcResult{RC: 256}}, fmt.Errorf("Path %s is a directory !", p.Path)
	}
	e := &lineEditor{ctx: ctx, h: req.Host, check: req.Check, diff: req.Diff, p: p}
	var res module.Result
	var err error
	if p.State == "present" {
		switch {
		case p.Backrefs && p.Regexp == nil:
			return module.Result{}, errors.New("regexp is required with backrefs=true")
		case p.Line == nil:
			return module.Result{}, errors.New("line is required with state=present")
		}
		res, err = e.present()
	} else {
		if p.Regexp == nil && p.SearchString == nil && p.Line == nil {
			return module.Result{}, errors.New("one of line, search_string, or regexp is required with state=absent")
		}
		res, err = e.absent()
	}
	res.Warnings = append(warns, res.Warnings...)
	return res, err
}

type lineEditor struct {
	ctx   context.Context
	h     module.Host
	check bool
	diff  bool
	p     lineinfileParams
	// noAttrDiff leaves out the "(file attributes)" diff (replace has none)
	noAttrDiff bool
}

func (e *lineEditor) present() (module.Result, error) {
	p := e.p
	h := e.h
	dest := p.Path
	existed := exists(h, dest)
	var lines []string
	if !existed {
		if !p.Create {
			if e.check {
				// an earlier task of the run may create it: predict, do not fail
				res := module.Result{Changed: true, Msg: "line added", Return: lineinfileResult{},
					Warnings: []string{fmt.Sprintf("Destination %s does not exist yet: check mode assumes an earlier task creates it (a real run fails if none does)", dest)}}
				if e.diff {
					res.Diff = []module.Diff{{Before: "", After: *p.Line + "\n", BeforeHeader: dest + " (content)", AfterHeader: dest + " (content)"}}
				}
				return res, nil
			}
			return module.Result{Return: rcResult{RC: 257}}, fmt.Errorf("Destination %s does not exist !", dest)
		}
	} else {
		data, err := h.ReadFile(dest)
		if err != nil {
			return module.Result{}, err
		}
		lines = readLines(data)
	}
	before := strings.Join(lines, "")

	var re, ins *pyRegexp
	var err error
	if p.Regexp != nil {
		if re, err = compilePy(*p.Regexp); err != nil {
			return module.Result{}, err
		}
	}
	insAfter, insBefore := p.InsertAfter, p.InsertBefore
	if insAfter == nil && insBefore == nil {
		eof := "EOF"
		insAfter = &eof
	}
	if insAfter != nil && *insAfter != "BOF" && *insAfter != "EOF" {
		if ins, err = compilePy(*insAfter); err != nil {
			return module.Result{}, err
		}
	} else if insBefore != nil && *insBefore != "BOF" {
		if ins, err = compilePy(*insBefore); err != nil {
			return module.Result{}, err
		}
	}

	index := [2]int{-1, -1}
	var match *pyMatch
	matched := false
	exact := false
	line := *p.Line
	if re != nil {
		for i, cur := range lines {
			if m := re.search(cur); m != nil {
				index[0], match, matched = i, m, true
				if p.FirstMatch {
					break
				}
			}
		}
	}
	if p.SearchString != nil {
		for i, cur := range lines {
			if strings.Contains(cur, *p.SearchString) {
				index[0], matched = i, true
				if p.FirstMatch {
					break
				}
			}
		}
	}
	if !matched {
		for i, cur := range lines {
			if line == strings.TrimRight(cur, "\r\n") {
				index[0] = i
				exact = true
			} else if ins != nil && ins.search(cur) != nil {
				if insAfter != nil {
					index[1] = i + 1
					if p.FirstMatch {
						break
					}
				}
				if insBefore != nil {
					index[1] = i
					if p.FirstMatch {
						break
					}
				}
			}
		}
	}
	msg := ""
	changed := false
	add := func(at int) {
		lines = append(lines[:at], append([]string{line + "\n"}, lines[at:]...)...)
		msg, changed = "line added", true
	}
	stripped := func(i int) string { return strings.TrimRight(lines[i], "\r\n") }
	switch {
	case index[0] != -1:
		newLine := line
		if p.Backrefs && match != nil {
			newLine = reExpand(match, line)
		}
		if !strings.HasSuffix(newLine, "\n") {
			newLine += "\n"
		}
		if p.Regexp == nil && p.SearchString == nil && !matched && !exact {
			// unreachable in practice: index[0] is only set by a match
			break
		}
		if lines[index[0]] != newLine {
			lines[index[0]] = newLine
			msg, changed = "line replaced", true
		}
	case p.Backrefs:
		// backrefs without a match leaves the file alone
	case (insBefore != nil && *insBefore == "BOF") || (insAfter != nil && *insAfter == "BOF"):
		add(0)
	case (insAfter != nil && *insAfter == "EOF") || index[1] == -1:
		if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") && !strings.HasSuffix(lines[n-1], "\r") {
			lines = append(lines, "\n")
		}
		add(len(lines))
	case insAfter != nil && index[1] != -1:
		if len(lines) == index[1] {
			if stripped(index[1]-1) != line {
				add(len(lines))
			}
		} else if line != stripped(index[1]) {
			add(index[1])
		}
	default:
		add(index[1])
	}
	after := strings.Join(lines, "")
	return e.finish(changed, msg, before, after, existed, nil)
}

func (e *lineEditor) absent() (module.Result, error) {
	p := e.p
	if !exists(e.h, p.Path) {
		return module.Result{Msg: "file not present", Return: lineinfileResult{Backup: ""}}, nil
	}
	data, err := e.h.ReadFile(p.Path)
	if err != nil {
		return module.Result{}, err
	}
	lines := readLines(data)
	var re *pyRegexp
	if p.Regexp != nil {
		if re, err = compilePy(*p.Regexp); err != nil {
			return module.Result{}, err
		}
	}
	var kept []string
	found := 0
	for _, cur := range lines {
		var hit bool
		switch {
		case re != nil:
			hit = re.search(cur) != nil
		case p.SearchString != nil:
			hit = strings.Contains(cur, *p.SearchString)
		default:
			hit = *p.Line == strings.TrimRight(cur, "\r\n")
		}
		if hit {
			found++
		} else {
			kept = append(kept, cur)
		}
	}
	msg := ""
	if found > 0 {
		msg = fmt.Sprintf("%d line(s) removed", found)
	}
	return e.finish(found > 0, msg, string(data), strings.Join(kept, ""), true, &found)
}

// finish writes the new content (unless check), applies the file
// attributes and builds the result with Ansible's msg and diffs.
func (e *lineEditor) finish(changed bool, msg, before, after string, existed bool, found *int) (module.Result, error) {
	p := e.p
	h := e.h
	out := lineinfileResult{Found: found}
	res := module.Result{}
	if e.diff {
		res.Diff = []module.Diff{{Before: before, After: after, BeforeHeader: p.Path + " (content)", AfterHeader: p.Path + " (content)"}}
	}
	if changed && !e.check {
		if p.Backup && existed {
			name, err := backupFile(h, p.Path, time.Now().Format("2006-01-02@15:04:05"))
			if err != nil {
				return module.Result{}, err
			}
			out.Backup = name
		}
		if !existed {
			if err := mkdirParents(h, parentDir(p.Path)); err != nil {
				return module.Result{}, fmt.Errorf("Error creating %s (%v)", parentDir(p.Path), err)
			}
		}
		if p.Validate != "" {
			if err := validateContent(e.ctx, h, p.Validate, p.Path, []byte(after)); err != nil {
				return module.Result{}, err
			}
		}
		target := p.Path
		if real, err := evalSymlinks(h, target); err == nil {
			target = real
		}
		if err := h.WriteFile(target, []byte(after), 0o666); err != nil {
			return module.Result{}, err
		}
	}
	if e.check && !existed {
		res.Changed, res.Msg, res.Return = changed, msg, out
		return res, nil
	}
	var sd *stateDiff
	if existed {
		sd = &stateDiff{Before: map[string]any{}, After: map[string]any{}}
	}
	ac, err := applyAttrs(e.ctx, h, e.check, p.Path, p.fileArgs, sd)
	if err != nil {
		return module.Result{}, err
	}
	if ac && existed {
		if changed {
			msg += " and "
		}
		msg += "ownership, perms or SE linux context changed"
	}
	if e.diff && existed && !e.noAttrDiff {
		// as Ansible, the attribute diff is always listed, with only its
		// headers when no attribute changes
		ad := module.Diff{BeforeHeader: p.Path + " (file attributes)", AfterHeader: p.Path + " (file attributes)"}
		if len(sd.Before) > 0 {
			ad.Before, ad.After = sd.Before, sd.After
		}
		res.Diff = append(res.Diff, ad)
	}
	res.Changed = changed || ac
	res.Msg = msg
	res.Return = out
	return res, nil
}

var _ module.Module = lineinfileModule{}
