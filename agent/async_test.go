package agent

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gplay/module"
	"gplay/pyval"
)

// TestMain lets this test binary be the detached job process the agent
// starts (it runs os.Executable() "agent" with GPLAY_ASYNC_JOB set).
func TestMain(m *testing.M) {
	if os.Getenv(jobEnv) != "" {
		if err := Serve(context.Background(), nil, nil, testRegistry(), Hello{}); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// readJob polls a job's results file until it holds a finished result.
func readJob(t *testing.T, path string, within time.Duration) *pyval.Dict {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			v, err := module.DecodeJSON(b)
			if d, ok := v.(*pyval.Dict); err == nil && ok && !d.Has("started") {
				return d
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s did not finish within %v", path, within)
	return nil
}

func TestAsyncJobs(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ANSIBLE_ASYNC_DIR": dir}
	tests := []struct {
		name     string
		detached bool
	}{
		{"local connection: in-process", false},
		{"agent: detached, outlives the agent", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jid := "j12345." + string(rune('0'+i))
			req := Request{Module: "test.echo", Args: pyval.DictOf("msg", "bg"), Env: env, AsyncJID: jid, AsyncTimeout: 30}
			var res module.Result
			var err error
			if tt.detached {
				c, done, ctl := start(t)
				res, err = c.Call(context.Background(), req)
				ctl.Close() // the controller goes away at once
				<-done
			} else {
				res, err = Dispatch(context.Background(), testRegistry(), req)
			}
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, jid)
			want := "{'ansible_job_id': '" + jid + "', 'failed': 0, 'finished': 0, 'results_file': '" + path + "', 'started': 1, 'changed': True}"
			if got := pyval.Repr(res.ToDict()); got != want {
				t.Errorf("start answer %s, want %s", got, want)
			}
			d := readJob(t, path, 10*time.Second)
			if got := pyval.Repr(d); got != "{'echo': 'bg', 'n': None, 'changed': False, 'ansible_facts': {'k': 'v'}}" {
				t.Errorf("job result %s", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "."+jid+".req")); !os.IsNotExist(err) {
				t.Errorf("the request file was left behind: %v", err)
			}
		})
	}
}

func TestKillAfterIsTheWrappersWatch(t *testing.T) {
	// async_wrapper's watcher sleeps 5 s, then checks every 5 s
	for _, tt := range []struct{ limit, want int }{{1, 10}, {5, 10}, {6, 15}, {60, 65}} {
		if got := killAfter(tt.limit); got != time.Duration(tt.want)*time.Second {
			t.Errorf("killAfter(%d) = %v, want %ds", tt.limit, got, tt.want)
		}
	}
}
