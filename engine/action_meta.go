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
func (pr *playRun) runMeta(ctx context.Context, t *play.Task, hosts []*hostState) {
	what := pyval.Str(get(t.Args, play.RawParams))
	// hosts for which the task's when holds
	var sel []*hostState
	for _, h := range hosts {
		hr := &hostRun{pr: pr, h: h, t: t}
		sc := newScope(ctx, pr.r.env, pr.r.hostLayers(pr, h, t))
		if ok, err := hr.when(sc); err == nil && ok {
			sel = append(sel, h)
		}
	}
	switch what {
	case "flush_handlers":
		pr.flushHandlers(ctx)
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
			h.ended = true
		}
	case "clear_facts":
		for _, h := range sel {
			h.mu.Lock()
			h.facts = pyval.NewDict(0)
			h.cachedFacts = pyval.NewDict(0)
			h.mu.Unlock()
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
