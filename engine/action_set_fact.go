package engine

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gplay/pyval"
)

func init() { registerAction("set_fact", actSetFact, true) }

var varNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// actSetFact sets host variables at set_fact precedence; cacheable: true
// also stores them with the facts (ansible.builtin.set_fact).
func actSetFact(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	args, err := a.args()
	if err != nil {
		return nil, err
	}
	cacheable := false
	facts := pyval.NewDict(args.Len())
	var bad error
	args.Range(func(k, v any) bool {
		ks := pyval.Str(k)
		// keys are templated too (set_fact "{{ name }}": value)
		if tk, err := a.sc.templateStr(ks); err == nil {
			ks = tk
		}
		if ks == "cacheable" {
			cacheable = truthy(v)
			return true
		}
		if !varNameRE.MatchString(ks) {
			bad = fmt.Errorf("The variable name '%s' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.", ks)
			return false
		}
		// as set_fact without jinja2_native: "yes"/"no"/"true"/"false"
		// strings become booleans
		if s, ok := v.(string); ok {
			switch strings.ToLower(s) {
			case "true", "yes":
				v = true
			case "false", "no":
				v = false
			}
		}
		facts.Set(ks, v)
		return true
	})
	if bad != nil {
		return nil, bad
	}
	if facts.Len() == 0 {
		return nil, fmt.Errorf("No key/value pairs provided, at least one is required for this action to succeed")
	}
	h := a.hr.h
	h.mu.Lock()
	facts.Range(func(k, v any) bool {
		h.setFacts.Set(k, v)
		if cacheable {
			h.cachedFacts.Set(k, v)
		}
		return true
	})
	h.mu.Unlock()
	if cacheable {
		a.hr.pr.r.storeFacts(h)
	}
	return pyval.DictOf("ansible_facts", facts, "changed", false, "failed", false), nil
}
