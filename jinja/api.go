package jinja

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"

	"gplay/pyval"
)

// Vars resolves template variables. The engine implements it per host so
// that variables are resolved lazily; a variable whose value is itself a
// template is templated by the implementation when looked up (see
// Env.LazyVars for Ansible's rules).
type Vars interface {
	Get(name string) (value any, ok bool)
}

// RawVars is optionally implemented by a Vars to expose a variable's value
// before templating. Ansible returns a bool or number variable unchanged
// for "{{ name }}" but renders anything else through Jinja, so
// "{{ name }}" with name: "{{ 5 }}" is the string "5"; Template needs the
// raw value to tell the two apart. Without it, Get is used.
type RawVars interface {
	Raw(name string) (value any, ok bool)
}

// Loader finds templates for include, import and from-import. It returns an
// error wrapping ErrTemplateNotFound for a missing template.
type Loader interface {
	Load(name string) (string, error)
}

// ErrTemplateNotFound is wrapped by Loader errors for missing templates.
var ErrTemplateNotFound = errors.New("template not found")

// Lookuper runs lookup plugins for lookup(), query() and q(). It returns
// the plugin's list of results; lookup() then joins them as Ansible does.
// kwargs carry errors= and allow_unsafe for the Lookuper to apply: a
// failure it ignores is answered (nil, nil), which lookup() turns into None
// and query() into []; results it does not mark pyval.Unsafe are trusted.
// An error with an Undefined() bool method returning true is reported as
// an undefined variable.
type Lookuper interface {
	Lookup(ctx context.Context, name string, terms []any, kwargs *pyval.Dict) ([]any, error)
}

// Options configure an Env. The zero value is Ansible's templating of
// variables and arguments: trim_blocks on, lstrip_blocks off.
type Options struct {
	// KeepBlockNewline turns trim_blocks off (the template module's
	// trim_blocks: false).
	KeepBlockNewline bool
	// LstripBlocks strips whitespace before block tags on their line.
	LstripBlocks bool
	Loader       Loader
	Lookuper     Lookuper
	// Now returns the time for now() and strftime; time.Now when nil.
	Now func() time.Time
	// IgnoreUndefined is Ansible's error_on_undefined_vars=False: a
	// template (Template, Render) that meets an undefined variable comes
	// back as its own text instead of failing, as do_template does.
	IgnoreUndefined bool
	// Extensions enables Jinja2 extensions by name, as Ansible's
	// jinja2_extensions setting does: "loopcontrols" ({% break %} and
	// {% continue %}) and "do" ({% do expr %}). Both are off in Ansible's
	// default configuration.
	Extensions []string
}

// Env holds configuration and a cache of parsed templates. It is safe for
// concurrent use: templates are parsed once and rendered many times.
type Env struct {
	opts    Options
	filters map[string]filterFunc
	tests   map[string]testFunc
	globals map[string]any

	mu    sync.Mutex
	cache map[cacheKey][]stmt
}

type cacheKey struct {
	src  string
	opts lexOpts
	file bool
}

const maxCache = 20000

// NewEnv returns an environment with Jinja2's and Ansible's filters and
// tests.
func NewEnv(opts Options) *Env {
	e := &Env{opts: opts, cache: map[cacheKey][]stmt{}}
	e.filters = builtinFilters()
	e.tests = builtinTests()
	e.globals = builtinGlobals()
	return e
}

func (e *Env) hasExtension(name string) bool {
	for _, x := range e.opts.Extensions {
		if x == name || x == "jinja2.ext."+name {
			return true
		}
	}
	return false
}

func (e *Env) hasFilter(name string) bool { _, ok := e.filters[name]; return ok }
func (e *Env) hasTest(name string) bool   { _, ok := e.tests[name]; return ok }
func (e *Env) global(name string) any {
	if g, ok := e.globals[name]; ok {
		return g
	}
	return nil
}

func (e *Env) now() time.Time {
	if e.opts.Now != nil {
		return e.opts.Now()
	}
	return time.Now()
}

func (e *Env) compile(src string, opts lexOpts) ([]stmt, error) {
	key := cacheKey{src: src, opts: opts}
	e.mu.Lock()
	body, ok := e.cache[key]
	e.mu.Unlock()
	if ok {
		return body, nil
	}
	body, err := parse(e, normalizeSource(src), opts)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if len(e.cache) >= maxCache {
		e.cache = map[cacheKey][]stmt{}
	}
	e.cache[key] = body
	e.mu.Unlock()
	return body, nil
}

func (s *state) loadTemplate(name string) ([]stmt, error) {
	loader := s.loader
	if loader == nil {
		loader = s.env.opts.Loader
	}
	if loader == nil {
		return nil, &Error{Kind: ErrRuntime, Msg: name}
	}
	src, err := loader.Load(name)
	if err != nil {
		if errors.Is(err, ErrTemplateNotFound) {
			return nil, err
		}
		return nil, rtErr("%s", err.Error())
	}
	opts := s.lex
	opts.rawVarStrings = false
	return s.env.compile(src, opts)
}

// IsTemplate reports whether s contains a Jinja2 start delimiter, as
// Ansible's is_possibly_template does.
func IsTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}

// FileOptions are the template module's per-task settings.
type FileOptions struct {
	KeepBlockNewline bool // trim_blocks: false
	LstripBlocks     bool
	// Loader finds templates named by include, import and extends in this
	// file (the template module's search path); nil uses the Env's.
	Loader Loader
}

// Render renders src as the template module renders a file: the result is
// always a string, trailing newlines of src are kept, and backslashes in
// string literals are Jinja's.
func (e *Env) Render(ctx context.Context, src string, vars Vars, fo FileOptions) (string, error) {
	opts := lexOpts{trimBlocks: !fo.KeepBlockNewline, lstripBlocks: fo.LstripBlocks}
	text, err := applyOverrides(src, &opts)
	if err != nil {
		return "", err
	}
	body, err := e.compile(text, opts)
	if err == errUncompilable {
		return src, nil
	}
	if err != nil {
		return "", withTemplate(err, text)
	}
	s := &state{env: e, ctx: ctx, vars: vars, lex: opts, loader: fo.Loader}
	out := &output{}
	if err := s.execTemplate(body, newFrame(nil), out); err != nil {
		if e.opts.IgnoreUndefined && KindOf(err) == ErrUndefined {
			return text, nil
		}
		return "", withTemplate(cleanErr(err), text)
	}
	return keepNewlines(src, out.String()), nil
}

// applyOverrides handles a first line "#jinja2: trim_blocks: False, ..."
// as Ansible's do_template does, returning the template without it.
func applyOverrides(src string, opts *lexOpts) (string, error) {
	const prefix = "#jinja2:"
	if !strings.HasPrefix(src, prefix) {
		return src, nil
	}
	eol := strings.IndexByte(src, '\n')
	line, rest := src[len(prefix):], ""
	if eol >= 0 {
		line, rest = src[len(prefix):eol], src[eol+1:]
	} else {
		// Python's data[len(prefix):-1] and data[0:] when find() is -1
		line, rest = src[len(prefix):max(len(src)-1, len(prefix))], src
	}
	for _, pair := range strings.Split(line, ",") {
		key, val, ok := strings.Cut(pair, ":")
		if !ok {
			return "", &Error{Kind: ErrRuntime, Msg: "failed to parse jinja2 override '" + strings.TrimSpace(pair) + "'. Did you use something different from colon as key-value separator?"}
		}
		v, ok := literalEval(strings.TrimSpace(val), false)
		if !ok {
			return "", &Error{Kind: ErrRuntime, Msg: "malformed node or string in jinja2 override: " + strings.TrimSpace(val)}
		}
		switch strings.TrimSpace(key) {
		case "trim_blocks":
			opts.trimBlocks = pyval.Truth(v)
		case "lstrip_blocks":
			opts.lstripBlocks = pyval.Truth(v)
		default:
			return "", &Error{Kind: ErrRuntime, Msg: "jinja2 override " + strings.TrimSpace(key) + " is not supported by gplay"}
		}
	}
	return rest, nil
}

// keepNewlines re-adds trailing newlines Jinja dropped (do_template's
// preserve_trailing_newlines).
func keepNewlines(src, res string) string {
	want := countTrailingNewlines(src)
	have := countTrailingNewlines(res)
	if want > have {
		res += strings.Repeat("\n", want-have)
	}
	return res
}

func countTrailingNewlines(s string) int {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\n'; i-- {
		n++
	}
	return n
}

// Python's $ also matches before a final newline. The patterns of this
// package compile on first use: the gplay binary is also the agent on every
// target, which never templates and should not pay for them at start.
var singleVarRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\{\{\s*([\p{L}\p{N}_]*)\s*\}\}\n?$`) })

// Template templates a variable or module argument value as Ansible's
// Templar.template does: a string without delimiters is returned as is;
// "{{ name }}" of a bool or number variable is that value; otherwise the
// rendered text becomes a list, dict or bool when it reads as one
// (ansible_eval_concat), else stays a string. Lists and dicts are
// templated item by item.
func (e *Env) Template(ctx context.Context, v any, vars Vars) (any, error) {
	switch t := v.(type) {
	case string:
		return e.templateString(ctx, t, vars)
	case *pyval.List:
		out := make([]any, len(t.Items))
		for i, it := range t.Items {
			r, err := e.Template(ctx, it, vars)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return pyval.NewList(out...), nil
	case pyval.Tuple:
		out := make([]any, len(t))
		for i, it := range t {
			r, err := e.Template(ctx, it, vars)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return pyval.NewList(out...), nil
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		var err error
		t.Range(func(k, x any) bool {
			var r any
			r, err = e.Template(ctx, x, vars)
			d.Set(k, r)
			return err == nil
		})
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return v, nil
}

func (e *Env) templateString(ctx context.Context, src string, vars Vars) (any, error) {
	if !IsTemplate(src) {
		return src, nil
	}
	if m := singleVarRE().FindStringSubmatch(src); m != nil && vars != nil {
		var raw any
		var ok bool
		if rv, isRaw := vars.(RawVars); isRaw {
			raw, ok = rv.Raw(m[1])
		} else {
			raw, ok = vars.Get(m[1])
		}
		if ok {
			switch raw.(type) {
			case bool, int64, float64, int, nil:
				return raw, nil
			}
		}
	}
	opts := lexOpts{trimBlocks: true}
	text, err := applyOverrides(src, &opts)
	if err != nil {
		return nil, err
	}
	opts.rawVarStrings = strings.Contains(text, "\\") && strings.Contains(text, "{{")
	body, err := e.compile(text, opts)
	if err == errUncompilable {
		return src, nil
	}
	if err != nil {
		return nil, withTemplate(err, text)
	}
	s := &state{env: e, ctx: ctx, vars: vars, eval: true, lex: opts}
	out := &output{lazy: true}
	if err := s.exec(body, newFrame(nil), out); err != nil {
		if e.opts.IgnoreUndefined && KindOf(err) == ErrUndefined {
			return text, nil
		}
		return nil, withTemplate(cleanErr(err), text)
	}
	res := evalConcat(out)
	if str, ok := res.(string); ok {
		res = keepNewlines(src, str)
	}
	if s.unsafe {
		res = wrapUnsafe(res, 0)
	}
	return res, nil
}

func cleanErr(err error) error {
	if err == errBreak || err == errContinue {
		return &Error{Kind: ErrRuntime, Msg: "break or continue outside a loop"}
	}
	return err
}

// Eval evaluates a bare expression (no delimiters) to its native value.
func (e *Env) Eval(ctx context.Context, expression string, vars Vars) (any, error) {
	key := cacheKey{src: expression, file: true}
	e.mu.Lock()
	body, ok := e.cache[key]
	e.mu.Unlock()
	if !ok {
		x, err := parseExpr(e, expression)
		if err != nil {
			return nil, err
		}
		body = []stmt{&outputStmt{X: x}}
		e.mu.Lock()
		if len(e.cache) >= maxCache {
			e.cache = map[cacheKey][]stmt{}
		}
		e.cache[key] = body
		e.mu.Unlock()
	}
	s := &state{env: e, ctx: ctx, vars: vars, eval: true}
	v, err := s.evalExpr(body[0].(*outputStmt).X, newFrame(nil))
	if err != nil {
		return nil, err
	}
	return v, nil
}

var definedRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(hostvars\[.+\]|[\p{L}\p{N}_]+)\s+(not\s+is|is|is\s+not)\s+(defined|undefined)`)
})
var undefinedNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`'(hostvars\[.+\]|[\p{L}\p{N}_]+)' is undefined`) })

// Cond evaluates a conditional (when, changed_when, failed_when, until,
// assert's that) as Ansible 2.14's Conditional does: the expression is
// rendered inside {% if %} and Python truthiness decides; an undefined
// variable is an error unless the conditional itself tests that variable
// with "is defined"/"is undefined". Errors are worded as Ansible's
// ("The conditional check 'x' failed. The error was: ...").
func (e *Env) Cond(ctx context.Context, conditional string, vars Vars) (bool, error) {
	v, err := e.CondValue(ctx, conditional, vars)
	if err != nil {
		return false, err
	}
	return truth(v)
}

// CondValue is Cond returning what Ansible's evaluate_conditional returns:
// True or False, or, when the conditional is itself a template ("{{ x }}")
// that renders to something other than a non-empty string, that value
// (an empty string, a list...), whose truth then decides.
func (e *Env) CondValue(ctx context.Context, conditional string, vars Vars) (any, error) {
	if conditional == "" {
		return true, nil
	}
	res, err := e.cond(ctx, conditional, vars)
	if err == nil {
		return res, nil
	}
	var je *Error
	if !errors.As(err, &je) {
		return nil, err
	}
	presented := "{% if " + conditional + " %} True {% else %} False {% endif %}"
	if je.Template != "" {
		presented = je.Template // the wrapper around the templated conditional
	}
	var why string
	switch {
	case je.Kind == ErrUndefined:
		if m := undefinedNameRE().FindStringSubmatch(je.Msg); m != nil {
			rest := conditional
			for {
				d := definedRE().FindStringSubmatchIndex(rest)
				if d == nil {
					break
				}
				du, logic, st := rest[d[2]:d[3]], rest[d[4]:d[5]], rest[d[6]:d[7]]
				rest = rest[d[1]:]
				if strings.ReplaceAll(m[1], "'", `"`) == strings.ReplaceAll(du, "'", `"`) {
					shouldExist := strings.Contains(logic, "not") != (st == "defined")
					return !shouldExist, nil
				}
			}
		}
		why = "error while evaluating conditional (" + conditional + "): " + je.Msg + ". " + je.Msg
	case je.Kind == ErrSyntax:
		why = "template error while templating string: " + je.Msg + ". String: " + presented + ". " + je.Msg
	case je.typeError:
		why = "Unexpected templating type error occurred on (" + presented + "): " + je.Msg + ". " + je.Msg
	default:
		why = je.Msg
	}
	return nil, &Error{Kind: je.Kind, Pos: je.Pos, Msg: "The conditional check '" + conditional + "' failed. The error was: " + why}
}

func (e *Env) cond(ctx context.Context, conditional string, vars Vars) (any, error) {
	c, err := e.templateString(ctx, conditional, vars)
	if err != nil {
		return nil, err
	}
	cs, ok := c.(string)
	if !ok || cs == "" {
		return c, nil // _check_conditional returns it as it is
	}
	presented := "{% if " + cs + " %} True {% else %} False {% endif %}"
	r, err := e.templateString(ctx, presented, vars)
	if err != nil {
		var je *Error
		if errors.As(err, &je) && je.Pos.Line == 1 && je.Pos.Col > 6 {
			je.Pos.Col -= 6 // positions refer to the conditional, not the wrapper
		}
		return nil, err
	}
	switch strings.TrimSpace(pyStr(r)) {
	case "True":
		return true, nil
	case "False":
		return false, nil
	}
	return nil, &Error{Kind: ErrRuntime, Msg: "unable to evaluate conditional: " + conditional}
}

// MapVars serves variables from a dict as they are, without templating.
type MapVars struct{ D *pyval.Dict }

// Get implements Vars.
func (m MapVars) Get(name string) (any, bool) {
	if m.D == nil {
		return nil, false
	}
	return m.D.Get(name)
}

// LazyVars serves variables from d, templating each value when it is
// looked up as Ansible's AnsibleJ2Vars does; a value that fails with an
// undefined error becomes an Undefined carrying that error, so that
// `is defined` and default() still work on it.
func (e *Env) LazyVars(ctx context.Context, d *pyval.Dict) Vars {
	return &lazyVars{env: e, ctx: ctx, d: d}
}

type lazyVars struct {
	env *Env
	ctx context.Context
	d   *pyval.Dict
	// busy names the variables being templated, to stop a variable that
	// refers to itself.
	busy map[string]bool
}

func (l *lazyVars) Raw(name string) (any, bool) { return l.d.Get(name) }

func (l *lazyVars) Get(name string) (any, bool) {
	v, ok := l.d.Get(name)
	if !ok {
		return nil, false
	}
	if l.busy[name] {
		return &VarError{Err: &Error{Kind: ErrRuntime, Msg: "recursive loop detected in template string: " + pyStr(v)}}, true
	}
	if l.busy == nil {
		l.busy = map[string]bool{}
	}
	l.busy[name] = true
	defer delete(l.busy, name)
	return l.env.ResolveValue(l.ctx, name, v, l), true
}

// ResolveValue templates the raw value of variable name as Ansible's
// AnsibleJ2Vars does when a template looks the variable up: unsafe values
// come back as they are, lists and dicts are copied with their strings
// templated, an undefined error becomes an Undefined carrying Ansible's
// hint (so `is defined` and default() still work) and any other error a
// *VarError. A Vars implementation calls it from Get; it must itself stop
// a variable that refers to itself (LazyVars does).
func (e *Env) ResolveValue(ctx context.Context, name string, v any, vars Vars) any {
	if _, isUnsafe := v.(pyval.Unsafe); isUnsafe {
		return v
	}
	if !containsTemplate(v, 0) {
		return copyContainers(v, 0) // Templar.template builds new lists and dicts
	}
	r, err := e.Template(ctx, v, vars)
	if err != nil {
		var je *Error
		if !errors.As(err, &je) {
			return &VarError{Err: err}
		}
		if je.Kind == ErrUndefined {
			// the hint is f"{variable}: {e.message}", and an
			// AnsibleUndefinedVariable's message repeats its cause
			return pyval.Undefined{Name: name, Hint: pyStr(v) + ": " + je.Msg + ". " + je.Msg}
		}
		if strings.HasPrefix(je.Msg, "An unhandled exception occurred while templating") || strings.HasPrefix(je.Msg, "recursive loop detected") {
			return &VarError{Err: err}
		}
		// AnsibleJ2Vars wraps every other failure, naming its class
		class, msg := "<class 'ansible.errors.AnsibleError'>", je.Msg
		switch {
		case je.Kind == ErrSyntax:
			msg = "template error while templating string: " + je.Msg + ". String: " + pyStr(v) + ". " + je.Msg
		case je.typeError:
			msg = "Unexpected templating type error occurred on (" + pyStr(v) + "): " + je.Msg + ". " + je.Msg
		case je.pyClass != "":
			class = "<class '" + je.pyClass + "'>"
		}
		return &VarError{Err: &Error{Kind: ErrRuntime, Pos: je.Pos, Msg: "An unhandled exception occurred while templating '" + pyStr(v) + "'. Error was a " + class + ", original message: " + msg}}
	}
	return r
}

// copyContainers copies lists and dicts deeply (tuples become lists, as
// Templar.template makes them); scalars are shared.
func copyContainers(v any, depth int) any {
	if depth > 1000 {
		return v
	}
	switch t := v.(type) {
	case *pyval.List:
		out := make([]any, len(t.Items))
		for i, x := range t.Items {
			out[i] = copyContainers(x, depth+1)
		}
		return pyval.NewList(out...)
	case pyval.Tuple:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = copyContainers(x, depth+1)
		}
		return pyval.NewList(out...)
	case *pyval.Dict:
		d := t.Copy()
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			switch x.(type) {
			case *pyval.List, pyval.Tuple, *pyval.Dict:
				d.Set(k, copyContainers(x, depth+1))
			}
		}
		return d
	}
	return v
}

// containsTemplate reports whether v holds a string to template.
func containsTemplate(v any, depth int) bool {
	if depth > 100 {
		return true
	}
	switch t := v.(type) {
	case string:
		return IsTemplate(t)
	case *pyval.List:
		for _, x := range t.Items {
			if containsTemplate(x, depth+1) {
				return true
			}
		}
	case pyval.Tuple:
		for _, x := range t {
			if containsTemplate(x, depth+1) {
				return true
			}
		}
	case *pyval.Dict:
		for _, x := range t.Values() {
			if containsTemplate(x, depth+1) {
				return true
			}
		}
	}
	return false
}

// VarError is a value a Vars may return for a variable whose templating
// failed with something other than an undefined variable: the template
// that uses the variable then fails with Err, as Ansible's AnsibleJ2Vars
// raises at lookup.
type VarError struct{ Err error }
