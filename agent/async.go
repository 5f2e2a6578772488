package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gplay/module"
	"gplay/pyval"
)

// Async jobs (a task with async: N) follow Ansible's async_wrapper: the job
// is started, the request answers at once with the job's id, and the job
// writes its result to <async dir>/<jid> (atomically, through a temporary
// file and a rename) when it ends, where async_status reads it. The file
// holds {"started": 1, "finished": 0, "ansible_job_id": jid} while the job
// runs, the module's result once it finished, and Ansible's "Timeout
// exceeded" failure when the time limit killed it.

// jobEnv names the request file a detached job process runs; `gplay agent`
// started with it set runs that one job instead of serving requests.
const jobEnv = "GPLAY_ASYNC_JOB"

// AsyncDir is where jobs keep their results: ANSIBLE_ASYNC_DIR from the
// task's environment, else ~/.ansible_async (Ansible's shell option
// async_dir), with ~ expanded on this host.
func AsyncDir(env map[string]string) string {
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

// writeJobFile replaces path with v's JSON, as async_wrapper's jwrite: a
// reader sees the old content or the new, never a part.
func writeJobFile(path string, v any) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, module.EncodeJSON(v), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// startJob records the job as started and answers as async_wrapper does;
// run starts it (in-process or detached) once the status file exists.
func startJob(req Request, run func(path string) error) (module.Result, error) {
	dir := AsyncDir(req.Env)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return module.Result{}, fmt.Errorf("could not create directory: %s - %v", dir, err)
	}
	path := filepath.Join(dir, req.AsyncJID)
	if err := writeJobFile(path, pyval.DictOf("started", int64(1), "finished", int64(0), "ansible_job_id", req.AsyncJID)); err != nil {
		return module.Result{}, fmt.Errorf("could not write job status: %w", err)
	}
	if err := run(path); err != nil {
		os.Remove(path)
		return module.Result{}, fmt.Errorf("could not start the async job: %w", err)
	}
	// Ansible reports the start of an async job as changed (ActionBase,
	// "for backwards compat"), with failed as the integer 0.
	return module.Result{Changed: true, Return: pyval.DictOf(
		"ansible_job_id", req.AsyncJID, "failed", int64(0), "finished", int64(0),
		"results_file", path, "started", int64(1))}, nil
}

// runJob runs the job's module within its time limit and writes its
// result. It returns when the result is written.
func runJob(reg *module.Registry, req Request, path string) {
	ctx, cancel := context.WithTimeout(context.Background(), killAfter(req.AsyncTimeout))
	defer cancel()
	sync := req
	sync.AsyncJID, sync.AsyncTimeout = "", 0
	done := make(chan *pyval.Dict, 1)
	go func() {
		res, err := Dispatch(ctx, reg, sync)
		done <- res.Fail(err).ToDict()
	}()
	var out *pyval.Dict
	select {
	case out = <-done:
		if ctx.Err() == nil {
			break
		}
		out = nil
	case <-ctx.Done():
	}
	if out == nil {
		// killed by its time limit, worded as async_wrapper's watcher
		out = pyval.DictOf("msg", "Timeout exceeded", "failed", true, "child_pid", int64(os.Getpid()))
	}
	_ = writeJobFile(path, out)
}

// killAfter is when async_wrapper's watcher kills a job of limit seconds:
// it checks every 5 s after a first 5 s, so a controller polling with the
// same limit gives up first ("did not complete within the requested
// time") and the job is stopped a little later, as in Ansible.
func killAfter(limit int) time.Duration {
	n := 5 + 5*((max(limit, 1)+4)/5)
	return time.Duration(n) * time.Second
}

// startLocalJob runs the job in a goroutine of this process (the local
// connection): it ends with the process, as a job of a crashed agent.
func startLocalJob(reg *module.Registry, req Request) (module.Result, error) {
	return startJob(req, func(path string) error {
		go runJob(reg, req, path)
		return nil
	})
}

// startDetachedJob runs the job in a new `gplay agent` process in its own
// session with no terminal and stdio on /dev/null, so it outlives this
// agent, the SSH channel and the controller (the "shell: sleep 2 &&
// reboot" with poll: 0 pattern). The request travels in a private file the
// job deletes once read.
func startDetachedJob(wr *wireRequest, req Request) (module.Result, error) {
	return startJob(req, func(path string) error {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		reqPath := filepath.Join(filepath.Dir(path), "."+req.AsyncJID+".req")
		b, err := json.Marshal(wr)
		if err != nil {
			return err
		}
		if err := os.WriteFile(reqPath, b, 0o600); err != nil {
			return err
		}
		cmd := exec.Command(exe, "agent")
		cmd.Env = append(os.Environ(), jobEnv+"="+reqPath)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			os.Remove(reqPath)
			return err
		}
		go cmd.Wait() // reap it while this agent lives
		return nil
	})
}

// runJobFile is a detached job process: it reads and removes its request
// file and runs the job.
func runJobFile(reg *module.Registry, reqPath string) error {
	b, err := os.ReadFile(reqPath)
	os.Remove(reqPath)
	if err != nil {
		return fmt.Errorf("agent: async job: %w", err)
	}
	var wr wireRequest
	if err := json.Unmarshal(b, &wr); err != nil {
		return fmt.Errorf("agent: async job: %w", err)
	}
	req, err := decodeRequest(&wr)
	path := filepath.Join(AsyncDir(req.Env), req.AsyncJID)
	if err != nil {
		return writeJobFile(path, pyval.DictOf("failed", true, "msg", err.Error(), "ansible_job_id", req.AsyncJID))
	}
	runJob(reg, req, path)
	return nil
}
