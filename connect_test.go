package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gplay/connection"
	"gplay/diag"
	"gplay/engine"
	"gplay/internal/sshdtest"
	"gplay/inventory"
	"gplay/module"
	"gplay/output"
	"gplay/pyval"
)

func TestSSHTargetFromVars(t *testing.T) {
	c := &sshConnector{defaults: sshDefaults{
		user: "cliuser", privateKey: "/cli/key", commonArgs: "-o A=1", extraArgs: "-o B=2",
		timeout: 10 * time.Second, hostKeyChecking: true, connPassword: "clipw",
	}}
	tests := []struct {
		name string
		vars *pyval.Dict
		want connection.Target
	}{
		{"CLI defaults", pyval.NewDict(0), connection.Target{Name: "h1", Host: "h1", User: "cliuser", IdentityFiles: []string{"/cli/key"},
			Password: "clipw", CommonArgs: "-o A=1", ExtraArgs: "-o B=2", Timeout: 10 * time.Second}},
		{"inventory variables win", pyval.DictOf("ansible_host", "10.0.0.5", "ansible_port", int64(2222), "ansible_user", "deploy",
			"ansible_ssh_private_key_file", "/inv/key", "ansible_password", "invpw", "ansible_ssh_common_args", "",
			"ansible_ssh_extra_args", "-J bastion", "ansible_timeout", "3", "ansible_host_key_checking", false, "ansible_connection", "ssh"),
			connection.Target{Name: "h1", Connection: "ssh", Host: "10.0.0.5", Port: 2222, User: "deploy", IdentityFiles: []string{"/inv/key"},
				Password: "invpw", ExtraArgs: "-J bastion", Timeout: 3 * time.Second, NoHostKeyChecking: true}},
		{"old ansible_ssh_* names", pyval.DictOf("ansible_ssh_host", "10.0.0.6", "ansible_ssh_port", "22", "ansible_ssh_user", "old", "ansible_ssh_pass", "oldpw"),
			connection.Target{Name: "h1", Host: "10.0.0.6", Port: 22, User: "old", IdentityFiles: []string{"/cli/key"},
				Password: "oldpw", CommonArgs: "-o A=1", ExtraArgs: "-o B=2", Timeout: 10 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.target(engine.Target{Host: "h1", Vars: tc.vars})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("target =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
	if _, err := c.target(engine.Target{Host: "h1", Vars: pyval.DictOf("ansible_port", "x")}); err == nil {
		t.Error("ansible_port=x accepted")
	}
}

func TestSSHBecomeFromVars(t *testing.T) {
	c := &sshConnector{defaults: sshDefaults{becomePassword: "clibecome"}}
	tests := []struct {
		name string
		vars *pyval.Dict
		req  engine.Request
		want connection.Become
	}{
		{"no become", pyval.NewDict(0), engine.Request{BecomeUser: "root", BecomeMethod: "sudo"}, connection.Become{}},
		{"task become with -K password", pyval.NewDict(0), engine.Request{Become: true, BecomeUser: "root", BecomeMethod: "sudo"},
			connection.Become{Enabled: true, Method: "sudo", User: "root", Password: "clibecome"}},
		{"variables win", pyval.DictOf("ansible_become_user", "app", "ansible_become_method", "su", "ansible_become_pass", "varpw"),
			engine.Request{Become: true, BecomeUser: "root", BecomeMethod: "sudo"},
			connection.Become{Enabled: true, Method: "su", User: "app", Password: "varpw"}},
		{"ansible_become=true", pyval.DictOf("ansible_become", true), engine.Request{BecomeUser: "root", BecomeMethod: "sudo"},
			connection.Become{Enabled: true, Method: "sudo", User: "root", Password: "clibecome"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &sshHostConn{c: c, vars: tc.vars}
			if got := h.become(tc.req); got != tc.want {
				t.Errorf("become = %+v, want %+v", got, tc.want)
			}
		})
	}
}

var (
	gplayBinOnce sync.Once
	gplayBin     string
	gplayBinErr  error
)

// builtGplay builds this command once per test binary, to run as the
// agent on test hosts.
func builtGplay(t *testing.T) string {
	t.Helper()
	gplayBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gplay-connect-test-")
		if err != nil {
			gplayBinErr = err
			return
		}
		gplayBin = filepath.Join(dir, "gplay")
		if out, err := exec.Command("go", "build", "-o", gplayBin, ".").CombinedOutput(); err != nil {
			gplayBinErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if gplayBinErr != nil {
		t.Fatal(gplayBinErr)
	}
	return gplayBin
}

// TestSSHConnectorPlaybook runs a playbook over SSH through the connector:
// a task as the login user, one with sudo (password from inventory), a
// host with a wrong become password that fails with Ansible's message and
// without the password in the output, and an unreachable host.
func TestSSHConnectorPlaybook(t *testing.T) {
	t.Parallel()
	srv := sshdtest.Start(t, sshdtest.Options{Sudo: "password"})
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(kh, []byte(srv.KnownHosts), 0o600); err != nil {
		t.Fatal(err)
	}
	closed, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	inv := fmt.Sprintf(`good ansible_host=%[1]s ansible_become_password=%[6]s
badpw ansible_host=%[1]s ansible_become_password=wrong-pw-98765
down ansible_host=127.0.0.1 ansible_port=%[7]d

[all:vars]
ansible_port=%[2]d
ansible_user=%[3]s
ansible_ssh_private_key_file=%[4]s
ansible_ssh_common_args='-F /dev/null -o UserKnownHostsFile=%[5]s -o GlobalKnownHostsFile=/dev/null'
`, srv.Host, srv.Port, srv.TestUser, srv.ClientKeyFile, kh, srv.Password, closed)
	// down's own ansible_port beats the group's.
	invPath := filepath.Join(dir, "hosts.ini")
	book := filepath.Join(dir, "book.yml")
	writeFiles(t, map[string]string{invPath: inv, book: `- hosts: all
  gather_facts: false
  tasks:
    - command: id -un
      register: plain
    - command: id -un
      become: true
      register: root
    - assert:
        that: [plain.stdout == login, root.stdout == 'root']
`})
	var warnings diag.List
	invObj, err := inventory.Load([]string{invPath}, inventory.Options{Warnings: &warnings})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := &playbookOptions{Timeout: 5, Verbosity: 0}
	conn := newSSHConnectorWithAgent(o, ansibleCfg{}, builtGplay(t))
	begin := time.Now()
	err = engine.Run(context.Background(), engine.Options{
		Playbooks: []string{book}, Inventory: &invAdapter{inv: invObj, warnings: &warnings},
		Registry: module.Default, Reporter: output.NewText(&out, &out, output.TextOptions{}),
		Connector: conn, Forks: 5, Timeout: 5, BecomeUser: "root", BecomeMethod: "sudo",
		ExtraVars: []string{"login=" + srv.TestUser},
	})
	text := out.String()
	if !errors.Is(err, engine.ErrHostsUnreachable) {
		t.Errorf("Run error = %v, want ErrHostsUnreachable (exit code 4)\n%s", err, text)
	}
	for _, want := range []string{
		`(?m)^good\s+: ok=3 .*unreachable=0\s+failed=0`,
		`(?m)^badpw\s+: ok=1 .*failed=1`,
		`fatal: \[badpw\]: FAILED! => .*Incorrect sudo password`,
		`(?m)^down\s+: ok=0 .*unreachable=1`,
		`fatal: \[down\]: UNREACHABLE!`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("output does not match %s:\n%s", want, text)
		}
	}
	for _, secret := range []string{srv.Password, "wrong-pw-98765"} {
		if strings.Contains(text, secret) {
			t.Errorf("a password appears in the output:\n%s", text)
		}
	}
	if el := time.Since(begin); el > 30*time.Second {
		t.Errorf("run took %v", el)
	}
}

func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// freePort returns a loopback port nothing listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// TestReadPasswordsWithoutTerminal: with no terminal the answers are
// stdin lines, as Python's getpass fallback; stdin's end means no
// password and no further question, as ask_passwords' EOFError handling.
func TestReadPasswordsWithoutTerminal(t *testing.T) {
	tests := []struct {
		name                   string
		o                      playbookOptions
		stdin                  string
		conn, become, prompted string
	}{
		{"-K from a pipe", playbookOptions{AskBecomePass: true}, "s3cret\n", "", "s3cret", "BECOME password: "},
		{"-K at EOF", playbookOptions{AskBecomePass: true}, "", "", "", "BECOME password: "},
		{"-k -K two lines", playbookOptions{AskPass: true, AskBecomePass: true}, "ssh\nbecome\n", "ssh", "become", "SSH password: BECOME password[defaults to SSH password]: "},
		{"-k -K empty become defaults to ssh", playbookOptions{AskPass: true, AskBecomePass: true}, "ssh\n\n", "ssh", "ssh", "SSH password: BECOME password[defaults to SSH password]: "},
		{"-k -K EOF after ssh", playbookOptions{AskPass: true, AskBecomePass: true}, "ssh", "ssh", "", "SSH password: BECOME password[defaults to SSH password]: "},
		{"-k at EOF asks no more", playbookOptions{AskPass: true, AskBecomePass: true}, "", "", "", "SSH password: "},
		{"nothing asked", playbookOptions{}, "x\n", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			conn, become, err := readPasswordsFrom(&tc.o, nil, strings.NewReader(tc.stdin), &stderr)
			prompted := strings.ReplaceAll(stderr.String(), "Warning: Password input may be echoed.\n", "")
			if err != nil || conn != tc.conn || become != tc.become || prompted != tc.prompted {
				t.Errorf("got %q %q %v, prompts %q; want %q %q, prompts %q", conn, become, err, prompted, tc.conn, tc.become, tc.prompted)
			}
		})
	}
}

// TestReadSecretFile: password files as get_password_from_file reads them.
func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]struct {
		data string
		mode os.FileMode
	}{
		"plain": {" pw \n", 0o600}, "crlf": {"pw\r\n", 0o600}, "empty": {" \n", 0o600},
		"script": {"#!/bin/sh\necho from-script\n", 0o700}, "failing": {"#!/bin/sh\necho oops >&2\nexit 3\n", 0o700},
	}
	for name, f := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(f.data), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ file, want, err string }{
		{"plain", "pw", ""},
		{"crlf", "pw", ""},
		{"script", "from-script", ""},
		{"empty", "", "Empty password was provided from file ($DIR/empty)"},
		{"missing", "", "The password file $DIR/missing was not found"},
		{"failing", "", "The password script $DIR/failing returned an error (rc=3): oops"},
	}
	for _, tc := range tests {
		got, err := readSecretFile(filepath.Join(dir, tc.file))
		gotErr := ""
		if err != nil {
			gotErr = strings.ReplaceAll(err.Error(), dir, "$DIR")
		}
		if got != tc.want || gotErr != tc.err {
			t.Errorf("readSecretFile(%s) = %q, %q; want %q, %q", tc.file, got, gotErr, tc.want, tc.err)
		}
	}
}
