package modules

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"gplay/module"
)

// templateModule is ansible.builtin.template. The engine renders src on
// the controller (Source ControllerTemplate: Jinja2 with the host's
// variables and the trim_blocks, lstrip_blocks and *_string options given
// here) and ships the text; the module applies newline_sequence and then
// behaves as copy with that content.
type templateModule struct{}

func init() { module.Register(templateModule{}) }

func (templateModule) Info() module.Info {
	id := module.ID("ansible.builtin.template")
	params := append(copyCommonParams(),
		module.Param{Name: "src", Type: module.TypePath, Required: true, Source: module.SourceControllerTemplate},
		module.Param{Name: "newline_sequence", Default: "\n", Choices: []any{"\n", "\r", "\r\n", `\n`, `\r`, `\r\n`}},
		module.Param{Name: "trim_blocks", Type: module.TypeBool, Default: true},
		module.Param{Name: "lstrip_blocks", Type: module.TypeBool, Default: false},
		module.Param{Name: "variable_start_string"},
		module.Param{Name: "variable_end_string"},
		module.Param{Name: "block_start_string"},
		module.Param{Name: "block_end_string"},
		module.Param{Name: "comment_start_string"},
		module.Param{Name: "comment_end_string"},
		module.Param{Name: "output_encoding", Default: "utf-8"},
	)
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: params, FileCommon: true},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

func (templateModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p copyParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	var t struct {
		Newline string `arg:"newline_sequence"`
		Enc     string `arg:"output_encoding"`
	}
	if err := req.Args.Decode(&t); err != nil {
		return module.Result{}, err
	}
	if e := strings.ToLower(strings.ReplaceAll(t.Enc, "-", "")); e != "utf8" {
		return module.Result{}, fmt.Errorf("output_encoding %s is not supported by gplay (only utf-8)", t.Enc)
	}
	content := req.Content["src"]
	if content == nil || len(content.Files) != 1 {
		return module.Result{}, errors.New("src and dest are required")
	}
	data := string(content.Files[0].Data)
	// as the template action: the escaped spellings a YAML single-quoted
	// string gives are accepted
	t.Newline = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(t.Newline)
	if t.Newline != "\n" {
		data = strings.ReplaceAll(data, "\n", t.Newline)
	}
	c := &copier{ctx: ctx, h: req.Host, check: req.Check, diff: req.Diff, p: p}
	return c.one(p.Dest, []byte(data), filepath.Base(p.Src), content.Path, content.Files[0].Mode)
}

var _ module.Module = templateModule{}
