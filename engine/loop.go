package engine

import (
	"context"
	"fmt"
	"strings"

	"gplay/pyval"
)

// loopItems evaluates loop: or with_<lookup>: to the list of items.
func (hr *hostRun) loopItems(ctx context.Context, sc *scope, loopV any) ([]any, error) {
	if str, ok := loopV.(string); ok && hr.t.LoopWith != "" {
		loopV = strings.TrimSpace(str) // listify_lookup_plugin_terms strips before templating
	}
	v, err := sc.template(loopV)
	if err != nil {
		return nil, err
	}
	with := hr.t.LoopWith
	if with == "" {
		switch t := v.(type) {
		case *pyval.List:
			return t.Items, nil
		case pyval.Tuple:
			return t, nil
		case string:
			return nil, fmt.Errorf("Invalid data passed to 'loop', it requires a list, got this instead: %s. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", t)
		}
		return nil, fmt.Errorf("Invalid data passed to 'loop', it requires a list, got this instead: %s. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", pyval.Str(v))
	}
	items, err := hr.pr.r.lookups.Loop(sc.ctx, with, v)
	if err != nil {
		return nil, err
	}
	// A loop item reaches the task as a list where a plugin made a tuple
	// (indexed_items, subelements), as ansible-playbook shows it.
	for i, it := range items {
		if t, ok := it.(pyval.Tuple); ok {
			items[i] = pyval.NewList(t...)
		}
	}
	return items, nil
}
