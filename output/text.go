package output

import (
	"fmt"
	"io"
	"os"
	"strings"

	"gplay/engine"
	"gplay/pyval"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// TextOptions configure Text.
type TextOptions struct {
	Verbosity int
	// Color turns ANSI colours on; see ColorWanted.
	Color bool
	// Width is the banner width; 0 means 80.
	Width int
	// Check and Diff are the run's modes (diffs are shown under Diff).
	Diff bool
}

// ColorWanted decides colours as Ansible does: ANSIBLE_FORCE_COLOR wins,
// then NO_COLOR / ANSIBLE_NOCOLOR turn them off, else only on a terminal.
func ColorWanted(f *os.File) bool {
	if v := os.Getenv("ANSIBLE_FORCE_COLOR"); v != "" && truthyEnv(v) {
		return true
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	if v := os.Getenv("ANSIBLE_NOCOLOR"); v != "" && truthyEnv(v) {
		return false
	}
	return isatty.IsTerminal(f.Fd())
}

func truthyEnv(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on", "y", "t":
		return true
	}
	return false
}

// Text writes ansible-playbook's default (human) output.
type Text struct {
	w, errw io.Writer
	opts    TextOptions
	// lastTask is the banner last printed, so item and result lines know
	// their task (the default callback reprints a banner when results of
	// an older task arrive late, as with the free strategy).
	lastTask string
}

// NewText returns a Text writing results to w and warnings to errw.
func NewText(w, errw io.Writer, opts TextOptions) *Text {
	if opts.Width <= 0 {
		opts.Width = 80
	}
	return &Text{w: w, errw: errw, opts: opts}
}

type colorName int

const (
	colNone colorName = iota
	colGreen
	colYellow
	colCyan
	colRed
	colBrightRed
	colPurple
	colBrightPurple
	colBlue
)

var colorAttrs = map[colorName][]color.Attribute{
	colGreen:        {color.Reset, color.FgGreen},
	colYellow:       {color.Reset, color.FgYellow},
	colCyan:         {color.Reset, color.FgCyan},
	colRed:          {color.Reset, color.FgRed},
	colBrightRed:    {color.Bold, color.FgRed},
	colPurple:       {color.Reset, color.FgMagenta},
	colBrightPurple: {color.Bold, color.FgMagenta},
	colBlue:         {color.Reset, color.FgBlue},
}

// c colours s as Ansible's stringc, line by line.
func (t *Text) c(col colorName, s string) string {
	if !t.opts.Color || col == colNone {
		return s
	}
	cc := color.New(colorAttrs[col]...)
	cc.EnableColor()
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" || i < len(lines)-1 {
			lines[i] = cc.Sprint(l)
		}
	}
	return strings.Join(lines, "\n")
}

func (t *Text) line(col colorName, s string) {
	fmt.Fprintln(t.w, t.c(col, s))
}

// banner prints "\nTITLE ****" padded to the width, as Display.banner.
func (t *Text) banner(msg string) {
	msg = strings.TrimSpace(msg)
	stars := t.opts.Width - 1 - len([]rune(msg))
	if stars <= 3 {
		stars = 3
	}
	fmt.Fprintf(t.w, "\n%s %s\n", msg, strings.Repeat("*", stars))
}

// Report implements engine.Reporter.
func (t *Text) Report(e engine.Event) {
	switch ev := e.(type) {
	case engine.PlaybookStart:
		if t.opts.Verbosity > 1 {
			t.banner("PLAYBOOK: " + baseName(ev.Path))
		}
	case engine.PlayStart:
		name := strings.TrimSpace(ev.Name)
		t.banner("PLAY [" + name + "]")
	case engine.NoHosts:
		t.line(colCyan, "skipping: no hosts matched")
	case engine.TaskStart:
		prefix := "TASK"
		if ev.Handler {
			prefix = "RUNNING HANDLER"
		}
		t.banner(prefix + " [" + ev.Name + "]")
		t.lastTask = ev.Name
	case engine.HandlerStart:
		t.banner("RUNNING HANDLER [" + ev.Name + "]")
	case engine.Included:
		s := "included: " + ev.File + " for " + strings.Join(ev.Hosts, ", ")
		if ev.HasItem {
			s += " => (item=" + pyval.Str(ev.Item) + ")"
		}
		t.line(colCyan, s)
	case engine.HostResult:
		t.result(ev)
	case engine.Warning:
		fmt.Fprintln(t.errw, t.c(colBrightPurple, wrapWarning("[WARNING]: "+ev.Msg)))
	case engine.Deprecation:
		fmt.Fprintln(t.errw, t.c(colPurple, "[DEPRECATION WARNING]: "+ev.Msg))
	case engine.Message:
		col := colNone
		if strings.HasPrefix(ev.Text, "FAILED - RETRYING") {
			col = colRed
		}
		if ev.Text == "NO MORE HOSTS LEFT" {
			t.banner(ev.Text)
			return
		}
		t.line(col, ev.Text)
	case engine.Recap:
		t.recap(ev)
	}
}

// wrapWarning wraps a warning as Display.warning does with Python's
// textwrap.wrap at 79 columns: greedy, breaking after hyphens inside words
// and splitting words longer than a line.
func wrapWarning(s string) string {
	const width = 79
	var chunks []string
	for _, w := range strings.Fields(s) {
		// break after a hyphen that follows a letter and precedes one
		start := 0
		for i := 1; i < len(w)-1; i++ {
			if w[i] == '-' && isWordByte(w[i-1]) && isWordByte(w[i+1]) {
				chunks = append(chunks, w[start:i+1])
				start = i + 1
			}
		}
		chunks = append(chunks, w[start:])
		chunks = append(chunks, " ")
	}
	var lines []string
	cur := ""
	for _, c := range chunks {
		if c == " " {
			if cur != "" {
				cur += " "
			}
			continue
		}
		if len(strings.TrimRight(cur, " "))+len(c) > width && strings.TrimSpace(cur) != "" {
			lines = append(lines, strings.TrimRight(cur, " "))
			cur = ""
		}
		for len(c) > width {
			lines = append(lines, c[:width])
			c = c[width:]
		}
		cur += c
	}
	if strings.TrimSpace(cur) != "" {
		lines = append(lines, strings.TrimRight(cur, " "))
	}
	return strings.Join(lines, "\n")
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (t *Text) hostLabel(ev engine.HostResult) string {
	if ev.Delegated != "" && ev.Delegated != ev.Host {
		return ev.Host + " -> " + ev.Delegated
	}
	return ev.Host
}

// clean returns the result as the default callback shows it: internal
// keys and warnings dropped, debug reduced to its message.
func (t *Text) clean(ev engine.HostResult) *pyval.Dict {
	d := ev.Result
	if d == nil {
		return pyval.NewDict(0)
	}
	out := pyval.NewDict(d.Len())
	debug := isDebugAction(ev.Action)
	msgOnly := debug && d.Has("msg")
	d.Range(func(k, v any) bool {
		ks := pyval.Str(k)
		switch {
		case strings.HasPrefix(ks, "_ansible_"):
			return true
		case ks == "warnings" || ks == "deprecations" || ks == "exception":
			return true
		case ks == "invocation" && t.opts.Verbosity < 3:
			return true
		case ks == "diff" && t.opts.Verbosity < 3:
			return true
		case ks == "failed" || ks == "skipped":
			// TaskResult.clean_copy drops them before callbacks see results
			return true
		}
		if debug {
			if msgOnly && ks != "msg" {
				return true
			}
			if !msgOnly && (ks == "changed" || ks == "failed" || ks == "skipped" || ks == "skip_reason") {
				return true
			}
		}
		out.Set(k, v)
		return true
	})
	return out
}

// isDebugAction reports whether the action is debug, whose results the
// default callback reduces to their message (C._ACTION_DEBUG).
func isDebugAction(a string) bool {
	return a == "debug" || a == "ansible.builtin.debug" || a == "ansible.legacy.debug"
}

func (t *Text) dump(ev engine.HostResult) string {
	indent := 0
	if ev.Verbose || t.opts.Verbosity > 2 {
		indent = 4
	}
	return pyJSON(t.clean(ev), indent)
}

func (t *Text) verbose(ev engine.HostResult) bool {
	// a censored result is shown only under -v, as it loses
	// _ansible_verbose_always
	return t.opts.Verbosity > 0 || (ev.Verbose && !ev.NoLog)
}

func (t *Text) itemLabel(ev engine.HostResult) string {
	if ev.NoLog {
		return "None"
	}
	return pyval.Str(ev.Label)
}

func (t *Text) result(ev engine.HostResult) {
	if ev.Diff && ev.Result != nil && !ev.NoLog {
		if d, ok := ev.Result.Get("diff"); ok && (ev.Status == engine.StatusChanged || ev.Status == engine.StatusOK) {
			if s := t.renderDiff(d); s != "" {
				fmt.Fprint(t.w, s)
			}
		}
	}
	if ev.Result != nil {
		if w, ok := ev.Result.Get("warnings"); ok {
			for _, x := range listItems(w) {
				fmt.Fprintln(t.errw, t.c(colBrightPurple, wrapWarning("[WARNING]: "+pyval.Str(x))))
			}
		}
	}
	host := t.hostLabel(ev)
	// a censored loop result has no results left, so the default callback
	// shows it as a plain result
	if ev.Looped && !ev.NoLog {
		// the items were shown one by one; the default callback shows
		// nothing more for the aggregate, except "...ignoring"
		switch {
		case ev.Status == engine.StatusFailed && ev.Ignored:
			t.line(colCyan, "...ignoring")
		case ev.Status == engine.StatusSkipped:
			// v2_runner_on_skipped prints the host once more when every
			// item was skipped
			t.line(colCyan, "skipping: ["+host+"]")
		}
		return
	}
	switch ev.Status {
	case engine.StatusOK, engine.StatusChanged:
		word, col := "ok", colGreen
		if ev.Status == engine.StatusChanged {
			word, col = "changed", colYellow
		}
		s := word + ": [" + host + "]"
		if ev.IsItem {
			s += " => (item=" + t.itemLabel(ev) + ")"
		}
		if t.verbose(ev) {
			s += " => " + t.dump(ev)
		}
		t.line(col, s)
	case engine.StatusSkipped:
		s := "skipping: [" + host + "]"
		if ev.IsItem {
			// the default callback leaves a space after skipped items
			s += " => (item=" + t.itemLabel(ev) + ") "
		}
		if t.opts.Verbosity > 0 {
			s += " => " + t.dump(ev)
		}
		t.line(colCyan, s)
	case engine.StatusFailed:
		if ev.IsItem {
			t.line(colRed, "failed: ["+host+"] (item="+t.itemLabel(ev)+") => "+t.dump(ev))
		} else {
			t.line(colRed, "fatal: ["+host+"]: FAILED! => "+t.dump(ev))
		}
		if ev.Ignored && !ev.IsItem {
			t.line(colCyan, "...ignoring")
		}
	case engine.StatusUnreachable:
		if ev.IsItem {
			t.line(colBrightRed, "unreachable: ["+host+"] (item="+t.itemLabel(ev)+") => "+t.dump(ev))
		} else {
			t.line(colBrightRed, "fatal: ["+host+"]: UNREACHABLE! => "+t.dump(ev))
		}
		if ev.Ignored {
			t.line(colCyan, "...ignoring")
		}
	}
}

func listItems(v any) []any {
	if l, ok := v.(*pyval.List); ok {
		return l.Items
	}
	return []any{v}
}

func (t *Text) recap(ev engine.Recap) {
	t.banner("PLAY RECAP")
	for _, h := range ev.Hosts {
		col := colGreen
		switch {
		case h.Failed > 0 || h.Unreachable > 0:
			col = colRed
		case h.Changed > 0:
			col = colYellow
		}
		name := fmt.Sprintf("%-26s", h.Host)
		if t.opts.Color {
			name = fmt.Sprintf("%-37s", t.c(col, h.Host))
		}
		cnt := func(lead string, n int, col colorName) string {
			s := fmt.Sprintf("%s=%-4d", lead, n)
			if n != 0 {
				return t.c(col, s)
			}
			return s
		}
		fmt.Fprintf(t.w, "%s : %s %s %s %s %s %s %s\n", name,
			cnt("ok", h.OK, colGreen), cnt("changed", h.Changed, colYellow),
			cnt("unreachable", h.Unreachable, colBrightRed), cnt("failed", h.Failed, colRed),
			cnt("skipped", h.Skipped, colCyan), cnt("rescued", h.Rescued, colGreen),
			cnt("ignored", h.Ignored, colPurple))
	}
	fmt.Fprintln(t.w)
}
