package play

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gplay/diag"
	"gplay/pyval"
	"gplay/yaml11"
)

// roleKeywords are the keywords a role entry may carry; any other key is a
// role parameter.
var roleKeywords = map[string]bool{
	"when": true, "tags": true, "vars": true, "become": true, "become_user": true, "become_method": true,
	"become_flags": true, "become_exe": true, "environment": true, "ignore_errors": true, "no_log": true,
	"check_mode": true, "diff": true, "delegate_to": true, "run_once": true, "any_errors_fatal": true,
	"connection": true, "remote_user": true, "port": true, "module_defaults": true, "ignore_unreachable": true,
	"debugger": true, "collections": true, "throttle": true, "timeout": true,
}

func (l *Loader) roleRef(n *yaml11.Node) (*RoleRef, error) {
	ref := &RoleRef{Pos: n.Pos, Params: pyval.NewDict(0), Kw: map[string]any{}, From: map[string]string{}}
	switch x := n.Value().(type) {
	case string:
		ref.Name = x
	case *pyval.Dict:
		var err error
		x.Range(func(k, v any) bool {
			ks := pyval.Str(k)
			switch {
			case ks == "role" || ks == "name":
				ref.Name = pyval.Str(v)
			case roleKeywords[ks]:
				ref.Kw[ks] = v
			case strings.HasSuffix(ks, "_from") && (ks == "tasks_from" || ks == "vars_from" || ks == "defaults_from" || ks == "handlers_from"):
				ref.From[ks] = pyval.Str(v)
			default:
				ref.Params.Set(ks, v)
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, l.errAt(n.Pos, "role entries must be a string or a dictionary")
	}
	if ref.Name == "" {
		return nil, l.errAt(n.Pos, "role definitions must contain a role name")
	}
	ref.Name = l.render(ref.Name)
	return ref, nil
}

// FindRole returns the directory of the role called name, searching as
// Ansible does: <playbook dir>/roles, the roles path, the including role's
// directory, the playbook directory, and the name as a path.
func (l *Loader) FindRole(name, playDir, includerDir string) (string, error) {
	var cands []string
	if filepath.IsAbs(name) {
		cands = append(cands, name)
	} else {
		if playDir != "" {
			cands = append(cands, filepath.Join(playDir, "roles", name))
		}
		for _, rp := range l.opts.RolesPath {
			cands = append(cands, filepath.Join(rp, name))
		}
		if includerDir != "" {
			cands = append(cands, filepath.Join(filepath.Dir(includerDir), name), filepath.Join(includerDir, name))
		}
		if playDir != "" {
			cands = append(cands, filepath.Join(playDir, name))
		}
	}
	shown := len(cands)
	if !filepath.IsAbs(name) {
		cands = append(cands, name)
	}
	for _, c := range cands {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			abs, _ := filepath.Abs(c)
			return abs, nil
		}
	}
	var searched []string
	for _, c := range cands[:shown] {
		searched = append(searched, filepath.Dir(c))
	}
	return "", fmt.Errorf("the role '%s' was not found in %s", name, strings.Join(searched, ":"))
}

// mainFile finds <dir>/<name>{,.yml,.yaml,.json}.
func mainFile(dir, name string) string {
	for _, ext := range []string{".yml", ".yaml", ".json", ""} {
		p := filepath.Join(dir, name+ext)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// LoadRole loads the role ref names, searching from playDir and from the
// including role's directory.
func (l *Loader) LoadRole(ref *RoleRef, playDir, includerDir string) (*Role, error) {
	path, err := l.FindRole(ref.Name, playDir, includerDir)
	if err != nil {
		return nil, notFound{l.errAt(ref.Pos, "%v", err)}
	}
	key := path + "|" + ref.From["tasks_from"] + "|" + ref.From["vars_from"] + "|" + ref.From["defaults_from"] + "|" + ref.From["handlers_from"]
	if r, ok := l.roles[key]; ok {
		return r, nil
	}
	name := ref.Name
	if strings.Contains(name, "/") {
		name = filepath.Base(name)
	}
	r := &Role{Name: name, Path: path, Defaults: pyval.NewDict(0), Vars: pyval.NewDict(0)}
	l.roles[key] = r
	from := func(kind, def string) string {
		if f := ref.From[kind+"_from"]; f != "" {
			return strings.TrimSuffix(strings.TrimSuffix(f, ".yml"), ".yaml")
		}
		return def
	}
	if f := mainFile(filepath.Join(path, "defaults"), from("defaults", "main")); f != "" {
		if r.Defaults, err = l.LoadVarsFile(f); err != nil {
			return nil, err
		}
	}
	if f := mainFile(filepath.Join(path, "vars"), from("vars", "main")); f != "" {
		if r.Vars, err = l.LoadVarsFile(f); err != nil {
			return nil, err
		}
	}
	if f := mainFile(filepath.Join(path, "meta"), "main"); f != "" {
		n, err := l.readYAML(f)
		if err != nil {
			return nil, err
		}
		if d := n.Get("dependencies"); d != nil && d.Kind == yaml11.SequenceNode {
			for _, it := range d.Items {
				dep, err := l.roleRef(it)
				if err != nil {
					return nil, err
				}
				r.Deps = append(r.Deps, dep)
			}
		}
		if a := n.Get("allow_duplicates"); a != nil {
			r.AllowDuplicates = pyval.Truth(a.Value())
		}
	}
	tf := mainFile(filepath.Join(path, "tasks"), from("tasks", "main"))
	if tf == "" && ref.From["tasks_from"] != "" {
		return nil, l.errAt(ref.Pos, "Could not find specified file in role: tasks/%s", ref.From["tasks_from"])
	}
	if tf != "" {
		if r.Tasks, err = l.LoadTasksFile(tf, nil, r, false); err != nil {
			return nil, err
		}
	}
	if hf := mainFile(filepath.Join(path, "handlers"), from("handlers", "main")); hf != "" {
		if r.Handlers, err = l.LoadTasksFile(hf, nil, r, true); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// RoleBlock wraps a loaded role's tasks in an implicit block carrying ref,
// so the role's variables apply to them; it also registers the role's
// handlers with the play being loaded or run.
func (l *Loader) RoleBlock(ref *RoleRef, r *Role) *Task {
	ref.Role = r
	b := &Task{Pos: ref.Pos, Kw: ref.Kw, IsBlock: true, Implicit: true, Role: r, RoleRef: ref, File: ""}
	for _, t := range r.Tasks {
		c := *t
		c.Parent = b
		reparent(&c)
		b.Block = append(b.Block, &c)
	}
	// a role's handlers are added once per play, however often it is used
	dup := false
	if l.play != nil {
		for _, h := range l.play.Handlers {
			if h.RoleRef != nil && h.Role != nil && h.Role.Path == r.Path {
				dup = true
			}
		}
	}
	if l.play != nil && len(r.Handlers) > 0 && !dup {
		hb := &Task{Pos: ref.Pos, Kw: ref.Kw, IsBlock: true, Implicit: true, Role: r, RoleRef: ref, Handler: true}
		for _, h := range r.Handlers {
			c := *h
			c.Parent = hb
			reparent(&c)
			hb.Block = append(hb.Block, &c)
		}
		l.play.Handlers = append(l.play.Handlers, hb)
	}
	return b
}

// reparent copies the children of a block so one loaded role can be used
// by several refs, each copy pointing at its own parents.
func reparent(t *Task) {
	if !t.IsBlock {
		return
	}
	for _, list := range []*[]*Task{&t.Block, &t.Rescue, &t.Always} {
		n := make([]*Task, len(*list))
		for i, c := range *list {
			cc := *c
			cc.Parent = t
			reparent(&cc)
			n[i] = &cc
		}
		*list = n
	}
}

// roleBlocks loads ref and its dependencies (first) as implicit blocks.
// seen, when non-nil, drops roles already used in the play with the same
// params unless they allow duplicates.
func (l *Loader) roleBlocks(ref *RoleRef, playDir string, seen map[string]bool, depth int) ([]*Task, error) {
	if depth > 30 {
		return nil, l.errAt(ref.Pos, "role dependencies nested too deeply (a cycle?) at %s", ref.Name)
	}
	r, err := l.LoadRole(ref, playDir, "")
	if err != nil {
		return nil, err
	}
	var out []*Task
	for _, dep := range r.Deps {
		db, err := l.roleBlocksFrom(dep, playDir, r.Path, seen, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, db...)
	}
	if seen != nil {
		key := r.Path + "|" + pyval.Repr(ref.Params) + "|" + fmt.Sprint(ref.From)
		if seen[key] && !r.AllowDuplicates {
			return out, nil
		}
		seen[key] = true
	}
	return append(out, l.RoleBlock(ref, r)), nil
}

func (l *Loader) roleBlocksFrom(ref *RoleRef, playDir, includer string, seen map[string]bool, depth int) ([]*Task, error) {
	path, err := l.FindRole(ref.Name, playDir, includer)
	if err != nil {
		return nil, notFound{l.errAt(ref.Pos, "%v", err)}
	}
	ref2 := *ref
	ref2.Name = path
	blocks, err := l.roleBlocks(&ref2, playDir, seen, depth)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		if b.RoleRef == &ref2 {
			b.RoleRef.Name = ref.Name
			b.Role.Name = filepath.Base(path)
		}
	}
	return blocks, nil
}

// ErrNotFound classifies load errors for something missing (a role), which
// Ansible reports as a plain error (exit code 1), not a parse error (4).
var ErrNotFound = errors.New("not found")

type notFound struct{ err *diag.Error }

func (e notFound) Error() string        { return e.err.Error() }
func (e notFound) Unwrap() error        { return e.err }
func (e notFound) Is(target error) bool { return target == ErrNotFound }
