package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"gplay/jinja"
	"gplay/lookup"
	"gplay/module"
	"gplay/play"
	"gplay/pyval"
	"gplay/yaml11"
)

// hostState is what the run knows about one host across plays.
type hostState struct {
	name string

	mu          sync.Mutex
	facts       *pyval.Dict // ansible_facts
	cachedFacts *pyval.Dict // set_fact cacheable: true
	setFacts    *pyval.Dict // set_fact and register
	includeVars *pyval.Dict
	conn        Conn

	// failed and unreachable take the host out of the rest of the run.
	failed, unreachable bool
	// ended is meta: end_host (for the current play).
	ended bool
	// factsKnown: facts were gathered in this run or came from the fact
	// cache (gathering=smart skips such hosts)
	factsKnown bool
	// played: the host was in a play, so it appears in the recap.
	played bool
	stats  HostStats
	// notified holds handlers notified and not yet run.
	notified map[*play.Task]bool
	// failedTask and failedResult feed ansible_failed_task/result in rescue.
	failedTask   *play.Task
	failedResult *pyval.Dict
}

type run struct {
	ctx context.Context
	// cancel stops the run when a goroutine panicked (internal).
	cancel    context.CancelFunc
	internal  *InternalError
	opts      Options
	env       *jinja.Env
	lookups   *lookup.Registry // lookup plugins, also behind with_<name> loops
	loader    *play.Loader
	extraVars *pyval.Dict

	mu    sync.Mutex
	hosts map[string]*hostState
	order []string

	// stepMu serialises --step questions; stepDone is set by "continue".
	stepMu         sync.Mutex
	stepDone       bool
	warnedNoPrompt bool

	repMu sync.Mutex
	start time.Time
	// startAt is --start-at-task, cleared once the task is found.
	startAt string
}

func (r *run) report(e Event) {
	if r.opts.Reporter == nil {
		return
	}
	r.repMu.Lock()
	defer r.repMu.Unlock()
	r.opts.Reporter.Report(e)
}

func (r *run) warn(format string, args ...any) {
	r.report(Warning{Msg: fmt.Sprintf(format, args...)})
}

func (r *run) forks() int {
	if r.opts.Forks <= 0 {
		return 5
	}
	return r.opts.Forks
}

// host returns the state of host name, creating it.
func (r *run) host(name string) *hostState {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h, ok := r.hosts[name]; ok {
		return h
	}
	h := &hostState{name: name, facts: pyval.NewDict(0), cachedFacts: pyval.NewDict(0), setFacts: pyval.NewDict(0), includeVars: pyval.NewDict(0), notified: map[*play.Task]bool{}}
	h.stats.Host = name
	r.loadCachedFacts(h)
	r.hosts[name] = h
	r.order = append(r.order, name)
	return h
}

// Run runs the playbooks and reports the recap. It returns
// ErrHostsUnreachable or ErrHostsFailed (wrapped) when hosts failed, a
// *diag.Error for a playbook that does not load, or ctx's error.
//
// A panic anywhere in the run is returned as an *InternalError.
func Run(ctx context.Context, opts Options) (err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r, err := newRun(ctx, opts)
	if err != nil {
		return err
	}
	r.cancel = cancel
	defer func() {
		if v := recover(); v != nil {
			r.internalError(&InternalError{Value: v, Stack: debug.Stack()})
		}
		if ie := r.internalErr(); ie != nil {
			err = ie
		}
	}()
	if opts.FlushCache && opts.FactCache != nil {
		hosts, _ := opts.Inventory.Select("all")
		for _, h := range hosts {
			if err := opts.FactCache.Flush(h); err != nil {
				r.warn("%v", err)
			}
		}
	}
	var books []*play.Playbook
	for _, p := range opts.Playbooks {
		pb, err := r.loader.Load(p)
		if err != nil {
			return err
		}
		books = append(books, pb)
	}
books:
	for _, pb := range books {
		r.report(PlaybookStart{Path: pb.Path})
		if r.opts.Inventory != nil {
			r.opts.Inventory.AddPlaybookDir(pb.Dir)
		}
		for _, p := range pb.Plays {
			stop, err := r.runPlay(ctx, p)
			if err != nil && ctx.Err() != nil {
				// interrupted (Ctrl-C): running tasks were cancelled and
				// no other started; the recap says what was done
				break books
			}
			if err != nil {
				// as Ansible, an error that stops the run has no recap
				return err
			}
			if stop {
				// as PlaybookExecutor on RUN_FAILED_BREAK_PLAY: a play whose
				// hosts all failed, or that any_errors_fatal or
				// max_fail_percentage stopped, ends the playbook
				break books
			}
			if ctx.Err() != nil {
				break books
			}
		}
	}
	if ie := r.internalErr(); ie != nil {
		return ie // as Ansible's unexpected exception: no recap
	}
	r.recap()
	if r.startAt != "" {
		r.report(DisplayError{Msg: fmt.Sprintf("No matching task %q found. Note: --start-at-task can only follow static includes.", r.startAt)})
	}
	for _, h := range r.hosts {
		if h.conn != nil {
			h.conn.Close()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var failed, unreachable bool
	for _, h := range r.hosts {
		failed = failed || h.stats.Failed > 0
		unreachable = unreachable || h.stats.Unreachable > 0
	}
	switch {
	case unreachable:
		return ErrHostsUnreachable
	case failed:
		return ErrHostsFailed
	}
	return nil
}

func newRun(ctx context.Context, opts Options) (*run, error) {
	if opts.Inventory == nil {
		opts.Inventory = NewHostList()
	}
	if opts.Registry == nil {
		opts.Registry = module.Default
	}
	if len(opts.FactsModules) == 0 {
		opts.FactsModules = []string{"ansible.builtin.setup"}
	}
	r := &run{ctx: ctx, opts: opts, hosts: map[string]*hostState{}, start: time.Now(), startAt: opts.StartAtTask}
	r.lookups = lookup.NewRegistry()
	r.env = jinja.NewEnv(jinja.Options{Lookuper: r.lookups})
	ev, err := parseExtraVars(opts.ExtraVars, opts.Decrypter, opts.HashMerge)
	if err != nil {
		return nil, err
	}
	r.extraVars = ev
	r.loader = play.NewLoader(play.Options{
		Actions:   actionSet{reg: opts.Registry},
		RolesPath: opts.RolesPath,
		Decrypter: opts.Decrypter,
		Template: func(s string) (string, error) {
			l := &layers{}
			l.add(r.extraVars)
			return newScope(ctx, r.env, l).templateStr(s)
		},
	})
	return r, nil
}

// Load loads the playbooks without running them (--syntax-check and the
// --list-* options use it).
func Load(ctx context.Context, opts Options) ([]*play.Playbook, error) {
	r, err := newRun(ctx, opts)
	if err != nil {
		return nil, err
	}
	var out []*play.Playbook
	for _, p := range opts.Playbooks {
		pb, err := r.loader.Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, pb)
	}
	return out, nil
}

// parseExtraVars parses -e values: @file, YAML/JSON, or k=v pairs.
func parseExtraVars(vals []string, dec yaml11.Decrypter, hashMerge bool) (*pyval.Dict, error) {
	out := pyval.NewDict(len(vals))
	for _, v := range vals {
		var d *pyval.Dict
		switch {
		case strings.HasPrefix(v, "@"):
			src, err := os.ReadFile(v[1:])
			if err != nil {
				abs, _ := filepath.Abs(v[1:])
				return nil, fmt.Errorf("Unable to retrieve file contents\nCould not find or access '%s' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option", abs)
			}
			x, err := yaml11.Decode(v[1:], src, yaml11.Options{Decrypter: dec})
			if err != nil {
				return nil, err
			}
			d, _ = x.(*pyval.Dict)
		case strings.HasPrefix(strings.TrimSpace(v), "{") || strings.HasPrefix(strings.TrimSpace(v), "["):
			x, err := yaml11.Decode("extra vars", []byte(v), yaml11.Options{Decrypter: dec})
			if err != nil {
				return nil, err
			}
			d, _ = x.(*pyval.Dict)
		default:
			kv, err := play.ParseKV(v, nil)
			if err != nil {
				return nil, fmt.Errorf("invalid extra vars %q: %w", v, err)
			}
			d = pyval.NewDict(len(kv))
			for _, p := range kv {
				if p[0] == play.RawParams {
					return nil, fmt.Errorf("invalid extra vars data supplied. '%s' could not be made into a dictionary", v)
				}
				d.Set(p[0], p[1])
			}
		}
		if d == nil {
			return nil, fmt.Errorf("invalid extra vars data supplied. '%s' could not be made into a dictionary", v)
		}
		pyval.CombineVars(out, d, hashMerge)
	}
	return out, nil
}

func (r *run) recap() {
	names := append([]string(nil), r.order...)
	sort.Strings(names)
	var rows []HostStats
	for _, n := range names {
		// as Ansible's recap, only hosts something was counted for
		if st := r.hosts[n].stats; st.OK+st.Changed+st.Unreachable+st.Failed+st.Skipped+st.Rescued+st.Ignored > 0 {
			rows = append(rows, r.hosts[n].stats)
		}
	}
	r.report(Recap{Hosts: rows, Duration: time.Since(r.start)})
}

// playRun is one play being run.
type playRun struct {
	r        *run
	play     *play.Play
	name     string
	allHosts []string
	batch    []*hostState
	handlers []*play.Task

	promptVars *pyval.Dict
	varsFiles  *pyval.Dict

	mu      sync.Mutex
	endPlay bool
	// aborted: any_errors_fatal or max_fail_percentage ended the play.
	aborted bool
	// endBatch is set by meta: end_batch.
	endBatch bool
	free     bool
}

func (pr *playRun) activeHosts() []string {
	var out []string
	for _, n := range pr.allHosts {
		h := pr.r.host(n)
		h.mu.Lock() // other hosts' results land while a template reads this
		ok := !h.failed && !h.unreachable
		h.mu.Unlock()
		if ok {
			out = append(out, n)
		}
	}
	return out
}

func (pr *playRun) batchActive() []string {
	var out []string
	for _, h := range pr.batch {
		h.mu.Lock()
		ok := !h.failed && !h.unreachable && !h.ended
		h.mu.Unlock()
		if ok {
			out = append(out, h.name)
		}
	}
	return out
}

// playScope is a scope with play-level variables only (for the play name
// and hosts), for the first host when there is one.
func (r *run) playScope(ctx context.Context, p *play.Play) *scope {
	l := &layers{hashMerge: r.opts.HashMerge}
	l.add(p.Vars)
	l.add(r.extraVars)
	return newScope(ctx, r.env, l)
}

func (r *run) runPlay(ctx context.Context, p *play.Play) (stop bool, err error) {
	r.loader.SetPlay(p)
	pr := &playRun{r: r, play: p, promptVars: pyval.NewDict(0), varsFiles: pyval.NewDict(0)}
	ps := r.playScope(ctx, p)
	if err := pr.askVarsPrompt(ctx, ps); err != nil {
		return false, err
	}
	pattern := ""
	switch h := p.Hosts.(type) {
	case *pyval.List:
		var parts []string
		for _, x := range h.Items {
			parts = append(parts, pyval.Str(x))
		}
		pattern = strings.Join(parts, ",")
	default:
		pattern = pyval.Str(h)
	}
	if s, err := ps.templateStr(pattern); err == nil {
		pattern = s
	}
	pr.name = p.Name
	if pr.name == "" {
		pr.name = pattern
	} else if s, err := ps.templateStr(pr.name); err == nil {
		pr.name = s
	}
	hosts, warns := r.opts.Inventory.Select(pattern)
	for _, w := range warns {
		r.warn("%s", w)
	}
	if r.opts.Limit != "" {
		lim := r.opts.Limit
		if strings.HasPrefix(lim, "@") {
			b, err := os.ReadFile(lim[1:])
			if err != nil {
				return false, fmt.Errorf("read limit file: %w", err)
			}
			lim = strings.Join(strings.Fields(string(b)), ",")
		}
		allowed, _ := r.opts.Inventory.Select(lim)
		var keep []string
		for _, h := range hosts {
			if contains(allowed, h) {
				keep = append(keep, h)
			}
		}
		hosts = keep
	}
	if ord, ok := p.Kw["order"]; ok {
		hosts = orderHosts(hosts, pyval.Str(ord))
	}
	var live []string
	for _, h := range hosts {
		hs := r.host(h)
		if !hs.failed && !hs.unreachable {
			live = append(live, h)
		}
	}
	// vars_files, loaded before the banner as Ansible does, templated
	// with play vars; a list entry means the first
	// file that exists
	for _, vf := range p.VarsFiles {
		cands := []any{vf}
		if l, ok := vf.(*pyval.List); ok {
			cands = l.Items
		}
		var found bool
		for _, c := range cands {
			name, err := ps.templateStr(c)
			if err != nil {
				return false, err
			}
			if !filepath.IsAbs(name) {
				name = filepath.Join(p.Dir, name)
			}
			if _, err := os.Stat(name); err != nil {
				continue
			}
			d, err := r.loader.LoadVarsFile(name)
			if err != nil {
				return false, err
			}
			pyval.CombineVars(pr.varsFiles, d, r.opts.HashMerge)
			found = true
			break
		}
		if !found {
			return false, fmt.Errorf("vars file %s was not found", pyval.Str(vf))
		}
	}
	pr.allHosts = live
	r.report(PlayStart{Name: pr.name, Hosts: live, Pos: p.Pos})
	if len(live) == 0 {
		r.report(NoHosts{})
		return false, nil
	}
	if s, ok := p.Kw["strategy"]; ok && pyval.Str(s) == "free" {
		pr.free = true
	}
	// handlers in definition order, flattened out of role blocks
	play.Walk(p.Handlers, func(t *play.Task) {
		if !t.IsBlock {
			pr.handlers = append(pr.handlers, t)
		}
	})
	for _, h := range live {
		r.host(h).ended = false
		r.host(h).played = true
	}
	batches, err := serialBatches(p.Kw["serial"], live, ps)
	if err != nil {
		return false, err
	}
	for i, b := range batches {
		if i > 0 {
			// the banner is shown again for every serial batch
			r.report(PlayStart{Name: pr.name, Hosts: b, Pos: p.Pos})
		}
		pr.batch = nil
		for _, n := range b {
			pr.batch = append(pr.batch, r.host(n))
		}
		pr.endBatch = false
		pr.runBatch(ctx)
		if pr.endPlay || ctx.Err() != nil {
			break
		}
		// a batch whose hosts all failed ends the play (Ansible's
		// "NO MORE HOSTS LEFT")
		if len(pr.batchActive()) == 0 {
			break
		}
	}
	failed := 0
	for _, h := range pr.batch {
		if h.failed || h.unreachable {
			failed++
		}
	}
	if pr.aborted || failed == len(pr.batch) {
		return true, ctx.Err()
	}
	return false, ctx.Err()
}

func orderHosts(hosts []string, order string) []string {
	out := append([]string(nil), hosts...)
	switch order {
	case "sorted":
		sort.Strings(out)
	case "reverse_sorted":
		sort.Sort(sort.Reverse(sort.StringSlice(out)))
	case "reverse_inventory":
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

// serialBatches splits hosts as serial: an int, a percentage, or a list of
// them (the last size repeating).
func serialBatches(serial any, hosts []string, s *scope) ([][]string, error) {
	if serial == nil {
		return [][]string{hosts}, nil
	}
	var sizes []any
	if l, ok := serial.(*pyval.List); ok {
		sizes = l.Items
	} else {
		sizes = []any{serial}
	}
	var ns []int
	for _, sz := range sizes {
		v := sz
		if s != nil {
			var err error
			if v, err = s.template(sz); err != nil {
				return nil, err
			}
		}
		str := strings.TrimSpace(pyval.Str(v))
		n := 0
		if strings.HasSuffix(str, "%") {
			pct, err := strconv.ParseFloat(strings.TrimSuffix(str, "%"), 64)
			if err != nil {
				return nil, fmt.Errorf("invalid serial value %q", str)
			}
			n = int(pct / 100 * float64(len(hosts)))
			if n < 1 {
				n = 1
			}
		} else {
			var err error
			if n, err = strconv.Atoi(str); err != nil {
				return nil, fmt.Errorf("invalid serial value %q", str)
			}
		}
		if n <= 0 {
			n = len(hosts)
		}
		ns = append(ns, n)
	}
	var out [][]string
	i := 0
	for len(hosts) > 0 {
		n := ns[min(i, len(ns)-1)]
		i++
		if n > len(hosts) {
			n = len(hosts)
		}
		out = append(out, hosts[:n])
		hosts = hosts[n:]
	}
	return out, nil
}

func (pr *playRun) runBatch(ctx context.Context) {
	p := pr.play
	gather := pr.r.opts.Gathering != "explicit"
	if g, ok := p.Kw["gather_facts"]; ok {
		gather = truthy(g)
	}
	if gather {
		pr.gatherFacts(ctx)
	}
	sections := [][]*play.Task{p.PreTasks, p.RoleTasks, p.Tasks, p.PostTasks}
	for i, sec := range sections {
		pr.runList(ctx, sec, pr.liveBatch())
		if pr.endPlay || pr.endBatch || ctx.Err() != nil {
			break
		}
		// handlers flush after pre_tasks, after roles+tasks, after post_tasks
		if i != 1 {
			pr.flushHandlers(ctx)
		}
	}
	if pr.endPlay || pr.endBatch {
		pr.flushHandlersIfForced(ctx)
	}
}

func (pr *playRun) liveBatch() []*hostState {
	var out []*hostState
	for _, h := range pr.batch {
		if !h.failed && !h.unreachable && !h.ended {
			out = append(out, h)
		}
	}
	return out
}

func truthy(v any) bool {
	switch t := v.(type) {
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "yes", "on", "true", "1", "y", "t":
			return true
		}
		return false
	}
	return pyval.Truth(v)
}

// errFatal stops the run (any_errors_fatal, max_fail_percentage).
var errFatal = errors.New("fatal")

// maxFailExceeded reports whether the failure percentage of the batch is
// above max_fail_percentage.
func (pr *playRun) maxFailExceeded() bool {
	v, ok := pr.play.Kw["max_fail_percentage"]
	if !ok {
		return false
	}
	pct, err := strconv.ParseFloat(pyval.Str(v), 64)
	if err != nil {
		return false
	}
	failed := 0
	for _, h := range pr.batch {
		if h.failed || h.unreachable {
			failed++
		}
	}
	return float64(failed)/float64(len(pr.batch))*100 > pct && !math.IsNaN(pct)
}
