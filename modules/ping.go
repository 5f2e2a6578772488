package modules

import (
	"context"
	"errors"

	"gplay/module"
)

// pingModule is ansible.builtin.ping: returns ping=data; data=crash fails,
// as Ansible's raises an exception.
type pingModule struct{}

func init() { module.Register(pingModule{}) }

func (pingModule) Info() module.Info {
	id := module.ID("ansible.builtin.ping")
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: []module.Param{{Name: "data", Default: "pong"}}},
		CheckMode: module.SupportFull,
	}
}

type pingResult struct {
	Ping string `json:"ping"`
}

func (pingModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Data string `arg:"data"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	if p.Data == "crash" {
		return module.Result{}, errors.New("boom")
	}
	return module.Result{Return: pingResult{Ping: p.Data}}, nil
}

var _ module.Module = pingModule{}
