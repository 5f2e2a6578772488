package modules

import (
	"context"
	"fmt"
	"strings"

	"github.com/dlclark/regexp2"

	"gplay/module"
)

// blockinfileModule is ansible.builtin.blockinfile: a block between two
// marker lines, inserted, replaced or removed.
type blockinfileModule struct{}

func init() { module.Register(blockinfileModule{}) }

func (blockinfileModule) Info() module.Info {
	id := module.ID("ansible.builtin.blockinfile")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "path", Type: module.TypePath, Required: true, Aliases: []string{"dest", "destfile", "name"}},
				{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
				{Name: "marker", Default: "# {mark} ANSIBLE MANAGED BLOCK"},
				{Name: "block", Default: "", Aliases: []string{"content"}},
				{Name: "insertafter"},
				{Name: "insertbefore"},
				{Name: "create", Type: module.TypeBool, Default: false},
				{Name: "backup", Type: module.TypeBool, Default: false},
				{Name: "validate"},
				{Name: "marker_begin", Default: "BEGIN"},
				{Name: "marker_end", Default: "END"},
			},
			Rules:      module.Rules{MutuallyExclusive: [][]string{{"insertbefore", "insertafter"}}},
			FileCommon: true,
		},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

// splitLinesKeep is bytes.splitlines(keepends=True): \n, \r\n and \r end lines.
func splitLinesKeep(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			out = append(out, s[start:i+1])
			start = i + 1
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func (blockinfileModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Path         string  `arg:"path"`
		State        string  `arg:"state"`
		Marker       string  `arg:"marker"`
		Block        string  `arg:"block"`
		InsertAfter  *string `arg:"insertafter"`
		InsertBefore *string `arg:"insertbefore"`
		Create       bool    `arg:"create"`
		Backup       bool    `arg:"backup"`
		Validate     string  `arg:"validate"`
		Begin        string  `arg:"marker_begin"`
		End          string  `arg:"marker_end"`
		fileArgs
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if isDir(h, p.Path) {
		return module.Result{Return: rcResult{RC: 256}}, fmt.Errorf("Path %s is a directory !", p.Path)
	}
	data, err := h.ReadFile(p.Path)
	existed := err == nil
	if !existed && !p.Create {
		return module.Result{Return: rcResult{RC: 257}}, fmt.Errorf("Path %s does not exist !", p.Path)
	}
	present := p.State == "present"
	if !present && !existed {
		return module.Result{Msg: fmt.Sprintf("File %s not present", p.Path)}, nil
	}
	original := string(data)
	lines := splitLinesKeep(original)
	insAfter, insBefore := p.InsertAfter, p.InsertBefore
	if insAfter == nil && insBefore == nil {
		eof := "EOF"
		insAfter = &eof
	}
	var insRE *pyRegexp
	insExpr := ""
	if insAfter != nil && *insAfter != "EOF" {
		insExpr = *insAfter
	} else if insBefore != nil && *insBefore != "BOF" {
		insExpr = *insBefore
	}
	if insExpr != "" {
		if insRE, err = compilePy(insExpr); err != nil {
			return module.Result{}, err
		}
	}
	marker0 := strings.ReplaceAll(p.Marker, "{mark}", p.Begin) + "\n"
	marker1 := strings.ReplaceAll(p.Marker, "{mark}", p.End) + "\n"
	var blockLines []string
	if present && p.Block != "" {
		block := p.Block
		if !strings.HasSuffix(block, "\n") {
			block += "\n"
		}
		blockLines = append(append([]string{marker0}, splitLinesKeep(block)...), marker1)
	}
	n0, n1 := -1, -1
	for i, l := range lines {
		if l == marker0 {
			n0 = i
		}
		if l == marker1 {
			n1 = i
		}
	}
	switch {
	case n0 < 0 || n1 < 0:
		n0 = -1
		if insRE != nil {
			if strings.Contains(insExpr, "(?m") {
				ml, _ := compilePyOpts(insExpr, regexp2.Multiline)
				if m, _ := ml.re.FindStringMatch(original); m != nil {
					rs := []rune(original)
					if insAfter != nil && *insAfter != "EOF" {
						n0 = strings.Count(string(rs[:m.Index+m.Length]), "\n")
					} else {
						n0 = strings.Count(string(rs[:m.Index]), "\n")
					}
				}
			} else {
				for i, l := range lines {
					if insRE.search(l) != nil {
						n0 = i
					}
				}
			}
			if n0 < 0 {
				n0 = len(lines)
			} else if insAfter != nil {
				n0++
			}
		} else if insBefore != nil {
			n0 = 0
		} else {
			n0 = len(lines)
		}
	case n0 < n1:
		lines = append(lines[:n0], lines[n1+1:]...)
	default:
		lines = append(lines[:n1], lines[n0+1:]...)
		n0 = n1
	}
	if n0 > 0 && n0 <= len(lines) && !strings.HasSuffix(lines[n0-1], "\n") {
		lines[n0-1] += "\n"
	}
	if n0 > len(lines) {
		n0 = len(lines)
	}
	lines = append(lines[:n0], append(blockLines, lines[n0:]...)...)
	result := strings.Join(lines, "")
	msg := ""
	changed := true
	switch {
	case existed && original == result:
		changed = false
	case !existed:
		msg = "File created"
	case len(blockLines) == 0:
		msg = "Block removed"
	default:
		msg = "Block inserted"
	}
	e := &lineEditor{ctx: ctx, h: h, check: req.Check, diff: req.Diff,
		p: lineinfileParams{Path: p.Path, Backup: p.Backup, Validate: p.Validate, fileArgs: p.fileArgs}}
	res, err := e.finish(changed, msg, original, result, existed, nil)
	if r, ok := res.Return.(lineinfileResult); ok {
		if r.Backup != "" {
			res.Return = struct {
				BackupFile string `json:"backup_file"`
			}{r.Backup}
		} else {
			res.Return = nil
		}
	}
	return res, err
}

var _ module.Module = blockinfileModule{}
