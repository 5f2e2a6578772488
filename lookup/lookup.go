package lookup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gplay/pyval"
)

// Plugin is one lookup plugin. Run gets the terms (the positional arguments
// of lookup()/query(), or the listified value of with_<name>) and the
// keyword options left after the registry has taken wantlist, errors and
// allow_unsafe out. It returns the plugin's list of results, as Ansible's
// LookupBase.run does. Run must not keep terms or kw: they belong to the
// caller (subelements copies before it edits).
type Plugin interface {
	Run(ctx context.Context, c *Call) ([]any, error)
}

// PluginFunc adapts a function to Plugin.
type PluginFunc func(ctx context.Context, c *Call) ([]any, error)

// Run implements Plugin.
func (f PluginFunc) Run(ctx context.Context, c *Call) ([]any, error) { return f(ctx, c) }

// Call is one invocation of a plugin.
type Call struct {
	Name string // short name, e.g. "file"
	// FullName is the name as the template gave it ("ansible.builtin.file").
	FullName string
	Terms    []any
	Kw       *pyval.Dict // never nil
	Task     *TaskContext
	// Loop is true when the plugin runs for a with_<name> loop rather than
	// lookup()/query(); first_found then searches the subdirectory that
	// matches the task's action, as Ansible's TaskExecutor sets _subdir.
	Loop bool
}

// Registry maps plugin names to plugins. It implements jinja's Lookuper
// (Lookup) and the with_<name> loops (Loop). A Registry is read-only once
// built and safe for concurrent use; per-task state travels in the context
// (WithTask), never in the registry.
type Registry struct {
	plugins map[string]Plugin
}

// NewRegistry returns a registry holding Ansible's built-in lookup plugins
// that gplay implements, under their short names and their
// ansible.builtin.* names.
func NewRegistry() *Registry {
	r := &Registry{plugins: map[string]Plugin{}}
	for name, p := range builtins() {
		r.Register(name, p)
	}
	r.Register("community.general.flattened", PluginFunc(flattenedLookup))
	return r
}

// Register adds p under name and, for a short name, under
// ansible.builtin.<name>. It panics on a duplicate, as a registration
// mistake is a programmer error found at start-up.
func (r *Registry) Register(name string, p Plugin) {
	names := []string{name}
	if !strings.Contains(name, ".") {
		// ansible.legacy.<name> resolves to the built-in too when no
		// local plugin shadows it
		names = append(names, "ansible.builtin."+name, "ansible.legacy."+name)
	}
	for _, n := range names {
		if _, dup := r.plugins[n]; dup {
			panic("lookup: duplicate plugin " + n)
		}
		r.plugins[n] = p
	}
}

// Names lists the registered names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.plugins))
	for n := range r.plugins {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Has reports whether name is a registered plugin (the engine asks this to
// tell with_<name> from an unknown keyword).
func (r *Registry) Has(name string) bool {
	_, ok := r.plugins[name]
	return ok
}

// loadName is the plugin's name in option errors: Ansible's _load_name,
// which for a plugin asked for as ansible.builtin.x is its Python module.
func (c *Call) loadName() string {
	if strings.HasPrefix(c.FullName, "ansible.builtin.") {
		return "ansible_collections.ansible.builtin.plugins.lookup." + c.Name
	}
	return c.Name
}

func shortName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// Lookup runs plugin name for lookup(), query() and q(), as Ansible's
// Templar._lookup does. It implements jinja.Lookuper.
//
// kwargs may still hold the templating options Ansible takes out before the
// plugin runs; Lookup takes them out of a copy (the caller's dict is left
// alone):
//   - wantlist: ignored here; the caller joins (see Join).
//   - errors: "strict" (default), "warn" or "ignore". A failing plugin under
//     warn/ignore gives a nil slice and a nil error; the caller must then
//     return None from lookup() and [] from query(), as Ansible does. An
//     empty result of a plugin that worked is a non-nil empty slice.
//     Undefined-variable and option errors are never ignored.
//   - allow_unsafe: when false (the default) every string in the result is
//     a pyval.Unsafe, so that lookup output is never templated again
//     (Ansible's wrap_var).
func (r *Registry) Lookup(ctx context.Context, name string, terms []any, kwargs *pyval.Dict) ([]any, error) {
	kw := pyval.NewDict(0)
	if kwargs != nil {
		kw = kwargs.Copy()
	}
	errMode := "strict"
	if v, ok := kw.Get("errors"); ok {
		kw.Delete("errors")
		errMode = pyval.Str(v)
	}
	allowUnsafe := false
	if v, ok := kw.Get("allow_unsafe"); ok {
		kw.Delete("allow_unsafe")
		allowUnsafe = pyval.Truth(v)
	}
	kw.Delete("wantlist")

	p, ok := r.plugins[name]
	if !ok {
		return nil, &Error{Plugin: name, Kind: KindNotFound, Msg: fmt.Sprintf("lookup plugin (%s) not found", name)}
	}
	tc := Task(ctx)
	if terms == nil {
		terms = []any{}
	}
	if tc.Templater != nil {
		t := make([]any, len(terms))
		for i, x := range terms {
			v, err := tc.Templater(ctx, x)
			if err != nil {
				return nil, err
			}
			t[i] = v
		}
		terms = t
	}
	res, err := p.Run(ctx, &Call{Name: shortName(name), FullName: name, Terms: terms, Kw: kw, Task: tc})
	if err != nil {
		var le *Error
		if !errors.As(err, &le) {
			le = &Error{Kind: KindOther, Msg: err.Error(), Err: err}
		}
		// Ansible names the plugin as the template did
		le.Plugin = name
		if le.Kind == KindUndefined || le.Kind == KindOptions || le.Kind == KindNotFound || errMode == "strict" || (errMode != "warn" && errMode != "ignore") {
			return nil, le
		}
		if errMode == "warn" {
			tc.warn(le.ignoredMsg())
		}
		return nil, nil
	}
	if res == nil {
		res = []any{}
	}
	if !allowUnsafe {
		res = wrapUnsafe(res).([]any)
	}
	return res, nil
}

// Loop runs the plugin behind a with_<name> loop, as Ansible's
// TaskExecutor._get_loop_items does. value is the with_<name> value after
// the engine templated it (a string is stripped of surrounding
// whitespace, then templated, as listify_lookup_plugin_terms does); a
// result that is not a list becomes a one-item list here. For with_first_found the
// engine templates leniently: items that still hold a template (an
// undefined variable) are dropped here. The result items are Unsafe-wrapped
// like lookup results.
func (r *Registry) Loop(ctx context.Context, name string, value any) ([]any, error) {
	p, ok := r.plugins[name]
	if !ok {
		return nil, &Error{Plugin: name, Kind: KindNotFound, Msg: fmt.Sprintf("Unexpected failure in finding the lookup named '%s' in the available lookup plugins", name)}
	}
	short := shortName(name)
	var terms []any
	if d, isDict := value.(*pyval.Dict); isDict {
		// listify_lookup_plugin_terms leaves a dict alone (it is
		// iterable); each plugin then treats it its own way
		switch short {
		case "dict":
			terms = []any{d}
		case "list", "indexed_items":
			return nil, &Error{Plugin: short, Kind: KindLookup, Msg: fmt.Sprintf("with_%s expects a list", short)}
		default:
			terms = append(terms, d.Keys()...)
		}
	} else {
		terms = listify(value)
	}
	if short == "first_found" {
		kept := terms[:0:0]
		for _, t := range terms {
			if s, ok := str(t); ok && isTemplate(s) {
				continue
			}
			kept = append(kept, t)
		}
		terms = kept
	}
	res, err := p.Run(ctx, &Call{Name: short, FullName: name, Terms: terms, Kw: pyval.NewDict(0), Task: Task(ctx), Loop: true})
	if err != nil {
		var le *Error
		if !errors.As(err, &le) {
			le = &Error{Kind: KindOther, Msg: err.Error(), Err: err}
		}
		if le.Plugin == "" {
			le.Plugin = short
		}
		if le.Kind == KindUndefined {
			// the engine keeps an undefined loop for later, as Ansible
			// does, so that a false when: can still skip the task
			return nil, le
		}
		// a loop reports the plugin's own message (no "unhandled
		// exception" wrapper: that is Templar._lookup's)
		return nil, &Error{Plugin: le.Plugin, Kind: KindLookup, Msg: le.Msg, Err: le}
	}
	if res == nil {
		res = []any{}
	}
	return wrapUnsafe(res).([]any), nil
}

// listify turns a value into terms as Ansible's
// listify_lookup_plugin_terms and Python iteration do: a list or tuple
// gives its items, a dict its keys, anything else (a string, a number) is
// the only term.
func listify(v any) []any {
	switch t := v.(type) {
	case *pyval.Dict:
		return append([]any(nil), t.Keys()...)
	case *pyval.List:
		return append([]any(nil), t.Items...)
	case pyval.Tuple:
		return append([]any(nil), t...)
	case []any:
		return append([]any(nil), t...)
	}
	return []any{v}
}

// Join is what lookup() returns for a plugin's results when wantlist is
// false, as Templar._lookup does: an empty list stays an empty list, a list
// of strings is joined with commas, a single non-string item is returned
// as is, and several items with a non-string among them stay a list. jinja
// implements the same rule on its side; Join is its reference and what the
// tests use.
func Join(res []any) any {
	if res == nil {
		return nil
	}
	if len(res) == 0 {
		return pyval.NewList()
	}
	parts := make([]string, len(res))
	allUnsafe := true
	for i, v := range res {
		switch s := v.(type) {
		case string:
			parts[i] = s
			allUnsafe = false
		case pyval.Unsafe:
			parts[i] = string(s)
		default:
			if len(res) == 1 {
				return v
			}
			return pyval.NewList(res...)
		}
	}
	j := strings.Join(parts, ",")
	if allUnsafe {
		return pyval.Unsafe(j)
	}
	return j
}

// wrapUnsafe marks every string inside v as Unsafe (Ansible's wrap_var),
// building new containers so that the caller's values are not changed.
func wrapUnsafe(v any) any {
	switch t := v.(type) {
	case string:
		return pyval.Unsafe(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = wrapUnsafe(x)
		}
		return out
	case *pyval.List:
		out := make([]any, len(t.Items))
		for i, x := range t.Items {
			out[i] = wrapUnsafe(x)
		}
		return pyval.NewList(out...)
	case pyval.Tuple:
		out := make(pyval.Tuple, len(t))
		for i, x := range t {
			out[i] = wrapUnsafe(x)
		}
		return out
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool {
			d.Set(wrapUnsafe(k), wrapUnsafe(x))
			return true
		})
		return d
	}
	return v
}

func isTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}

// str returns v's text when v is a Python str.
func str(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case pyval.Unsafe:
		return string(s), true
	}
	return "", false
}
