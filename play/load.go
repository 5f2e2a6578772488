package play

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gplay/diag"
	"gplay/pyval"
	"gplay/yaml11"
)

// ActionInfo says how an action takes free-form arguments.
type ActionInfo struct {
	// FreeForm: the action accepts words that are not k=v
	// (_raw_params); others reject them as "extra params".
	FreeForm bool
	// RawKeys, when non-nil, makes the action free-form as command's:
	// only k=v words whose key it accepts become arguments, every other
	// word stays in _raw_params (parse_kv's check_raw).
	RawKeys func(string) bool
}

// Actions tells the loader which names are actions. The engine implements
// it over its module.Registry and its engine-side actions.
type Actions interface {
	Action(name string) (ActionInfo, bool)
	// Names lists every known name, for "did you mean" hints.
	Names() []string
}

// Options configure a Loader.
type Options struct {
	Actions   Actions
	RolesPath []string
	Decrypter yaml11.Decrypter
	// Warnings collects warnings (duplicate keys, …); nil drops them.
	Warnings *diag.List
	// Template renders a templated import path ("{{ x }}.yml") with the
	// variables known at load time; nil leaves such paths as written.
	Template func(s string) (string, error)
}

// Loader loads playbooks, task files and roles. The engine keeps it to
// expand include_tasks and include_role when they are reached.
type Loader struct {
	opts    Options
	sources map[string][]byte
	roles   map[string]*Role
	// play is the play being loaded: imported roles add their handlers to it.
	play *Play
}

// NewLoader returns a loader.
func NewLoader(opts Options) *Loader {
	return &Loader{opts: opts, sources: map[string][]byte{}, roles: map[string]*Role{}}
}

// Source returns the text of a loaded file, for error snippets.
func (l *Loader) Source(file string) []byte { return l.sources[file] }

// ansibleClass names a YAML value's type as Ansible's loader objects print
// in its messages.
func ansibleClass(v any) string {
	switch v.(type) {
	case *pyval.Dict:
		return "<class 'ansible.parsing.yaml.objects.AnsibleMapping'>"
	case string:
		return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>"
	}
	return "<class '" + pyval.TypeName(v) + "'>"
}

func (l *Loader) errAt(pos diag.Pos, format string, args ...any) *diag.Error {
	e := diag.Errorf(pos, format, args...)
	if src, ok := l.sources[pos.File]; ok {
		e.Source = diag.LineOf(src, pos.Line)
	}
	return e
}

func (l *Loader) readYAML(path string) (*yaml11.Node, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if yaml11.IsVaultFile(src) {
		// a whole-file vault: decrypt first, as Ansible's DataLoader
		if l.opts.Decrypter == nil {
			return nil, fmt.Errorf("Attempting to decrypt but no vault secrets found")
		}
		if src, err = l.opts.Decrypter.Decrypt(src); err != nil {
			return nil, fmt.Errorf("decrypt %s: %w", path, err)
		}
	}
	l.sources[path] = src
	return yaml11.Load(path, src, yaml11.Options{Decrypter: l.opts.Decrypter, Warnings: l.opts.Warnings})
}

// LoadVarsFile reads a YAML/JSON file of variables; it must hold a mapping.
func (l *Loader) LoadVarsFile(path string) (*pyval.Dict, error) {
	n, err := l.readYAML(path)
	if err != nil {
		return nil, err
	}
	if n.IsNull() {
		return pyval.NewDict(0), nil
	}
	d, ok := n.Value().(*pyval.Dict)
	if !ok {
		return nil, l.errAt(n.Pos, "vars file %s must contain a dictionary of variables", path)
	}
	return d, nil
}

// Load loads a playbook file, expanding import_playbook.
func (l *Loader) Load(path string) (*Playbook, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	pb := &Playbook{Path: abs, Dir: filepath.Dir(abs)}
	if err := l.loadPlaybookFile(pb, abs, nil, 0); err != nil {
		return nil, err
	}
	return pb, nil
}

func (l *Loader) loadPlaybookFile(pb *Playbook, path string, imp map[string]any, depth int) error {
	if depth > 20 {
		return fmt.Errorf("import_playbook nested too deeply at %s", path)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("the playbook: %s could not be found", path)
	}
	n, err := l.readYAML(path)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	if n.IsNull() {
		return &diag.Error{Msg: "Empty playbook, nothing to do: " + abs}
	}
	if n.Kind != yaml11.SequenceNode {
		return l.errAt(n.Pos, "A playbook must be a list of plays, got a %s instead: %s", ansibleClass(n.Value()), abs)
	}
	if len(n.Items) == 0 {
		return &diag.Error{Msg: "A playbook must contain at least one play: " + abs}
	}
	for _, item := range n.Items {
		if item.Kind != yaml11.MappingNode {
			return l.errAt(item.Pos, "playbook entries must be either valid plays or 'import_playbook' statements")
		}
		var impNode *yaml11.Node
		for _, k := range []string{"import_playbook", "ansible.builtin.import_playbook", "include", "ansible.builtin.include"} {
			if v := item.Get(k); v != nil {
				impNode = v
			}
		}
		if impNode != nil {
			target := strings.TrimSpace(pyval.Str(impNode.Value()))
			if i := strings.IndexByte(target, ' '); i > 0 {
				target = target[:i]
			}
			target = l.render(target)
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(path), target)
			}
			kw := map[string]any{}
			for _, p := range item.Pairs {
				k := p.Key.Text
				if k == "when" || k == "tags" || k == "vars" {
					kw[k] = p.Value.Value()
				}
			}
			first := len(pb.Plays)
			if err := l.loadPlaybookFile(pb, target, kw, depth+1); err != nil {
				return err
			}
			for _, p := range pb.Plays[first:] {
				mergeImportKw(p, kw)
			}
			continue
		}
		p, err := l.loadPlay(item, path)
		if err != nil {
			return err
		}
		pb.Plays = append(pb.Plays, p)
	}
	return nil
}

// mergeImportKw gives plays of an imported playbook the import's when,
// tags and vars.
func mergeImportKw(p *Play, kw map[string]any) {
	if w, ok := kw["when"]; ok {
		p.Kw["when"] = appendList(w, p.Kw["when"])
	}
	if t, ok := kw["tags"]; ok {
		p.Kw["tags"] = appendList(t, p.Kw["tags"])
	}
	if v, ok := kw["vars"].(*pyval.Dict); ok {
		nv := v.Copy()
		if p.Vars != nil {
			p.Vars.Range(func(k, x any) bool { nv.Set(k, x); return true })
		}
		p.Vars = nv
	}
}

func appendList(a, b any) any {
	var out []any
	for _, x := range []any{a, b} {
		switch t := x.(type) {
		case nil:
		case *pyval.List:
			out = append(out, t.Items...)
		default:
			out = append(out, t)
		}
	}
	return pyval.NewList(out...)
}

func (l *Loader) render(s string) string {
	if l.opts.Template != nil && strings.Contains(s, "{{") {
		if r, err := l.opts.Template(s); err == nil {
			return r
		}
	}
	return s
}

var playKeywords = map[string]bool{
	"name": true, "hosts": true, "vars": true, "vars_files": true, "vars_prompt": true, "gather_facts": true,
	"pre_tasks": true, "roles": true, "tasks": true, "post_tasks": true, "handlers": true,
	"become": true, "become_user": true, "become_method": true, "become_flags": true, "become_exe": true,
	"serial": true, "strategy": true, "any_errors_fatal": true, "max_fail_percentage": true,
	"force_handlers": true, "ignore_unreachable": true, "ignore_errors": true, "tags": true,
	"environment": true, "module_defaults": true, "order": true, "remote_user": true, "connection": true,
	"port": true, "no_log": true, "check_mode": true, "diff": true, "collections": true,
	"gather_subset": true, "gather_timeout": true, "fact_path": true, "run_once": true, "throttle": true,
	"timeout": true, "debugger": true,
}

func (l *Loader) loadPlay(n *yaml11.Node, file string) (*Play, error) {
	p := &Play{Pos: n.Pos, Kw: map[string]any{}, KwPos: map[string]diag.Pos{}, File: file, Dir: filepath.Dir(file)}
	l.play = p
	defer func() { l.play = nil }()
	var sections = map[string]*yaml11.Node{}
	for _, pair := range n.Pairs {
		k := pair.Key.Text
		if !playKeywords[k] {
			return nil, l.errAt(n.Pos, "'%s' is not a valid attribute for a Play", k)
		}
		v := pair.Value
		switch k {
		case "name":
			p.Name = pyval.Str(v.Value())
			if v.IsNull() {
				p.Name = ""
			}
		case "hosts":
			p.Hosts = v.Value()
		case "vars":
			d, err := l.varsValue(v)
			if err != nil {
				return nil, err
			}
			p.Vars = d
		case "vars_files":
			switch x := v.Value().(type) {
			case *pyval.List:
				p.VarsFiles = x.Items
			case nil:
			default:
				p.VarsFiles = []any{x}
			}
		case "vars_prompt":
			vp, err := l.varsPrompt(v)
			if err != nil {
				return nil, err
			}
			p.VarsPrompt = vp
		case "pre_tasks", "tasks", "post_tasks", "handlers", "roles":
			sections[k] = v
		default:
			p.Kw[k] = v.Value()
			p.KwPos[k] = v.Pos
		}
	}
	if p.Hosts == nil {
		// Ansible shows this one without a position
		return nil, &diag.Error{Msg: "the field 'hosts' is required but was not set"}
	}
	var err error
	if v := sections["handlers"]; v != nil {
		if p.Handlers, err = l.taskList(v, nil, nil, file, true); err != nil {
			return nil, err
		}
	}
	if v := sections["pre_tasks"]; v != nil {
		if p.PreTasks, err = l.taskList(v, nil, nil, file, false); err != nil {
			return nil, err
		}
	}
	if v := sections["roles"]; v != nil && !v.IsNull() {
		if v.Kind != yaml11.SequenceNode {
			return nil, l.errAt(v.Pos, "a play's roles must be a list")
		}
		seen := map[string]bool{}
		for _, it := range v.Items {
			ref, err := l.roleRef(it)
			if err != nil {
				return nil, err
			}
			p.Roles = append(p.Roles, ref)
			blocks, err := l.roleBlocks(ref, p.Dir, seen, 0)
			if err != nil {
				return nil, err
			}
			p.RoleTasks = append(p.RoleTasks, blocks...)
		}
	}
	if v := sections["tasks"]; v != nil {
		if p.Tasks, err = l.taskList(v, nil, nil, file, false); err != nil {
			return nil, err
		}
	}
	if v := sections["post_tasks"]; v != nil {
		if p.PostTasks, err = l.taskList(v, nil, nil, file, false); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (l *Loader) varsValue(v *yaml11.Node) (*pyval.Dict, error) {
	switch x := v.Value().(type) {
	case *pyval.Dict:
		return x, nil
	case nil:
		return pyval.NewDict(0), nil
	case *pyval.List:
		// a list of dicts is accepted, as Ansible's _load_vars does
		d := pyval.NewDict(0)
		for _, it := range x.Items {
			id, ok := it.(*pyval.Dict)
			if !ok {
				return nil, l.errAt(v.Pos, "Vars in a Play must be specified as a dictionary, or a list of dictionaries")
			}
			id.Range(func(k, val any) bool { d.Set(k, val); return true })
		}
		return d, nil
	}
	return nil, l.errAt(v.Pos, "Vars in a Play must be specified as a dictionary, or a list of dictionaries")
}

func (l *Loader) varsPrompt(v *yaml11.Node) ([]*VarPrompt, error) {
	var out []*VarPrompt
	if v.Kind != yaml11.SequenceNode {
		return nil, l.errAt(v.Pos, "vars_prompt must be a list")
	}
	for _, it := range v.Items {
		d, ok := it.Value().(*pyval.Dict)
		if !ok {
			return nil, l.errAt(it.Pos, "vars_prompt entries must be dictionaries")
		}
		vp := &VarPrompt{Pos: it.Pos, Private: true, Raw: d}
		if x, ok := d.Get("name"); ok {
			vp.Name = pyval.Str(x)
		} else {
			return nil, l.errAt(it.Pos, "Invalid vars_prompt data structure, missing 'name' key")
		}
		if x, ok := d.Get("prompt"); ok {
			vp.Prompt = pyval.Str(x)
		}
		if x, ok := d.Get("default"); ok {
			vp.Default = x
		}
		if x, ok := d.Get("private"); ok {
			vp.Private = pyval.Truth(x)
		}
		out = append(out, vp)
	}
	return out, nil
}

// taskKeywords are the keywords of a task (playbook/task.py and its bases).
var taskKeywords = map[string]bool{
	"any_errors_fatal": true, "args": true, "async": true, "become": true, "become_exe": true,
	"become_flags": true, "become_method": true, "become_user": true, "changed_when": true,
	"check_mode": true, "collections": true, "connection": true, "debugger": true, "delay": true,
	"delegate_facts": true, "delegate_to": true, "diff": true, "environment": true, "failed_when": true,
	"ignore_errors": true, "ignore_unreachable": true, "loop": true, "loop_control": true,
	"module_defaults": true, "name": true, "no_log": true, "notify": true, "poll": true, "port": true,
	"register": true, "remote_user": true, "retries": true, "run_once": true, "tags": true,
	"throttle": true, "timeout": true, "until": true, "vars": true, "when": true, "listen": true,
}

// blockKeywords are the keywords of a block (playbook/block.py).
var blockKeywords = map[string]bool{
	"any_errors_fatal": true, "become": true, "become_exe": true, "become_flags": true,
	"become_method": true, "become_user": true, "check_mode": true, "collections": true,
	"connection": true, "debugger": true, "delegate_facts": true, "delegate_to": true, "diff": true,
	"environment": true, "ignore_errors": true, "ignore_unreachable": true, "module_defaults": true,
	"name": true, "no_log": true, "notify": true, "port": true, "remote_user": true, "run_once": true,
	"tags": true, "throttle": true, "timeout": true, "vars": true, "when": true,
}

func (l *Loader) taskList(n *yaml11.Node, parent *Task, role *Role, file string, handler bool) ([]*Task, error) {
	if n.IsNull() {
		return nil, nil
	}
	if n.Kind != yaml11.SequenceNode {
		return nil, l.errAt(n.Pos, "A malformed block was encountered while loading tasks: %s should be a list", pyval.Repr(n.Value()))
	}
	var out []*Task
	for _, it := range n.Items {
		t, err := l.task(it, parent, role, file, handler)
		if err != nil {
			return nil, err
		}
		if t != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

func (l *Loader) task(n *yaml11.Node, parent *Task, role *Role, file string, handler bool) (*Task, error) {
	if n.Kind != yaml11.MappingNode {
		return nil, l.errAt(n.Pos, "A malformed block was encountered while loading tasks: %s should be a dictionary", pyval.Repr(n.Value()))
	}
	t := &Task{Pos: n.Pos, Kw: map[string]any{}, KwPos: map[string]diag.Pos{}, Parent: parent, Role: role, File: file, Handler: handler}
	if n.Get("block") != nil {
		return l.block(n, t)
	}
	var actionKey *yaml11.Pair
	var actions []string
	var extraArgs *pyval.Dict
	for i := range n.Pairs {
		pair := &n.Pairs[i]
		k := pair.Key.Text
		v := pair.Value
		switch {
		case k == "name":
			t.Name = v.Value()
		case k == "args":
			d, ok := v.Value().(*pyval.Dict)
			if !ok && !v.IsNull() {
				if s, isStr := v.Value().(string); isStr && strings.Contains(s, "{{") {
					t.Kw["args"] = s
					continue
				}
				return nil, l.errAt(v.Pos, "args must be a dictionary, received %s", pyval.Repr(v.Value()))
			}
			extraArgs = d
		case k == "listen":
			for _, x := range listOf(v.Value()) {
				t.Listen = append(t.Listen, pyval.Str(x))
			}
		case k == "action" || k == "local_action":
			actions = append(actions, k)
			actionKey = pair
		case strings.HasPrefix(k, "with_"):
			t.LoopWith = k[len("with_"):]
			t.Kw["loop"] = v.Value()
			t.KwPos["loop"] = v.Pos
		case taskKeywords[k]:
			t.Kw[k] = v.Value()
			t.KwPos[k] = v.Pos
		default:
			actions = append(actions, k)
			actionKey = pair
		}
	}
	if len(actions) > 1 {
		return nil, l.errAt(n.Pos, "conflicting action statements: %s", strings.Join(actions, ", "))
	}
	if actionKey == nil {
		return nil, l.errAt(n.Pos, "no module/action detected in task.")
	}
	if err := l.actionForm(t, actionKey); err != nil {
		return nil, err
	}
	if extraArgs != nil {
		args := extraArgs.Copy()
		t.Args.Range(func(k, v any) bool { args.Set(k, v); return true })
		t.Args = args
	}
	return l.expandStatic(t)
}

func listOf(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case *pyval.List:
		return t.Items
	}
	return []any{v}
}

// actionForm fills Action and Args from the action's key and value.
func (l *Loader) actionForm(t *Task, pair *yaml11.Pair) error {
	k := pair.Key.Text
	v := pair.Value
	name := k
	var rest any = v.Value()
	if k == "action" || k == "local_action" {
		if k == "local_action" {
			t.Kw["delegate_to"] = "localhost"
		}
		switch x := v.Value().(type) {
		case string:
			s := strings.TrimSpace(x)
			i := strings.IndexAny(s, " \n\t")
			if i < 0 {
				name, rest = s, nil
			} else {
				name, rest = s[:i], strings.TrimSpace(s[i+1:])
			}
		case *pyval.Dict:
			m, ok := x.Get("module")
			if !ok {
				return l.errAt(v.Pos, "no module/action detected in task.")
			}
			name = pyval.Str(m)
			d := pyval.NewDict(x.Len())
			x.Range(func(kk, vv any) bool {
				if kk != "module" {
					d.Set(kk, vv)
				}
				return true
			})
			rest = d
		default:
			return l.errAt(v.Pos, "unexpected parameter type in action: %s", pyval.TypeName(x))
		}
	}
	info, ok := ActionInfo{}, true
	if l.opts.Actions != nil {
		info, ok = l.opts.Actions.Action(name)
	}
	if !ok {
		e := l.errAt(pair.Key.Pos, "couldn't resolve module/action '%s'. This often indicates a misspelling, missing collection, or incorrect module path.", name)
		if l.opts.Actions != nil {
			if s := suggest(name, l.opts.Actions.Names()); len(s) > 0 {
				e.Hint = "did you mean " + strings.Join(s, ", ") + "?"
			}
		}
		return e
	}
	t.Action = name
	switch x := rest.(type) {
	case nil:
		t.Args = pyval.NewDict(0)
	case *pyval.Dict:
		t.Args = x.Copy()
	case string:
		kv, err := ParseKV(x, info.RawKeys)
		if err != nil {
			return l.errAt(v.Pos, "%v: %s", err, x)
		}
		t.Args = pyval.NewDict(len(kv))
		for _, p := range kv {
			t.Args.Set(p[0], p[1])
		}
		if t.Args.Has(RawParams) && !info.FreeForm && info.RawKeys == nil && l.opts.Actions != nil {
			return l.errAt(v.Pos, "this task '%s' has extra params, which is only allowed in the following modules: %s", name, strings.Join(l.freeFormNames(), ", "))
		}
	case int64, float64, bool:
		t.Args = pyval.DictOf(RawParams, pyval.Str(x))
	default:
		return l.errAt(v.Pos, "unexpected parameter type in action: %s", pyval.TypeName(x))
	}
	return nil
}

func (l *Loader) block(n *yaml11.Node, t *Task) (*Task, error) {
	t.IsBlock = true
	var err error
	for _, pair := range n.Pairs {
		k := pair.Key.Text
		v := pair.Value
		switch {
		case k == "block" || k == "rescue" || k == "always":
		case k == "name":
			t.Name = v.Value()
		case blockKeywords[k]:
			t.Kw[k] = v.Value()
			t.KwPos[k] = v.Pos
		default:
			return nil, l.errAt(n.Pos, "'%s' is not a valid attribute for a Block", k)
		}
	}
	if t.Block, err = l.taskList(n.Get("block"), t, t.Role, t.File, t.Handler); err != nil {
		return nil, err
	}
	if r := n.Get("rescue"); r != nil {
		if t.Rescue, err = l.taskList(r, t, t.Role, t.File, t.Handler); err != nil {
			return nil, err
		}
	}
	if a := n.Get("always"); a != nil {
		if t.Always, err = l.taskList(a, t, t.Role, t.File, t.Handler); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// freeFormNames lists the actions that take free-form words, for the
// extra params error.
func (l *Loader) freeFormNames() []string {
	var out []string
	for _, n := range l.opts.Actions.Names() {
		if info, ok := l.opts.Actions.Action(n); ok && (info.FreeForm || info.RawKeys != nil) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ShortAction returns an action name without an ansible.builtin. or
// ansible.legacy. prefix, for recognising the language's own actions.
func ShortAction(name string) string {
	for _, p := range []string{"ansible.builtin.", "ansible.legacy."} {
		if strings.HasPrefix(name, p) {
			return name[len(p):]
		}
	}
	return name
}

// expandStatic expands import_tasks and import_role into implicit blocks.
func (l *Loader) expandStatic(t *Task) (*Task, error) {
	switch ShortAction(t.Action) {
	case "import_tasks":
		file := argStr(t.Args, "file", RawParams)
		if file == "" {
			return nil, l.errAt(t.Pos, "No file specified for import_tasks")
		}
		path, err := l.FindTasksFile(l.render(file), t)
		if err != nil {
			return nil, l.errAt(t.Pos, "%v", err)
		}
		b := &Task{Pos: t.Pos, Kw: t.Kw, KwPos: t.KwPos, IsBlock: true, Implicit: true, Parent: t.Parent, Role: t.Role, File: path, Handler: t.Handler}
		b.Block, err = l.LoadTasksFile(path, b, t.Role, t.Handler)
		if err != nil {
			return nil, err
		}
		return b, nil
	case "import_role":
		ref := &RoleRef{Pos: t.Pos, Name: argStr(t.Args, "name"), Params: pyval.NewDict(0), Kw: map[string]any{}, From: map[string]string{}}
		for _, f := range []string{"tasks_from", "vars_from", "defaults_from", "handlers_from"} {
			if s := argStr(t.Args, f); s != "" {
				ref.From[f] = l.render(s)
			}
		}
		if ref.Name == "" {
			return nil, l.errAt(t.Pos, "'name' is a required field for import_role.")
		}
		dir := ""
		if l.play != nil {
			dir = l.play.Dir
		}
		blocks, err := l.roleBlocks(ref, dir, nil, 0)
		if err != nil {
			return nil, err
		}
		b := &Task{Pos: t.Pos, Kw: t.Kw, KwPos: t.KwPos, IsBlock: true, Implicit: true, Parent: t.Parent, Role: t.Role, File: t.File}
		for _, rb := range blocks {
			rb.Parent = b
		}
		b.Block = blocks
		return b, nil
	}
	return t, nil
}

func argStr(d *pyval.Dict, names ...string) string {
	for _, n := range names {
		if v, ok := d.Get(n); ok && v != nil {
			return pyval.Str(v)
		}
	}
	return ""
}

// FindTasksFile resolves a task file named by an include or import in t:
// absolute, next to the including file, in the role's tasks/, or next to
// the playbook.
func (l *Loader) FindTasksFile(name string, t *Task) (string, error) {
	if filepath.IsAbs(name) {
		return name, nil
	}
	var dirs []string
	if t.File != "" {
		dirs = append(dirs, filepath.Dir(t.File))
	}
	if t.Role != nil {
		dirs = append(dirs, filepath.Join(t.Role.Path, "tasks"), t.Role.Path)
	}
	if l.play != nil {
		dirs = append(dirs, l.play.Dir)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if len(dirs) > 0 {
		return filepath.Join(dirs[0], name), fmt.Errorf("Could not find or access '%s'", name)
	}
	return name, fmt.Errorf("Could not find or access '%s'", name)
}

// LoadTasksFile loads a task file whose tasks get parent and role.
func (l *Loader) LoadTasksFile(path string, parent *Task, role *Role, handler bool) ([]*Task, error) {
	n, err := l.readYAML(path)
	if err != nil {
		var de *diag.Error
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, fmt.Errorf("Could not find or access '%s': %w", path, err)
	}
	return l.taskList(n, parent, role, path, handler)
}

// SetPlay tells the loader which play dynamic includes belong to.
func (l *Loader) SetPlay(p *Play) { l.play = p }

// suggest returns the known names closest to name.
func suggest(name string, names []string) []string {
	type cand struct {
		s string
		d int
	}
	var cs []cand
	for _, n := range names {
		d := editDistance(name, n)
		if d <= 2 || (len(name) > 3 && strings.Contains(n, name)) {
			cs = append(cs, cand{n, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].s)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
