package modules

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"

	"gplay/module"
)

// slurpModule is ansible.builtin.slurp: a file's content, base64-encoded.
type slurpModule struct{}

func init() { module.Register(slurpModule{}) }

func (slurpModule) Info() module.Info {
	id := module.ID("ansible.builtin.slurp")
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: []module.Param{{Name: "src", Type: module.TypePath, Required: true, Aliases: []string{"path"}}}},
		CheckMode: module.SupportFull,
	}
}

type slurpResult struct {
	Content  string `json:"content"`
	Source   string `json:"source"`
	Encoding string `json:"encoding"`
}

// readRemote reads a file with slurp's error messages.
func readRemote(h module.Host, src string) ([]byte, error) {
	data, err := h.ReadFile(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("file not found: %s", src)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("file is not readable: %s", src)
	case err != nil && isDir(h, src):
		return nil, fmt.Errorf("source is a directory and must be a file: %s", src)
	case err != nil:
		return nil, fmt.Errorf("unable to slurp file: %v", err)
	}
	return data, nil
}

func (slurpModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Src string `arg:"src"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	data, err := readRemote(req.Host, p.Src)
	if err != nil {
		return module.Result{}, err
	}
	return module.Result{Return: slurpResult{Content: base64.StdEncoding.EncodeToString(data), Source: p.Src, Encoding: "base64"}}, nil
}

var _ module.Module = slurpModule{}
