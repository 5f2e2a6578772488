package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gplay/engine"
)

// parse runs the command line and returns the options the playbook runner got.
func parse(t *testing.T, args ...string) (*playbookOptions, error) {
	t.Helper()
	var got *playbookOptions
	app := newApp(func(_ context.Context, o *playbookOptions) error { got = o; return nil })
	app.Writer, app.ErrWriter = &bytes.Buffer{}, &bytes.Buffer{}
	err := app.Run(context.Background(), append([]string{"gplay"}, args...))
	return got, err
}

func TestFlagsBeforeAndAfterPlaybooks(t *testing.T) {
	tests := []struct {
		args  []string
		check func(o *playbookOptions) bool
		want  string
	}{
		{[]string{"-i", "hosts.ini", "etcd.yaml", "-l", "masters"},
			func(o *playbookOptions) bool {
				return o.Limit == "masters" && reflect.DeepEqual(o.Playbooks, []string{"etcd.yaml"}) && reflect.DeepEqual(o.Inventories, []string{"hosts.ini"})
			}, "-l after the playbook is kept"},
		{[]string{"a.yml", "b.yml", "-e", "x=1,y=2", "-e", "@vars.yml", "--check", "--diff"},
			func(o *playbookOptions) bool {
				return reflect.DeepEqual(o.ExtraVars, []string{"x=1,y=2", "@vars.yml"}) && o.Check && o.Diff && len(o.Playbooks) == 2
			}, "-e values are not split on commas"},
		{[]string{"-t", "a,b", "--skip-tags", "c", "-t", "d", "p.yml"},
			func(o *playbookOptions) bool {
				return reflect.DeepEqual(o.Tags, []string{"a,b", "d"}) && reflect.DeepEqual(o.SkipTags, []string{"c"})
			}, "tags are repeatable"},
		{[]string{"-vvv", "p.yml"}, func(o *playbookOptions) bool { return o.Verbosity == 3 }, "-vvv counts"},
		{[]string{"-v", "-v", "p.yml"}, func(o *playbookOptions) bool { return o.Verbosity == 2 }, "-v -v counts"},
		{[]string{"p.yml"}, func(o *playbookOptions) bool {
			return o.Forks == 5 && o.Timeout == 10 && o.BecomeMethod == "sudo" && o.BecomeUser == "root" && o.Connection == "ssh"
		}, "Ansible's defaults"},
		{[]string{"-C", "-D", "-b", "-f", "20", "-c", "local", "-u", "admin", "-T", "3", "p.yml"}, func(o *playbookOptions) bool {
			return o.Check && o.Diff && o.Become && o.Forks == 20 && o.Connection == "local" && o.User == "admin" && o.Timeout == 3
		}, "short flags"},
		{[]string{"-CD", "p.yml"}, func(o *playbookOptions) bool { return o.Check && o.Diff }, "combined short flags"},
	}
	for _, tc := range tests {
		o, err := parse(t, tc.args...)
		if err != nil || o == nil || !tc.check(o) {
			t.Errorf("gplay %s: options %+v, err %v; want %s", strings.Join(tc.args, " "), o, err, tc.want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"gplay", "--version"}, exitOK},
		{[]string{"gplay"}, exitUsage},
		{[]string{"gplay", "--no-such-flag", "p.yml"}, exitUsage},
		{[]string{"gplay", "-f", "many", "p.yml"}, exitUsage},
		{[]string{"gplay", "inventory", "-i", "localhost,"}, exitBadOptions},
	}
	for _, tc := range tests {
		if got := run(context.Background(), tc.args); got != tc.want {
			t.Errorf("run(%q) = %d, want %d", tc.args, got, tc.want)
		}
	}
}

func TestVersionNamesCommitAndAnsibleVersion(t *testing.T) {
	var out bytes.Buffer
	app := newApp(runPlaybook)
	app.Writer = &out
	if err := app.Run(context.Background(), []string{"gplay", "--version"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gplay " + version, "commit " + commit, ansibleVersion} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--version printed %q, missing %q", out.String(), want)
		}
	}
}

// captureStderr runs f with os.Stderr going to a pipe and returns what it
// wrote.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	f()
	os.Stderr = old
	w.Close()
	return <-done
}

func TestUnexpectedExceptionExits250(t *testing.T) {
	boom := func(context.Context, *playbookOptions) error { panic("boom") }
	internal := func(context.Context, *playbookOptions) error {
		// what the playbook runner returns for a panic inside engine.Run
		return withCode(exitUnexpected, &engine.InternalError{Value: "bad state", Stack: []byte("goroutine 7 [running]:\n")})
	}
	tests := []struct {
		name      string
		runner    func(context.Context, *playbookOptions) error
		args      []string
		msg       string
		wantStack bool
	}{
		{"a panic", boom, []string{"gplay", "p.yml"}, "ERROR! Unexpected Exception, this is probably a bug: boom\n", false},
		{"a panic at -vvv shows the stack", boom, []string{"gplay", "-vvv", "p.yml"}, "ERROR! Unexpected Exception, this is probably a bug: boom\n", true},
		{"an engine InternalError", internal, []string{"gplay", "p.yml"}, "ERROR! Unexpected Exception, this is probably a bug: bad state\n", false},
		{"an engine InternalError at -v -v -v", internal, []string{"gplay", "-v", "-v", "-v", "p.yml"}, "ERROR! Unexpected Exception, this is probably a bug: bad state\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			out := captureStderr(t, func() { code = runWith(context.Background(), tt.args, tt.runner) })
			if code != exitUnexpected {
				t.Errorf("exit code %d, want %d", code, exitUnexpected)
			}
			if !strings.HasPrefix(out, tt.msg) {
				t.Errorf("stderr %q, want it to start with %q", out, tt.msg)
			}
			if hasStack := strings.Contains(out, "goroutine "); hasStack != tt.wantStack {
				t.Errorf("stack shown = %v, want %v:\n%s", hasStack, tt.wantStack, out)
			}
		})
	}
}

// TestInterruptStopsCleanly runs the built binary, interrupts it while a
// command runs and checks that it stops as Ansible documents: the command
// killed, the recap printed, exit code 99.
func TestInterruptStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: builds gplay")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "gplay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// a duration no other process uses, to find the command afterwards
	marker := fmt.Sprintf("29.%06d", os.Getpid()%1000000)
	pb := filepath.Join(dir, "site.yml")
	src := "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: sleep " + marker + "\n    - debug: msg=never\n"
	if err := os.WriteFile(pb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", "local", "-i", "localhost,", pb)
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// interrupt once the command runs
	for deadline := time.Now().Add(20 * time.Second); len(sleepPIDs(marker)) == 0; {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the command never started; output:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if code != exitInterrupted {
		t.Errorf("exit code %d (%v), want %d", code, err, exitInterrupted)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %v, want well under the command's 29 s", d)
	}
	if !strings.Contains(stdout.String(), "PLAY RECAP") || strings.Contains(stdout.String(), "never") {
		t.Errorf("stdout lacks the recap or ran on:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "ERROR! User interrupted execution") {
		t.Errorf("stderr %q lacks the interruption message", stderr.String())
	}
	if pids := sleepPIDs(marker); len(pids) > 0 {
		t.Errorf("the command still runs: pids %v", pids)
	}
}

// sleepPIDs finds processes whose command line is "sleep marker".
func sleepPIDs(marker string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && string(b) == "sleep\x00"+marker+"\x00" {
			// a zombie has an empty cmdline, so this one is alive
			out = append(out, e.Name())
		}
	}
	return out
}
