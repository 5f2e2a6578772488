package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dlclark/regexp2"

	"gplay/module"
)

// replaceModule is ansible.builtin.replace: re.subn of a Python regular
// expression (MULTILINE) over the file, or over the part between after and
// before (DOTALL).
type replaceModule struct{}

func init() { module.Register(replaceModule{}) }

func (replaceModule) Info() module.Info {
	id := module.ID("ansible.builtin.replace")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "path", Type: module.TypePath, Required: true, Aliases: []string{"dest", "destfile", "name"}},
				{Name: "regexp", Required: true},
				{Name: "replace", Default: ""},
				{Name: "after"},
				{Name: "before"},
				{Name: "backup", Type: module.TypeBool, Default: false},
				{Name: "validate"},
				{Name: "encoding", Default: "utf-8"},
			},
			FileCommon: true,
		},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

type replaceResult struct {
	RC int `json:"rc"`
}

// subn is Python's re.subn: every non-overlapping match replaced by the
// expanded template; it returns the new text and the number of matches.
func (p *pyRegexp) subn(s, tmpl string) (string, int) {
	rs := []rune(s)
	var b strings.Builder
	last, n := 0, 0
	m, err := p.re.FindRunesMatch(rs)
	for err == nil && m != nil {
		b.WriteString(string(rs[last:m.Index]))
		b.WriteString(reExpand(&pyMatch{m: m, names: p.names}, tmpl))
		last = m.Index + m.Length
		n++
		m, err = p.re.FindNextMatch(m)
	}
	b.WriteString(string(rs[last:]))
	return b.String(), n
}

func (replaceModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Path     string  `arg:"path"`
		Regexp   string  `arg:"regexp"`
		Replace  string  `arg:"replace"`
		After    *string `arg:"after"`
		Before   *string `arg:"before"`
		Backup   bool    `arg:"backup"`
		Validate string  `arg:"validate"`
		Encoding string  `arg:"encoding"`
		fileArgs
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if isDir(h, p.Path) {
		return module.Result{Return: replaceResult{RC: 256}}, fmt.Errorf("Path %s is a directory !", p.Path)
	}
	data, err := h.ReadFile(p.Path)
	if errors.Is(err, errNotExist) {
		return module.Result{Return: replaceResult{RC: 257}}, fmt.Errorf("Path %s does not exist !", p.Path)
	}
	if err != nil {
		return module.Result{}, fmt.Errorf("Unable to read the contents of %s: %v", p.Path, err)
	}
	contents := string(data)
	pattern := ""
	switch {
	case p.After != nil && *p.After != "" && p.Before != nil && *p.Before != "":
		pattern = *p.After + "(?P<subsection>.*?)" + *p.Before
	case p.After != nil && *p.After != "":
		pattern = *p.After + "(?P<subsection>.*)"
	case p.Before != nil && *p.Before != "":
		pattern = "(?P<subsection>.*)" + *p.Before
	}
	section := contents
	start, end := 0, 0
	if pattern != "" {
		sre, err := compilePyOpts(pattern, regexp2.Singleline)
		if err != nil {
			return module.Result{}, err
		}
		m, _ := sre.re.FindStringMatch(contents) // a timeout cannot happen: none is set
		if m == nil {
			return module.Result{Msg: "Pattern for before/after params did not match the given file: " + pattern, Return: replaceResult{}}, nil
		}
		g := m.GroupByNumber(sre.names["subsection"])
		rs := []rune(contents)
		start, end = g.Index, g.Index+g.Length
		section = string(rs[start:end])
	}
	re, err := compilePyOpts(p.Regexp, regexp2.Multiline)
	if err != nil {
		return module.Result{}, err
	}
	newSection, n := re.subn(section, p.Replace)
	after := contents
	changed := n > 0 && newSection != section
	msg := ""
	if changed {
		if pattern != "" {
			rs := []rune(contents)
			after = string(rs[:start]) + newSection + string(rs[end:])
		} else {
			after = newSection
		}
		msg = fmt.Sprintf("%d replacements made", n)
	}
	e := &lineEditor{ctx: ctx, h: h, check: req.Check, diff: req.Diff && changed, noAttrDiff: true,
		p: lineinfileParams{Path: p.Path, Backup: p.Backup, Validate: p.Validate, fileArgs: p.fileArgs}}
	res, err := e.finish(changed, msg, contents, after, true, nil)
	if err != nil {
		return res, err
	}
	for i := range res.Diff {
		if _, isText := res.Diff[i].Before.(string); isText {
			res.Diff[i].BeforeHeader, res.Diff[i].AfterHeader = p.Path, p.Path
		}
	}
	out := replaceResult{}
	if r, ok := res.Return.(lineinfileResult); ok && r.Backup != "" {
		res.Return = struct {
			RC         int    `json:"rc"`
			BackupFile string `json:"backup_file"`
		}{0, r.Backup}
	} else {
		res.Return = out
	}
	return res, nil
}

var _ module.Module = replaceModule{}
