package engine

import (
	"context"
	"sync"

	"gplay/play"
	"gplay/pyval"
)

// inherited returns keyword k from t or its nearest enclosing block, then
// the play.
func (pr *playRun) inherited(t *play.Task, k string) (any, bool) {
	for p := t; p != nil; p = p.Parent {
		if v, ok := p.Kw[k]; ok {
			return v, true
		}
	}
	if v, ok := pr.play.Kw[k]; ok {
		return v, true
	}
	return nil, false
}

// tagsOf returns the tags of t with those of its blocks and the play.
func (pr *playRun) tagsOf(t *play.Task) map[string]bool {
	tags := map[string]bool{}
	add := func(v any) {
		for _, x := range listOf(v) {
			for _, s := range splitComma(pyval.Str(x)) {
				tags[s] = true
			}
		}
	}
	for p := t; p != nil; p = p.Parent {
		add(p.Kw["tags"])
	}
	add(pr.play.Kw["tags"])
	return tags
}

// tagsMatch decides whether t runs under --tags/--skip-tags, as Ansible's
// Taggable.evaluate_tags.
func (pr *playRun) tagsMatch(t *play.Task) bool {
	return evalTags(pr.tagsOf(t), pr.r.opts.Tags, pr.r.opts.SkipTags)
}

func evalTags(tags map[string]bool, onlyIn, skipIn []string) bool {
	only := map[string]bool{}
	for _, x := range onlyIn {
		for _, s := range splitComma(x) {
			only[s] = true
		}
	}
	if len(only) == 0 {
		only["all"] = true
	}
	skip := map[string]bool{}
	for _, x := range skipIn {
		for _, s := range splitComma(x) {
			skip[s] = true
		}
	}
	if len(tags) == 0 {
		tags = map[string]bool{"untagged": true}
	}
	untagged := len(tags) == 1 && tags["untagged"]
	disjoint := func(a, b map[string]bool) bool {
		for k := range a {
			if b[k] {
				return false
			}
		}
		return true
	}
	run := false
	switch {
	case tags["always"]:
		run = true
	case only["all"] && !tags["never"]:
		run = true
	case !disjoint(tags, only):
		run = true
	case only["tagged"] && !untagged && !tags["never"]:
		run = true
	}
	if run && len(skip) > 0 {
		switch {
		case skip["all"]:
			if !tags["always"] || skip["always"] {
				run = false
			}
		case !disjoint(tags, skip):
			run = false
		case skip["tagged"] && !untagged:
			run = false
		}
	}
	return run
}

// runList runs tasks in order on hosts, lockstep (linear) or per host
// (free).
func (pr *playRun) runList(ctx context.Context, tasks []*play.Task, hosts []*hostState) {
	if pr.free && len(hosts) > 1 {
		var wg sync.WaitGroup
		sem := make(chan struct{}, pr.r.forks())
		for _, h := range hosts {
			wg.Add(1)
			sem <- struct{}{}
			go func(h *hostState) {
				defer wg.Done()
				defer func() { <-sem }()
				defer pr.r.recoverPanic()
				pr.runListLinear(ctx, tasks, []*hostState{h})
			}(h)
		}
		wg.Wait()
		return
	}
	pr.runListLinear(ctx, tasks, hosts)
}

func (pr *playRun) runListLinear(ctx context.Context, tasks []*play.Task, hosts []*hostState) {
	for _, t := range tasks {
		if ctx.Err() != nil || pr.endPlay || pr.endBatch {
			return
		}
		var active []*hostState
		for _, h := range hosts {
			if !h.failed && !h.unreachable && !h.ended {
				active = append(active, h)
			}
		}
		if len(active) == 0 {
			return
		}
		if t.IsBlock {
			pr.runBlock(ctx, t, active)
			continue
		}
		pr.runTask(ctx, t, active)
	}
}

// runBlock runs a block's tasks, then its rescue for hosts that failed in
// it, then its always section for every host that entered.
func (pr *playRun) runBlock(ctx context.Context, b *play.Task, hosts []*hostState) {
	pr.runListLinear(ctx, b.Block, hosts)
	var failedHere []*hostState
	for _, h := range hosts {
		if h.failed && !h.unreachable {
			failedHere = append(failedHere, h)
		}
	}
	if len(b.Rescue) > 0 && len(failedHere) > 0 && !pr.endPlay {
		for _, h := range failedHere {
			h.failed = false
			h.stats.Rescued++
			h.stats.Failed--
		}
		pr.runListLinear(ctx, b.Rescue, failedHere)
		failedHere = failedHere[:0]
		for _, h := range hosts {
			if h.failed && !h.unreachable {
				failedHere = append(failedHere, h)
			}
		}
	}
	if len(b.Always) > 0 && !pr.endPlay {
		var run []*hostState
		for _, h := range hosts {
			if !h.unreachable && !h.ended {
				run = append(run, h)
			}
		}
		for _, h := range failedHere {
			h.failed = false
		}
		pr.runListLinear(ctx, b.Always, run)
		for _, h := range failedHere {
			h.failed = true
		}
	}
}

// runTask runs one task on hosts and reports its results in host order.
func (pr *playRun) runTask(ctx context.Context, t *play.Task, hosts []*hostState) {
	r := pr.r
	// notified handlers run whatever --tags says, as in Ansible
	if !t.Handler && !pr.tagsMatch(t) {
		return
	}
	if r.startAt != "" && !t.Handler {
		name := pr.bannerName(t, nil)
		if name != r.startAt && pyval.Str(t.Name) != r.startAt {
			return
		}
		r.startAt = ""
	}
	first := hosts[0]
	banner := TaskStart{Name: pr.bannerName(t, first), Action: t.Action, Pos: t.Pos, Handler: t.Handler, Check: pr.checkMode(t)}
	if play.ShortAction(t.Action) == "meta" {
		pr.runMeta(ctx, t, hosts, banner)
		return
	}
	stepHost := ""
	if pr.free {
		stepHost = first.name // the free strategy asks per host
	}
	if !r.takeStep(ctx, pr.bannerName(t, nil), stepHost) {
		return
	}
	for _, h := range hosts {
		banner.Hosts = append(banner.Hosts, h.name)
	}
	r.report(banner)
	switch play.ShortAction(t.Action) {
	case "include_tasks", "include_role", "include":
		pr.runInclude(ctx, t, hosts)
		return
	}
	// pause bypasses the host loop in Ansible: it runs once, for the first
	// host, as run_once
	runOnce := play.ShortAction(t.Action) == "pause"
	if v, ok := pr.inherited(t, "run_once"); ok {
		runOnce = runOnce || truthy(v)
	}
	targets := hosts
	if runOnce {
		targets = hosts[:1]
	}
	type out struct {
		events []Event
		res    *taskResult
	}
	outs := make([]chan out, len(targets))
	for i := range outs {
		outs[i] = make(chan out, 1)
	}
	throttle := pr.r.forks()
	if v, ok := pr.inherited(t, "throttle"); ok {
		if n, ok := v.(int64); ok && n > 0 && int(n) < throttle {
			throttle = int(n)
		}
	}
	sem := make(chan struct{}, throttle)
	go func() {
		for i, h := range targets {
			sem <- struct{}{}
			go func(i int, h *hostState) {
				defer func() { <-sem }()
				var o out
				// an answer always arrives, even from a host that panicked
				defer func() { outs[i] <- o }()
				defer r.recoverPanic()
				hr := &hostRun{pr: pr, h: h, t: t}
				res := hr.run(ctx)
				r.report(HostDone{Host: h.name})
				o = out{hr.events, res}
			}(i, h)
		}
	}()
	var results []*taskResult
	for i := range targets {
		o := <-outs[i]
		if o.res == nil {
			continue // interrupted (ctx cancelled)
		}
		for _, e := range o.events {
			r.report(e)
		}
		results = append(results, o.res)
	}
	if ctx.Err() != nil {
		return
	}
	if runOnce && len(results) == 1 && results[0] != nil {
		// every host of the batch gets the result and the facts
		for _, h := range hosts[1:] {
			pr.applyResult(t, h, results[0], false)
		}
	}
	if v, ok := pr.inherited(t, "any_errors_fatal"); ok && truthy(v) {
		for _, h := range hosts {
			if h.failed && !pr.inRescuedBlock(t) {
				pr.abortPlay()
				break
			}
		}
	}
	if pr.maxFailExceeded() {
		pr.abortPlay()
		// Ansible's linear strategy and the play iterator both announce it
		pr.r.report(Message{Text: "NO MORE HOSTS LEFT"})
	}
}

// inRescuedBlock reports whether t sits in a block with a rescue section.
func (pr *playRun) inRescuedBlock(t *play.Task) bool {
	for p := t.Parent; p != nil; p = p.Parent {
		if len(p.Rescue) > 0 {
			return true
		}
	}
	return false
}

// abortPlay ends the play for every host (any_errors_fatal,
// max_fail_percentage).
func (pr *playRun) abortPlay() {
	pr.mu.Lock()
	pr.endPlay = true
	pr.aborted = true
	pr.mu.Unlock()
	pr.r.report(Message{Text: "NO MORE HOSTS LEFT"})
	for _, h := range pr.batch {
		if !h.failed && !h.unreachable {
			h.failed = true
		}
	}
}

func (pr *playRun) checkMode(t *play.Task) bool {
	if v, ok := pr.inherited(t, "check_mode"); ok && v != nil {
		return truthy(v)
	}
	return pr.r.opts.Check
}

func (pr *playRun) diffMode(t *play.Task) bool {
	if v, ok := pr.inherited(t, "diff"); ok && v != nil {
		return truthy(v)
	}
	return pr.r.opts.Diff
}

// bannerName is the task's name as the TASK banner shows it, templated
// with h's variables when h is given (undefined names are left as is).
func (pr *playRun) bannerName(t *play.Task, h *hostState) string {
	name := ""
	if t.Name != nil {
		name = pyval.Str(t.Name)
		if h != nil {
			sc := newScope(pr.r.ctx, pr.r.env, pr.r.hostLayers(pr, h, t))
			if s, err := sc.templateStr(name); err == nil {
				name = s
			}
		}
	} else {
		name = t.Action
		if play.ShortAction(t.Action) == "include_role" {
			// Ansible names an unnamed include_role after the role
			name += " : " + pyval.Str(get(t.Args, "name"))
		}
	}
	if t.Role != nil {
		return t.Role.Name + " : " + name
	}
	return name
}

// flushHandlers runs notified handlers in definition order on the hosts
// that notified them.
func (pr *playRun) flushHandlers(ctx context.Context) {
	force := pr.r.opts.ForceHandlers
	if v, ok := pr.play.Kw["force_handlers"]; ok {
		force = force || truthy(v)
	}
	for round := 0; round < 10; round++ {
		ran := false
		for _, ht := range pr.handlers {
			var hosts []*hostState
			for _, h := range pr.batch {
				h.mu.Lock()
				n := h.notified[ht]
				if n {
					delete(h.notified, ht)
				}
				h.mu.Unlock()
				if n && !h.unreachable && (!h.failed || force) {
					hosts = append(hosts, h)
				}
			}
			if len(hosts) == 0 {
				continue
			}
			ran = true
			// a failed host whose handlers are forced runs them as if it
			// had not failed
			var wasFailed []*hostState
			for _, h := range hosts {
				if h.failed {
					wasFailed = append(wasFailed, h)
					h.failed = false
				}
			}
			pr.runTask(ctx, ht, hosts)
			for _, h := range wasFailed {
				h.failed = true
			}
		}
		if !ran {
			return
		}
	}
}

func (pr *playRun) flushHandlersIfForced(ctx context.Context) {
	if pr.r.opts.ForceHandlers {
		pr.flushHandlers(ctx)
	}
}

// notify marks the handlers named by notify (names or listen topics) for h.
func (pr *playRun) notify(t *play.Task, h *hostState, sc *scope) {
	v, ok := t.Kw["notify"]
	if !ok {
		for p := t.Parent; p != nil && !ok; p = p.Parent {
			v, ok = p.Kw["notify"]
		}
	}
	if !ok {
		return
	}
	for _, n := range listOf(v) {
		name := pyval.Str(n)
		if s, err := sc.templateStr(name); err == nil {
			name = s
		}
		found := false
		for _, ht := range pr.handlers {
			hn := ""
			if ht.Name != nil {
				hn = pyval.Str(ht.Name)
				if s, err := sc.templateStr(hn); err == nil {
					hn = s
				}
			}
			match := hn == name || (ht.Role != nil && ht.Role.Name+" : "+hn == name)
			for _, l := range ht.Listen {
				if l == name {
					match = true
				}
			}
			if match {
				found = true
				h.mu.Lock()
				h.notified[ht] = true
				h.mu.Unlock()
			}
		}
		if !found {
			pr.r.warn("The requested handler '%s' was not found in either the main handlers list nor in the listening handlers list", name)
		}
	}
}

func listOf(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case *pyval.List:
		return t.Items
	}
	return []any{v}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			p := trimSpace(s[start:i])
			if p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	return out
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
