package engine

import (
	"time"

	"gplay/diag"
	"gplay/pyval"
)

// Reporter receives the run's events in order. The engine calls Report from
// one goroutine at a time; implementations need no locking of their own.
type Reporter interface {
	Report(Event)
}

// Event is one of the event types below.
type Event interface{ event() }

// PlaybookStart opens a playbook file.
type PlaybookStart struct{ Path string }

// PlayStart opens a play. Name is the templated name, or the hosts pattern
// when the play has none (as Ansible's banner).
type PlayStart struct {
	Name  string
	Hosts []string
	Pos   diag.Pos
}

// NoHosts is reported when a play matches no host.
type NoHosts struct{}

// TaskStart opens a task for the hosts about to run it.
type TaskStart struct {
	Name    string // as the banner shows it: "role : name"
	Action  string
	Pos     diag.Pos
	Handler bool
	// Check is true when the task runs in check mode (banner suffix).
	Check bool
	// Hosts are the hosts the task is about to run on, for live status.
	Hosts []string
}

// HostDone says a host finished the current task. It arrives as soon as
// the host is done, before its results, which are reported in host order;
// it drives live progress only and prints nothing in Ansible's format.
type HostDone struct{ Host string }

// Included reports a dynamic include expanded for a host.
type Included struct {
	File string
	// Hosts share this inclusion (same file, same item).
	Hosts []string
	Item  any
	// HasItem is true when the include looped.
	HasItem bool
}

// Status is a task result's outcome.
type Status int

const (
	StatusOK Status = iota
	StatusChanged
	StatusSkipped
	StatusFailed
	StatusUnreachable
)

func (s Status) String() string {
	return [...]string{"ok", "changed", "skipping", "failed", "unreachable"}[s]
}

// HostResult is the result of a task (or one loop item) on a host.
type HostResult struct {
	Host   string
	Task   string
	Action string
	Status Status
	// Result is the registered dict, scrubbed when NoLog.
	Result *pyval.Dict
	// Item is set for one loop item's result (IsItem); the aggregated
	// result of a looped task follows its items with Looped set.
	IsItem bool
	Item   any
	Label  any
	Looped bool
	// Ignored: a failure turned into ok by ignore_errors.
	Ignored bool
	// Delegated names the delegate_to host, when any.
	Delegated string
	NoLog     bool
	// Verbose asks output to show Result even without -v (debug).
	Verbose bool
	// Retry is set for a failed until attempt.
	Retry, Retries int
	Diff           bool
}

// Warning is a warning for the user ("[WARNING]: ...").
type Warning struct {
	Msg string
	Pos diag.Pos
}

// DisplayError is an error that does not stop the run, shown as Ansible's
// Display.error (" [ERROR]: ..." on stderr).
type DisplayError struct{ Msg string }

// Deprecation is a deprecation notice.
type Deprecation struct{ Msg string }

// HandlerStart opens a handler run ("RUNNING HANDLER [...]").
type HandlerStart struct {
	Name string
	Pos  diag.Pos
}

// Message is a free line of output, such as a pause prompt or a
// no-more-hosts notice ("NO MORE HOSTS LEFT").
type Message struct{ Text string }

// HostStats are one host's recap counts.
type HostStats struct {
	Host                                                        string
	OK, Changed, Unreachable, Failed, Skipped, Rescued, Ignored int
}

// Recap closes the run: one row per host, sorted by name.
type Recap struct {
	Hosts    []HostStats
	Duration time.Duration
}

func (PlaybookStart) event() {}
func (PlayStart) event()     {}
func (NoHosts) event()       {}
func (TaskStart) event()     {}
func (Included) event()      {}
func (HostDone) event()      {}
func (DisplayError) event()  {}
func (HostResult) event()    {}
func (Warning) event()       {}
func (Deprecation) event()   {}
func (HandlerStart) event()  {}
func (Message) event()       {}
func (Recap) event()         {}
