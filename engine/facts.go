package engine

import (
	"context"
	"errors"
	"sync"

	"gplay/agent"
	"gplay/module"
	"gplay/pyval"
)

// gatherFacts runs the facts modules on the batch ("TASK [Gathering
// Facts]"), merging their facts into each host's ansible_facts.
func (pr *playRun) gatherFacts(ctx context.Context) {
	r := pr.r
	hosts := pr.liveBatch()
	if len(hosts) == 0 {
		return
	}
	if !evalTags(map[string]bool{"always": true}, r.opts.Tags, r.opts.SkipTags) {
		return
	}
	if !r.takeStep(ctx, "Gathering Facts", "") {
		return
	}
	start := TaskStart{Name: "Gathering Facts", Action: "gather_facts", Pos: pr.play.Pos}
	for _, h := range hosts {
		start.Hosts = append(start.Hosts, h.name)
	}
	r.report(start)
	results := make([]HostResult, len(hosts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, r.forks())
	for i, h := range hosts {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, h *hostState) {
			defer wg.Done()
			defer func() { <-sem }()
			defer r.recoverPanic()
			results[i] = pr.gatherOne(ctx, h)
			r.report(HostDone{Host: h.name})
		}(i, h)
	}
	wg.Wait()
	if ctx.Err() != nil {
		return // interrupted: nothing to count or show
	}
	for i, h := range hosts {
		res := results[i]
		switch res.Status {
		case StatusUnreachable:
			h.unreachable = true
			h.stats.Unreachable++
		case StatusFailed:
			h.failed = true
			h.stats.Failed++
		default:
			h.stats.OK++
		}
		r.report(res)
	}
}

func (pr *playRun) gatherOne(ctx context.Context, h *hostState) HostResult {
	r := pr.r
	out := HostResult{Host: h.name, Task: "Gathering Facts", Action: "gather_facts", Status: StatusOK, Result: pyval.DictOf("changed", false)}
	conn, err := r.connect(ctx, pr, h)
	if err != nil {
		out.Status = StatusUnreachable
		out.Result = pyval.DictOf("changed", false, "msg", err.Error(), "unreachable", true)
		return out
	}
	facts := pyval.NewDict(0)
	for _, name := range r.opts.FactsModules {
		if _, ok := r.opts.Registry.Lookup(name); !ok {
			continue
		}
		var args *pyval.Dict = pyval.NewDict(0)
		if v, ok := pr.play.Kw["gather_subset"]; ok {
			args.Set("gather_subset", v)
		}
		res, err := conn.RunModule(ctx, Request{Request: agent.Request{Module: name, Args: args, InventoryHostname: h.name}})
		if err != nil && errors.Is(err, ErrUnreachable) {
			// a connection opened lazily, or lost, while gathering
			out.Status = StatusUnreachable
			out.Result = pyval.DictOf("changed", false, "msg", err.Error(), "unreachable", true)
			return out
		}
		if err != nil {
			out.Status = StatusFailed
			out.Result = res.Fail(err).ToDict()
			return out
		}
		if v, err := module.ToPy(res.Facts); err == nil {
			if d, ok := v.(*pyval.Dict); ok {
				d.Range(func(k, x any) bool { facts.Set(k, x); return true })
			}
		}
	}
	h.mu.Lock()
	facts.Range(func(k, x any) bool { h.facts.Set(k, x); return true })
	h.mu.Unlock()
	out.Result = pyval.DictOf("ansible_facts", facts, "changed", false)
	return out
}
