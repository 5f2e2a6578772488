package output

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"gplay/engine"
	"gplay/pyval"
)

// TextOptions configure Text.
type TextOptions struct {
	Verbosity int
	// Color turns ANSI colours on; see ColorWanted.
	Color bool
	// Width is the banner width; 0 means the terminal's width when the
	// results writer is a terminal (at least 80), else 80.
	Width int
	// Diff shows diffs (the run's --diff).
	Diff bool
	// Live controls the live status line (LiveAuto: only when the results
	// writer is a terminal). Tests force it on with LiveOn.
	Live LiveMode
}

// Text writes ansible-playbook's default (human) output, plus the live
// status line on a terminal. Its Report and the status ticker share mu.
type Text struct {
	w, errw io.Writer
	opts    TextOptions
	// lastTask is the banner last printed, so item and result lines know
	// their task (the default callback reprints a banner when results of
	// an older task arrive late, as with the free strategy).
	lastTask string
	// warned and deprecated hold what was printed: Ansible's Display
	// prints each warning and deprecation once per run.
	warned, deprecated map[string]bool
	// itemWarnings are loop items' warnings by host, printed with the
	// loop's result as Ansible accumulates them there.
	itemWarnings map[string][]string

	mu   sync.Mutex
	live liveState
}

// NewText returns a Text writing results to w and warnings to errw. Call
// Close when the run ends without a recap (an error), to stop the status
// line.
func NewText(w, errw io.Writer, opts TextOptions) *Text {
	cols := terminalWidth(w)
	if opts.Width <= 0 {
		// Display.columns is max(79, width-1); banners use columns
		opts.Width = max(80, cols)
	}
	t := &Text{w: w, errw: errw, opts: opts, warned: map[string]bool{}, deprecated: map[string]bool{},
		itemWarnings: map[string][]string{}}
	switch opts.Live {
	case LiveOn:
		t.live.on = true
	case LiveAuto:
		t.live.on = cols > 0
	}
	t.live.now = time.Now
	return t
}

// c colours s as Ansible's stringc.
func (t *Text) c(col colorName, s string) string { return stringc(t.opts.Color, col, s) }

// line writes s as Display.display does, in colour col.
func (t *Text) line(col colorName, s string) {
	io.WriteString(t.w, displayText(t.opts.Color, col, s))
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

// warn prints a warning once per run, as Display.warning.
func (t *Text) warn(msg string) {
	s := wrapWarning("[WARNING]: "+msg, t.opts.Width-1) + "\n"
	if t.warned[s] {
		return
	}
	t.warned[s] = true
	io.WriteString(t.errw, displayText(t.opts.Color, colBrightPurple, s))
}

// Report implements engine.Reporter. The status line, when shown, is
// erased before the event's lines and drawn again after them.
func (t *Text) Report(e engine.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.erase()
	t.report(e)
	t.track(e)
	t.draw()
}

func (t *Text) report(e engine.Event) {
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
	case engine.HostDone:
		// live status only; Ansible prints nothing
	case engine.Warning:
		t.warn(ev.Msg)
	case engine.DisplayError:
		// textwrap keeps the space the leading "\n" became: \x00 holds
		// its place while wrapping at Display.columns (width-1)
		s := strings.Replace(wrapAt("\x00[ERROR]: "+ev.Msg, t.opts.Width-2), "\x00", " ", 1)
		io.WriteString(t.errw, displayText(t.opts.Color, colRed, s))
	case engine.Deprecation:
		s := "[DEPRECATION WARNING]: " + ev.Msg
		if !t.deprecated[s] {
			t.deprecated[s] = true
			io.WriteString(t.errw, displayText(t.opts.Color, colPurple, s))
		}
	case engine.Message:
		col := colNone
		if strings.HasPrefix(ev.Text, "FAILED - RETRYING") || strings.HasPrefix(ev.Text, "ASYNC ") {
			// v2_runner_retry and the v2_runner_on_async_* lines use COLOR_DEBUG
			col = colDarkGray
		}
		if ev.Text == "NO MORE HOSTS LEFT" {
			t.banner(ev.Text)
			return
		}
		t.line(col, ev.Text)
	case engine.Recap:
		t.stopTicker()
		t.recap(ev)
	}
}

// wrapWarning wraps a warning as Display.warning does with Python's
// textwrap.wrap at width (Display.columns, 79 on an 80-column terminal):
// greedy, breaking after hyphens inside words and splitting words longer
// than a line.
func wrapWarning(s string, width int) string {
	if width < 79 {
		width = 79
	}
	return wrapAt(s, width)
}

// wrapAt is wrapWarning's textwrap without its minimum width.
func wrapAt(s string, width int) string {
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

// result prints a host's result in the default callback's order: the diff
// (changed results under --diff), the warnings, then the status line.
func (t *Text) result(ev engine.HostResult) {
	ok := ev.Status == engine.StatusChanged || ev.Status == engine.StatusOK
	if ev.Diff && ok && ev.Result != nil && !ev.NoLog && truthy(ev.Result, "changed") {
		// v2_on_file_diff shows diffs of changed results only
		if d, has := ev.Result.Get("diff"); has {
			if s := t.renderDiff(d); s != "" {
				io.WriteString(t.w, displayText(false, colNone, s))
			}
		}
	}
	host := t.hostLabel(ev)
	warnings := resultWarnings(ev)
	switch {
	case ev.IsItem:
		// the loop's result carries its items' warnings; only a failed
		// item prints them at once (v2_runner_item_on_failed)
		t.itemWarnings[ev.Host] = append(t.itemWarnings[ev.Host], warnings...)
		if ev.Status != engine.StatusFailed && ev.Status != engine.StatusUnreachable {
			warnings = nil
		}
	case ev.Looped:
		warnings = append(t.itemWarnings[ev.Host], warnings...)
		delete(t.itemWarnings, ev.Host)
	}
	if ev.Status == engine.StatusSkipped || (ev.Status == engine.StatusUnreachable && !ev.IsItem) {
		// v2_runner_on_skipped and _on_unreachable handle no warnings
		warnings = nil
	}
	if ev.Status == engine.StatusFailed && ev.Result != nil {
		t.exception(ev.Result)
	}
	for _, w := range warnings {
		t.warn(w)
	}
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
			t.line(colCyan, "skipping: ["+ev.Host+"]")
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
		// skipped lines name the host without its delegate
		s := "skipping: [" + ev.Host + "]"
		if ev.IsItem {
			// the default callback leaves a space after skipped items
			s += " => (item=" + t.itemLabel(ev) + ") "
		}
		if t.opts.Verbosity > 0 {
			s += " => " + t.dump(ev)
		}
		t.line(colCyan, s)
	case engine.StatusFailed, engine.StatusUnreachable:
		switch {
		case ev.IsItem:
			// v2_runner_item_on_failed takes unreachable items too
			t.line(colRed, "failed: ["+host+"] (item="+t.itemLabel(ev)+") => "+t.dump(ev))
		case ev.Status == engine.StatusFailed:
			t.line(colRed, "fatal: ["+host+"]: FAILED! => "+t.dump(ev))
		default:
			t.line(colBrightRed, "fatal: ["+host+"]: UNREACHABLE! => "+t.dump(ev))
		}
		if ev.Ignored && !ev.IsItem {
			t.line(colCyan, "...ignoring")
		}
	}
}

// exception prints a failed result's exception as the default callback's
// _handle_exception: its last line, or the whole traceback at -vvv.
func (t *Text) exception(res *pyval.Dict) {
	x, ok := res.Get("exception")
	if !ok {
		return
	}
	s := pyval.Str(x)
	msg := "An exception occurred during task execution. "
	if t.opts.Verbosity < 3 {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		msg += "To see the full traceback, use -vvv. The error was: " + lines[len(lines)-1]
	} else {
		msg = "The full traceback is:\n" + s
	}
	t.line(colRed, msg)
}

// resultWarnings are the warnings a result carries.
func resultWarnings(ev engine.HostResult) []string {
	if ev.Result == nil || ev.NoLog {
		return nil
	}
	w, ok := ev.Result.Get("warnings")
	if !ok || w == nil {
		return nil
	}
	var out []string
	for _, x := range listItems(w) {
		out = append(out, pyval.Str(x))
	}
	return out
}

func truthy(d *pyval.Dict, k string) bool {
	v, ok := d.Get(k)
	return ok && pyval.Truth(v)
}

func listItems(v any) []any {
	if l, ok := v.(*pyval.List); ok {
		return l.Items
	}
	return []any{v}
}

func (t *Text) recap(ev engine.Recap) {
	t.banner("PLAY RECAP")
	on := t.opts.Color
	for _, h := range ev.Hosts {
		// hostcolor: the coloured name is padded to 37, 26 plus the
		// escape sequences' 11 bytes
		name := fmt.Sprintf("%-26s", h.Host)
		if on {
			col := colGreen
			switch {
			case h.Failed > 0 || h.Unreachable > 0:
				col = colRed
			case h.Changed > 0:
				col = colYellow
			}
			name = fmt.Sprintf("%-37s", stringc(on, col, h.Host))
		}
		cnt := func(lead string, n int, col colorName) string {
			s := fmt.Sprintf("%s=%-4d", lead, n)
			if n != 0 {
				return stringc(on, col, s)
			}
			return s
		}
		fmt.Fprintf(t.w, "%s : %s %s %s %s %s %s %s\n", name,
			cnt("ok", h.OK, colGreen), cnt("changed", h.Changed, colYellow),
			cnt("unreachable", h.Unreachable, colBrightRed), cnt("failed", h.Failed, colRed),
			cnt("skipped", h.Skipped, colCyan), cnt("rescued", h.Rescued, colGreen),
			cnt("ignored", h.Ignored, colBrightPurple))
	}
	fmt.Fprintln(t.w)
}
