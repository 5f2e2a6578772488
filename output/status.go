package output

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"gplay/engine"

	"golang.org/x/term"
)

// LiveMode says whether Text keeps a live status line under the log.
type LiveMode int

const (
	// LiveAuto shows the status line when the results writer is a terminal.
	LiveAuto LiveMode = iota
	// LiveOn always shows it (tests, with a pipe).
	LiveOn
	// LiveOff never shows it.
	LiveOff
)

// statusDelay is how long a task runs before the status line appears, so
// that quick tasks never flash it.
const statusDelay = time.Second

// statusErase returns to the line's start and clears it.
const statusErase = "\r\x1b[K"

// liveState is the status line's state, guarded by Text.mu.
type liveState struct {
	on  bool
	now func() time.Time
	// hosts the current task runs on, in order; done marks finished ones
	hosts   []string
	done    map[string]bool
	started time.Time
	shown   bool // the line is on screen
	closed  bool
	stop    chan struct{}
	wg      sync.WaitGroup
	// period overrides the ticker's one second (tests)
	period time.Duration
}

// track follows the events that change what the status line says.
func (t *Text) track(e engine.Event) {
	l := &t.live
	switch ev := e.(type) {
	case engine.TaskStart:
		l.hosts = append([]string(nil), ev.Hosts...)
		l.done = make(map[string]bool, len(ev.Hosts))
		l.started = l.now()
		if l.on && len(l.hosts) > 0 {
			t.startTicker()
		}
	case engine.HostDone:
		if l.done != nil {
			l.done[ev.Host] = true
		}
	case engine.HostResult:
		if l.done != nil && !ev.IsItem {
			l.done[ev.Host] = true
		}
	case engine.PlayStart, engine.NoHosts, engine.Recap:
		l.hosts, l.done = nil, nil
	}
}

// erase removes the status line, if shown, before other output.
func (t *Text) erase() {
	if t.live.shown {
		io.WriteString(t.w, statusErase)
		t.live.shown = false
	}
}

// draw writes the status line (without a newline, so the next erase
// removes it) when the current task has waited long enough.
func (t *Text) draw() {
	l := &t.live
	if !l.on || l.closed || len(l.hosts) == 0 {
		return
	}
	wait := l.now().Sub(l.started)
	if wait < statusDelay {
		return
	}
	var pending []string
	for _, h := range l.hosts {
		if !l.done[h] {
			pending = append(pending, h)
		}
	}
	if len(pending) == 0 {
		return
	}
	width := t.opts.Width
	if cols := terminalWidth(t.w); cols > 0 {
		width = cols
	}
	s := statusText(wait, pending, len(l.hosts), width-1)
	io.WriteString(t.w, t.c(colCyan, s))
	l.shown = true
}

// statusText is "  waiting 12s on node2, node3 (2 of 5 hosts)", with host
// names dropped ("+N more") to fit in max columns, since a wrapped line
// could no longer be erased with \r.
func statusText(wait time.Duration, pending []string, total, max int) string {
	head := "  waiting " + waitText(wait) + " on "
	tail := fmt.Sprintf(" (%d of %d hosts)", len(pending), total)
	for n := len(pending); n >= 0; n-- {
		names := strings.Join(pending[:n], ", ")
		if n < len(pending) {
			if n > 0 {
				names += ", "
			}
			names += fmt.Sprintf("+%d more", len(pending)-n)
		}
		s := head + names + tail
		if len([]rune(s)) <= max || n == 0 {
			if r := []rune(s); len(r) > max && max > 0 {
				s = string(r[:max])
			}
			return s
		}
	}
	return ""
}

// waitText is 12s, 3m05s or 1h02m.
func waitText(d time.Duration) string {
	s := int(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s/60%60)
}

// startTicker starts the goroutine that redraws the line every second.
func (t *Text) startTicker() {
	l := &t.live
	if l.stop != nil || l.closed {
		return
	}
	period := l.period
	if period <= 0 {
		period = time.Second
	}
	stop := make(chan struct{})
	l.stop = stop
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		tk := time.NewTicker(period)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				t.tick()
			}
		}
	}()
}

// tick redraws the status line with the time waited so far.
func (t *Text) tick() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live.stop == nil {
		return
	}
	t.erase()
	t.draw()
}

// stopTicker stops the ticker without waiting for it (the caller holds
// mu, which the ticker may be waiting on).
func (t *Text) stopTicker() {
	if t.live.stop != nil {
		close(t.live.stop)
		t.live.stop = nil
	}
}

// Close erases the status line and stops its ticker. The recap does this
// too; Close covers runs that end without one. It is safe to call twice.
func (t *Text) Close() error {
	t.mu.Lock()
	t.erase()
	t.stopTicker()
	t.live.closed = true
	t.mu.Unlock()
	t.live.wg.Wait()
	return nil
}

// terminalWidth is w's width in columns when w is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || f == nil || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil || cols <= 0 {
		return 80
	}
	return cols
}
