package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gplay/pyval"
)

// loopItems evaluates loop: or with_<lookup>: to the list of items.
func (hr *hostRun) loopItems(ctx context.Context, sc *scope, loopV any) ([]any, error) {
	v, err := sc.template(loopV)
	if err != nil {
		return nil, err
	}
	with := hr.t.LoopWith
	if with == "" {
		switch t := v.(type) {
		case *pyval.List:
			return t.Items, nil
		case pyval.Tuple:
			return t, nil
		case string:
			return nil, fmt.Errorf("Invalid data passed to 'loop', it requires a list, got this instead: %s. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", t)
		}
		return nil, fmt.Errorf("Invalid data passed to 'loop', it requires a list, got this instead: %s. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", pyval.Str(v))
	}
	terms := listOf(v)
	if _, isList := v.(*pyval.List); !isList {
		terms = []any{v}
	}
	return runLookup(ctx, hr.pr, hr.t.File, with, terms, nil)
}

// runLookup runs a lookup plugin for with_<name>, lookup() and query().
func runLookup(ctx context.Context, pr *playRun, file, name string, terms []any, kwargs *pyval.Dict) ([]any, error) {
	switch name {
	case "items", "flattened":
		var out []any
		for _, t := range terms {
			if l, ok := t.(*pyval.List); ok {
				if name == "flattened" {
					out = append(out, flatten(l.Items)...)
				} else {
					out = append(out, l.Items...)
				}
			} else {
				out = append(out, t)
			}
		}
		return out, nil
	case "list":
		return terms, nil
	case "indexed_items":
		var out []any
		for i, t := range flattenOne(terms) {
			out = append(out, pyval.NewList(int64(i), t))
		}
		return out, nil
	case "dict":
		var out []any
		for _, t := range terms {
			d, ok := t.(*pyval.Dict)
			if !ok {
				return nil, fmt.Errorf("with_dict expects a dict")
			}
			d.Range(func(k, v any) bool {
				out = append(out, pyval.DictOf("key", k, "value", v))
				return true
			})
		}
		return out, nil
	case "together":
		lists := listsOf(terms)
		n := 0
		for _, l := range lists {
			n = max(n, len(l))
		}
		var out []any
		for i := 0; i < n; i++ {
			var row []any
			for _, l := range lists {
				if i < len(l) {
					row = append(row, l[i])
				} else {
					row = append(row, nil)
				}
			}
			out = append(out, pyval.NewList(row...))
		}
		return out, nil
	case "nested", "cartesian":
		lists := listsOf(terms)
		out := [][]any{{}}
		for _, l := range lists {
			var next [][]any
			for _, prefix := range out {
				for _, x := range l {
					next = append(next, append(append([]any{}, prefix...), x))
				}
			}
			out = next
		}
		var res []any
		for _, row := range out {
			res = append(res, pyval.NewList(row...))
		}
		return res, nil
	case "subelements":
		if len(terms) < 2 {
			return nil, fmt.Errorf("subelements lookup expects a list of two or three items")
		}
		var out []any
		key := pyval.Str(terms[1])
		skipMissing := false
		if len(terms) > 2 {
			if d, ok := terms[2].(*pyval.Dict); ok {
				skipMissing = truthy(get(d, "skip_missing"))
			}
		}
		for _, e := range listOf(terms[0]) {
			d, ok := e.(*pyval.Dict)
			if !ok {
				return nil, fmt.Errorf("subelements lookup expects a list of dictionaries")
			}
			sub, ok := d.Get(key)
			if !ok {
				if skipMissing {
					continue
				}
				return nil, fmt.Errorf("could not find '%s' key in iterated item '%s'", key, pyval.Repr(d))
			}
			// Ansible hands out the parent without the subelement key
			parent := pyval.NewDict(d.Len())
			d.Range(func(k, v any) bool {
				if pyval.Str(k) != key {
					parent.Set(k, v)
				}
				return true
			})
			for _, s := range listOf(sub) {
				out = append(out, pyval.NewList(parent, s))
			}
		}
		return out, nil
	case "sequence":
		var out []any
		for _, t := range terms {
			items, err := sequence(pyval.Str(t))
			if err != nil {
				return nil, err
			}
			out = append(out, items...)
		}
		return out, nil
	case "fileglob":
		var out []any
		for _, t := range terms {
			pat := pyval.Str(t)
			if !filepath.IsAbs(pat) && pr != nil {
				pat = filepath.Join(pr.play.Dir, "files", pat)
				if m, _ := filepath.Glob(pat); len(m) == 0 {
					pat = filepath.Join(pr.play.Dir, pyval.Str(t))
				}
			}
			m, _ := filepath.Glob(pat)
			sort.Strings(m)
			for _, f := range m {
				if st, err := os.Stat(f); err == nil && !st.IsDir() {
					out = append(out, f)
				}
			}
		}
		return out, nil
	case "file":
		var out []any
		for _, t := range terms {
			p := pyval.Str(t)
			if !filepath.IsAbs(p) && pr != nil {
				for _, c := range []string{filepath.Join(pr.play.Dir, "files", p), filepath.Join(pr.play.Dir, p)} {
					if _, err := os.Stat(c); err == nil {
						p = c
						break
					}
				}
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("could not locate file in lookup: %s", pyval.Str(t))
			}
			out = append(out, strings.TrimRight(string(b), "\n"))
		}
		return out, nil
	case "env":
		var out []any
		for _, t := range terms {
			out = append(out, os.Getenv(pyval.Str(t)))
		}
		return out, nil
	case "lines":
		return nil, fmt.Errorf("lookup plugin 'lines' is not supported by gplay")
	}
	return nil, fmt.Errorf("lookup plugin (%s) not found", name)
}

func flatten(items []any) []any {
	var out []any
	for _, x := range items {
		if l, ok := x.(*pyval.List); ok {
			out = append(out, flatten(l.Items)...)
		} else {
			out = append(out, x)
		}
	}
	return out
}

func flattenOne(items []any) []any {
	var out []any
	for _, x := range items {
		if l, ok := x.(*pyval.List); ok {
			out = append(out, l.Items...)
		} else {
			out = append(out, x)
		}
	}
	return out
}

func listsOf(terms []any) [][]any {
	var out [][]any
	for _, t := range terms {
		out = append(out, listOf(t))
	}
	return out
}

// sequence parses with_sequence's "start=1 end=5 stride=1 format=%d" or
// its short form "1-5/2:fmt".
func sequence(s string) ([]any, error) {
	start, end, stride, count := int64(1), int64(0), int64(1), int64(-1)
	format := "%d"
	hasEnd := false
	for _, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			// short form
			rest := f
			if i := strings.IndexByte(rest, ':'); i >= 0 {
				format = rest[i+1:]
				rest = rest[:i]
			}
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				stride, _ = strconv.ParseInt(rest[i+1:], 0, 64)
				rest = rest[:i]
			}
			if i := strings.IndexByte(rest, '-'); i > 0 {
				start, _ = strconv.ParseInt(rest[:i], 0, 64)
				end, _ = strconv.ParseInt(rest[i+1:], 0, 64)
			} else {
				end, _ = strconv.ParseInt(rest, 0, 64)
			}
			hasEnd = true
			continue
		}
		n, _ := strconv.ParseInt(v, 0, 64)
		switch k {
		case "start":
			start = n
		case "end":
			end, hasEnd = n, true
		case "stride":
			stride = n
		case "count":
			count = n
		case "format":
			format = v
		}
	}
	if count >= 0 {
		end = start + (count-1)*stride
		hasEnd = true
		if count == 0 {
			return nil, nil
		}
	}
	if !hasEnd {
		return nil, fmt.Errorf("must specify count or end in with_sequence")
	}
	if stride == 0 {
		return nil, fmt.Errorf("stride must not be zero")
	}
	var out []any
	for i := start; (stride > 0 && i <= end) || (stride < 0 && i >= end); i += stride {
		out = append(out, fmt.Sprintf(format, i))
	}
	return out, nil
}

// lookuper serves lookup() and query() in templates.
type lookuper struct{ r *run }

func (l *lookuper) Lookup(ctx context.Context, name string, terms []any, kwargs *pyval.Dict) ([]any, error) {
	return runLookup(ctx, nil, "", strings.TrimPrefix(name, "ansible.builtin."), terms, kwargs)
}
