package connection

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSplitShell(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "", want: nil},
		{in: "  -o  Port=22 ", want: []string{"-o", "Port=22"}},
		{in: `-o ProxyCommand="ssh -W %h:%p -q bastion"`, want: []string{"-o", "ProxyCommand=ssh -W %h:%p -q bastion"}},
		{in: `-o 'User=a b' -i ~/k\ ey`, want: []string{"-o", "User=a b", "-i", "~/k ey"}},
		{in: `"a\"b" 'c\d' e\\f`, want: []string{`a"b`, `c\d`, `e\f`}},
		{in: `""`, want: []string{""}},
		{in: `-o "unterminated`, err: true},
		{in: `-o 'unterminated`, err: true},
	} {
		got, err := splitShell(tc.in)
		if (err != nil) != tc.err || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitShell(%q) = %q, %v; want %q (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseSSHArgs(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []sshOption
		cfgFile string
		err     string
	}{
		{in: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
			want: []sshOption{{"stricthostkeychecking", "no"}, {"userknownhostsfile", "/dev/null"}}},
		{in: "-oPort=2222 -o 'User bob' -o 'ConnectTimeout = 5'",
			want: []sshOption{{"port", "2222"}, {"user", "bob"}, {"connecttimeout", "5"}}},
		{in: "-C -q -J bastion -i key -p 22 -l root -F cfg -v",
			want:    []sshOption{{"proxyjump", "bastion"}, {"identityfile", "key"}, {"port", "22"}, {"user", "root"}},
			cfgFile: "cfg"},
		{in: "-Cqp2200 -L 8080:localhost:80", want: []sshOption{{"port", "2200"}}},
		{in: "-o", err: "needs a value"},
		{in: "-o NoValue", err: "bad ssh option"},
		{in: "host", err: "unexpected ssh argument"},
	} {
		words, err := splitShell(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseSSHArgs(words)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseSSHArgs(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got.Options, tc.want) || got.ConfigFile != tc.cfgFile {
			t.Errorf("parseSSHArgs(%q) = %+v, %v; want %+v, -F %q", tc.in, got, err, tc.want, tc.cfgFile)
		}
	}
}

// Inventory values come before the ssh args, as in Ansible's ssh plugin, so
// they win; the password never becomes an argument.
func TestTargetArgsOrder(t *testing.T) {
	got, err := targetArgs(Target{
		Host: "h", Port: 2222, User: "deploy", IdentityFiles: []string{"/k1"},
		Password: "hunter2", NoHostKeyChecking: true, Timeout: time.Second,
		CommonArgs: "-o Port=1 -F /cfg", ExtraArgs: "-o User=other -i /k2",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []sshOption{
		{"stricthostkeychecking", "no"}, {"port", "2222"}, {"identityfile", "/k1"}, {"user", "deploy"},
		{"port", "1"}, {"user", "other"}, {"identityfile", "/k2"},
	}
	if !reflect.DeepEqual(got.Options, want) || got.ConfigFile != "/cfg" {
		t.Errorf("targetArgs = %+v, want %+v and -F /cfg", got, want)
	}
	for _, o := range got.Options {
		if strings.Contains(o.Value, "hunter2") {
			t.Errorf("password in ssh option %+v", o)
		}
	}
	if _, err := targetArgs(Target{CommonArgs: `-o "x`}); err == nil || !strings.Contains(err.Error(), "ssh_common_args") {
		t.Errorf("targetArgs with bad quoting = %v, want an ssh_common_args error", err)
	}
}

func TestConnectionTypes(t *testing.T) {
	for _, tc := range []struct {
		in           string
		local, error bool
	}{
		{in: ""}, {in: "ssh"}, {in: "smart"}, {in: "paramiko"}, {in: "ansible.builtin.ssh"},
		{in: "local", local: true}, {in: "ansible.builtin.local", local: true},
		{in: "winrm", error: true}, {in: "docker", error: true},
	} {
		local, err := isLocal(tc.in)
		if local != tc.local || (err != nil) != tc.error {
			t.Errorf("isLocal(%q) = %v, %v; want %v, error %v", tc.in, local, err, tc.local, tc.error)
		}
	}
	c, err := (&Dialer{}).Dial(context.Background(), Target{Name: "localhost", Connection: "local"})
	if err != nil || c != (Local{}) {
		t.Errorf("Dial(local) = %v, %v; want Local", c, err)
	}
}
