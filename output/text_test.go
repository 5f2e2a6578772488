package output

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gplay/engine"
	"gplay/module"
	"gplay/pyval"
)

// lineinfile's warning for regexp: ” (the one colours.yml triggers).
const emptyRegexpWarning = "The regular expression is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending. If this is desired, use '^' to match every line in the file and avoid this warning."

// coloursEvents are the events a run of testdata/colours.yml reports.
func coloursEvents() []engine.Event {
	const h = "localhost"
	content := pyval.DictOf("before", "one\ntwo\n", "after", "one\nthree\n", "before_header", "DIR/f.txt (content)", "after_header", "DIR/f.txt (content)")
	attrs := pyval.DictOf("before", pyval.DictOf("path", "DIR/f.txt"), "after", pyval.DictOf("path", "DIR/f.txt"),
		"before_header", "DIR/f.txt (file attributes)", "after_header", "DIR/f.txt (file attributes)")
	warn := pyval.NewList(emptyRegexpWarning)
	itemA := pyval.DictOf("msg", "a", "changed", false, "ansible_loop_var", "item", "item", "a", "_ansible_verbose_always", true)
	itemB := pyval.DictOf("changed", false, "skipped", true, "skip_reason", "Conditional result was False", "ansible_loop_var", "item", "item", "b")
	itemX := pyval.DictOf("ansible_loop_var", "item", "changed", false, "failed", true, "item", "x", "msg", "x")
	return []engine.Event{
		engine.PlayStart{Name: h, Hosts: []string{h}},
		engine.TaskStart{Name: "reset", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "copy", Status: engine.StatusChanged, Result: pyval.DictOf("changed", true, "dest", "DIR/f.txt")},
		engine.TaskStart{Name: "ok", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "debug", Status: engine.StatusOK, Verbose: true, Diff: true, Result: pyval.DictOf("msg", "hi", "changed", false, "_ansible_verbose_always", true)},
		engine.TaskStart{Name: "changed with diff and warning", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "lineinfile", Status: engine.StatusChanged, Diff: true,
			Result: pyval.DictOf("changed", true, "msg", "line replaced", "backup", "", "warnings", warn, "diff", pyval.NewList(content, attrs))},
		engine.TaskStart{Name: "same warning again", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "lineinfile", Status: engine.StatusChanged, Result: pyval.DictOf("changed", true, "msg", "line replaced", "warnings", warn)},
		engine.TaskStart{Name: "skipped", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "debug", Status: engine.StatusSkipped, Result: pyval.DictOf("changed", false, "skipped", true, "skip_reason", "Conditional result was False")},
		engine.TaskStart{Name: "items", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "debug", Status: engine.StatusOK, IsItem: true, Item: "a", Label: "a", Verbose: true, Result: itemA},
		engine.HostResult{Host: h, Action: "debug", Status: engine.StatusSkipped, IsItem: true, Item: "b", Label: "b", Result: itemB},
		engine.HostResult{Host: h, Action: "debug", Status: engine.StatusOK, Looped: true, Result: pyval.DictOf("results", pyval.NewList(itemA, itemB), "changed", false, "msg", "All items completed")},
		engine.TaskStart{Name: "retry", Hosts: []string{h}},
		engine.Message{Text: "FAILED - RETRYING: [localhost]: retry (1 retries left)."},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "fail", Status: engine.StatusFailed, Ignored: true, Result: pyval.DictOf("attempts", 1, "changed", false, "failed", true, "msg", "boom")},
		engine.TaskStart{Name: "item fail", Hosts: []string{h}},
		engine.HostDone{Host: h},
		engine.HostResult{Host: h, Action: "fail", Status: engine.StatusFailed, IsItem: true, Item: "x", Label: "x", Result: itemX},
		engine.HostResult{Host: h, Action: "fail", Status: engine.StatusFailed, Looped: true, Ignored: true, Result: pyval.DictOf("results", pyval.NewList(itemX), "changed", false, "failed", true, "msg", "One or more items failed")},
		engine.Recap{Hosts: []engine.HostStats{{Host: h, OK: 7, Changed: 3, Skipped: 1, Ignored: 2}}},
	}
}

// TestColoursMatchAnsible renders colours.yml's events with colours forced
// and compares with ansible-playbook's output (stdout and stderr as one
// stream) checked in as testdata/colours.ansible.out; where
// ansible-playbook runs, the checked-in output is regenerated first.
func TestColoursMatchAnsible(t *testing.T) {
	want, err := os.ReadFile("testdata/colours.ansible.out")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("ansible-playbook"); err == nil {
		dir := t.TempDir()
		cmd := exec.Command("ansible-playbook", "-i", "localhost,", "-c", "local", "colours.yml", "--diff", "-e", "dir="+dir)
		cmd.Dir = "testdata"
		cmd.Env = append(os.Environ(), "ANSIBLE_FORCE_COLOR=1", "ANSIBLE_NOCOLOR=0", "NO_COLOR=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ansible-playbook: %v\n%s", err, out)
		}
		if got := strings.ReplaceAll(string(out), dir, "DIR"); got != string(want) {
			t.Errorf("testdata/colours.ansible.out is stale; ansible-playbook now prints\n%q", got)
		}
	}
	var b bytes.Buffer
	tx := NewText(&b, &b, TextOptions{Color: true, Diff: true, Live: LiveOff})
	for _, e := range coloursEvents() {
		tx.Report(e)
	}
	if b.String() != string(want) {
		t.Errorf("coloured output differs from ansible-playbook's:\n got %q\nwant %q", b.String(), want)
	}
}

// TestDiffMatchesAnsible compares renderDiff with Ansible's own
// CallbackBase._get_diff, kept in testdata/diffs.json (gen_diffs.py).
func TestDiffMatchesAnsible(t *testing.T) {
	raw, err := os.ReadFile("testdata/diffs.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/usr/lib/python3/dist-packages/ansible"); err == nil {
		gen, _ := filepath.Abs("testdata/gen_diffs.py")
		cmd := exec.Command("/usr/bin/python3", gen)
		cmd.Dir = t.TempDir()
		if out, err := cmd.Output(); err != nil {
			t.Fatalf("gen_diffs.py: %v", err)
		} else if !bytes.Equal(out, raw) {
			t.Errorf("testdata/diffs.json is stale; regenerate it with gen_diffs.py")
		}
	}
	var cases []struct {
		Name         string
		Diff         json.RawMessage
		Plain, Color string
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		d, err := module.DecodeJSON(c.Diff)
		if err != nil {
			t.Fatal(err)
		}
		for _, color := range []bool{false, true} {
			want := c.Plain
			if color {
				want = c.Color
			}
			if got := NewText(nil, nil, TextOptions{Color: color}).renderDiff(d); got != want {
				t.Errorf("%s (colour %v): renderDiff =\n%q\nwant\n%q", c.Name, color, got, want)
			}
		}
	}
}

// TestWarnings checks that a module's warnings print once, after the diff
// and before the status line, as ansible-playbook prints them.
func TestWarnings(t *testing.T) {
	diff := pyval.DictOf("before", "a\n", "after", "b\n")
	res := func(kv ...any) *pyval.Dict {
		return pyval.DictOf(append([]any{"changed", true, "warnings", pyval.NewList("careful")}, kv...)...)
	}
	const warned = "[WARNING]: careful\n"
	diffText := "--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n\n"
	cases := []struct {
		name   string
		events []engine.Event
		want   string
	}{
		{"diff, warning, status line", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusChanged, Diff: true, Result: res("diff", diff)},
		}, diffText + warned + "changed: [h]\n"},
		{"the engine's own Warning for the same message prints once", []engine.Event{
			engine.Warning{Msg: "careful"},
			engine.HostResult{Host: "h", Status: engine.StatusChanged, Diff: true, Result: res("diff", diff)},
		}, warned + diffText + "changed: [h]\n"},
		{"once per run, as Display.warning", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusChanged, Result: res()},
			engine.HostResult{Host: "h2", Status: engine.StatusChanged, Result: res()},
		}, warned + "changed: [h]\nchanged: [h2]\n"},
		{"no diff without --diff or when not changed", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusChanged, Result: res("diff", diff)},
			engine.HostResult{Host: "h2", Status: engine.StatusOK, Diff: true, Result: pyval.DictOf("changed", false, "diff", diff)},
		}, warned + "changed: [h]\nok: [h2]\n"},
		{"loop items' warnings print with the loop's result", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusChanged, IsItem: true, Label: "a", Diff: true, Result: res("diff", diff)},
			engine.HostResult{Host: "h", Status: engine.StatusChanged, Looped: true, Result: pyval.DictOf("changed", true, "results", pyval.NewList())},
		}, diffText + "changed: [h] => (item=a)\n" + warned},
		{"a failed item's warnings print at once", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusFailed, IsItem: true, Label: "a", Result: pyval.DictOf("failed", true, "warnings", pyval.NewList("careful"))},
			engine.HostResult{Host: "h", Status: engine.StatusFailed, Looped: true, Result: pyval.DictOf("failed", true, "results", pyval.NewList())},
		}, warned + "failed: [h] (item=a) => {}\n"},
		{"failed results print theirs, skipped ones not", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusSkipped, Result: pyval.DictOf("skipped", true, "warnings", pyval.NewList("other"))},
			engine.HostResult{Host: "h", Status: engine.StatusFailed, Result: pyval.DictOf("failed", true, "msg", "x", "warnings", pyval.NewList("careful"))},
		}, "skipping: [h]\n" + warned + "fatal: [h]: FAILED! => {\"msg\": \"x\"}\n"},
		{"no_log hides them", []engine.Event{
			engine.HostResult{Host: "h", Status: engine.StatusChanged, NoLog: true, Diff: true, Result: res("diff", diff)},
		}, "changed: [h]\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		tx := NewText(&b, &b, TextOptions{Live: LiveOff})
		for _, e := range c.events {
			tx.Report(e)
		}
		if b.String() != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, b.String(), c.want)
		}
	}
}

// TestColorDecision checks the colour rules against Ansible 2.14's
// (checked with `script` on a terminal): ANSIBLE_FORCE_COLOR wins;
// NO_COLOR and ANSIBLE_NOCOLOR are booleans, NO_COLOR read last; a pipe
// or a terminal without colours (TERM=vt100, dumb, unknown) gets none.
func TestColorDecision(t *testing.T) {
	if _, err := os.Stat("/usr/share/terminfo/v/vt100"); err != nil {
		if _, err := os.Stat("/lib/terminfo/v/vt100"); err != nil {
			t.Skip("SKIP: no terminfo database")
		}
	}
	cases := []struct {
		env  map[string]string
		tty  bool
		cfg  ColorConfig
		want bool
	}{
		{map[string]string{"TERM": "xterm"}, true, ColorConfig{}, true},
		{map[string]string{"TERM": "xterm"}, false, ColorConfig{}, false},
		{map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "xterm", "NO_COLOR": "yes"}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "xterm", "NO_COLOR": "0"}, true, ColorConfig{}, true},
		{map[string]string{"TERM": "xterm", "NO_COLOR": "x"}, true, ColorConfig{}, true},
		{map[string]string{"TERM": "xterm", "ANSIBLE_NOCOLOR": "1"}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "xterm", "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "0"}, true, ColorConfig{}, true},
		{map[string]string{"TERM": "xterm", "ANSIBLE_NOCOLOR": "0", "NO_COLOR": "1"}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "xterm", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "1"}, true, ColorConfig{}, true},
		{map[string]string{"ANSIBLE_FORCE_COLOR": "true"}, false, ColorConfig{}, true},
		{map[string]string{"ANSIBLE_FORCE_COLOR": "0", "TERM": "xterm"}, false, ColorConfig{}, false},
		{map[string]string{"TERM": "xterm"}, true, ColorConfig{NoColor: "true"}, false},
		{map[string]string{"TERM": "xterm", "ANSIBLE_NOCOLOR": "false"}, true, ColorConfig{NoColor: "true"}, true},
		{map[string]string{}, false, ColorConfig{ForceColor: "yes"}, true},
		{map[string]string{"TERM": "vt100"}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "dumb"}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "no-such-terminal"}, true, ColorConfig{}, false},
		{map[string]string{}, true, ColorConfig{}, false},
		{map[string]string{"TERM": "linux"}, true, ColorConfig{}, true},
	}
	for _, c := range cases {
		env := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
		if got := decideColor(env, c.tty, c.cfg); got != c.want {
			t.Errorf("env %v tty %v cfg %+v: colour %v, want %v", c.env, c.tty, c.cfg, got, c.want)
		}
	}
}

// TestColorCodes checks each colour against Ansible 2.14's defaults
// (config/base.yml COLOR_* through constants.COLOR_CODES), asking the
// installed Ansible when there is one.
func TestColorCodes(t *testing.T) {
	cases := []struct {
		setting string
		col     colorName
		code    string
	}{
		{"COLOR_OK", colGreen, "0;32"},
		{"COLOR_CHANGED", colYellow, "0;33"},
		{"COLOR_SKIP", colCyan, "0;36"},
		{"COLOR_ERROR", colRed, "0;31"},
		{"COLOR_UNREACHABLE", colBrightRed, "1;31"},
		{"COLOR_WARN", colBrightPurple, "1;35"},
		{"COLOR_DEPRECATE", colPurple, "0;35"},
		{"COLOR_DEBUG", colDarkGray, "1;30"},
		{"COLOR_VERBOSE", colBlue, "0;34"},
		{"COLOR_DIFF_ADD", colGreen, "0;32"},
		{"COLOR_DIFF_REMOVE", colRed, "0;31"},
		{"COLOR_DIFF_LINES", colCyan, "0;36"},
	}
	var names []string
	for _, c := range cases {
		names = append(names, c.setting)
	}
	oracle := map[string]string{}
	py := "import sys\nfrom ansible import constants as C\nfor n in sys.argv[1:]: print(n, C.COLOR_CODES[getattr(C, n)])"
	cmd := exec.Command("/usr/bin/python3", append([]string{"-c", py}, names...)...)
	cmd.Dir = t.TempDir()
	if out, err := cmd.Output(); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if f := strings.Fields(l); len(f) == 2 {
				oracle[f[0]] = f[1]
			}
		}
	}
	for _, c := range cases {
		if o, ok := oracle[c.setting]; ok && o != c.code {
			t.Errorf("%s: Ansible's code is %s, the table says %s", c.setting, o, c.code)
		}
		if got, want := stringc(true, c.col, "x\n"), "\x1b["+c.code+"mx\x1b[0m\n\x1b["+c.code+"m\x1b[0m"; got != want {
			t.Errorf("%s: stringc = %q, want %q", c.setting, got, want)
		}
		if got := stringc(false, c.col, "x\n"); got != "x\n" {
			t.Errorf("%s: stringc without colour = %q", c.setting, got)
		}
	}
}

// statusStep is one step of a status line test: an event, the clock
// moving on, or a tick of the ticker.
type statusStep struct {
	ev      engine.Event
	advance time.Duration
	tick    bool
	close   bool
}

// TestStatusLine drives the live status line through a pipe with a fake
// clock: erased before every log line, drawn again after, cleared at the
// recap; never drawn when the writer is not a terminal.
func TestStatusLine(t *testing.T) {
	hosts := []string{"n1", "n2", "n3"}
	start := engine.TaskStart{Name: "t", Hosts: hosts}
	res := func(h string) engine.Event {
		return engine.HostResult{Host: h, Status: engine.StatusOK, Result: pyval.DictOf("changed", false)}
	}
	const banner = "\nTASK [t] ***********************************************************************\n"
	const recap = "\nPLAY RECAP *********************************************************************\n\n"
	const erase = "\r\x1b[K"
	cases := []struct {
		name  string
		mode  LiveMode
		color bool
		steps []statusStep
		want  string
	}{
		{"erased before log lines, redrawn, cleared at the recap", LiveOn, false, []statusStep{
			{ev: start}, {advance: 2 * time.Second}, {tick: true},
			{ev: engine.HostDone{Host: "n2"}},
			{ev: engine.HostDone{Host: "n1"}},
			{ev: res("n1")},
			{advance: 61 * time.Second}, {tick: true},
			{ev: engine.Warning{Msg: "w"}},
			{ev: engine.HostDone{Host: "n3"}},
			{ev: res("n2")}, {ev: res("n3")},
			{ev: engine.Recap{}},
		}, banner +
			"  waiting 2s on n1, n2, n3 (3 of 3 hosts)" +
			erase + "  waiting 2s on n1, n3 (2 of 3 hosts)" +
			erase + "  waiting 2s on n3 (1 of 3 hosts)" +
			erase + "ok: [n1]\n" + "  waiting 2s on n3 (1 of 3 hosts)" +
			erase + "  waiting 1m03s on n3 (1 of 3 hosts)" +
			erase + "[WARNING]: w\n" + "  waiting 1m03s on n3 (1 of 3 hosts)" +
			erase + "ok: [n2]\nok: [n3]\n" + recap},
		{"not before a task has run a second", LiveOn, false, []statusStep{
			{ev: start}, {advance: 900 * time.Millisecond}, {tick: true}, {ev: res("n1")},
		}, banner + "ok: [n1]\n"},
		{"coloured when colours are on", LiveOn, true, []statusStep{
			{ev: start}, {advance: time.Second}, {tick: true}, {close: true},
		}, banner + "\x1b[0;36m  waiting 1s on n1, n2, n3 (3 of 3 hosts)\x1b[0m" + erase},
		{"Close clears it and later ticks draw nothing", LiveOn, false, []statusStep{
			{ev: start}, {advance: 5 * time.Second}, {tick: true}, {close: true}, {tick: true},
		}, banner + "  waiting 5s on n1, n2, n3 (3 of 3 hosts)" + erase},
		{"a new play forgets the task", LiveOn, false, []statusStep{
			{ev: start}, {advance: 5 * time.Second}, {tick: true}, {ev: engine.PlayStart{Name: "p"}}, {tick: true},
		}, banner + "  waiting 5s on n1, n2, n3 (3 of 3 hosts)" + erase + "\nPLAY [p] ***********************************************************************\n"},
		{"no status line when not a terminal", LiveAuto, false, []statusStep{
			{ev: start}, {advance: 5 * time.Second}, {tick: true}, {ev: res("n1")}, {ev: engine.Recap{}},
		}, banner + "ok: [n1]\n" + recap},
		{"none when turned off", LiveOff, false, []statusStep{
			{ev: start}, {advance: 5 * time.Second}, {tick: true}, {ev: res("n1")},
		}, banner + "ok: [n1]\n"},
	}
	for _, c := range cases {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string)
		go func() { b, _ := io.ReadAll(r); got <- string(b) }()
		tx := NewText(w, w, TextOptions{Live: c.mode, Color: c.color})
		now := time.Unix(1000, 0)
		tx.live.now = func() time.Time { return now }
		tx.live.period = time.Hour // ticks come from the steps
		for _, s := range c.steps {
			switch {
			case s.ev != nil:
				tx.Report(s.ev)
			case s.advance != 0:
				now = now.Add(s.advance)
			case s.tick:
				tx.tick()
			case s.close:
				tx.Close()
			}
		}
		tx.Close()
		w.Close()
		if out := <-got; out != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, out, c.want)
		}
		r.Close()
	}
}

// TestStatusTicker runs the real ticker goroutine (under -race it checks
// the lock shared with Report): it redraws on its own and stops at Close.
func TestStatusTicker(t *testing.T) {
	var b lockedBuffer
	tx := NewText(&b, &b, TextOptions{Live: LiveOn})
	tx.live.period = 5 * time.Millisecond
	var clock atomic.Int64
	clock.Store(1000)
	tx.live.now = func() time.Time { return time.Unix(clock.Load(), 0) }
	tx.Report(engine.TaskStart{Name: "t", Hosts: []string{"a"}})
	clock.Store(1003)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(b.String(), "waiting 3s on a") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	tx.Report(engine.HostDone{Host: "a"})
	tx.Close()
	n := b.Len()
	time.Sleep(30 * time.Millisecond)
	out := b.String()
	if strings.Count(out, "waiting 3s on a (1 of 1 hosts)") < 2 {
		t.Errorf("the ticker did not redraw the line: %q", out)
	}
	if b.Len() != n || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("output after Close, or the line left on screen: %q", out)
	}
}

// lockedBuffer is a bytes.Buffer safe for the ticker and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

func TestStatusText(t *testing.T) {
	cases := []struct {
		wait    time.Duration
		pending []string
		total   int
		max     int
		want    string
	}{
		{12 * time.Second, []string{"node2", "node3"}, 5, 79, "  waiting 12s on node2, node3 (2 of 5 hosts)"},
		{125 * time.Second, []string{"a"}, 1, 79, "  waiting 2m05s on a (1 of 1 hosts)"},
		{3725 * time.Second, []string{"a"}, 1, 79, "  waiting 1h02m on a (1 of 1 hosts)"},
		{time.Second, []string{"alpha", "bravo", "charlie", "delta"}, 9, 52, "  waiting 1s on alpha, bravo, +2 more (4 of 9 hosts)"},
		{time.Second, []string{"a-very-long-host-name-indeed"}, 1, 30, "  waiting 1s on +1 more (1 of "},
	}
	for _, c := range cases {
		if got := statusText(c.wait, c.pending, c.total, c.max); got != c.want {
			t.Errorf("statusText(%v, %v, %d, %d) = %q, want %q", c.wait, c.pending, c.total, c.max, got, c.want)
		}
	}
}
