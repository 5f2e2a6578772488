package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gplay/module"
	_ "gplay/modules" // the real command and async_status modules
)

// fakePrompter answers prompts from a script and records what was asked.
type fakePrompter struct {
	mu      sync.Mutex
	answers []string
	asked   []string
	echo    []bool
}

func (p *fakePrompter) Prompt(_ context.Context, prompt string, echo bool) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, prompt)
	p.echo = append(p.echo, echo)
	if len(p.answers) == 0 {
		return "", errors.New("no more answers")
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return a, nil
}

// runReal runs src with the real module registry on the local connection.
func runReal(t *testing.T, ctx context.Context, src string, opts Options) (*recorder, error) {
	t.Helper()
	dir := t.TempDir()
	pb := filepath.Join(dir, "site.yml")
	if err := os.WriteFile(pb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	opts.Playbooks = []string{pb}
	opts.Registry = module.Default
	opts.Reporter = rec
	if opts.Inventory == nil {
		opts.Inventory = NewHostList("localhost")
	}
	opts.Connection = "local"
	return rec, Run(ctx, opts)
}

// taskNames lists the TASK banners reported.
func (r *recorder) taskNames() []string {
	var out []string
	for _, e := range r.events {
		if ts, ok := e.(TaskStart); ok {
			out = append(out, ts.Name)
		}
	}
	return out
}

func (r *recorder) messages() []string {
	var out []string
	for _, e := range r.events {
		if m, ok := e.(Message); ok {
			out = append(out, m.Text)
		}
	}
	return out
}

func TestStep(t *testing.T) {
	src := `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: one
      debug: msg=1
    - name: two
      debug: msg=2
    - name: three
      debug: msg=3
    - name: four
      debug: msg=4
`
	tests := []struct {
		name    string
		prompt  bool
		answers []string
		ran     string
		asked   int
	}{
		{"yes no continue", true, []string{"y", "n", "c"}, "one,three,four", 3},
		{"anything else skips", true, []string{"", "N", "yes", "no"}, "three", 4},
		{"no prompter runs all", false, nil, "one,two,three,four", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakePrompter{answers: tt.answers}
			opts := Options{Step: true}
			if tt.prompt {
				opts.Prompter = p
			}
			rec, err := runReal(t, context.Background(), src, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rec.taskNames(), ","); got != tt.ran {
				t.Errorf("ran %s, want %s", got, tt.ran)
			}
			if len(p.asked) != tt.asked {
				t.Fatalf("asked %d times (%q), want %d", len(p.asked), p.asked, tt.asked)
			}
			if tt.asked > 0 {
				if want := "Perform task: TASK: one (N)o/(y)es/(c)ontinue: "; p.asked[0] != want {
					t.Errorf("prompt %q, want %q", p.asked[0], want)
				}
				if m := rec.messages(); len(m) == 0 || !strings.HasPrefix(m[0], "\nPerform task: TASK: one (N)o/(y)es/(c)ontinue: ****") {
					t.Errorf("banner after the answer = %q", m)
				}
			}
		})
	}
}

func TestPauseAndVarsPrompt(t *testing.T) {
	src := `
- hosts: localhost
  gather_facts: false
  vars:
    who: you
  vars_prompt:
    - name: plain
      prompt: "Name for {{ who }}"
      default: anon
      private: false
    - name: secret
      prompt: Password
      confirm: true
    - name: hashed
      prompt: Hash me
      encrypt: sha512_crypt
      salt: abcdefgh
      private: false
    - name: nodefault
  tasks:
    - pause:
        prompt: Say something
      register: said
    - pause:
        echo: false
      register: hidden
    - assert:
        that:
          - plain == 'anon'
          - secret == 's3'
          - hashed == 'x' | password_hash('sha512_crypt', 'abcdefgh')
          - nodefault == 'typed'
          - said.user_input == 'hello'
          - hidden.user_input == 'quiet'
          - not hidden.echo
`
	p := &fakePrompter{answers: []string{"", "s3", "other", "s3", "s3", "x", "typed", "hello", "quiet"}}
	rec, err := runReal(t, context.Background(), src, Options{Prompter: p})
	if err != nil {
		for _, r := range rec.results() {
			t.Logf("%s: %v", r.Task, r.Result)
		}
		t.Fatal(err)
	}
	wantAsked := []string{"Name for you [anon]: ", "Password: ", "confirm Password: ", "Password: ", "confirm Password: ", "Hash me: ", "nodefault: ", "", ""}
	if strings.Join(p.asked, "|") != strings.Join(wantAsked, "|") {
		t.Errorf("asked %q, want %q", p.asked, wantAsked)
	}
	wantEcho := []bool{true, false, false, false, false, true, false, true, false}
	for i := range wantEcho {
		if i < len(p.echo) && p.echo[i] != wantEcho[i] {
			t.Errorf("prompt %d (%q) echo = %v, want %v", i, p.asked[i], p.echo[i], wantEcho[i])
		}
	}
	msgs := strings.Join(rec.messages(), "\n")
	for _, want := range []string{"***** VALUES ENTERED DO NOT MATCH ****", "[pause]\nSay something:", "[pause]\nPress enter to continue, Ctrl+C to interrupt (output is hidden):"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("messages %q lack %q", msgs, want)
		}
	}
}

func TestPromptsWithoutTerminal(t *testing.T) {
	src := `
- hosts: localhost
  gather_facts: false
  vars_prompt:
    - name: withdefault
      default: 5
    - name: nodefault
  tasks:
    - pause:
        prompt: never waits
      register: p
    - assert:
        that:
          - withdefault == '5'
          - nodefault == 'None'
          - p.user_input == ''
`
	rec, err := runReal(t, context.Background(), src, Options{Step: true})
	if err != nil {
		t.Fatal(err)
	}
	var warns []string
	for _, e := range rec.events {
		if w, ok := e.(Warning); ok {
			warns = append(warns, w.Msg)
		}
	}
	want := "Not prompting as we are not in interactive mode|Not waiting for response to prompt as stdin is not interactive"
	if strings.Join(warns, "|") != want {
		t.Errorf("warnings %q, want %q", warns, want)
	}
}

func TestAsync(t *testing.T) {
	t.Setenv("ANSIBLE_ASYNC_DIR", t.TempDir())
	tests := []struct {
		name string
		src  string
		// checks are assert expressions on registered r
		that []string
		msgs []string
	}{
		{"poll", `
    - command: echo hi
      async: 10
      poll: 1
      register: r`, []string{"r.stdout == 'hi'", "r.finished == 1", "r.started == 1", "r.changed", "r.ansible_job_id is match('j[0-9]+[.][0-9]+$')"},
			[]string{"ASYNC OK on localhost: jid="}},
		{"fire and forget, then until", `
    - shell: sleep 1.5; echo bg
      async: 10
      poll: 0
      register: job
    - async_status:
        jid: "{{ job.ansible_job_id }}"
      register: r
      until: r.finished
      retries: 20
      delay: 0.5`, []string{"job.finished == 0", "job.started == 1", "job.failed == 0", "job.changed", "r.stdout == 'bg'", "r.finished == 1", "r.attempts > 1"},
			[]string{"FAILED - RETRYING: [localhost]: async_status (20 retries left)."}},
		{"timeout", `
    - command: sleep 5
      async: 1
      poll: 1
      register: r
      ignore_errors: true`, []string{"r.failed", "r.msg == 'async task did not complete within the requested time - 1s'", "r.async_result.finished == 0"},
			[]string{"ASYNC POLL on localhost: jid=", "ASYNC FAILED on localhost: jid="}},
		{"check mode", `
    - command: echo hi
      async: 10
      check_mode: true
      register: r
      ignore_errors: true`, []string{"r.failed", "r.msg == 'check mode and async cannot be used on same task.'"}, nil},
		{"engine action", `
    - debug: msg=hi
      async: 10
      register: r
      ignore_errors: true`, []string{"r.failed", "r.msg == 'async is not supported for this task.'"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "- hosts: localhost\n  gather_facts: false\n  tasks:" + tt.src + "\n    - assert:\n        that:\n"
			for _, c := range tt.that {
				src += "          - \"" + c + "\"\n"
			}
			rec, err := runReal(t, context.Background(), src, Options{})
			if err != nil {
				for _, r := range rec.results() {
					t.Logf("%s: %v", r.Task, r.Result)
				}
				t.Fatal(err)
			}
			msgs := strings.Join(rec.messages(), "\n")
			for _, m := range tt.msgs {
				if !strings.Contains(msgs, m) {
					t.Errorf("messages %q lack %q", msgs, m)
				}
			}
		})
	}
}

// lostConn connects but loses every request, as a connection opened
// lazily to a host that does not answer.
type lostConn struct{}

func (lostConn) Close() error { return nil }

func (lostConn) RunModule(context.Context, Request) (module.Result, error) {
	return module.Result{}, errors.Join(errors.New("Connection refused"), ErrUnreachable)
}

type lostConnector struct{}

func (lostConnector) Connect(context.Context, Target) (Conn, error) { return lostConn{}, nil }

func TestGatherFactsUnreachable(t *testing.T) {
	src := `
- hosts: all
  tasks:
    - debug: msg=hi
`
	inv := NewHostList("bad")
	dir := t.TempDir()
	pb := filepath.Join(dir, "site.yml")
	os.WriteFile(pb, []byte(src), 0o644)
	rec := &recorder{}
	err := Run(context.Background(), Options{Playbooks: []string{pb}, Inventory: inv, Registry: module.Default, Reporter: rec, Connector: lostConnector{}, Connection: "ssh"})
	if !errors.Is(err, ErrHostsUnreachable) {
		t.Fatalf("Run = %v, want ErrHostsUnreachable", err)
	}
	res := rec.results()
	if len(res) != 1 || res[0].Status != StatusUnreachable || get(res[0].Result, "unreachable") != true {
		t.Fatalf("results %+v, want one unreachable", res)
	}
	if rc := rec.recap(); len(rc.Hosts) != 1 || rc.Hosts[0].Unreachable != 1 || rc.Hosts[0].Failed != 0 {
		t.Errorf("recap %+v, want unreachable=1 failed=0", rc.Hosts)
	}
}

// panicReporter panics on the first event of a kind, as a bug would.
type panicReporter struct {
	recorder
	on func(Event) bool
}

func (p *panicReporter) Report(e Event) {
	if p.on(e) {
		panic("boom")
	}
	p.recorder.Report(e)
}

func TestPanicBecomesInternalError(t *testing.T) {
	src := `
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=hi
    - debug: msg=again
`
	tests := []struct {
		name string
		on   func(Event) bool
	}{
		// HostDone is reported from a host's goroutine
		{"host goroutine", func(e Event) bool { _, ok := e.(HostDone); return ok }},
		{"main goroutine", func(e Event) bool { _, ok := e.(TaskStart); return ok }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pb := filepath.Join(dir, "site.yml")
			os.WriteFile(pb, []byte(src), 0o644)
			rep := &panicReporter{on: tt.on}
			err := Run(context.Background(), Options{Playbooks: []string{pb}, Inventory: NewHostList("h1", "h2"), Registry: module.Default, Reporter: rep, Connection: "local"})
			var ie *InternalError
			if !errors.As(err, &ie) || ie.Value != "boom" || len(ie.Stack) == 0 {
				t.Fatalf("Run = %v, want InternalError boom with a stack", err)
			}
			if !strings.HasPrefix(err.Error(), "Unexpected Exception, this is probably a bug: boom") {
				t.Errorf("message %q", err.Error())
			}
			if len(rep.recap().Hosts) != 0 {
				t.Errorf("a recap was reported after an internal error")
			}
		})
	}
}

func TestCancelStopsCleanly(t *testing.T) {
	src := `
- hosts: localhost
  gather_facts: false
  tasks:
    - command: sleep 30
    - debug: msg=never
`
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	rec, err := runReal(t, ctx, src, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %v after the cancel", d)
	}
	if got := strings.Join(rec.taskNames(), ","); got != "command" {
		t.Errorf("tasks started %q, want only the command", got)
	}
	if len(rec.results()) != 0 {
		t.Errorf("the interrupted task reported %+v", rec.results())
	}
	found := false
	for _, e := range rec.events {
		_, found = e.(Recap)
	}
	if !found {
		t.Errorf("no recap as the last event")
	}
}
