package output

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"gplay/engine"
	"gplay/pyval"
)

// JUnit collects results and writes a JUnit XML report at the recap, laid
// out as Ansible's junit callback does: one test suite per playbook, one
// test case per task and host named "[host] play: task" with the task's
// file:line as class name; failures (ignored ones pass), skips with their
// reason, and the result as system-out. Beyond Ansible, an unreachable
// host is an error rather than left out.
type JUnit struct {
	w      io.Writer
	suites []*junitSuite
	next   engine.Reporter
	play   string
	task   engine.TaskStart
	start  time.Time
}

type junitSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Skipped  int           `xml:"skipped,attr"`
	Time     string        `xml:"time,attr"`
	Suites   []*junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
	seconds  float64
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	Output    string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// NewJUnit returns a reporter that passes every event on to next and
// writes the XML report to w when the recap arrives.
func NewJUnit(w io.Writer, next engine.Reporter) *JUnit {
	return &JUnit{w: w, next: next, start: time.Now()}
}

// Report implements engine.Reporter.
func (j *JUnit) Report(e engine.Event) {
	if j.next != nil {
		j.next.Report(e)
	}
	switch ev := e.(type) {
	case engine.PlaybookStart:
		name := filepath.Base(ev.Path)
		j.suites = append(j.suites, &junitSuite{Name: strings.TrimSuffix(name, filepath.Ext(name))})
	case engine.PlayStart:
		j.play = ev.Name
	case engine.TaskStart:
		j.task = ev
		j.start = time.Now()
	case engine.HostResult:
		if ev.IsItem {
			return
		}
		j.add(ev)
	case engine.Recap:
		j.write()
	}
}

func (j *JUnit) add(ev engine.HostResult) {
	if len(j.suites) == 0 {
		j.suites = append(j.suites, &junitSuite{Name: "gplay"})
	}
	s := j.suites[len(j.suites)-1]
	secs := time.Since(j.start).Seconds()
	s.seconds += secs
	c := junitCase{Name: fmt.Sprintf("[%s] %s: %s", ev.Host, j.play, ev.Task), Time: fmt.Sprintf("%.3f", secs)}
	if j.task.Pos.File != "" {
		c.Classname = fmt.Sprintf("%s:%d", j.task.Pos.File, j.task.Pos.Line)
	}
	res := ev.Result
	if res == nil {
		res = pyval.NewDict(0)
	}
	dump := junitDump(res)
	switch {
	case ev.Status == engine.StatusFailed && !ev.Ignored:
		msg := "rc=" + pyval.Str(getOr(res, "rc", 0))
		if m, ok := res.Get("msg"); ok {
			msg = pyval.Str(m)
		}
		c.Failure = &junitMessage{Message: msg, Type: "failure", Text: dump}
		s.Failures++
	case ev.Status == engine.StatusUnreachable && !ev.Ignored:
		c.Error = &junitMessage{Message: pyval.Str(getOr(res, "msg", "unreachable")), Type: "unreachable", Text: dump}
		s.Errors++
	case ev.Status == engine.StatusSkipped:
		c.Skipped = &junitMessage{Text: pyval.Str(getOr(res, "skip_reason", "skipped"))}
		s.Skipped++
	default:
		c.Output = dump
	}
	s.Tests++
	s.Cases = append(s.Cases, c)
}

func getOr(d *pyval.Dict, k string, def any) any {
	if v, ok := d.Get(k); ok {
		return v
	}
	return def
}

// junitDump is the result as the callback dumps it: internal keys,
// failed and skipped dropped.
func junitDump(d *pyval.Dict) string {
	out := pyval.NewDict(d.Len())
	d.Range(func(k, v any) bool {
		ks := pyval.Str(k)
		if !strings.HasPrefix(ks, "_ansible_") && ks != "failed" && ks != "skipped" {
			out.Set(k, v)
		}
		return true
	})
	return pyJSON(out, 4)
}

func (j *JUnit) write() {
	all := junitSuites{Suites: j.suites}
	var total float64
	for _, s := range j.suites {
		s.Time = fmt.Sprintf("%.3f", s.seconds)
		total += s.seconds
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Skipped += s.Skipped
	}
	all.Time = fmt.Sprintf("%.3f", total)
	io.WriteString(j.w, xml.Header)
	enc := xml.NewEncoder(j.w)
	enc.Indent("", "  ")
	enc.Encode(all)
	io.WriteString(j.w, "\n")
}
