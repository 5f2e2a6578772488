package modules

import (
	"context"
	"errors"
	"strings"

	"gplay/module"
)

// getentModule is ansible.builtin.getent: a getent(1) database as the
// fact getent_<database>, keyed by the first field.
type getentModule struct{}

func init() { module.Register(getentModule{}) }

func (getentModule) Info() module.Info {
	id := module.ID("ansible.builtin.getent")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "database", Required: true},
			{Name: "key"},
			{Name: "service"},
			{Name: "split"},
			{Name: "fail_key", Type: module.TypeBool, Default: true},
		}},
		CheckMode: module.SupportFull,
	}
}

func (getentModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Database string  `arg:"database"`
		Key      *string `arg:"key"`
		Service  *string `arg:"service"`
		Split    *string `arg:"split"`
		FailKey  bool    `arg:"fail_key"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	argv := []string{"getent", p.Database}
	if p.Key != nil {
		argv = append(argv, *p.Key)
	}
	if p.Service != nil {
		argv = append(argv, "-s", *p.Service)
	}
	split := ""
	if p.Split != nil {
		split = *p.Split
	} else if p.Database == "passwd" || p.Database == "shadow" || p.Database == "group" || p.Database == "gshadow" {
		split = ":"
	}
	r, err := req.Host.Query(ctx, module.Cmd{Argv: argv})
	if err != nil {
		return module.Result{}, err
	}
	tree := map[string]any{}
	facts := map[string]any{"getent_" + p.Database: tree}
	switch r.RC {
	case 0:
		seen := map[string]int{}
		for _, line := range splitLines(toText(r.Stdout)) {
			var rec []string
			if split == "" {
				rec = strings.Fields(line) // Python's str.split()
			} else {
				rec = strings.Split(line, split)
			}
			if len(rec) == 0 {
				continue
			}
			k, rest := rec[0], rec[1:]
			switch seen[k] {
			case 0:
				tree[k] = rest
			case 1:
				tree[k] = []any{tree[k], rest}
			default:
				tree[k] = append(tree[k].([]any), rest)
			}
			seen[k]++
		}
		return module.Result{Facts: facts}, nil
	case 1:
		return module.Result{}, errors.New("Missing arguments, or database unknown.")
	case 2:
		msg := "One or more supplied key could not be found in the database."
		if !p.FailKey && p.Key != nil {
			tree[*p.Key] = nil
			return module.Result{Facts: facts, Msg: msg}, nil
		}
		return module.Result{}, errors.New(msg)
	case 3:
		return module.Result{}, errors.New("Enumeration not supported on this database.")
	}
	return module.Result{}, errors.New("Unexpected failure!")
}

var _ module.Module = getentModule{}
