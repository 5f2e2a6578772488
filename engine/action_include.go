package engine

import (
	"context"
	"fmt"

	"gplay/play"
	"gplay/pyval"
)

func init() {
	for _, n := range []string{"include_tasks", "include_role", "include"} {
		// runTask hands dynamic includes to runInclude, which expands them
		// for groups of hosts.
		registerAction(n, func(context.Context, *actionCtx) (*pyval.Dict, error) {
			return nil, fmt.Errorf("includes run at the play level")
		}, true)
	}
}

// inclusion is one expansion of a dynamic include for some hosts.
type inclusion struct {
	key   string
	file  string
	ref   *play.RoleRef
	vars  *pyval.Dict
	hosts []*hostState
	hasIt bool
	item  any
	apply *pyval.Dict
}

// runInclude evaluates include_tasks/include_role per host (and loop
// item), reports what was included, and runs each distinct inclusion on
// the hosts that share it.
func (pr *playRun) runInclude(ctx context.Context, t *play.Task, hosts []*hostState) {
	r := pr.r
	isRole := play.ShortAction(t.Action) == "include_role"
	var incs []*inclusion
	byKey := map[string]*inclusion{}
	for _, h := range hosts {
		hr := &hostRun{pr: pr, h: h, t: t, name: pr.bannerName(t, nil)}
		sc := newScope(ctx, r.env, r.hostLayers(pr, h, t))
		type one struct {
			sc     *scope
			item   any
			hasIt  bool
			loopVs *pyval.Dict
		}
		var runs []one
		if lv, ok := t.Kw["loop"]; ok {
			items, err := hr.loopItems(ctx, sc, lv)
			if err != nil {
				hr.finishWith(sc, failDict(err.Error()))
				r.flush(hr)
				continue
			}
			loopVar := "item"
			if lc, ok := t.Kw["loop_control"].(*pyval.Dict); ok {
				if v, ok := lc.Get("loop_var"); ok {
					loopVar = pyval.Str(v)
				}
			}
			for _, it := range items {
				lvd := pyval.DictOf(loopVar, it)
				runs = append(runs, one{sc.with(lvd), it, true, lvd})
			}
		} else {
			runs = append(runs, one{sc: sc})
		}
		for _, o := range runs {
			ok, err := hr.when(o.sc)
			if err != nil {
				hr.finishWith(o.sc, failDict(err.Error()))
				continue
			}
			if !ok {
				if !o.hasIt {
					hr.finishWith(o.sc, skipDict())
				}
				continue
			}
			args, err := hr.templatedArgs(o.sc)
			if err != nil {
				hr.finishWith(o.sc, failDict(err.Error()))
				continue
			}
			inc := &inclusion{vars: pyval.NewDict(0), hasIt: o.hasIt, item: o.item}
			if o.loopVs != nil {
				o.loopVs.Range(func(k, v any) bool { inc.vars.Set(k, v); return true })
			}
			if a, ok := args.Get("apply"); ok {
				inc.apply, _ = a.(*pyval.Dict)
			}
			if isRole {
				inc.ref = &play.RoleRef{Pos: t.Pos, Name: pyval.Str(get(args, "name")), Params: pyval.NewDict(0), Kw: map[string]any{}, From: map[string]string{}}
				for _, f := range []string{"tasks_from", "vars_from", "defaults_from", "handlers_from"} {
					if v := get(args, f); v != nil {
						inc.ref.From[f] = pyval.Str(v)
					}
				}
				inc.key = fmt.Sprint(inc.ref.Name, inc.ref.From, pyval.Repr(o.item))
			} else {
				name := pyval.Str(get(args, "file"))
				if get(args, "file") == nil {
					name = pyval.Str(get(args, play.RawParams))
				}
				path, err := r.loader.FindTasksFile(name, t)
				if err != nil {
					// as Ansible's include: a "reason", no msg
					hr.finishWith(o.sc, pyval.DictOf("failed", true, "reason", fmt.Sprintf("Could not find or access '%s' on the Ansible Controller.", path)))
					continue
				}
				inc.file = path
				args.Range(func(k, v any) bool {
					switch pyval.Str(k) {
					case "file", play.RawParams, "apply":
					default:
						inc.vars.Set(k, v)
					}
					return true
				})
				inc.key = path + "|" + pyval.Repr(inc.vars)
				h.stats.OK++
			}
			if prev, ok := byKey[inc.key]; ok {
				prev.hosts = append(prev.hosts, h)
			} else {
				inc.hosts = []*hostState{h}
				byKey[inc.key] = inc
				incs = append(incs, inc)
			}
		}
		r.flush(hr)
	}
	// one "included:" line per distinct inclusion, naming its hosts
	for _, inc := range incs {
		if inc.file == "" {
			continue
		}
		var names []string
		for _, h := range inc.hosts {
			names = append(names, h.name)
		}
		r.report(Included{File: inc.file, Hosts: names, Item: inc.item, HasItem: inc.hasIt})
	}
	for _, inc := range incs {
		if ctx.Err() != nil || pr.endPlay {
			return
		}
		kw := map[string]any{"_include_params": inc.vars}
		// the include's own vars reach the included tasks
		if v, ok := t.Kw["vars"]; ok {
			kw["vars"] = v
		}
		if inc.apply != nil {
			inc.apply.Range(func(k, v any) bool { kw[pyval.Str(k)] = v; return true })
		}
		b := &play.Task{Pos: t.Pos, IsBlock: true, Implicit: true, Parent: t.Parent, Role: t.Role, Kw: kw, File: inc.file, Handler: t.Handler}
		if isRole {
			role, err := r.loader.LoadRole(inc.ref, pr.play.Dir, "")
			if err != nil {
				for _, h := range inc.hosts {
					hr := &hostRun{pr: pr, h: h, t: t, name: pr.bannerName(t, nil)}
					hr.finishWith(newScope(ctx, r.env, r.hostLayers(pr, h, t)), failDict(err.Error()))
					r.flush(hr)
				}
				continue
			}
			rb := r.loader.RoleBlock(inc.ref, role)
			if len(role.Handlers) > 0 {
				play.Walk(pr.play.Handlers[len(pr.play.Handlers)-1:], func(ht *play.Task) {
					if !ht.IsBlock {
						pr.handlers = append(pr.handlers, ht)
					}
				})
			}
			rb.Parent = b
			b.Block = []*play.Task{rb}
		} else {
			tasks, err := r.loader.LoadTasksFile(inc.file, b, t.Role, t.Handler)
			if err != nil {
				for _, h := range inc.hosts {
					hr := &hostRun{pr: pr, h: h, t: t, name: pr.bannerName(t, nil)}
					hr.finishWith(newScope(ctx, r.env, r.hostLayers(pr, h, t)), failDict(err.Error()))
					r.flush(hr)
				}
				continue
			}
			b.Block = tasks
		}
		pr.runListLinear(ctx, []*play.Task{b}, inc.hosts)
	}
}

// finishWith completes a host run with a ready result.
func (hr *hostRun) finishWith(sc *scope, d *pyval.Dict) {
	if hr.name == "" {
		hr.name = hr.pr.bannerName(hr.t, nil)
	}
	hr.finish(sc, &taskResult{dict: d})
}

func (r *run) flush(hr *hostRun) {
	for _, e := range hr.events {
		r.report(e)
	}
	hr.events = nil
}
