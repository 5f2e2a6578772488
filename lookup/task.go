package lookup

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"time"

	"gplay/pyval"
)

// Vars resolves the task's variables by name, templated (the engine's
// per-host variables; jinja.Vars satisfies it). The vars and template
// lookups read through it; a value that cannot be templated because of an
// undefined variable comes back as a pyval.Undefined.
type Vars interface {
	Get(name string) (value any, ok bool)
}

// VarNamer is optionally implemented by a Vars to list the names it holds;
// the varnames lookup needs it.
type VarNamer interface {
	Names() []string
}

// Decrypter decrypts vault-encrypted controller files (vault.Keyring
// satisfies it). name is for messages.
type Decrypter interface {
	DecryptFile(name string, data []byte) ([]byte, error)
}

// Renderer renders a template file for the template lookup. The engine
// implements it with its jinja.Env: the template is rendered as the
// template module renders files (trailing newlines kept, backslashes not
// escaped, trim_blocks on), with t.Vars as its variables and t.SearchPath
// for include/import. ConvertData true means the text is then read as
// Ansible's templar does for variables (ansible_eval_concat: "[...]",
// "{...}", "True", "False" become values); false keeps it a string. The
// delimiter fields are empty for Jinja's defaults.
type Renderer interface {
	RenderTemplate(ctx context.Context, t Template) (any, error)
}

// RendererFunc adapts a function to Renderer.
type RendererFunc func(ctx context.Context, t Template) (any, error)

// RenderTemplate implements Renderer.
func (f RendererFunc) RenderTemplate(ctx context.Context, t Template) (any, error) { return f(ctx, t) }

// Template is one template lookup request given to a Renderer.
type Template struct {
	Name       string   // the term, as the user wrote it
	Path       string   // the file found in the search path
	Source     string   // the file's text (decrypted if it was vaulted)
	SearchPath []string // directories for include/import, in order
	// Vars are the task's variables overlaid with Ansible's template_*
	// variables and the lookup's template_vars.
	Vars                       Vars
	VariableStart, VariableEnd string
	CommentStart, CommentEnd   string
	ConvertData                bool
}

// TaskContext is what lookups need to know about the task they run for.
// The engine builds one per task (per host) and puts it into the context
// given to jinja with WithTask; jinja hands that context to Lookup, so the
// plugins see the right search path and variables without any global
// state. Every field is optional; the zero value runs lookups as from a
// playbook in the current directory with no variables.
type TaskContext struct {
	// SearchPath is Ansible's ansible_search_path for the task: the role
	// paths of the dependency chain (current role first), then the
	// directory of the task's file, then the playbook directory (see
	// SearchPath). Relative file names are looked up in <dir>/files (or
	// templates, vars) and <dir> of each entry, in order.
	SearchPath []string
	// Basedir is the loader's base directory: the playbook's directory.
	// It is the last resort of every search, the directory pipe and lines
	// commands run in, and what relative password file paths are relative
	// to. Empty means the current directory.
	Basedir string
	// RolePath is role_path when the task belongs to a role; it replaces
	// Basedir as the search root when SearchPath is empty.
	RolePath string
	// Action is the task's module name; a with_first_found loop searches
	// templates/ when it contains "template", vars/ for "var", files/
	// otherwise.
	Action string

	Vars Vars
	// Templater templates a value with the task's variables as
	// Templar.template(fail_on_undefined=True) does (jinja's Env.Template).
	// Lookup runs every term through it first, because Ansible templates
	// lookup terms once more (listify_lookup_plugin_terms): a string term
	// "{{ name }}.txt" is rendered, Unsafe strings are not. Its errors are
	// returned unchanged. Nil skips that step.
	Templater func(ctx context.Context, v any) (any, error)
	Renderer  Renderer
	Decrypter Decrypter
	// InventoryHostname lets the vars lookup fall back to
	// hostvars[inventory_hostname][name] as Ansible does.
	InventoryHostname string
	// Hosts resolves inventory patterns ("web:&prod", "!db") to host
	// names in inventory order, for the inventory_hostnames lookup; the
	// engine answers from its inventory (Ansible rebuilds one from the
	// groups variable). Nil makes that lookup fail.
	Hosts func(patterns []string) ([]string, error)
	// Config answers the config lookup: the value of an Ansible setting
	// (DEFAULT_BECOME_USER…) as ansible.cfg and ANSIBLE_* made it, or,
	// with pluginType and pluginName set, a plugin's setting. ok is false
	// for an unknown setting. Nil: every setting is unknown.
	Config func(setting, pluginType, pluginName string) (value any, ok bool)
	// Check is the task's check mode. Ansible's lookups ignore it (a pipe
	// runs and a password file is written under --check too), and so do
	// ours; it is here for plugins that may care.
	Check bool

	// Warn receives warnings (errors=warn, first_found misses…). Nil drops.
	Warn func(msg string)
	// Getenv reads the controller's environment for the env lookup; nil
	// means os.LookupEnv.
	Getenv func(name string) (string, bool)
	// Stderr receives the standard error of pipe and lines commands
	// (Ansible leaves it on the terminal); nil discards it.
	Stderr io.Writer
	// Now is the clock for template_run_date; nil means time.Now.
	Now func() time.Time
}

type taskKey struct{}

// WithTask returns a context that carries tc to the lookups run under it.
func WithTask(ctx context.Context, tc *TaskContext) context.Context {
	return context.WithValue(ctx, taskKey{}, tc)
}

// Task returns the TaskContext carried by ctx, or an empty one.
func Task(ctx context.Context) *TaskContext {
	if tc, ok := ctx.Value(taskKey{}).(*TaskContext); ok && tc != nil {
		return tc
	}
	return &TaskContext{}
}

// SearchPath computes ansible_search_path as Ansible's
// Base.get_search_path and TaskExecutor do: roleChain lists the role paths
// from the outermost role that pulled the task's role in down to the
// task's own role; they come in reverse (own role first), then the
// directory of taskFile unless already present, then basedir (the playbook
// directory) unless already present.
func SearchPath(roleChain []string, taskFile, basedir string) []string {
	var out []string
	for i := len(roleChain) - 1; i >= 0; i-- {
		out = append(out, roleChain[i])
	}
	add := func(p string) {
		if p == "" {
			return
		}
		for _, x := range out {
			if x == p {
				return
			}
		}
		out = append(out, p)
	}
	if taskFile != "" {
		add(filepath.Dir(taskFile))
	}
	add(basedir)
	return out
}

func (tc *TaskContext) warn(msg string) {
	if tc.Warn != nil {
		tc.Warn(msg)
	}
}

func (tc *TaskContext) getenv(name string) (string, bool) {
	if tc.Getenv != nil {
		return tc.Getenv(name)
	}
	return os.LookupEnv(name)
}

func (tc *TaskContext) basedir() string {
	if tc.Basedir != "" {
		return tc.Basedir
	}
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}

func (tc *TaskContext) now() time.Time {
	if tc.Now != nil {
		return tc.Now()
	}
	return time.Now()
}

// getVar looks a variable up; ok is false when there are no vars or the
// name is unknown.
func (tc *TaskContext) getVar(name string) (any, bool) {
	if tc.Vars == nil {
		return nil, false
	}
	return tc.Vars.Get(name)
}

// overlayVars serves extra names first, then the task's variables.
type overlayVars struct {
	top  *pyval.Dict
	base Vars
}

func (o overlayVars) Get(name string) (any, bool) {
	if v, ok := o.top.Get(name); ok {
		return v, true
	}
	if o.base == nil {
		return nil, false
	}
	return o.base.Get(name)
}

func (o overlayVars) Names() []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range o.top.Keys() {
		if s, ok := str(k); ok && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if n, ok := o.base.(VarNamer); ok {
		for _, s := range n.Names() {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
