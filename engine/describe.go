package engine

import (
	"sort"
	"strings"

	"gplay/play"
	"gplay/pyval"
)

// PlayInfo describes a play for --list-hosts, --list-tasks and --list-tags.
type PlayInfo struct {
	Name        string
	Pattern     string
	PatternRepr string // Python's repr of the pattern list
	Tags        []string
	Hosts       []string
	Tasks       []TaskInfo
	AllTags     []string
}

// TaskInfo is one task as --list-tasks shows it.
type TaskInfo struct {
	Name string
	Tags []string
}

// DescribePlay returns what the --list-* options print for p: the tasks
// that the run's --tags/--skip-tags select, with their inherited tags.
func DescribePlay(p *play.Play, opts Options) PlayInfo {
	pattern := ""
	var parts []string
	switch h := p.Hosts.(type) {
	case *pyval.List:
		for _, x := range h.Items {
			parts = append(parts, pyval.Str(x))
		}
		pattern = strings.Join(parts, ",")
	default:
		pattern = pyval.Str(h)
		parts = []string{pattern}
	}
	reprs := make([]any, len(parts))
	for i, x := range parts {
		reprs[i] = x
	}
	info := PlayInfo{Name: p.Name, Pattern: pattern, PatternRepr: pyval.Repr(pyval.NewList(reprs...))}
	if info.Name == "" {
		info.Name = pattern
	}
	pr := &playRun{play: p, r: &run{opts: opts}}
	info.Tags = sortedKeys(tagSet(p.Kw["tags"]))
	if opts.Inventory != nil {
		hs, _ := opts.Inventory.Select(pattern)
		if opts.Limit != "" {
			allowed, _ := opts.Inventory.Select(opts.Limit)
			var keep []string
			for _, h := range hs {
				if contains(allowed, h) {
					keep = append(keep, h)
				}
			}
			hs = keep
		}
		info.Hosts = hs
	}
	all := map[string]bool{}
	for _, sec := range [][]*play.Task{p.PreTasks, p.RoleTasks, p.Tasks, p.PostTasks} {
		play.Walk(sec, func(t *play.Task) {
			if t.IsBlock || !pr.tagsMatch(t) {
				return
			}
			tags := pr.tagsOf(t)
			name := pr.bannerName(t, nil)
			info.Tasks = append(info.Tasks, TaskInfo{Name: name, Tags: sortedKeys(tags)})
			for k := range tags {
				all[k] = true
			}
		})
	}
	info.AllTags = sortedKeys(all)
	return info
}

func tagSet(v any) map[string]bool {
	out := map[string]bool{}
	for _, x := range listOf(v) {
		for _, s := range splitComma(pyval.Str(x)) {
			out[s] = true
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
