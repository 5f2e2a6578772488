package engine

import (
	"context"
	"fmt"

	"gplay/play"
	"gplay/pyval"
)

func init() {
	// meta acts on the play, not on one host: runTask hands it to runMeta.
	registerAction("meta", func(context.Context, *actionCtx) (*pyval.Dict, error) {
		return nil, fmt.Errorf("meta runs at the play level")
	}, true)
}

// runMeta runs a meta task (ansible.builtin.meta): flush_handlers, noop,
// end_play, end_batch, end_host, clear_facts, clear_host_errors,
// refresh_inventory, reset_connection.
func (pr *playRun) runMeta(ctx context.Context, t *play.Task, hosts []*hostState, banner TaskStart) {
	what := pyval.Str(get(t.Args, play.RawParams))
	// As the linear strategy: noop, end_host, flush_handlers and
	// reset_connection run host by host (a banner each, "skipping" where
	// the when fails, never counted); the others run once for all hosts.
	perHost := what == "noop" || what == "end_host" || what == "flush_handlers" || what == "reset_connection"
	targets := hosts
	if !perHost {
		targets = hosts[:1]
	}
	var sel []*hostState
	flushed := false
	for _, h := range targets {
		pr.r.report(banner)
		hr := &hostRun{pr: pr, h: h, t: t}
		sc := newScope(ctx, pr.r.env, pr.r.hostLayers(pr, h, t))
		ok, err := hr.when(sc)
		if err != nil || !ok {
			pr.r.report(HostResult{Host: h.name, Task: banner.Name, Action: t.Action, Status: StatusSkipped, Result: skipDict()})
			continue
		}
		if !perHost {
			sel = hosts
		} else {
			sel = append(sel, h)
		}
		if what == "flush_handlers" && !flushed {
			flushed = true
			pr.flushHandlers(ctx)
		}
	}
	switch what {
	case "flush_handlers":
	case "end_play":
		if len(sel) > 0 {
			pr.endPlay = true
		}
	case "end_batch":
		if len(sel) > 0 {
			pr.endBatch = true
		}
	case "end_host":
		for _, h := range sel {
			h.mu.Lock()
			h.ended = true
			h.mu.Unlock()
		}
	case "clear_facts":
		for _, h := range sel {
			h.mu.Lock()
			h.facts = pyval.NewDict(0)
			h.cachedFacts = pyval.NewDict(0)
			h.factsKnown = false
			h.mu.Unlock()
			if c := pr.r.opts.FactCache; c != nil {
				if err := c.Flush(h.name); err != nil {
					pr.r.warn("%v", err)
				}
			}
		}
	case "clear_host_errors":
		for _, h := range pr.batch {
			h.failed = false
		}
	case "noop", "refresh_inventory", "reset_connection", "end_role":
	default:
		pr.r.warn("invalid meta action requested: %s", what)
	}
}
