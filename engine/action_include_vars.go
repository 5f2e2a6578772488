package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"gplay/pyval"
)

func init() { registerAction("include_vars", actIncludeVars, true) }

// actIncludeVars loads variables from a file or a directory
// (ansible.builtin.include_vars).
func actIncludeVars(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	args, err := a.args()
	if err != nil {
		return nil, err
	}
	file := pyval.Str(get(args, "file"))
	if get(args, "file") == nil {
		file = pyval.Str(get(args, "_raw_params"))
	}
	dir := ""
	if d := get(args, "dir"); d != nil {
		dir = pyval.Str(d)
	}
	var files []string
	resolve := func(name, sub string) string {
		if filepath.IsAbs(name) {
			return name
		}
		var cands []string
		for p := a.hr.t; p != nil; p = p.Parent {
			if p.Role != nil {
				cands = append(cands, filepath.Join(p.Role.Path, sub, name))
				break
			}
		}
		if a.hr.t.File != "" {
			cands = append(cands, filepath.Join(filepath.Dir(a.hr.t.File), sub, name), filepath.Join(filepath.Dir(a.hr.t.File), name))
		}
		cands = append(cands, filepath.Join(a.hr.pr.play.Dir, sub, name), filepath.Join(a.hr.pr.play.Dir, name))
		for _, c := range cands {
			if _, err := os.Stat(c); err == nil {
				return c
			}
		}
		return ""
	}
	switch {
	case dir != "":
		d := resolve(dir, "vars")
		if d == "" {
			return nil, fmt.Errorf("%s directory does not exist", dir)
		}
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			ext := filepath.Ext(e.Name())
			if !e.IsDir() && (ext == ".yml" || ext == ".yaml" || ext == ".json") {
				files = append(files, filepath.Join(d, e.Name()))
			}
		}
		sort.Strings(files)
	case file != "":
		f := resolve(file, "vars")
		if f == "" {
			return nil, fmt.Errorf("Could not find or access '%s'", file)
		}
		files = []string{f}
	default:
		return nil, fmt.Errorf("a file or dir is required")
	}
	facts := pyval.NewDict(0)
	var loaded []any
	for _, f := range files {
		d, err := a.hr.pr.r.loader.LoadVarsFile(f)
		if err != nil {
			return nil, err
		}
		d.Range(func(k, v any) bool { facts.Set(k, v); return true })
		loaded = append(loaded, f)
	}
	if n := get(args, "name"); n != nil {
		facts = pyval.DictOf(pyval.Str(n), facts)
	}
	h := a.hr.h
	h.mu.Lock()
	pyval.CombineVars(h.includeVars, facts, a.hr.pr.r.opts.HashMerge)
	h.mu.Unlock()
	return pyval.DictOf("ansible_facts", facts, "ansible_included_var_files", pyval.NewList(loaded...), "changed", false, "failed", false), nil
}
