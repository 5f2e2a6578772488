package agent

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"gplay/module"
	"gplay/pyval"
)

// testModule is a module of this test's own registry (a double at our own
// contract, as docs/contributing.md allows).
type testModule struct {
	id     module.ID
	params []module.Param
	run    func(ctx context.Context, req module.Request) (module.Result, error)
}

func (m testModule) Info() module.Info {
	return module.Info{ID: m.id, Spec: module.Spec{Params: m.params}, CheckMode: module.SupportFull, DiffMode: module.SupportFull}
}
func (m testModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	return m.run(ctx, req)
}

func testRegistry() *module.Registry {
	reg := module.NewRegistry()
	reg.Register(testModule{id: "test.echo", params: []module.Param{{Name: "msg"}, {Name: "n", Type: module.TypeInt}},
		run: func(_ context.Context, req module.Request) (module.Result, error) {
			return module.Result{Changed: req.Check, Return: map[string]any{"echo": req.Args.Get("msg"), "n": req.Args.Get("n")},
				Diff: []module.Diff{{Before: "a\n", After: "b\n", AfterHeader: "/x"}}, Facts: map[string]any{"k": "v"}}, nil
		}})
	reg.Register(testModule{id: "test.fetch", run: func(context.Context, module.Request) (module.Result, error) {
		return module.Result{Changed: true, Diff: []module.Diff{{Prepared: "The following NEW packages will be installed:\n  hello\n"}},
			ControllerFiles: []module.ControllerFile{{Path: "h1/etc/motd", Data: []byte("hi\x00\n")}}}, nil
	}})
	reg.Register(testModule{id: "test.fail", run: func(context.Context, module.Request) (module.Result, error) {
		return module.Result{Return: map[string]any{"rc": 3, "stdout": "partial"}}, errors.New("non-zero return code")
	}})
	reg.Register(testModule{id: "test.secret", params: []module.Param{{Name: "password", NoLog: true}},
		run: func(_ context.Context, req module.Request) (module.Result, error) {
			p, _ := req.Args.Get("password").(string)
			return module.Result{Msg: "set " + p}, errors.New("could not use " + p)
		}})
	reg.Register(testModule{id: "test.sleep", run: func(ctx context.Context, _ module.Request) (module.Result, error) {
		select {
		case <-ctx.Done():
			return module.Result{}, ctx.Err()
		case <-time.After(time.Minute):
			return module.Result{}, nil
		}
	}})
	reg.Register(testModule{id: "test.panic", run: func(context.Context, module.Request) (module.Result, error) {
		var m map[string]int
		m["x"] = 1
		return module.Result{}, nil
	}})
	return reg
}

// start runs Serve on one end of two pipes and returns a Client on the other.
func start(t *testing.T) (*Client, chan error, io.Closer) {
	t.Helper()
	toAgent, fromCtl := io.Pipe()
	toCtl, fromAgent := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), toAgent, fromAgent, testRegistry(), Hello{Agent: "test", PID: 42})
		fromAgent.Close()
	}()
	c, err := NewClient(toCtl, fromCtl)
	if err != nil {
		t.Fatal(err)
	}
	return c, done, fromCtl
}

func TestCallRoundTrip(t *testing.T) {
	c, done, ctl := start(t)
	if h := c.Hello(); h.Agent != "test" || h.PID != 42 || h.Protocol != ProtocolVersion {
		t.Fatalf("hello = %+v", h)
	}
	tests := []struct {
		name    string
		req     Request
		wantErr string
		wantBug bool
		want    string // the registered dict as Python repr
	}{
		{"args, diff and facts travel", Request{Module: "test.echo", Args: pyval.DictOf("msg", "hi", "n", "7"), Check: true, Diff: true}, "", false,
			"{'echo': 'hi', 'n': 7, 'changed': True, 'diff': {'before': 'a\\n', 'after': 'b\\n', 'after_header': '/x'}, 'ansible_facts': {'k': 'v'}}"},
		{"a failed module keeps its return values", Request{Module: "test.fail"}, "non-zero return code", false,
			"{'rc': 3, 'stdout': 'partial', 'changed': False, 'failed': True, 'msg': 'non-zero return code'}"},
		{"no_log values are scrubbed on the target", Request{Module: "test.secret", Args: pyval.DictOf("password", "hunter2")}, "could not use ********", false,
			"{'changed': False, 'failed': True, 'msg': 'could not use ********'}"},
		{"bad arguments fail as Ansible's", Request{Module: "test.echo", Args: pyval.DictOf("bogus", int64(1))}, "Unsupported parameters for (echo) module: bogus", false, ""},
		{"unknown module", Request{Module: "nope"}, "unknown module: nope", false, ""},
		{"a panic is a reported bug", Request{Module: "test.panic"}, "module test.panic panicked", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.Call(context.Background(), tc.req)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if errors.Is(err, ErrBug) != tc.wantBug {
				t.Errorf("errors.Is(err, ErrBug) = %v, want %v", !tc.wantBug, tc.wantBug)
			}
			if strings.Contains(pyval.Repr(res.ToDict()), "hunter2") {
				t.Errorf("secret in result: %s", pyval.Repr(res.ToDict()))
			}
			if tc.want != "" {
				if got := pyval.Repr(res.ToDict()); got != tc.want {
					t.Errorf("registered =\n%s\nwant\n%s", got, tc.want)
				}
			}
		})
	}
	ctl.Close()
	if err := <-done; err != nil {
		t.Fatalf("Serve after the controller closed: %v", err)
	}
}

// TestCallCarriesDiffsAndControllerFiles: apt's prepared diff and fetch's
// files for the controller survive the wire.
func TestCallCarriesDiffsAndControllerFiles(t *testing.T) {
	c, _, ctl := start(t)
	defer ctl.Close()
	res, err := c.Call(context.Background(), Request{Module: "test.fetch", Diff: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diff) != 1 || !strings.Contains(res.Diff[0].Prepared, "hello") {
		t.Errorf("diff = %+v, want the prepared text", res.Diff)
	}
	if len(res.ControllerFiles) != 1 || res.ControllerFiles[0].Path != "h1/etc/motd" || string(res.ControllerFiles[0].Data) != "hi\x00\n" {
		t.Errorf("controller files = %+v", res.ControllerFiles)
	}
}

func TestCancelStopsTheModule(t *testing.T) {
	c, done, ctl := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Call(ctx, Request{Module: "test.sleep"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("cancel did not return promptly")
	}
	// The agent is still usable after a cancel.
	if _, err := c.Call(context.Background(), Request{Module: "test.echo"}); err != nil {
		t.Fatal(err)
	}
	ctl.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestAgentEndsWithItsController: closing the channel while a module runs
// cancels it and ends Serve, so nothing is left running on the target.
func TestAgentEndsWithItsController(t *testing.T) {
	c, done, ctl := start(t)
	errc := make(chan error, 1)
	go func() { _, err := c.Call(context.Background(), Request{Module: "test.sleep"}); errc <- err }()
	time.Sleep(50 * time.Millisecond) // let the request reach the agent
	ctl.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve kept running after its controller went away")
	}
	// The agent may still answer "cancelled" before its side closes, or
	// not at all (a cut network): either way the call fails.
	if err := <-errc; err == nil {
		t.Fatal("pending call succeeded after its controller went away")
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x02{}"))
	f.Add([]byte("\x00\x00\x00\x0a{\"id\":1}"))
	f.Add([]byte("\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var wr wireRequest
		if err := readFrame(strings.NewReader(string(b)), &wr); err == nil {
			_, _ = decodeRequest(&wr)
		}
	})
}
