package modules

import (
	"context"
	"fmt"
	"strings"
	"syscall"

	"gplay/module"
)

// modprobeModule is community.general.modprobe: load or unload a kernel
// module, and keep it loaded at boot (persistent) through
// /etc/modules-load.d and /etc/modprobe.d.
type modprobeModule struct{}

func init() { module.Register(modprobeModule{}) }

func (modprobeModule) Info() module.Info {
	id := module.ID("community.general.modprobe")
	return module.Info{
		ID:      id,
		Aliases: []string{"modprobe", "ansible.builtin.modprobe", "ansible.legacy.modprobe"},
		Spec: module.Spec{Params: []module.Param{
			{Name: "name", Required: true},
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "params", Default: ""},
			{Name: "persistent", Default: "disabled", Choices: []any{"disabled", "absent", "present"}},
		}},
		CheckMode: module.SupportFull,
	}
}

type modprobeResult struct {
	Name   string `json:"name"`
	Params string `json:"params"`
	State  string `json:"state"`
}

// moduleLoaded reads /proc/modules and the kernel's built-in list.
func moduleLoaded(h module.Host, name string) bool {
	n := strings.ReplaceAll(name, "-", "_")
	b, _ := h.ReadFile("/proc/modules") // unreadable means not loaded
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == n {
			return true
		}
	}
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		bi, _ := h.ReadFile("/lib/modules/" + utsString(u.Release) + "/modules.builtin") // absent: nothing built in
		for _, line := range strings.Split(string(bi), "\n") {
			base := line[strings.LastIndexByte(line, '/')+1:]
			if strings.ReplaceAll(strings.TrimSuffix(base, ".ko"), "-", "_") == n {
				return true
			}
		}
	}
	return false
}

func (modprobeModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Name       string `arg:"name"`
		State      string `arg:"state"`
		Params     string `arg:"params"`
		Persistent string `arg:"persistent"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	res := module.Result{Return: modprobeResult{Name: p.Name, Params: p.Params, State: p.State}}
	loaded := moduleLoaded(h, p.Name)
	if p.State == "present" && !loaded || p.State == "absent" && loaded {
		res.Changed = true
		if !req.Check {
			argv := []string{"modprobe"}
			if p.State == "absent" {
				argv = append(argv, "-r", p.Name)
			} else {
				argv = append(argv, p.Name)
				words, err := shellSplit(p.Params)
				if err != nil {
					return module.Result{}, err
				}
				argv = append(argv, words...)
			}
			r, err := h.Exec(ctx, module.Cmd{Argv: argv})
			if err != nil {
				return module.Result{}, err
			}
			if r.RC != 0 {
				return res, fmt.Errorf("%s", strings.TrimSpace(toText(r.Stderr)))
			}
		}
	}
	if p.Persistent != "disabled" {
		files := map[string]string{
			"/etc/modules-load.d/" + p.Name + ".conf": p.Name + "\n",
		}
		if p.Params != "" {
			files["/etc/modprobe.d/"+p.Name+".conf"] = "options " + p.Name + " " + p.Params + "\n"
		}
		for f, content := range files {
			cur, err := h.ReadFile(f)
			present := err == nil
			switch {
			case p.Persistent == "present" && (!present || string(cur) != content):
				res.Changed = true
				if !req.Check {
					if err := mkdirParents(h, parentDir(f)); err != nil {
						return module.Result{}, err
					}
					if err := h.WriteFile(f, []byte(content), 0o644); err != nil {
						return module.Result{}, err
					}
				}
			case p.Persistent == "absent" && present:
				res.Changed = true
				if !req.Check {
					if err := h.Remove(f); err != nil {
						return module.Result{}, err
					}
				}
			}
		}
	}
	return res, nil
}

var _ module.Module = modprobeModule{}
