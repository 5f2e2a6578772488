package modules

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gplay/module"
	"gplay/pyval"
)

// asyncStatusModule is ansible.builtin.async_status: the state of an async
// job from its results file (written by the agent, agent/async.go), or the
// file's removal (mode=cleanup). The keys Ansible's action plugin adds
// (stdout, stderr, their _lines, results_file or erased) are added here,
// since the file lives on the host.
type asyncStatusModule struct{}

func init() { module.Register(asyncStatusModule{}) }

func (asyncStatusModule) Info() module.Info {
	id := module.ID("ansible.builtin.async_status")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "jid", Type: module.TypeStr, Required: true},
			{Name: "mode", Type: module.TypeStr, Default: "status", Choices: []any{"cleanup", "status"}},
		}},
		CheckMode: module.SupportNone,
	}
}

// asyncDir is the agent's AsyncDir (modules may not import agent): the
// task environment's ANSIBLE_ASYNC_DIR or ~/.ansible_async.
func asyncDir(env map[string]string) string {
	dir := env["ANSIBLE_ASYNC_DIR"]
	if dir == "" {
		dir = "~/.ansible_async"
	}
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, dir[1:])
		}
	}
	return dir
}

func (asyncStatusModule) Run(_ context.Context, req module.Request) (module.Result, error) {
	var p struct {
		JID  string `arg:"jid"`
		Mode string `arg:"mode"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	path := filepath.Join(asyncDir(req.Env), p.JID)
	out := pyval.DictOf("ansible_job_id", p.JID, "finished", int64(0), "started", int64(0),
		"stderr", "", "stderr_lines", pyval.NewList(), "stdout", "", "stdout_lines", pyval.NewList())
	if p.Mode == "cleanup" {
		out.Set("erased", path)
	} else {
		out.Set("results_file", path)
		out.Set("started", int64(1))
	}
	data, err := req.Host.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		out.Set("started", int64(1))
		out.Set("finished", int64(1))
		return module.Result{Return: out}, errors.New("could not find job")
	}
	if p.Mode == "cleanup" {
		if err := req.Host.Remove(path); err != nil {
			return module.Result{Return: out}, err
		}
		return module.Result{Return: out}, nil
	}
	var job *pyval.Dict
	if err == nil {
		if v, derr := module.DecodeJSON(data); derr == nil {
			job, _ = v.(*pyval.Dict)
		}
	}
	if job == nil {
		// not written yet, or mid-write: the job is still running
		return module.Result{Return: out}, nil
	}
	// a result without "started" is the finished module's own
	if !job.Has("started") {
		job.Set("finished", int64(1))
		job.Set("ansible_job_id", p.JID)
	} else if !job.Has("finished") {
		job.Set("finished", int64(0))
	}
	changed := false
	job.Range(func(k, v any) bool {
		if k == "changed" {
			changed = pyval.Truth(v)
			return true
		}
		out.Set(k, v)
		return true
	})
	return module.Result{Changed: changed, Return: out}, nil
}

var _ module.Module = asyncStatusModule{}
