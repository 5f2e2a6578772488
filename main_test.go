package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
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
		{[]string{"gplay"}, exitBadOptions},
		{[]string{"gplay", "--no-such-flag", "p.yml"}, exitBadOptions},
		{[]string{"gplay", "-f", "many", "p.yml"}, exitBadOptions},
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
