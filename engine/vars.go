package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gplay/jinja"
	"gplay/lookup"
	"gplay/play"
	"gplay/pyval"
)

// omitToken is the value of omit; an argument templated to it is dropped.
const omitToken = "__omit_place_holder__6e56f4bdb3bcf5f8d8ec6a2c43f7b2b4fa82e4f1"

// ansibleVersion is the ansible-core release playbooks see.
var ansibleVersion = pyval.DictOf("full", "2.14.18", "major", int64(2), "minor", int64(14), "revision", int64(18), "string", "2.14.18")

// layers are the variable sources of one evaluation, lowest precedence
// first; scope merges them.
type layers struct {
	// task is what lookups need to know about the evaluation (search path,
	// host); nil outside a host's task.
	task *taskInfo

	dicts []*pyval.Dict
	// hashMerge merges dicts across layers (hash_behaviour=merge).
	hashMerge bool
	// data names variables whose values are results or facts: they are
	// data, never templated again (Ansible marks them unsafe).
	data map[string]bool
}

func (l *layers) add(d *pyval.Dict) {
	if d != nil && d.Len() > 0 {
		l.dicts = append(l.dicts, d)
	}
}

func (l *layers) addData(d *pyval.Dict) {
	if d == nil {
		return
	}
	if l.data == nil {
		l.data = map[string]bool{}
	}
	d.Range(func(k, _ any) bool { l.data[pyval.Str(k)] = true; return true })
	l.add(d)
}

func (l *layers) merge() *pyval.Dict {
	out := pyval.NewDict(64)
	for _, d := range l.dicts {
		pyval.CombineVars(out, d, l.hashMerge)
	}
	return out
}

// scope is a jinja.Vars over merged variables, templating each value when
// it is first looked up, as Ansible's lazy templating does.
type scope struct {
	env       *jinja.Env
	ctx       context.Context
	d         *pyval.Dict
	data      map[string]bool
	cache     map[string]any
	resolving map[string]bool
}

func newScope(ctx context.Context, env *jinja.Env, l *layers) *scope {
	s := &scope{env: env, ctx: ctx, d: l.merge(), data: l.data, cache: map[string]any{}, resolving: map[string]bool{}}
	if l.task != nil {
		s.ctx = lookup.WithTask(ctx, l.task.context(s))
	}
	return s
}

// taskInfo locates an evaluation for the lookup plugins.
type taskInfo struct {
	r  *run
	pr *playRun
	h  *hostState
	t  *play.Task
}

// context is the lookup.TaskContext of a scope: Ansible's search path for
// the task, its variables and templating, and the run's vault secrets.
func (ti *taskInfo) context(s *scope) *lookup.TaskContext {
	var roles []string
	action, file, basedir := "", "", ""
	if ti.t != nil {
		for _, ref := range roleChain(ti.t) {
			if ref.Role != nil {
				roles = append(roles, ref.Role.Path)
			}
		}
		action, file = ti.t.Action, ti.t.File
	}
	if ti.pr != nil {
		basedir = ti.pr.play.Dir
	}
	tc := &lookup.TaskContext{
		SearchPath: lookup.SearchPath(roles, file, basedir),
		Basedir:    basedir,
		Action:     action,
		Vars:       s,
		Templater: func(ctx context.Context, v any) (any, error) {
			return s.env.Template(ctx, v, s)
		},
		Check: ti.r.opts.Check,
	}
	if len(roles) > 0 {
		tc.RolePath = roles[len(roles)-1]
	}
	if ti.h != nil {
		tc.InventoryHostname = ti.h.name
	}
	if d, ok := ti.r.opts.Decrypter.(lookup.Decrypter); ok {
		tc.Decrypter = d
	}
	return tc
}

// with returns a child scope with extra variables on top (loop item,
// registered result for changed_when).
func (s *scope) with(extra *pyval.Dict) *scope {
	d := s.d.Copy()
	data := map[string]bool{}
	for k := range s.data {
		data[k] = true
	}
	extra.Range(func(k, v any) bool {
		d.Set(k, v)
		data[pyval.Str(k)] = true
		return true
	})
	return &scope{env: s.env, ctx: s.ctx, d: d, data: data, cache: map[string]any{}, resolving: map[string]bool{}}
}

// lazyValue is a variable computed only when a template reads it: the
// magic variables that list every host of the play would otherwise cost
// O(hosts) for each host and task, O(hosts²) in all.
type lazyValue func() any

func (s *scope) Raw(name string) (any, bool) {
	v, ok := s.d.Get(name)
	if _, isLazy := v.(lazyValue); isLazy {
		return s.Get(name)
	}
	return v, ok
}

func (s *scope) Get(name string) (any, bool) {
	v, ok := s.d.Get(name)
	if !ok {
		return nil, false
	}
	if lv, isLazy := v.(lazyValue); isLazy {
		if c, ok := s.cache[name]; ok {
			return c, true
		}
		r := lv()
		s.cache[name] = r
		return r, true
	}
	if s.data[name] {
		return v, true
	}
	if _, isUnsafe := v.(pyval.Unsafe); isUnsafe {
		return v, true
	}
	if c, ok := s.cache[name]; ok {
		return c, true
	}
	if s.resolving[name] {
		return pyval.Undefined{Name: name, Hint: "recursive loop detected in template string: " + pyval.Str(v)}, true
	}
	s.resolving[name] = true
	defer delete(s.resolving, name)
	r, err := s.env.Template(s.ctx, v, s)
	if err != nil {
		if jinja.KindOf(err) == jinja.ErrUndefined {
			return pyval.Undefined{Name: name, Hint: err.Error()}, true
		}
		return pyval.Undefined{Name: name, Hint: fmt.Sprintf("%s: %v", pyval.Str(v), err)}, true
	}
	s.cache[name] = r
	return r, true
}

// template templates v (a string, list or dict) against the scope.
func (s *scope) template(v any) (any, error) {
	return s.env.Template(s.ctx, v, s)
}

func (s *scope) templateStr(v any) (string, error) {
	r, err := s.template(v)
	if err != nil {
		return "", err
	}
	return pyval.Str(r), nil
}

// cond evaluates a when-style conditional: a string, a bool, or a list of
// them that must all hold.
func (s *scope) cond(v any) (bool, error) {
	switch t := v.(type) {
	case nil:
		return true, nil
	case bool:
		return t, nil
	case *pyval.List:
		for _, it := range t.Items {
			ok, err := s.cond(it)
			if err != nil || !ok {
				return ok, err
			}
		}
		return true, nil
	case string:
		return s.env.Cond(s.ctx, t, s)
	case int64, float64:
		return pyval.Truth(t), nil
	}
	return s.env.Cond(s.ctx, pyval.Str(v), s)
}

// hostvarsMap is the lazy hostvars mapping: each host's variables are
// built and templated only when a template asks for them.
type hostvarsMap struct {
	r  *run
	pr *playRun
}

func (h hostvarsMap) Keys() []string {
	hs, _ := h.r.opts.Inventory.Select("all")
	return hs
}

func (h hostvarsMap) Get(name string) (any, bool) {
	hs := h.r.host(name)
	if hs == nil {
		if !contains(h.Keys(), name) {
			return nil, false
		}
		hs = h.r.host(name)
	}
	l := h.r.hostLayers(h.pr, hs, nil)
	return scopeMapping{newScope(h.r.ctx, h.r.env, l)}, true
}

// scopeMapping shows one host's scope as a dict.
type scopeMapping struct{ s *scope }

func (m scopeMapping) Get(k string) (any, bool) { return m.s.Get(k) }
func (m scopeMapping) Keys() []string {
	ks := make([]string, 0, m.s.d.Len())
	for _, k := range m.s.d.Keys() {
		ks = append(ks, pyval.Str(k))
	}
	return ks
}

// roleChain returns the role references of the implicit role blocks
// enclosing t, outermost first.
func roleChain(t *play.Task) []*play.RoleRef {
	var out []*play.RoleRef
	for p := t; p != nil; p = p.Parent {
		if p.RoleRef != nil {
			out = append([]*play.RoleRef{p.RoleRef}, out...)
		}
	}
	return out
}

// blockChain returns t's enclosing blocks, outermost first, then t.
func blockChain(t *play.Task) []*play.Task {
	var out []*play.Task
	for p := t; p != nil; p = p.Parent {
		out = append([]*play.Task{p}, out...)
	}
	return out
}

// hostLayers builds the variable layers for host h and task t (nil for
// play-level variables), lowest precedence first, as Ansible's
// VariableManager.get_vars.
func (r *run) hostLayers(pr *playRun, h *hostState, t *play.Task) *layers {
	l := &layers{task: &taskInfo{r: r, pr: pr, h: h, t: t}, hashMerge: r.opts.HashMerge}
	chain := []*play.RoleRef(nil)
	if t != nil {
		chain = roleChain(t)
	}
	// role defaults: every role of the play, then the task's own roles
	if pr != nil {
		for _, ref := range pr.play.Roles {
			if ref.Role != nil {
				l.add(ref.Role.Defaults)
			}
		}
	}
	for _, ref := range chain {
		if ref.Role != nil {
			l.add(ref.Role.Defaults)
		}
	}
	// the connection in use shows as ansible_connection unless the
	// inventory sets it (play keyword, then -c)
	conn := r.opts.Connection
	if pr != nil {
		if v, ok := pr.play.Kw["connection"]; ok {
			conn = pyval.Str(v)
		}
	}
	if conn != "" {
		l.add(pyval.DictOf("ansible_connection", conn))
	}
	l.add(r.opts.Inventory.Vars(h.name))
	// facts: ansible_facts and, injected, ansible_<fact>
	h.mu.Lock()
	facts := h.facts.Copy()
	cached := h.cachedFacts.Copy()
	hostVars := h.setFacts.Copy()
	incVars := h.includeVars.Copy()
	h.mu.Unlock()
	fl := pyval.NewDict(facts.Len() + 1)
	facts.Range(func(k, v any) bool {
		ks := pyval.Str(k)
		if !strings.HasPrefix(ks, "ansible_") && !strings.HasPrefix(ks, "discovered_interpreter") {
			ks = "ansible_" + ks
		}
		fl.Set(ks, v)
		return true
	})
	// set_fact cacheable facts are facts too: ansible_facts.<name>
	cached.Range(func(k, v any) bool { facts.Set(k, v); return true })
	fl.Set("ansible_facts", facts)
	l.addData(fl)
	l.addData(cached)
	if pr != nil {
		l.add(pr.play.Vars)
		l.add(pr.promptVars)
		l.add(pr.varsFiles)
		for _, ref := range pr.play.Roles {
			if ref.Role != nil {
				l.add(ref.Role.Vars)
			}
		}
	}
	for _, ref := range chain {
		if ref.Role != nil {
			l.add(ref.Role.Vars)
		}
	}
	if t != nil {
		for _, b := range blockChain(t) {
			if v, ok := b.Kw["vars"].(*pyval.Dict); ok {
				l.add(v)
			}
			if v, ok := b.Kw["_include_params"].(*pyval.Dict); ok {
				l.add(v)
			}
		}
	}
	l.add(incVars)
	l.addData(hostVars)
	for _, ref := range chain {
		l.add(ref.Params)
	}
	// Magic variables are data: templating them would walk groups and the
	// host lists once per host (O(hosts²)) for nothing.
	l.addData(r.magic(pr, h, t, chain))
	l.add(r.extraVars)
	return l
}

// magic returns the magic variables for h.
func (r *run) magic(pr *playRun, h *hostState, t *play.Task, chain []*play.RoleRef) *pyval.Dict {
	d := pyval.NewDict(32)
	d.Set("inventory_hostname", h.name)
	short := h.name
	if i := strings.IndexByte(short, '.'); i > 0 {
		short = short[:i]
	}
	d.Set("inventory_hostname_short", short)
	gn := r.opts.Inventory.GroupNames(h.name)
	gl := make([]any, 0, len(gn))
	for _, g := range gn {
		if g != "ungrouped" || len(gn) == 1 {
			gl = append(gl, g)
		}
	}
	d.Set("group_names", pyval.NewList(gl...))
	d.Set("groups", r.opts.Inventory.Groups())
	d.Set("hostvars", hostvarsMap{r: r, pr: pr})
	d.Set("omit", omitToken)
	d.Set("ansible_version", ansibleVersion)
	d.Set("ansible_check_mode", r.opts.Check)
	d.Set("ansible_diff_mode", r.opts.Diff)
	d.Set("ansible_forks", int64(r.forks()))
	d.Set("ansible_verbosity", int64(r.opts.Verbosity))
	d.Set("ansible_run_tags", strList(orDefault(r.opts.Tags, []string{"all"})))
	d.Set("ansible_skip_tags", strList(r.opts.SkipTags))
	if r.opts.LimitText != "" {
		d.Set("ansible_limit", r.opts.LimitText)
	} else if r.opts.Limit != "" {
		d.Set("ansible_limit", r.opts.Limit)
	}
	d.Set("ansible_playbook_python", "/usr/bin/python3")
	d.Set("ansible_config_file", nil)
	if len(r.opts.InventoryPaths) > 0 {
		d.Set("inventory_file", r.opts.InventoryPaths[0])
		d.Set("inventory_dir", dirOf(r.opts.InventoryPaths[0]))
	}
	if pr != nil {
		d.Set("playbook_dir", pr.play.Dir)
		d.Set("ansible_play_name", pr.name)
		d.Set("ansible_play_hosts_all", lazyValue(func() any { return strList(pr.allHosts) }))
		active := lazyValue(func() any { return strList(pr.activeHosts()) })
		d.Set("ansible_play_hosts", active)
		d.Set("play_hosts", active)
		d.Set("ansible_play_batch", lazyValue(func() any { return strList(pr.batchActive()) }))
		var names []any
		for _, ref := range pr.play.Roles {
			names = append(names, ref.Name)
		}
		d.Set("ansible_role_names", pyval.NewList(names...))
		d.Set("ansible_play_role_names", pyval.NewList(names...))
	}
	if len(chain) > 0 {
		last := chain[len(chain)-1]
		if last.Role != nil {
			d.Set("role_name", last.Role.Name)
			d.Set("role_path", last.Role.Path)
			d.Set("ansible_role_name", last.Role.Name)
		}
		var parents []any
		for i := len(chain) - 2; i >= 0; i-- {
			if chain[i].Role != nil {
				parents = append(parents, chain[i].Role.Name)
			}
		}
		d.Set("ansible_parent_role_names", pyval.NewList(parents...))
	}
	return d
}

func orDefault(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	return a
}

func strList(xs []string) *pyval.List {
	items := make([]any, len(xs))
	for i, x := range xs {
		items[i] = x
	}
	return pyval.NewList(items...)
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "."
}

// removeOmit drops dict entries whose value is the omit token, as
// Ansible's remove_omit, recursively in dicts and lists of dicts.
func removeOmit(v any) any {
	switch t := v.(type) {
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool {
			if s, ok := x.(string); ok && s == omitToken {
				return true
			}
			d.Set(k, removeOmit(x))
			return true
		})
		return d
	case *pyval.List:
		items := make([]any, 0, len(t.Items))
		for _, x := range t.Items {
			if s, ok := x.(string); ok && s == omitToken {
				continue
			}
			items = append(items, removeOmit(x))
		}
		return pyval.NewList(items...)
	}
	return v
}

func sortedStrings(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
