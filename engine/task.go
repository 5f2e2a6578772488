package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gplay/agent"
	"gplay/module"
	"gplay/play"
	"gplay/pyval"
)

// taskResult is one host's result for a task.
type taskResult struct {
	dict        *pyval.Dict
	failed      bool
	unreachable bool
	skipped     bool
	changed     bool
	ignored     bool
	noLog       bool
}

// hostRun runs one task on one host and collects the events to report.
type hostRun struct {
	pr     *playRun
	h      *hostState
	t      *play.Task
	events []Event
	name   string
}

func (hr *hostRun) emit(e Event) { hr.events = append(hr.events, e) }

const noLogCensor = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

func (hr *hostRun) run(ctx context.Context) *taskResult {
	pr, t, h := hr.pr, hr.t, hr.h
	hr.name = pr.bannerName(t, nil)
	sc := newScope(ctx, pr.r.env, pr.r.hostLayers(pr, h, t))
	if h.failedTask != nil {
		sc = sc.with(pyval.DictOf("ansible_failed_task", pyval.DictOf("name", pyval.Str(h.failedTask.Name), "action", h.failedTask.Action), "ansible_failed_result", h.failedResult))
	}
	noLog := false
	if v, ok := pr.inherited(t, "no_log"); ok {
		if tv, err := sc.template(v); err == nil {
			noLog = truthy(tv)
		}
	}
	res := &taskResult{noLog: noLog}
	loopV, hasLoop := t.Kw["loop"]
	if hasLoop {
		res.dict = hr.runLoop(ctx, sc, loopV, func() *scope {
			return newScope(ctx, pr.r.env, pr.r.hostLayers(pr, h, t))
		})
	} else {
		ok, err := hr.when(sc)
		switch {
		case err != nil:
			res.dict = failDict(hr.condError(hr.whenText(), err))
		case !ok:
			res.dict = skipDict()
		default:
			res.dict = hr.runOnce(ctx, sc, nil)
		}
	}
	if ctx.Err() != nil {
		// interrupted: the result is not the task's, nothing is counted
		// or reported (Ansible shows no result for it either)
		return nil
	}
	hr.finish(sc, res)
	return res
}

func failDict(msg string) *pyval.Dict {
	return pyval.DictOf("failed", true, "msg", msg)
}

func skipDict() *pyval.Dict {
	return pyval.DictOf("changed", false, "skip_reason", "Conditional result was False", "skipped", true)
}

// when evaluates the when conditions of t's blocks and t itself.
func (hr *hostRun) when(sc *scope) (bool, error) {
	for _, b := range blockChain(hr.t) {
		if w, ok := b.Kw["when"]; ok {
			ok, err := sc.cond(w)
			if err != nil || !ok {
				return ok, err
			}
		}
	}
	return true, nil
}

// whenText is the task's own when, for error messages.
func (hr *hostRun) whenText() any {
	w := hr.t.Kw["when"]
	if l, ok := w.(*pyval.List); ok && len(l.Items) == 1 {
		return l.Items[0]
	}
	return w
}

// finish classifies the result, registers it, counts it, notifies
// handlers and reports it.
func (hr *hostRun) finish(sc *scope, res *taskResult) {
	pr, t, h := hr.pr, hr.t, hr.h
	d := res.dict
	res.failed = truthy(get(d, "failed"))
	res.unreachable = truthy(get(d, "unreachable"))
	res.changed = truthy(get(d, "changed"))
	res.skipped = truthy(get(d, "skipped"))
	if res.failed {
		if v, ok := pr.inherited(t, "ignore_errors"); ok {
			if tv, err := sc.template(v); err == nil && truthy(tv) {
				res.ignored = true
			}
		}
	}
	if res.unreachable {
		if v, ok := pr.inherited(t, "ignore_unreachable"); ok && truthy(v) {
			res.ignored = true
		}
	}
	pr.applyResult(t, h, res, true)
	status := StatusOK
	switch {
	case res.unreachable:
		status = StatusUnreachable
	case res.failed:
		status = StatusFailed
	case res.skipped:
		status = StatusSkipped
	case res.changed:
		status = StatusChanged
	}
	shown := d
	if res.noLog {
		shown = pyval.DictOf("censored", noLogCensor, "changed", res.changed)
		if res.failed {
			shown.Set("failed", true)
		}
	}
	_, looped := d.Get("results")
	looped = looped && t.Kw["loop"] != nil
	hr.emit(HostResult{Host: h.name, Task: hr.name, Action: t.Action, Status: status, Result: shown, Looped: looped,
		Ignored: res.ignored, Delegated: hr.delegateName(sc), NoLog: res.noLog, Verbose: truthy(get(d, "_ansible_verbose_always")), Diff: hr.pr.diffMode(t)})
	if res.changed && !res.failed {
		pr.notify(t, h, sc)
	}
	if res.failed && !res.ignored {
		h.failedTask = t
		h.failedResult = d
	}
}

func get(d *pyval.Dict, k string) any {
	if d == nil {
		return nil
	}
	v, _ := d.Get(k)
	return v
}

// applyResult registers the result, updates the host's state and counts.
func (pr *playRun) applyResult(t *play.Task, h *hostState, res *taskResult, count bool) {
	if reg, ok := t.Kw["register"]; ok {
		h.mu.Lock()
		h.setFacts.Set(pyval.Str(reg), stripInternal(res.dict))
		h.mu.Unlock()
	}
	if !count {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case res.unreachable && !res.ignored:
		h.unreachable = true
		h.stats.Unreachable++
	case res.failed && !res.ignored:
		h.failed = true
		h.stats.Failed++
	case res.skipped:
		h.stats.Skipped++
	default:
		h.stats.OK++
		if res.changed {
			h.stats.Changed++
		}
		if res.ignored {
			h.stats.Ignored++
		}
	}
}

func (hr *hostRun) delegateName(sc *scope) string {
	v, ok := hr.pr.inherited(hr.t, "delegate_to")
	if !ok || v == nil {
		return ""
	}
	s, err := sc.templateStr(v)
	if err != nil {
		return ""
	}
	return s
}

// runLoop runs the task once per loop item.
func (hr *hostRun) runLoop(ctx context.Context, sc *scope, loopV any, rebuild func() *scope) *pyval.Dict {
	t := hr.t
	items, err := hr.loopItems(ctx, sc, loopV)
	if err != nil {
		return failDict(err.Error())
	}
	loopVar, indexVar, label, extended := "item", "", any(nil), false
	var pause float64
	if lc, ok := t.Kw["loop_control"].(*pyval.Dict); ok {
		if v, ok := lc.Get("loop_var"); ok {
			loopVar = pyval.Str(v)
		}
		if v, ok := lc.Get("index_var"); ok {
			indexVar = pyval.Str(v)
		}
		if v, ok := lc.Get("label"); ok {
			label = v
		}
		if v, ok := lc.Get("extended"); ok {
			extended = truthy(v)
		}
		if v, ok := lc.Get("pause"); ok {
			fmt.Sscan(pyval.Str(v), &pause)
		}
	}
	var results []any
	anyChanged, anyFailed, allSkipped := false, false, true
	for i, item := range items {
		if i > 0 && pause > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(pause * float64(time.Second))):
			}
		}
		if ctx.Err() != nil {
			break // interrupted: run() drops the result
		}
		lv := pyval.DictOf(loopVar, item, "ansible_loop_var", loopVar)
		if indexVar != "" {
			lv.Set(indexVar, int64(i))
			lv.Set("ansible_index_var", indexVar)
		}
		if extended {
			al := pyval.DictOf("allitems", pyval.NewList(items...), "index", int64(i+1), "index0", int64(i),
				"revindex", int64(len(items)-i), "revindex0", int64(len(items)-i-1), "first", i == 0, "last", i == len(items)-1, "length", int64(len(items)))
			if i > 0 {
				al.Set("previtem", items[i-1])
			}
			if i < len(items)-1 {
				al.Set("nextitem", items[i+1])
			}
			lv.Set("ansible_loop", al)
		}
		if i > 0 && len(results) > 0 && get(results[len(results)-1].(*pyval.Dict), "ansible_facts") != nil {
			// facts set by the previous item (set_fact, include_vars) are
			// seen by the next, as Ansible updates the loop's task vars
			sc = rebuild()
		}
		isc := sc.with(lv)
		var rd *pyval.Dict
		ok, err := hr.when(isc)
		switch {
		case err != nil:
			rd = failDict(hr.condError(hr.whenText(), err))
		case !ok:
			rd = skipDict()
		default:
			rd = hr.runOnce(ctx, isc, item)
		}
		rd.Set(loopVar, item)
		rd.Set("ansible_loop_var", loopVar)
		if indexVar != "" {
			rd.Set(indexVar, int64(i))
			rd.Set("ansible_index_var", indexVar)
		}
		if extended {
			v, _ := lv.Get("ansible_loop")
			rd.Set("ansible_loop", v)
		}
		shownLabel := item
		if label != nil {
			if l, err := isc.template(label); err == nil {
				shownLabel = l
			}
			rd.Set("_ansible_item_label", shownLabel)
		}
		failed := truthy(get(rd, "failed"))
		skipped := truthy(get(rd, "skipped"))
		changed := truthy(get(rd, "changed"))
		anyChanged = anyChanged || changed
		anyFailed = anyFailed || failed
		allSkipped = allSkipped && skipped
		status := StatusOK
		switch {
		case failed:
			status = StatusFailed
		case skipped:
			status = StatusSkipped
		case changed:
			status = StatusChanged
		}
		noLog := false
		if v, ok := hr.pr.inherited(hr.t, "no_log"); ok {
			if tv, err := isc.template(v); err == nil {
				noLog = truthy(tv)
			}
		}
		shown := rd
		if noLog {
			shown = pyval.DictOf("censored", noLogCensor, "changed", changed)
		}
		hr.emit(HostResult{Host: hr.h.name, Task: hr.name, Action: t.Action, Status: status, Result: shown, IsItem: true,
			Item: item, Label: shownLabel, NoLog: noLog, Verbose: truthy(get(rd, "_ansible_verbose_always")), Delegated: hr.delegateName(isc), Diff: hr.pr.diffMode(t)})
		results = append(results, rd)
	}
	out := pyval.NewDict(4)
	out.Set("results", pyval.NewList(results...))
	out.Set("changed", anyChanged)
	switch {
	case len(items) == 0:
		out = pyval.DictOf("changed", false, "skipped", true, "skipped_reason", "No items in the list", "results", pyval.NewList())
	case anyFailed:
		out.Set("msg", "One or more items failed")
		out.Set("failed", true)
	case allSkipped:
		out.Set("msg", "All items skipped")
		out.Set("skipped", true)
	default:
		out.Set("msg", "All items completed")
	}
	if !anyFailed {
		// Ansible sets failed false on the aggregate only implicitly; the
		// registered value has no failed key unless it failed… but keeps
		// "skipped": false when some items ran.
		if !allSkipped && len(items) > 0 {
			out.Set("skipped", false)
		}
	}
	return out
}

// runOnce runs the task's action once (with until/retries) and applies
// changed_when and failed_when.
func (hr *hostRun) runOnce(ctx context.Context, sc *scope, item any) *pyval.Dict {
	t := hr.t
	until, hasUntil := t.Kw["until"]
	retries, delay := 3, 5.0
	if v, ok := t.Kw["retries"]; ok {
		if tv, err := sc.template(v); err == nil {
			fmt.Sscan(pyval.Str(tv), &retries)
		}
	}
	if v, ok := t.Kw["delay"]; ok {
		if tv, err := sc.template(v); err == nil {
			fmt.Sscan(pyval.Str(tv), &delay)
		}
	}
	if !hasUntil {
		return hr.attempt(ctx, sc)
	}
	if retries < 1 {
		retries = 1
	}
	var d *pyval.Dict
	for attempt := 1; attempt <= retries+1; attempt++ {
		d = hr.attempt(ctx, sc)
		d.Set("attempts", int64(attempt))
		rsc := sc
		if reg, ok := t.Kw["register"]; ok {
			rsc = sc.with(pyval.DictOf(pyval.Str(reg), d))
		}
		ok, err := rsc.cond(until)
		if err != nil {
			return failDict(err.Error())
		}
		if ok {
			return d
		}
		if attempt <= retries {
			hr.emit(Message{Text: fmt.Sprintf("FAILED - RETRYING: [%s]: %s (%d retries left).", hr.h.name, hr.name, retries-attempt+1)})
			if delay > 0 {
				select {
				case <-ctx.Done():
					return failDict(ctx.Err().Error())
				case <-time.After(time.Duration(delay * float64(time.Second))):
				}
			}
		}
	}
	// as Ansible 2.14's TaskExecutor, the exhausted count reported is the
	// configured retries, one less than the attempts made
	d.Set("attempts", int64(retries))
	d.Set("failed", true)
	return d
}

// timedAction runs the action under the task's timeout keyword: past it
// the action is cancelled and fails as Ansible's TaskTimeoutError.
func (hr *hostRun) timedAction(ctx context.Context, sc *scope) *pyval.Dict {
	v, ok := hr.pr.inherited(hr.t, "timeout")
	if !ok {
		return hr.action(ctx, sc)
	}
	secs := 0
	if tv, err := sc.template(v); err == nil {
		fmt.Sscan(pyval.Str(tv), &secs)
	}
	if secs <= 0 {
		return hr.action(ctx, sc)
	}
	tctx, cancel := context.WithTimeout(ctx, time.Duration(secs)*time.Second)
	defer cancel()
	d := hr.action(tctx, sc)
	if ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		d := failDict(fmt.Sprintf("The %s action failed to execute in the expected time frame (%d) and was terminated", hr.t.Action, secs))
		d.Set("changed", false)
		return d
	}
	return d
}

// attempt runs the action and applies changed_when/failed_when.
func (hr *hostRun) attempt(ctx context.Context, sc *scope) *pyval.Dict {
	t := hr.t
	d := hr.timedAction(ctx, sc)
	if truthy(get(d, "unreachable")) || truthy(get(d, "skipped")) {
		return d
	}
	csc := sc
	if reg, ok := t.Kw["register"]; ok {
		csc = sc.with(pyval.DictOf(pyval.Str(reg), d))
	}
	if cw, ok := t.Kw["changed_when"]; ok {
		c, err := csc.cond(cw)
		if err != nil {
			return failDict(err.Error())
		}
		d.Set("changed", c)
	}
	if fw, ok := t.Kw["failed_when"]; ok {
		f, err := csc.cond(fw)
		if err != nil {
			return failDict(err.Error())
		}
		d.Set("failed_when_result", f)
		d.Set("failed", f)
	}
	return d
}

// action runs the engine-side action or the module the task names.
func (hr *hostRun) action(ctx context.Context, sc *scope) *pyval.Dict {
	t := hr.t
	if a, ok := engineActions[play.ShortAction(t.Action)]; ok {
		if limit, _ := hr.asyncOf(sc); limit > 0 {
			return asyncRefusalDict(msgAsyncUnsupported)
		}
		d, err := a(ctx, &actionCtx{hr: hr, sc: sc})
		if err != nil {
			if d == nil {
				d = pyval.NewDict(2)
			}
			d.Set("failed", true)
			d.Set("msg", err.Error())
		}
		if d == nil {
			d = pyval.NewDict(0)
		}
		if !d.Has("changed") {
			d.Set("changed", false)
		}
		return d
	}
	return hr.runModule(ctx, sc)
}

// templatedArgs templates the task's args (and a templated args: string),
// dropping omitted values.
func (hr *hostRun) templatedArgs(sc *scope) (*pyval.Dict, error) {
	args := hr.t.Args
	if s, ok := hr.t.Kw["args"].(string); ok {
		hr.emit(Warning{Msg: "Using a variable for a task's 'args' is unsafe in some situations (see https://docs.ansible.com/ansible/devel/reference_appendices/faq.html#argsplat-unsafe)"})
		v, err := sc.template(s)
		if err != nil {
			return nil, err
		}
		if d, ok := v.(*pyval.Dict); ok {
			merged := d.Copy()
			args.Range(func(k, x any) bool { merged.Set(k, x); return true })
			args = merged
		}
	}
	v, err := sc.template(args)
	if err != nil {
		return nil, err
	}
	d, _ := removeOmit(v).(*pyval.Dict)
	if d == nil {
		d = pyval.NewDict(0)
	}
	return d, nil
}

func (hr *hostRun) runModule(ctx context.Context, sc *scope) *pyval.Dict {
	pr, t := hr.pr, hr.t
	m, ok := pr.r.opts.Registry.Lookup(t.Action)
	if !ok {
		return failDict(fmt.Sprintf("couldn't resolve module/action '%s'", t.Action))
	}
	args, err := hr.templatedArgs(sc)
	if err != nil {
		return failDict(hr.argsError(err))
	}
	// module_defaults: keyword dicts keyed by module name
	if md, ok := pr.inherited(t, "module_defaults"); ok {
		if mdd, ok := md.(*pyval.Dict); ok {
			for _, n := range m.Info().Names() {
				if defs, ok := mdd.Get(n); ok {
					if dd, ok := defs.(*pyval.Dict); ok {
						merged := dd.Copy()
						args.Range(func(k, x any) bool { merged.Set(k, x); return true })
						args = merged
					}
				}
			}
		}
	}
	content, err := hr.controllerContent(ctx, sc, m.Info().Spec, args)
	if err != nil {
		return failDict(err.Error())
	}
	env := map[string]string{}
	for _, b := range append([]*play.Task{}, blockChain(t)...) {
		_ = b
	}
	if e, ok := pr.play.Kw["environment"]; ok {
		addEnv(env, e, sc)
	}
	for _, b := range blockChain(t) {
		if e, ok := b.Kw["environment"]; ok {
			addEnv(env, e, sc)
		}
	}
	h := hr.h
	target := h
	if dn := hr.delegateName(sc); dn != "" && dn != h.name {
		target = pr.r.host(dn)
	}
	conn, err := pr.r.connect(ctx, pr, target)
	if err != nil {
		return pyval.DictOf("unreachable", true, "changed", false, "msg", err.Error())
	}
	req := Request{Request: agent.Request{Module: t.Action, Args: args, Check: pr.checkMode(t), Diff: pr.diffMode(t), Content: content, Env: env, InventoryHostname: h.name}}
	if v, ok := pr.inherited(t, "become"); ok {
		req.Become = truthy(v)
	} else {
		req.Become = pr.r.opts.Become
	}
	req.BecomeUser = pr.r.opts.BecomeUser
	if v, ok := pr.inherited(t, "become_user"); ok {
		req.BecomeUser, _ = sc.templateStr(v)
	}
	req.BecomeMethod = pr.r.opts.BecomeMethod
	if v, ok := pr.inherited(t, "become_method"); ok {
		req.BecomeMethod, _ = sc.templateStr(v)
	}
	limit, poll := hr.asyncOf(sc)
	if limit > 0 || play.ShortAction(t.Action) == "async_status" {
		addAsyncDir(env, sc)
	}
	if limit > 0 {
		if msg := asyncRefusal(t.Action, req.Check); msg != "" {
			return asyncRefusalDict(msg)
		}
		req.AsyncJID, req.AsyncTimeout = newJobID(), limit
	}
	res, err := conn.RunModule(ctx, req)
	if err != nil && errors.Is(err, ErrUnreachable) {
		return pyval.DictOf("unreachable", true, "changed", false, "msg", err.Error())
	}
	d := res.Fail(err).ToDict()
	if limit > 0 && poll > 0 && !truthy(get(d, "failed")) && !truthy(get(d, "skipped")) {
		d = hr.pollAsync(ctx, conn, d, env, limit, poll)
	}
	if !d.Has("failed") {
		d.Set("failed", false)
	}
	if len(res.Facts) > 0 {
		fv, _ := module.ToPy(res.Facts)
		if fd, ok := fv.(*pyval.Dict); ok {
			factsHost := h
			if v, ok := pr.inherited(t, "delegate_facts"); ok && truthy(v) {
				factsHost = target
			}
			factsHost.mu.Lock()
			fd.Range(func(k, v any) bool { factsHost.facts.Set(k, v); return true })
			factsHost.mu.Unlock()
		}
	}
	return d
}

func addEnv(env map[string]string, e any, sc *scope) {
	v, err := sc.template(e)
	if err != nil {
		return
	}
	switch t := v.(type) {
	case *pyval.Dict:
		t.Range(func(k, x any) bool { env[pyval.Str(k)] = pyval.Str(x); return true })
	case *pyval.List:
		for _, it := range t.Items {
			addEnv(env, it, sc)
		}
	}
}

// connVars are the variables a Connector may read (Ansible's connection
// and become plugin options, with their aliases).
var connVars = []string{
	"ansible_connection", "ansible_host", "ansible_ssh_host", "ansible_port", "ansible_ssh_port",
	"ansible_user", "ansible_ssh_user", "ansible_password", "ansible_ssh_pass", "ansible_ssh_password",
	"ansible_ssh_private_key_file", "ansible_private_key_file", "ansible_ssh_common_args", "ansible_ssh_extra_args",
	"ansible_timeout", "ansible_ssh_timeout", "ansible_host_key_checking", "ansible_ssh_host_key_checking",
	"ansible_become", "ansible_become_method", "ansible_become_user", "ansible_become_password", "ansible_become_pass",
}

// connect returns the host's connection, opening it once.
func (r *run) connect(ctx context.Context, pr *playRun, h *hostState) (Conn, error) {
	h.mu.Lock()
	c := h.conn
	h.mu.Unlock()
	if c != nil {
		return c, nil
	}
	sc := newScope(ctx, r.env, r.hostLayers(pr, h, nil))
	vars := pyval.NewDict(8)
	for _, k := range connVars {
		if v, ok := sc.Get(k); ok {
			if _, und := v.(pyval.Undefined); !und {
				vars.Set(k, v)
			}
		}
	}
	connType := r.opts.Connection
	if v, ok := vars.Get("ansible_connection"); ok {
		connType = pyval.Str(v)
	}
	var err error
	if connType == "local" {
		c, err = LocalConnector{Registry: r.opts.Registry}.Connect(ctx, Target{Host: h.name, Vars: vars})
	} else if r.opts.Connector != nil {
		c, err = r.opts.Connector.Connect(ctx, Target{Host: h.name, Vars: vars})
	} else {
		err = fmt.Errorf("%w: no connection plugin for %q", ErrUnreachable, connType)
	}
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.conn = c
	h.mu.Unlock()
	return c, nil
}

// controllerContent reads or renders the controller-side values the
// module's spec declares (copy's src, template's src, script's command).
func (hr *hostRun) controllerContent(ctx context.Context, sc *scope, spec module.Spec, args *pyval.Dict) (map[string]*module.Content, error) {
	var out map[string]*module.Content
	// the spec decides which values are controller files (aliases,
	// remote_src, URLs)
	for _, cs := range spec.ControllerSources(args) {
		p, name := cs.Param, cs.Path
		sub := "files"
		if p.Source == module.SourceControllerTemplate {
			sub = "templates"
		}
		path := hr.findFile(sub, name)
		if path == "" {
			return nil, fmt.Errorf("Could not find or access '%s'\nSearched in:\n\t%s", name, strings.Join(hr.searchDirs(sub, name), "\n\t"))
		}
		c, err := readContent(path)
		if err != nil {
			return nil, err
		}
		if p.Source == module.SourceControllerTemplate {
			for i, f := range c.Files {
				if f.Mode.IsDir() {
					continue
				}
				fo := templateFileOptions(args)
				fo.Loader = hr.templateLoader(path)
				tsc := sc.with(pyval.DictOf("ansible_managed", "Ansible managed", "template_path", path, "template_host", "localhost", "template_uid", "root",
					"template_fullpath", path, "template_destpath", get(args, "dest"), "template_run_date", time.Now().Format("2006-01-02 15:04:05.000000")))
				s, err := hr.pr.r.env.Render(ctx, string(f.Data), tsc, fo)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", path, err)
				}
				c.Files[i].Data = []byte(s)
			}
		}
		if out == nil {
			out = map[string]*module.Content{}
		}
		out[p.Name] = c
	}
	return out, nil
}

// searchDirs lists where a controller file is looked for, as Ansible's
// find_needle: the role's files/ (or templates/), the role dir, then the
// task file's dir and the playbook dir, each with the subdir first.
func (hr *hostRun) searchDirs(sub, name string) []string {
	if filepath.IsAbs(name) {
		return []string{name}
	}
	var dirs []string
	for p := hr.t; p != nil; p = p.Parent {
		if p.Role != nil {
			dirs = append(dirs, filepath.Join(p.Role.Path, sub, name), filepath.Join(p.Role.Path, name), filepath.Join(p.Role.Path, "tasks", name))
			break
		}
	}
	if hr.t.File != "" {
		d := filepath.Dir(hr.t.File)
		dirs = append(dirs, filepath.Join(d, sub, name), filepath.Join(d, name))
	}
	d := hr.pr.play.Dir
	dirs = append(dirs, filepath.Join(d, sub, name), filepath.Join(d, name))
	return dirs
}

func (hr *hostRun) findFile(sub, name string) string {
	for _, c := range hr.searchDirs(sub, name) {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return ""
}

func readContent(path string) (*module.Content, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	c := &module.Content{Path: path}
	if !st.IsDir() {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		c.Files = []module.File{{Mode: st.Mode(), Data: b}}
		return c, nil
	}
	err = filepath.Walk(path, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(path, p)
		if rel == "." {
			return nil
		}
		f := module.File{Rel: filepath.ToSlash(rel), Mode: fi.Mode()}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			f.Link, _ = os.Readlink(p)
		case fi.Mode().IsRegular():
			f.Data, err = os.ReadFile(p)
			if err != nil {
				return err
			}
		}
		c.Files = append(c.Files, f)
		return nil
	})
	return c, err
}

// stripInternal drops _ansible_* keys, as Ansible's strip_internal_keys
// does before registering a result.
func stripInternal(v any) any {
	switch t := v.(type) {
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool {
			if ks, ok := k.(string); ok && strings.HasPrefix(ks, "_ansible_") {
				return true
			}
			d.Set(k, stripInternal(x))
			return true
		})
		return d
	case *pyval.List:
		items := make([]any, len(t.Items))
		for i, x := range t.Items {
			items[i] = stripInternal(x)
		}
		return pyval.NewList(items...)
	}
	return v
}
