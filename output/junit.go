package output

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"

	"gplay/engine"
)

// JUnit collects results and writes a JUnit XML report at the recap: one
// test suite per play, one test case per task and host, with failures,
// unreachable hosts (as errors) and skips marked, as Ansible's junit
// callback lays them out.
type JUnit struct {
	w      io.Writer
	suites []*junitSuite
	next   engine.Reporter
	task   string
	start  time.Time
}

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
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
	case engine.PlayStart:
		j.suites = append(j.suites, &junitSuite{Name: ev.Name})
	case engine.TaskStart:
		j.task = ev.Name
		j.start = time.Now()
	case engine.HostResult:
		if ev.IsItem || len(j.suites) == 0 {
			return
		}
		s := j.suites[len(j.suites)-1]
		c := junitCase{Name: fmt.Sprintf("[%s] %s", ev.Host, ev.Task), Classname: s.Name, Time: fmt.Sprintf("%.3f", time.Since(j.start).Seconds())}
		msg := ""
		if ev.Result != nil {
			if m, ok := ev.Result.Get("msg"); ok {
				msg = fmt.Sprint(m)
			}
		}
		switch ev.Status {
		case engine.StatusFailed:
			if !ev.Ignored {
				c.Failure = &junitMessage{Message: msg, Type: "failure", Text: pyJSON(ev.Result, 4)}
				s.Failures++
			}
		case engine.StatusUnreachable:
			c.Error = &junitMessage{Message: msg, Type: "unreachable"}
			s.Errors++
		case engine.StatusSkipped:
			c.Skipped = &junitMessage{Message: msg}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	case engine.Recap:
		j.write()
	}
}

func (j *JUnit) write() {
	type suites struct {
		XMLName xml.Name      `xml:"testsuites"`
		Suites  []*junitSuite `xml:"testsuite"`
	}
	io.WriteString(j.w, xml.Header)
	enc := xml.NewEncoder(j.w)
	enc.Indent("", "  ")
	enc.Encode(suites{Suites: j.suites})
	io.WriteString(j.w, "\n")
}
