package output

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"gplay/diag"
	"gplay/engine"
	"gplay/pyval"
)

// machineEvents cover a run with ok, changed, skipped, failed, ignored and
// unreachable results, loop items and a recap.
func machineEvents() []engine.Event {
	pos := func(line int) diag.Pos { return diag.Pos{File: "/p/site.yml", Line: line, Col: 7} }
	return []engine.Event{
		engine.PlaybookStart{Path: "/p/site.yml"},
		engine.PlayStart{Name: "web <&>", Hosts: []string{"a", "b"}},
		engine.TaskStart{Name: "ok", Hosts: []string{"a", "b"}, Pos: pos(4)},
		engine.HostDone{Host: "a"},
		engine.HostResult{Host: "a", Task: "ok", Status: engine.StatusOK, Result: pyval.DictOf("changed", false, "msg", "x <y> & z")},
		engine.HostResult{Host: "b", Task: "ok", Status: engine.StatusChanged, Result: pyval.DictOf("changed", true, "rc", 0)},
		engine.TaskStart{Name: "skip", Hosts: []string{"a", "b"}, Pos: pos(6)},
		engine.HostResult{Host: "a", Task: "skip", Status: engine.StatusSkipped, Result: pyval.DictOf("changed", false, "skipped", true, "skip_reason", "Conditional result was False")},
		engine.HostResult{Host: "b", Task: "skip", Status: engine.StatusFailed, Ignored: true, Result: pyval.DictOf("changed", false, "failed", true, "msg", "ignored")},
		engine.TaskStart{Name: "loop", Hosts: []string{"a", "b"}, Pos: pos(8)},
		engine.HostResult{Host: "a", Task: "loop", Status: engine.StatusOK, IsItem: true, Item: pyval.DictOf("k", 1), Label: "k", Result: pyval.DictOf("changed", false, "item", pyval.DictOf("k", 1))},
		engine.HostResult{Host: "a", Task: "loop", Status: engine.StatusOK, Looped: true, Result: pyval.DictOf("changed", false, "results", pyval.NewList(), "msg", "All items completed")},
		engine.HostResult{Host: "b", Task: "loop", Status: engine.StatusFailed, Result: pyval.DictOf("changed", false, "failed", true, "msg", "boom \"quoted\"", "_ansible_no_log", false)},
		engine.TaskStart{Name: "gone", Hosts: []string{"a"}, Pos: pos(10)},
		engine.HostResult{Host: "a", Task: "gone", Status: engine.StatusUnreachable, Result: pyval.DictOf("changed", false, "unreachable", true, "msg", "ssh: no route")},
		engine.Recap{Hosts: []engine.HostStats{{Host: "a", OK: 2, Skipped: 1, Unreachable: 1}, {Host: "b", OK: 2, Changed: 1, Failed: 1, Ignored: 1}}},
	}
}

// TestJSONEvents checks --output json: one JSON object per line and event,
// named by "event", with results as their dicts (internal keys dropped).
func TestJSONEvents(t *testing.T) {
	var b bytes.Buffer
	j := NewJSON(&b)
	evs := machineEvents()
	for _, e := range evs {
		j.Report(e)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(evs) {
		t.Fatalf("%d lines for %d events:\n%s", len(lines), len(evs), b.String())
	}
	var got []map[string]any
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, l)
		}
		got = append(got, m)
	}
	cases := []struct {
		line  int
		key   string
		value string // the value as JSON
	}{
		{0, "event", `"PlaybookStart"`},
		{1, "event", `"PlayStart"`},
		{1, "Name", `"web <&>"`},
		{2, "event", `"TaskStart"`},
		{2, "Hosts", `["a","b"]`},
		{2, "Pos", `{"Col":7,"File":"/p/site.yml","Line":4}`},
		{3, "event", `"HostDone"`},
		{4, "Status", `"ok"`},
		{4, "Result", `{"changed":false,"msg":"x <y> & z"}`},
		{5, "Status", `"changed"`},
		{7, "Status", `"skipping"`},
		{8, "Ignored", `true`},
		{10, "IsItem", `true`},
		{10, "Item", `{"k":1}`},
		{12, "Result", `{"changed":false,"failed":true,"msg":"boom \"quoted\""}`},
		{14, "Status", `"unreachable"`},
		{15, "event", `"Recap"`},
		{15, "Hosts", `[{"Changed":0,"Failed":0,"Host":"a","Ignored":0,"OK":2,"Rescued":0,"Skipped":1,"Unreachable":1},{"Changed":1,"Failed":1,"Host":"b","Ignored":1,"OK":2,"Rescued":0,"Skipped":0,"Unreachable":0}]`},
	}
	for _, c := range cases {
		var v bytes.Buffer
		enc := json.NewEncoder(&v)
		enc.SetEscapeHTML(false)
		enc.Encode(got[c.line][c.key])
		if strings.TrimSpace(v.String()) != c.value {
			t.Errorf("line %d %s = %s, want %s", c.line+1, c.key, v.String(), c.value)
		}
	}
	if strings.Contains(b.String(), `\u003c`) {
		t.Errorf("HTML-escaped output:\n%s", b.String())
	}
}

// TestJUnitReport checks that --junit writes well-formed XML laid out as
// Ansible's junit callback: a suite per playbook, "[host] play: task"
// cases with file:line class names, failures, skips with their reason.
func TestJUnitReport(t *testing.T) {
	var b bytes.Buffer
	var next bytes.Buffer
	j := NewJUnit(&b, NewJSON(&next))
	for _, e := range machineEvents() {
		j.Report(e)
	}
	if n := strings.Count(next.String(), "\n"); n != len(machineEvents()) {
		t.Errorf("JUnit passed %d events on, want %d", n, len(machineEvents()))
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Type string `xml:"type,attr"`
				} `xml:"error"`
				Skipped *struct {
					Text string `xml:",chardata"`
				} `xml:"skipped"`
				Out string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b.String())
	}
	if doc.Tests != 7 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 1 || len(doc.Suites) != 1 || doc.Suites[0].Name != "site" {
		t.Fatalf("totals tests=%d failures=%d errors=%d skipped=%d suites=%d:\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, len(doc.Suites), b.String())
	}
	cases := doc.Suites[0].Cases
	type want struct {
		name, class, kind, text string
	}
	wants := []want{
		{"[a] web <&>: ok", "/p/site.yml:4", "out", `"msg": "x <y> & z"`},
		{"[b] web <&>: ok", "/p/site.yml:4", "out", `"rc": 0`},
		{"[a] web <&>: skip", "/p/site.yml:6", "skipped", "Conditional result was False"},
		{"[b] web <&>: skip", "/p/site.yml:6", "out", `"msg": "ignored"`},
		{"[a] web <&>: loop", "/p/site.yml:8", "out", "All items completed"},
		{"[b] web <&>: loop", "/p/site.yml:8", "failure", `"msg": "boom \"quoted\""`},
		{"[a] web <&>: gone", "/p/site.yml:10", "error", ""},
	}
	if len(cases) != len(wants) {
		t.Fatalf("%d cases, want %d:\n%s", len(cases), len(wants), b.String())
	}
	for i, w := range wants {
		c := cases[i]
		kind, text := "out", c.Out
		switch {
		case c.Failure != nil:
			kind, text = "failure", c.Failure.Text
			if c.Failure.Message != `boom "quoted"` {
				t.Errorf("case %d failure message %q", i, c.Failure.Message)
			}
		case c.Error != nil:
			kind, text = "error", ""
		case c.Skipped != nil:
			kind, text = "skipped", c.Skipped.Text
		}
		if c.Name != w.name || c.Classname != w.class || kind != w.kind || !strings.Contains(text, w.text) {
			t.Errorf("case %d = %q %q %s %q, want %q %q %s containing %q", i, c.Name, c.Classname, kind, text, w.name, w.class, w.kind, w.text)
		}
		if strings.Contains(text, `"failed"`) || strings.Contains(text, "_ansible_") {
			t.Errorf("case %d dumps internal keys: %s", i, text)
		}
	}
}

func TestUnescapeHTML(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"a\u003cb\u003e\u0026"`, `"a<b>&"`},
		{`"\\u003c"`, `"\\u003c"`},
		{`"\\\u003c"`, `"\\<"`},
		{`"\u00e9 \n"`, `"\u00e9 \n"`},
		{`plain`, `plain`},
	}
	for _, c := range cases {
		if got := string(unescapeHTML([]byte(c.in))); got != c.want {
			t.Errorf("unescapeHTML(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
