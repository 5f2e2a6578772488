package module

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"gplay/pyval"
)

// ValidationError is a failed argument validation. Msgs are every problem
// found, in the order Ansible's ArgumentSpecValidator finds them; Error
// returns the first, as AnsibleModule reports only that one.
type ValidationError struct {
	Module string // short name, for the "Unsupported parameters" prefix
	Msgs   []string
	// Unsupported is set when the first problem is an unknown key.
	Unsupported bool
}

func (e *ValidationError) Error() string {
	if len(e.Msgs) == 0 {
		return "invalid arguments"
	}
	if e.Unsupported && e.Module != "" {
		return fmt.Sprintf("Unsupported parameters for (%s) module: %s", e.Module, e.Msgs[0])
	}
	return e.Msgs[0]
}

// Validate checks raw arguments against the module's spec; see Spec.Validate.
// Errors name the module as Ansible's do.
func (i Info) Validate(raw *pyval.Dict) (Args, error) {
	a, err := i.Spec.Validate(raw)
	if ve, ok := err.(*ValidationError); ok {
		ve.Module = i.ID.Name()
	}
	return a, err
}

// Deferred wraps an argument value that is only known at run time (a
// Jinja2 template, at load time). Validate checks its presence (unknown
// keys, required, mutually exclusive) but not its type or choices, so the
// engine can validate literal task args at load time without false alarms.
type Deferred struct{ V any }

// Validate checks raw arguments (string keys, pyval values) against the spec
// the way Ansible's ArgumentSpecValidator.validate does, in the same order:
// env fallbacks, aliases, no_log values, unknown keys, mutually_exclusive,
// defaults, required, types (lenient coercion), choices, required_together /
// one_of / if / by, remaining params set to None, then nested options. Keys
// starting with "_ansible_" are ignored. raw is not modified. The returned
// Args hold every param of the spec (None when absent without default).
// On failure the error is a *ValidationError.
func (s Spec) Validate(raw *pyval.Dict) (Args, error) {
	v := validator{}
	params := pyval.NewDict(0)
	if raw != nil {
		raw.Range(func(k, val any) bool {
			ks := pyval.Str(k)
			if !strings.HasPrefix(ks, "_ansible_") {
				params.Set(ks, val)
			}
			return true
		})
	}
	unsupported := v.validate(s.AllParams(), s.Rules, params, nil)
	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		msg := fmt.Sprintf("%s. Supported parameters include: %s.", strings.Join(unsupported, ", "), v.supported)
		v.unsupportedFirst = len(v.errs) == 0
		v.errs = append(v.errs, msg)
	}
	args := Args{d: params, noLog: v.noLog, warnings: v.warnings}
	if len(v.errs) > 0 {
		return args, &ValidationError{Msgs: v.errs, Unsupported: v.unsupportedFirst}
	}
	return args, nil
}

type validator struct {
	errs             []string
	warnings         []string
	noLog            []string
	supported        string // "a, b, c (alias1, alias2)" of the spec where the last unknown key was found
	unsupportedFirst bool
}

func (v *validator) errf(ctx []string, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if len(ctx) > 0 {
		msg += " found in " + strings.Join(ctx, " -> ")
	}
	v.errs = append(v.errs, msg)
}

// addNoLog records the string leaves of a secret value.
func (v *validator) addNoLog(val any) {
	switch t := val.(type) {
	case nil:
	case *pyval.Dict:
		t.Range(func(_, x any) bool { v.addNoLog(x); return true })
	case *pyval.List:
		for _, x := range t.Items {
			v.addNoLog(x)
		}
	case pyval.Tuple:
		for _, x := range t {
			v.addNoLog(x)
		}
	default:
		if s := pyval.Str(t); s != "" {
			v.noLog = append(v.noLog, s)
		}
	}
}

func present(params *pyval.Dict, name string) bool { return params.Has(name) }

func countTerms(params *pyval.Dict, terms []string) int {
	n := 0
	for _, t := range terms {
		if params.Has(t) {
			n++
		}
	}
	return n
}

// validate runs one level of the spec and returns unknown keys (dotted
// with their context for nested options).
func (v *validator) validate(spec []Param, rules Rules, params *pyval.Dict, ctx []string) []string {
	// fallbacks
	for _, p := range spec {
		if present(params, p.Name) {
			continue
		}
		for _, env := range p.Fallback {
			if val, ok := os.LookupEnv(env); ok {
				params.Set(p.Name, val)
				if p.NoLog {
					v.addNoLog(val)
				}
				break
			}
		}
	}
	// aliases: the alias's value wins, with a warning when both are set
	legal := map[string]bool{}
	var names, aliases []string
	for _, p := range spec {
		legal[p.Name] = true
		names = append(names, p.Name)
		for _, al := range p.Aliases {
			legal[al] = true
			aliases = append(aliases, al)
			if val, ok := params.Get(al); ok {
				if present(params, p.Name) {
					prefix := ""
					if len(ctx) > 0 {
						prefix = strings.Join(ctx, ".") + "."
					}
					v.warnings = append(v.warnings, fmt.Sprintf("Both option %s%s and its alias %s%s are set.", prefix, p.Name, prefix, al))
				}
				params.Set(p.Name, val)
			}
		}
	}
	for _, p := range spec {
		for _, al := range p.Aliases {
			if al != p.Name {
				params.Delete(al)
			}
		}
	}
	// no_log values
	for _, p := range spec {
		if val, ok := params.Get(p.Name); ok && p.NoLog {
			v.addNoLog(val)
		}
	}
	// unknown keys
	var unsupported []string
	for _, k := range params.Keys() {
		ks := k.(string)
		if !legal[ks] {
			unsupported = append(unsupported, strings.Join(append(append([]string(nil), ctx...), ks), "."))
		}
	}
	if len(unsupported) > 0 {
		sort.Strings(names)
		sort.Strings(aliases)
		v.supported = strings.Join(names, ", ")
		if len(aliases) > 0 {
			v.supported += " (" + strings.Join(aliases, ", ") + ")"
		}
		for _, k := range unsupported {
			params.Delete(k[strings.LastIndexByte(k, '.')+1:])
		}
	}
	for _, terms := range rules.MutuallyExclusive {
		if countTerms(params, terms) > 1 {
			v.errf(ctx, "parameters are mutually exclusive: %s", strings.Join(terms, "|"))
			break
		}
	}
	v.setDefaults(spec, params, false)
	var missing []string
	for _, p := range spec {
		if p.Required && !present(params, p.Name) {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		v.errf(ctx, "missing required arguments: %s", strings.Join(missing, ", "))
	}
	v.checkTypes(spec, params, ctx)
	v.checkChoices(spec, params, ctx)
	v.checkRules(rules, params, ctx)
	v.setDefaults(spec, params, true)
	// nested options
	for _, p := range spec {
		if p.Options == nil || !(p.Type == TypeDict || (p.Type == TypeList && p.Elements == TypeDict)) {
			continue
		}
		val, _ := params.Get(p.Name)
		if _, deferred := val.(Deferred); deferred {
			continue
		}
		if val == nil {
			if !p.ApplyDefaults {
				continue
			}
			val = pyval.NewDict(0)
			params.Set(p.Name, val)
		}
		var elems []any
		switch t := val.(type) {
		case *pyval.List:
			elems = t.Items
		default:
			elems = []any{val}
		}
		sub := append(append([]string(nil), ctx...), p.Name)
		for _, e := range elems {
			d, ok := e.(*pyval.Dict)
			if !ok {
				v.errs = append(v.errs, fmt.Sprintf("value of '%s' must be of type dict or list of dicts", p.Name))
				continue
			}
			unsupported = append(unsupported, v.validate(p.Options, p.Rules, d, sub)...)
		}
	}
	return unsupported
}

// setDefaults is _set_defaults: first only params with a non-None default,
// then (all=true) every absent param as None.
func (v *validator) setDefaults(spec []Param, params *pyval.Dict, all bool) {
	for _, p := range spec {
		if present(params, p.Name) {
			continue
		}
		if p.Default != nil {
			d := copyValue(p.Default)
			if p.NoLog {
				v.addNoLog(d)
			}
			params.Set(p.Name, d)
		} else if all {
			params.Set(p.Name, nil)
		}
	}
}

// copyValue copies containers so that a module mutating its args never
// changes a spec's default.
func copyValue(x any) any {
	switch t := x.(type) {
	case *pyval.List:
		items := make([]any, len(t.Items))
		for i, it := range t.Items {
			items[i] = copyValue(it)
		}
		return pyval.NewList(items...)
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, val any) bool { d.Set(k, copyValue(val)); return true })
		return d
	case []string:
		items := make([]any, len(t))
		for i, s := range t {
			items[i] = s
		}
		return pyval.NewList(items...)
	case int:
		return int64(t)
	}
	return x
}

func (v *validator) checkTypes(spec []Param, params *pyval.Dict, ctx []string) {
	for _, p := range spec {
		val, ok := params.Get(p.Name)
		if !ok || val == nil {
			continue
		}
		if _, deferred := val.(Deferred); deferred {
			continue
		}
		wanted := p.Type
		if wanted == "" {
			wanted = TypeStr
		}
		c, err := coerce(wanted, val)
		if err != nil {
			msg := fmt.Sprintf("argument '%s' is of type %s", p.Name, pyClass(val))
			if len(ctx) > 0 {
				msg += fmt.Sprintf(" found in '%s'.", strings.Join(ctx, " -> "))
			}
			v.errs = append(v.errs, fmt.Sprintf("%s and we were unable to convert to %s: %s", msg, wanted, err))
			continue
		}
		if p.Elements != "" {
			l, isList := c.(*pyval.List)
			if wanted != TypeList || !isList {
				v.errs = append(v.errs, fmt.Sprintf("Invalid type %s for option '%s', elements value check is supported only with 'list' type", wanted, pyval.Str(c)))
				params.Set(p.Name, c)
				continue
			}
			out := make([]any, len(l.Items))
			for i, e := range l.Items {
				ce, err := coerce(p.Elements, e)
				if err != nil {
					msg := fmt.Sprintf("Elements value for option '%s'", p.Name)
					if len(ctx) > 0 {
						msg += fmt.Sprintf(" found in '%s'", strings.Join(ctx, " -> "))
					}
					v.errs = append(v.errs, fmt.Sprintf("%s is of type %s and we were unable to convert to %s: %s", msg, pyClass(e), p.Elements, err))
					ce = e
				}
				out[i] = ce
			}
			c = pyval.NewList(out...)
		}
		params.Set(p.Name, c)
	}
}

func inChoices(x any, choices []any) bool {
	for _, c := range choices {
		if pyval.Equal(x, copyValue(c)) {
			return true
		}
	}
	return false
}

func (v *validator) checkChoices(spec []Param, params *pyval.Dict, ctx []string) {
	for _, p := range spec {
		if p.Choices == nil {
			continue
		}
		val, ok := params.Get(p.Name)
		if !ok {
			continue
		}
		if _, deferred := val.(Deferred); deferred {
			continue
		}
		strs := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			strs[i] = pyval.Str(c)
		}
		if l, isList := val.(*pyval.List); isList {
			var bad []string
			for _, it := range l.Items {
				if !inChoices(it, p.Choices) {
					bad = append(bad, pyval.Str(it))
				}
			}
			if len(bad) > 0 {
				v.errf(ctx, "value of %s must be one or more of: %s. Got no match for: %s", p.Name, strings.Join(strs, ", "), strings.Join(bad, ", "))
			}
			continue
		}
		if inChoices(val, p.Choices) {
			continue
		}
		// YAML may have turned yes/no into a bool that became "True"/"False":
		// map it back when exactly one boolean spelling is a choice.
		if s, isStr := val.(string); isStr && (s == "True" || s == "False") {
			set := boolTrue
			if s == "False" {
				set = boolFalse
			}
			var match []any
			for _, c := range p.Choices {
				for _, b := range set {
					if cs, ok := c.(string); ok && cs == b {
						match = append(match, c)
					}
				}
			}
			if len(match) == 1 {
				params.Set(p.Name, match[0])
				continue
			}
		}
		v.errf(ctx, "value of %s must be one of: %s, got: %s", p.Name, strings.Join(strs, ", "), pyval.Str(val))
	}
}

func (v *validator) checkRules(r Rules, params *pyval.Dict, ctx []string) {
	for _, terms := range r.RequiredTogether {
		n := countTerms(params, terms)
		if n > 0 && n < len(terms) {
			v.errf(ctx, "parameters are required together: %s", strings.Join(terms, ", "))
			break
		}
	}
	for _, terms := range r.RequiredOneOf {
		if countTerms(params, terms) == 0 {
			v.errf(ctx, "one of the following is required: %s", strings.Join(terms, ", "))
			break
		}
	}
	for _, ri := range r.RequiredIf {
		val, ok := params.Get(ri.Key)
		if !ok || !pyval.Equal(val, copyValue(ri.Value)) {
			continue
		}
		var missing []string
		for _, req := range ri.Requires {
			if !params.Has(req) {
				missing = append(missing, req)
			}
		}
		max := 0
		requires := "all"
		if ri.AnyOf {
			max = len(ri.Requires)
			requires = "any"
		}
		if len(missing) > 0 && len(missing) >= max {
			v.errf(ctx, "%s is %s but %s of the following are missing: %s", ri.Key, pyval.Str(ri.Value), requires, strings.Join(missing, ", "))
			break
		}
	}
	for _, rb := range r.RequiredBy {
		if val, ok := params.Get(rb.Key); !ok || val == nil {
			continue
		}
		var missing []string
		for _, req := range rb.Requires {
			if val, ok := params.Get(req); !ok || val == nil {
				missing = append(missing, req)
			}
		}
		if len(missing) > 0 {
			v.errf(ctx, "missing parameter(s) required by '%s': %s", rb.Key, strings.Join(missing, ", "))
			break
		}
	}
}
