package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gplay/module"
	"gplay/pyval"
)

// recorder keeps events for assertions.
type recorder struct{ events []Event }

func (r *recorder) Report(e Event) { r.events = append(r.events, e) }

func (r *recorder) results() []HostResult {
	var out []HostResult
	for _, e := range r.events {
		if hr, ok := e.(HostResult); ok {
			out = append(out, hr)
		}
	}
	return out
}

func (r *recorder) recap() Recap {
	for _, e := range r.events {
		if rc, ok := e.(Recap); ok {
			return rc
		}
	}
	return Recap{}
}

// touchModule is a test module: it records its arguments and reports
// changed when state is "changed".
type touchModule struct{}

func (touchModule) Info() module.Info {
	return module.Info{ID: "test.touch", Aliases: []string{"touch"}, CheckMode: module.SupportFull,
		Spec: module.Spec{Params: []module.Param{{Name: "state"}, {Name: "msg"}}}}
}

func (touchModule) Run(_ context.Context, req module.Request) (module.Result, error) {
	st, _ := req.Args.Get("state").(string)
	if st == "fail" {
		return module.Result{}, errors.New("asked to fail")
	}
	return module.Result{Changed: st == "changed", Return: map[string]any{"echo": req.Args.Get("msg"), "check": req.Check}}, nil
}

func runPlaybook(t *testing.T, src string, opts Options) (*recorder, error) {
	t.Helper()
	dir := t.TempDir()
	pb := filepath.Join(dir, "site.yml")
	if err := os.WriteFile(pb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := module.NewRegistry()
	reg.Register(touchModule{})
	rec := &recorder{}
	opts.Playbooks = []string{pb}
	opts.Registry = reg
	opts.Reporter = rec
	if opts.Inventory == nil {
		opts.Inventory = NewHostList("h1", "h2")
	}
	opts.Connection = "local"
	err := Run(context.Background(), opts)
	return rec, err
}

func TestRunRecapAndHandlers(t *testing.T) {
	src := `
- hosts: all
  gather_facts: false
  tasks:
    - touch: state=changed msg="{{ inventory_hostname }}"
      notify: h
    - touch: state=ok
      when: inventory_hostname == 'h1'
    - touch: state=fail
      when: inventory_hostname == 'h2'
  handlers:
    - name: h
      touch: state=ok msg=handler
`
	rec, err := runPlaybook(t, src, Options{})
	if !errors.Is(err, ErrHostsFailed) {
		t.Fatalf("Run error = %v, want ErrHostsFailed", err)
	}
	rc := rec.recap()
	want := map[string]HostStats{
		"h1": {Host: "h1", OK: 3, Changed: 1, Skipped: 1},
		"h2": {Host: "h2", OK: 1, Changed: 1, Failed: 1, Skipped: 1},
	}
	for _, h := range rc.Hosts {
		if h != want[h.Host] {
			t.Errorf("recap %s = %+v, want %+v", h.Host, h, want[h.Host])
		}
	}
	// the handler ran on h1 only: h2 failed before the flush
	var handlerHosts []string
	for _, r := range rec.results() {
		if e, _ := r.Result.Get("echo"); e == "handler" {
			handlerHosts = append(handlerHosts, r.Host)
		}
	}
	if strings.Join(handlerHosts, ",") != "h1" {
		t.Errorf("handler ran on %v, want [h1]", handlerHosts)
	}
}

func TestRegisterLoopAndBlocks(t *testing.T) {
	src := `
- hosts: h1
  gather_facts: false
  vars:
    base: x
  tasks:
    - touch: msg="{{ base }}-{{ item }}"
      loop: [1, 2]
      register: r
    - block:
        - touch: state=fail
      rescue:
        - set_fact:
            joined: "{{ r.results | map(attribute='echo') | join(',') }}"
      always:
        - assert:
            that: joined == 'x-1,x-2'
`
	rec, err := runPlaybook(t, src, Options{})
	if err != nil {
		t.Fatalf("Run error = %v", err)
	}
	h := rec.recap().Hosts[0]
	if h.Rescued != 1 || h.Failed != 0 || h.OK != 3 {
		t.Errorf("recap = %+v, want ok=3 rescued=1 failed=0", h)
	}
}

func TestCheckModeAndExtraVars(t *testing.T) {
	src := `
- hosts: h1
  gather_facts: false
  vars:
    v: play
  tasks:
    - touch: msg="{{ v }}"
      register: r
    - assert:
        that:
          - r.check
          - r.echo == 'extra'
`
	_, err := runPlaybook(t, src, Options{Check: true, ExtraVars: []string{"v=extra"}})
	if err != nil {
		t.Fatalf("Run error = %v", err)
	}
}

func TestEvalTags(t *testing.T) {
	tests := []struct {
		tags       []string
		only, skip []string
		want       bool
	}{
		{nil, nil, nil, true},
		{[]string{"never"}, nil, nil, false},
		{[]string{"never", "x"}, []string{"x"}, nil, true},
		{[]string{"always"}, []string{"x"}, nil, true},
		{[]string{"always"}, nil, []string{"always"}, false},
		{nil, []string{"untagged"}, nil, true},
		{[]string{"a"}, []string{"untagged"}, nil, false},
		{[]string{"a"}, []string{"tagged"}, nil, true},
		{[]string{"a"}, nil, []string{"tagged"}, false},
		{[]string{"a", "b"}, []string{"b,c"}, nil, true},
	}
	for _, tt := range tests {
		m := map[string]bool{}
		for _, x := range tt.tags {
			m[x] = true
		}
		if got := evalTags(m, tt.only, tt.skip); got != tt.want {
			t.Errorf("evalTags(%v, %v, %v) = %v, want %v", tt.tags, tt.only, tt.skip, got, tt.want)
		}
	}
}

func TestSerialBatches(t *testing.T) {
	hosts := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		serial any
		want   string
	}{
		{nil, "[a b c d e]"},
		{int64(2), "[a b] [c d] [e]"},
		{"40%", "[a b] [c d] [e]"},
		{pyval.NewList(int64(1), "50%"), "[a] [b c] [d e]"},
	}
	for _, tt := range tests {
		got, err := serialBatches(tt.serial, hosts, nil)
		if err != nil {
			t.Errorf("serialBatches(%v) error %v", tt.serial, err)
			continue
		}
		var parts []string
		for _, b := range got {
			parts = append(parts, "["+strings.Join(b, " ")+"]")
		}
		if s := strings.Join(parts, " "); s != tt.want {
			t.Errorf("serialBatches(%v) = %s, want %s", tt.serial, s, tt.want)
		}
	}
}
