package modules

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"gplay/module"
)

// groupModule is ansible.builtin.group, through groupadd, groupmod and
// groupdel.
type groupModule struct {
	root string // "" is "/"; tests use a prefix (the tools' --prefix)
}

func init() { module.Register(groupModule{}) }

func (groupModule) Info() module.Info {
	id := module.ID("ansible.builtin.group")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "name", Required: true},
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "gid", Type: module.TypeInt},
			{Name: "system", Type: module.TypeBool, Default: false},
			{Name: "local", Type: module.TypeBool, Default: false},
			{Name: "non_unique", Type: module.TypeBool, Default: false},
			{Name: "force", Type: module.TypeBool, Default: false},
		}},
		CheckMode: module.SupportFull,
	}
}

type groupResult struct {
	Name   string `json:"name"`
	State  string `json:"state"`
	GID    *int64 `json:"gid,omitempty"`
	System *bool  `json:"system,omitempty"`
}

// etcEntry finds name in an /etc/passwd-style file under root.
func etcEntry(h module.Host, root, file, name string) []string {
	b, err := h.ReadFile(filepath.Join(root, "etc", file))
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 2 && f[0] == name {
			return f
		}
	}
	return nil
}

func prefixArgs(root string) []string {
	if root == "" || root == "/" {
		return nil
	}
	return []string{"--prefix", root}
}

func runTool(ctx context.Context, h module.Host, argv []string) error {
	r, err := h.Exec(ctx, module.Cmd{Argv: argv})
	if err != nil {
		return err
	}
	if r.RC != 0 {
		return fmt.Errorf("%s", strings.TrimSpace(toText(r.Stderr)+toText(r.Stdout)))
	}
	return nil
}

func (m groupModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Name      string `arg:"name"`
		State     string `arg:"state"`
		GID       *int64 `arg:"gid"`
		System    bool   `arg:"system"`
		NonUnique bool   `arg:"non_unique"`
		Force     bool   `arg:"force"`
		Local     bool   `arg:"local"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	entry := etcEntry(h, m.root, "group", p.Name)
	out := groupResult{Name: p.Name, State: p.State}
	res := module.Result{}
	pre := prefixArgs(m.root)
	switch {
	case p.State == "absent" && entry != nil:
		res.Changed = true
		if !req.Check {
			argv := append([]string{"groupdel"}, pre...)
			if p.Force {
				argv = append(argv, "-f")
			}
			if err := runTool(ctx, h, append(argv, p.Name)); err != nil {
				return module.Result{Return: out}, err
			}
		}
	case p.State == "present" && entry == nil:
		res.Changed = true
		if !req.Check {
			argv := append([]string{"groupadd"}, pre...)
			if p.GID != nil {
				argv = append(argv, "-g", strconv.FormatInt(*p.GID, 10))
				if p.NonUnique {
					argv = append(argv, "-o")
				}
			}
			if p.System {
				argv = append(argv, "-r")
			}
			if err := runTool(ctx, h, append(argv, p.Name)); err != nil {
				return module.Result{Return: out}, err
			}
		}
	case p.State == "present" && p.GID != nil && entry[2] != strconv.FormatInt(*p.GID, 10):
		res.Changed = true
		if !req.Check {
			argv := append(append([]string{"groupmod"}, pre...), "-g", strconv.FormatInt(*p.GID, 10))
			if p.NonUnique {
				argv = append(argv, "-o")
			}
			if err := runTool(ctx, h, append(argv, p.Name)); err != nil {
				return module.Result{Return: out}, err
			}
		}
	}
	if p.State == "present" {
		out.System = boolp(p.System)
		if e := etcEntry(h, m.root, "group", p.Name); e != nil {
			if n, err := strconv.ParseInt(e[2], 10, 64); err == nil {
				out.GID = &n
			}
		} else if p.GID != nil {
			out.GID = p.GID
		}
	}
	res.Return = out
	return res, nil
}

var _ module.Module = groupModule{}
