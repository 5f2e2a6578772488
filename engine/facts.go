package engine

import (
	"context"
	"errors"
	"strings"
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
	if r.opts.Gathering == "smart" {
		var need []*hostState
		for _, h := range hosts {
			h.mu.Lock()
			known := h.factsKnown
			h.mu.Unlock()
			if !known {
				need = append(need, h)
			}
		}
		hosts = need
	}
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

// loadCachedFacts fills a new host's facts from the fact cache: ansible_
// names are gathered facts, others set_fact cacheable ones.
func (r *run) loadCachedFacts(h *hostState) {
	if r.opts.FactCache == nil {
		return
	}
	d, ok := r.opts.FactCache.Load(h.name)
	if !ok {
		return
	}
	d.Range(func(k, v any) bool {
		ks := pyval.Str(k)
		switch {
		case strings.HasPrefix(ks, "_ansible"):
			// the cache's own bookkeeping (_ansible_facts_gathered)
		case strings.HasPrefix(ks, "ansible_"):
			h.facts.Set(strings.TrimPrefix(ks, "ansible_"), v)
		case strings.HasPrefix(ks, "discovered_interpreter"):
			h.facts.Set(ks, v)
		default:
			h.cachedFacts.Set(ks, v)
		}
		return true
	})
	h.factsKnown = true
}

// storeFacts writes the host's facts to the fact cache in Ansible's shape.
func (r *run) storeFacts(h *hostState) {
	if r.opts.FactCache == nil {
		return
	}
	h.mu.Lock()
	d := pyval.NewDict(h.facts.Len() + h.cachedFacts.Len())
	h.facts.Range(func(k, v any) bool {
		ks := pyval.Str(k)
		if !strings.HasPrefix(ks, "discovered_interpreter") {
			ks = "ansible_" + ks
		}
		d.Set(ks, v)
		return true
	})
	h.cachedFacts.Range(func(k, v any) bool { d.Set(k, v); return true })
	gathered := h.factsKnown
	h.mu.Unlock()
	if gathered {
		d.Set("_ansible_facts_gathered", true)
	}
	if err := r.opts.FactCache.Store(h.name, d); err != nil {
		r.warn("%v", err)
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
	h.factsKnown = true
	h.mu.Unlock()
	r.storeFacts(h)
	out.Result = pyval.DictOf("ansible_facts", facts, "changed", false)
	return out
}
