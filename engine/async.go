package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"gplay/agent"
	"gplay/play"
	"gplay/pyval"
)

// defaultPoll is Ansible's DEFAULT_POLL_INTERVAL, the poll of a task that
// sets async but no poll.
const defaultPoll = 15

// Messages of Ansible's ActionBase for tasks that cannot run async.
const (
	msgAsyncCheck       = "check mode and async cannot be used on same task."
	msgAsyncUnsupported = "async is not supported for this task."
)

// noAsyncModules are modules whose Ansible action plugin does not support
// async (the engine-side actions do not either).
var noAsyncModules = map[string]bool{
	"copy": true, "template": true, "fetch": true, "unarchive": true, "assemble": true,
	"script": true, "raw": true,
}

// asyncOf returns the task's async and poll keywords, templated; async 0
// means the task is not async.
func (hr *hostRun) asyncOf(sc *scope) (limit, poll int) {
	num := func(k string, def int) int {
		v, ok := hr.t.Kw[k]
		if !ok || v == nil {
			return def
		}
		tv, err := sc.template(v)
		if err != nil {
			return def
		}
		s := strings.TrimSpace(pyval.Str(tv))
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return int(f)
		}
		return def
	}
	return num("async", 0), num("poll", defaultPoll)
}

// addAsyncDir passes the async directory to the job and to async_status
// as Ansible does (ANSIBLE_ASYNC_DIR in the module's environment): the
// ansible_async_dir variable, else ANSIBLE_ASYNC_DIR on the controller;
// without either the host's ~/.ansible_async is used.
func addAsyncDir(env map[string]string, sc *scope) {
	if _, ok := env["ANSIBLE_ASYNC_DIR"]; ok {
		return
	}
	if v, ok := sc.Get("ansible_async_dir"); ok {
		if _, und := v.(pyval.Undefined); !und {
			if s, err := sc.templateStr(v); err == nil && s != "" {
				env["ANSIBLE_ASYNC_DIR"] = s
				return
			}
		}
	}
	if d := os.Getenv("ANSIBLE_ASYNC_DIR"); d != "" {
		env["ANSIBLE_ASYNC_DIR"] = d
	}
}

// newJobID makes a job id in async_wrapper's shape: j<random>.<pid>.
func newJobID() string {
	return fmt.Sprintf("j%d.%d", rand.Int64N(1_000_000_000_000), os.Getpid())
}

// asyncRefusal is the failure of an async task Ansible will not start, or
// "" when it may run.
func asyncRefusal(action string, check bool) string {
	if noAsyncModules[play.ShortAction(action)] {
		return msgAsyncUnsupported
	}
	if check {
		return msgAsyncCheck
	}
	return ""
}

// asyncRefusalDict is Ansible's AnsibleActionFail result: it carries an
// exception without a traceback ("NoneType: None").
func asyncRefusalDict(msg string) *pyval.Dict {
	return pyval.DictOf("changed", false, "exception", "NoneType: None\n", "failed", true, "msg", msg)
}

// pollAsync waits for a started job as Ansible's TaskExecutor does: sleep
// poll seconds, ask async_status, until the job finished or limit seconds
// of polls went by; a finished job's status file is then cleaned up and
// its result becomes the task's.
func (hr *hostRun) pollAsync(ctx context.Context, conn Conn, started *pyval.Dict, env map[string]string, limit, poll int) *pyval.Dict {
	jid := pyval.Str(get(started, "ansible_job_id"))
	if get(started, "ansible_job_id") == nil {
		return failDict("No job id was returned by the async task")
	}
	host := hr.h.name
	status := func(mode string) (*pyval.Dict, error) {
		res, err := conn.RunModule(ctx, Request{Request: agent.Request{Module: "ansible.builtin.async_status",
			Args: pyval.DictOf("jid", jid, "mode", mode), Env: env, InventoryHostname: host}})
		if err != nil && (errors.Is(err, ErrUnreachable) || ctx.Err() != nil) {
			return nil, err
		}
		return res.Fail(err).ToDict(), nil
	}
	var last *pyval.Dict
	for left := limit; left > 0; left -= poll {
		select {
		case <-ctx.Done():
			return failDict(ctx.Err().Error())
		case <-time.After(time.Duration(poll) * time.Second):
		}
		d, err := status("status")
		if err != nil {
			// a host that reboots under its job is polled again
			continue
		}
		last = d
		if asInt(get(d, "finished")) == 1 || truthy(get(d, "failed")) || truthy(get(d, "skipped")) {
			break
		}
		hr.emit(Message{Text: fmt.Sprintf("ASYNC POLL on %s: jid=%s started=%s finished=%s", host, jid, pyval.Str(get(d, "started")), pyval.Str(get(d, "finished")))})
	}
	if last == nil || asInt(get(last, "finished")) != 1 {
		hr.emit(Message{Text: fmt.Sprintf("ASYNC FAILED on %s: jid=%s", host, jid)})
		out := failDict(fmt.Sprintf("async task did not complete within the requested time - %ds", limit))
		out.Set("changed", false)
		if last != nil {
			// the last status as Ansible keeps it: the module's own keys and
			// its invocation, no changed of the engine's
			ar := last.Copy()
			ar.Delete("changed")
			ar.Set("invocation", pyval.DictOf("module_args", pyval.DictOf(
				"_async_dir", path.Dir(pyval.Str(get(last, "results_file"))), "jid", jid, "mode", "status")))
			out.Set("async_result", ar)
		}
		return out
	}
	_, _ = status("cleanup")
	if truthy(get(last, "failed")) {
		hr.emit(Message{Text: fmt.Sprintf("ASYNC FAILED on %s: jid=%s", host, jid)})
	} else {
		hr.emit(Message{Text: fmt.Sprintf("ASYNC OK on %s: jid=%s", host, jid)})
	}
	return last
}

func asInt(v any) int {
	switch t := v.(type) {
	case int64:
		return int(t)
	case bool:
		if t {
			return 1
		}
		return 0
	case float64:
		return int(t)
	case string:
		n, _ := strconv.Atoi(strings.TrimSpace(t))
		return n
	}
	return 0
}
