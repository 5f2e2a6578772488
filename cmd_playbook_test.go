package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/playbooks/*/expected.* from /usr/bin/ansible-playbook")

const oracle = "/usr/bin/ansible-playbook"

// TestGplayHelperProcess is not a test: the differential tests run the test
// binary as gplay through it (the os/exec test pattern), so no build step
// is needed.
func TestGplayHelperProcess(t *testing.T) {
	if os.Getenv("GPLAY_HELPER_PROCESS") != "1" {
		return
	}
	args := []string{"gplay"}
	for i, a := range os.Args {
		if a == "--" {
			args = append(args, os.Args[i+1:]...)
			break
		}
	}
	os.Exit(run(context.Background(), args))
}

// caseRun is the outcome of one playbook run, normalised.
type caseRun struct {
	stdout string
	rc     int
	files  string
	// err is stderr from "ERROR!" on, when the run stopped with one.
	err string
}

func (c caseRun) String() string {
	return fmt.Sprintf("rc=%d\n--- stdout\n%s--- files\n%s--- error\n%s", c.rc, c.stdout, c.files, c.err)
}

// errorPart keeps stderr from the first "ERROR!" on, normalised.
func errorPart(s, work string) string {
	i := strings.Index(s, "ERROR!")
	if i < 0 {
		return ""
	}
	s = strings.ReplaceAll(s[i:], work, "$WORK")
	// gplay adds a hint of its own after Ansible's text
	if j := strings.Index(s, "\ndid you mean "); j >= 0 {
		s = s[:j+1]
	}
	if j := strings.Index(s, "\nthis is probably "); j >= 0 {
		s = s[:j+1]
	}
	return strings.TrimRight(s, "\n") + "\n"
}

// runCase copies the case directory to a temporary one and runs the
// playbook there with gplay (oracle false) or ansible-playbook (true).
func runCase(t *testing.T, dir string, useOracle bool) caseRun {
	t.Helper()
	// the same name for both runs: playbook_dir | basename is "work"
	work := filepath.Join(t.TempDir(), "work")
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"expected.txt", "expected.files", "expected.rc", "expected.err", "env"} {
		os.Remove(filepath.Join(work, f))
	}
	out := filepath.Join(work, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var extra []string
	if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				extra = append(extra, l)
			}
		}
	}
	// cases with their own inventory (several hosts, all local) name it
	args := []string{"-e", "out=" + out}
	if _, err := os.Stat(filepath.Join(dir, "hosts.ini")); err == nil {
		args = append(args, "-i", "hosts.ini", "-f", "1")
	} else {
		args = append(args, "-i", "localhost,", "-c", "local")
	}
	args = append(args, extra...)
	if !containsArg(args, ".yml") {
		args = append(args, "site.yml")
	}
	var cmd *exec.Cmd
	if useOracle {
		cmd = exec.Command(oracle, args...)
	} else {
		cmd = exec.Command(os.Args[0], append([]string{"-test.run=^TestGplayHelperProcess$", "--"}, args...)...)
		cmd.Env = append(cmd.Env, "GPLAY_HELPER_PROCESS=1")
	}
	cmd.Dir = work
	cmd.Env = append(cmd.Env, os.Environ()...)
	cmd.Env = append(cmd.Env, "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=", "ANSIBLE_CONFIG="+filepath.Join(work, "no-ansible.cfg"),
		"ANSIBLE_LOCALHOST_WARNING=false", "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3", "ANSIBLE_RETRY_FILES_ENABLED=0", "HOME="+work)
	// a case's "env" file sets variables for both runs (ANSIBLE_HASH_BEHAVIOUR=merge)
	if b, err := os.ReadFile(filepath.Join(dir, "env")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				cmd.Env = append(cmd.Env, l)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	rc := 0
	if ee, ok := err.(*exec.ExitError); ok {
		rc = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run: %v", err)
	}
	return caseRun{stdout: normalize(stdout.String(), work), rc: rc, files: snapshot(t, out), err: errorPart(stderr.String(), work)}
}

func containsArg(args []string, suffix string) bool {
	for _, a := range args {
		if strings.HasSuffix(a, suffix) {
			return true
		}
	}
	return false
}

var (
	timeRE  = regexp.MustCompile(`"(start|end|stop)": "[0-9-]+ [0-9:.]+"`)
	deltaRE = regexp.MustCompile(`"delta": "[0-9:.]+"`)
	// facts only Python's modules report
	interpRE = regexp.MustCompile(`"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, `)
	// async job ids (j<random>.<pid>) differ on every run
	jidRE = regexp.MustCompile(`\bj[0-9]{1,12}\.[0-9]+\b`)
)

// normalize removes what differs between runs: the work directory,
// timestamps and durations.
func normalize(s, work string) string {
	s = strings.ReplaceAll(s, work, "$WORK")
	s = timeRE.ReplaceAllString(s, `"$1": "TIME"`)
	s = deltaRE.ReplaceAllString(s, `"delta": "DELTA"`)
	s = interpRE.ReplaceAllString(s, "")
	s = jidRE.ReplaceAllString(s, "JID")
	return s
}

// snapshot lists the files under dir: path, type, permissions, content.
func snapshot(t *testing.T, dir string) string {
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			lines = append(lines, fmt.Sprintf("%s link -> %s", rel, strings.ReplaceAll(target, dir, "$OUT")))
		case fi.IsDir():
			lines = append(lines, fmt.Sprintf("%s dir %04o", rel, fi.Mode().Perm()))
		default:
			b, _ := os.ReadFile(p)
			lines = append(lines, fmt.Sprintf("%s file %04o %q", rel, fi.Mode().Perm(), strings.ReplaceAll(string(b), dir, "$OUT")))
		}
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

func readExpected(dir string) (caseRun, error) {
	var c caseRun
	b, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		return c, err
	}
	c.stdout = string(b)
	f, err := os.ReadFile(filepath.Join(dir, "expected.files"))
	if err != nil {
		return c, err
	}
	c.files = string(f)
	r, err := os.ReadFile(filepath.Join(dir, "expected.rc"))
	if err != nil {
		return c, err
	}
	fmt.Sscan(string(r), &c.rc)
	if e, err := os.ReadFile(filepath.Join(dir, "expected.err")); err == nil {
		c.err = string(e)
	}
	return c, nil
}

func writeExpected(t *testing.T, dir string, c caseRun) {
	files := map[string]string{"expected.txt": c.stdout, "expected.files": c.files, "expected.rc": fmt.Sprintf("%d\n", c.rc)}
	if c.err != "" {
		files["expected.err"] = c.err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlaybooksDifferential runs every testdata/playbooks/<case>/site.yml
// with gplay -c local and compares the normalised output, exit code and
// files written with ansible-playbook's, stored in expected.*. When
// ansible-playbook is installed it is run too and must agree with the
// stored expectation (-update rewrites it; GPLAY_ORACLE=0 skips it).
func TestPlaybooksDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: differential playbook runs are not short")
	}
	dirs, _ := filepath.Glob("testdata/playbooks/*")
	sort.Strings(dirs)
	_, err := os.Stat(oracle)
	haveOracle := err == nil
	if !haveOracle {
		t.Logf("NOTE: %s not installed: comparing with stored expectations only", oracle)
	}
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		dir := dir
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			want, err := readExpected(dir)
			if haveOracle && (*update || err != nil) {
				want = runCase(t, dir, true)
				writeExpected(t, dir, want)
			} else if err != nil {
				t.Fatalf("no stored expectation and no %s: %v", oracle, err)
			} else if haveOracle && os.Getenv("GPLAY_ORACLE") != "0" {
				if o := runCase(t, dir, true); o.String() != want.String() {
					t.Errorf("stored expectation is stale; ansible-playbook now gives:\n%s", o)
				}
			}
			got := runCase(t, dir, false)
			if got.String() != want.String() {
				t.Errorf("gplay differs from ansible-playbook:\n%s", lineDiff(want.String(), got.String()))
			}
		})
	}
}

// lineDiff shows the first differing lines of want and got.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, w, g)
			if n++; n >= 8 {
				b.WriteString("  …\n")
				break
			}
		}
	}
	return b.String()
}

// TestApplyConfig: ansible.cfg (through ANSIBLE_CONFIG) and ANSIBLE_*
// fill what the command line left at its default; env beats the file,
// flags beat both.
func TestApplyConfig(t *testing.T) {
	home := t.TempDir()
	cfgDir := t.TempDir() // relative paths in ansible.cfg are taken from here
	cfgText := `[defaults]
forks = 12
inventory = ~/inv.ini, other.ini
roles_path = ~/roles:/opt/roles
host_key_checking = False
remote_user = deploy
private_key_file = ~/.ssh/id_deploy
timeout = 33
ask_pass = false

[privilege_escalation]
become = True
become_method = su
become_user = admin
become_ask_pass = yes

[ssh_connection]
ssh_args = -C -o ControlMaster=auto
pipelining = True
`
	vars := []string{"ANSIBLE_FORKS", "ANSIBLE_INVENTORY", "ANSIBLE_ROLES_PATH", "ANSIBLE_HOST_KEY_CHECKING", "ANSIBLE_REMOTE_USER",
		"ANSIBLE_PRIVATE_KEY_FILE", "ANSIBLE_TIMEOUT", "ANSIBLE_BECOME", "ANSIBLE_BECOME_METHOD", "ANSIBLE_BECOME_USER",
		"ANSIBLE_BECOME_ASK_PASS", "ANSIBLE_ASK_PASS", "ANSIBLE_BECOME_PASSWORD_FILE", "ANSIBLE_CONNECTION_PASSWORD_FILE"}
	type result struct {
		Forks, Timeout                int
		Inventories, Roles            []string
		User, Key, Method, BecomeUser string
		Become, AskBecome, AskPass    bool
		HostKeyChecking               bool
		BecomePassFile                string
	}
	fromFile := result{Forks: 12, Timeout: 33, Inventories: []string{home + "/inv.ini", cfgDir + "/other.ini"}, Roles: []string{home + "/roles", "/opt/roles"},
		User: "deploy", Key: home + "/.ssh/id_deploy", Method: "su", BecomeUser: "admin", Become: true, AskBecome: true}
	tests := []struct {
		name  string
		cfg   string
		env   map[string]string
		flags func(o *playbookOptions)
		want  result
	}{
		{"defaults without a config", "", nil, nil, result{Forks: 5, Timeout: 10, Inventories: []string{defaultInventory}, Method: "sudo", BecomeUser: "root", HostKeyChecking: true}},
		{"ansible.cfg", cfgText, nil, nil, fromFile},
		{"env beats ansible.cfg", cfgText, map[string]string{"ANSIBLE_FORKS": "3", "ANSIBLE_HOST_KEY_CHECKING": "yes", "ANSIBLE_BECOME_METHOD": "sudo",
			"ANSIBLE_BECOME_ASK_PASS": "false", "ANSIBLE_BECOME_PASSWORD_FILE": "~/pw", "ANSIBLE_REMOTE_USER": "envuser"},
			nil, func() result {
				r := fromFile
				r.Forks, r.HostKeyChecking, r.Method, r.AskBecome, r.BecomePassFile, r.User = 3, true, "sudo", false, home+"/pw", "envuser"
				return r
			}()},
		{"flags beat both", cfgText, map[string]string{"ANSIBLE_FORKS": "3"}, func(o *playbookOptions) {
			o.Forks, o.User, o.Timeout, o.Inventories, o.BecomeMethod = 7, "cli", 5, []string{"cli.ini"}, "sudo"
		}, func() result {
			r := fromFile
			r.Forks, r.User, r.Timeout, r.Inventories = 7, "cli", 5, []string{"cli.ini"}
			r.Method = "su" // sudo is the flag's default: not told apart from no flag
			return r
		}()},
		{"explicit flags at their defaults beat ansible.cfg", cfgText, nil, func(o *playbookOptions) {
			o.flagSet = func(name string) bool { return name == "forks" || name == "become-method" || name == "timeout" }
		}, func() result {
			r := fromFile
			r.Forks, r.Method, r.Timeout = 5, "sudo", 10
			return r
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			for _, v := range vars {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfgPath := filepath.Join(cfgDir, "ansible.cfg")
			os.Remove(cfgPath)
			if tc.cfg != "" {
				if err := os.WriteFile(cfgPath, []byte(tc.cfg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("ANSIBLE_CONFIG", cfgPath)
			t.Chdir(t.TempDir()) // no ./ansible.cfg
			o := &playbookOptions{Forks: 5, Timeout: 10, BecomeMethod: "sudo", BecomeUser: "root"}
			if tc.flags != nil {
				tc.flags(o)
			}
			cfg, _ := loadAnsibleCfg()
			applyConfig(o, cfg)
			got := result{Forks: o.Forks, Timeout: o.Timeout, Inventories: o.Inventories, User: o.User, Key: o.PrivateKey,
				Method: o.BecomeMethod, BecomeUser: o.BecomeUser, Become: o.Become, AskBecome: o.AskBecomePass, AskPass: o.AskPass,
				HostKeyChecking: hostKeyChecking(cfg), BecomePassFile: o.BecomePassFile}
			for _, r := range rolesPath(cfg) {
				if !strings.HasSuffix(r, "/.ansible/roles") && r != "/usr/share/ansible/roles" && r != "/etc/ansible/roles" {
					got.Roles = append(got.Roles, r)
				}
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestResolveLimit: @file entries become the file's lines, mixed with
// patterns in order; a limit without @ is left as given.
func TestResolveLimit(t *testing.T) {
	dir := t.TempDir()
	retry := filepath.Join(dir, "site.retry")
	if err := os.WriteFile(retry, []byte("w1\nd2\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one")
	if err := os.WriteFile(one, []byte("web:db\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		limit, want, err string
	}{
		{"", "", ""},
		{"web:!w1", "web:!w1", ""},
		{"@" + retry, "w1,d2,", ""},
		{"w2,@" + retry, "w2,w1,d2,", ""},
		{"@" + retry + ",w2", "w1,d2,w2,", ""},
		{"@" + one, "web:db,", ""}, // one line is one pattern, not split on ':'
		{"@" + dir + "/missing", "", "Unable to find limit file b'" + dir + "/missing'"},
		{"@" + dir, "", `Limit starting with "@" must be a file, not a directory: b'` + dir + "'"},
	}
	for _, tc := range tests {
		got, err := resolveLimit(tc.limit)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tc.want || gotErr != tc.err {
			t.Errorf("resolveLimit(%q) = %q, %q; want %q, %q", tc.limit, got, gotErr, tc.want, tc.err)
		}
	}
}

// TestVaultSettingsFromConfig: vault settings come from ANSIBLE_* first,
// then ansible.cfg, with a relative password file taken from the config's
// directory.
func TestVaultSettingsFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "ansible.cfg")
	if err := os.WriteFile(cfgFile, []byte("[defaults]\nvault_password_file = pw.txt\nvault_identity_list = dev@a, prod@b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ANSIBLE_CONFIG", cfgFile)
	for _, v := range []string{"ANSIBLE_VAULT_PASSWORD_FILE", "ANSIBLE_VAULT_IDENTITY_LIST", "ANSIBLE_VAULT_ID_MATCH"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	get := vaultGetenv(loadAnsibleCfgOnly())
	tests := []struct{ env, want string }{
		{"ANSIBLE_VAULT_PASSWORD_FILE", filepath.Join(dir, "pw.txt")},
		{"ANSIBLE_VAULT_IDENTITY_LIST", "dev@a, prod@b"},
		{"ANSIBLE_VAULT_ID_MATCH", ""},
		{"HOME", os.Getenv("HOME")},
	}
	for _, tc := range tests {
		if got := get(tc.env); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.env, got, tc.want)
		}
	}
	t.Setenv("ANSIBLE_VAULT_PASSWORD_FILE", "env.txt")
	if got := vaultGetenv(loadAnsibleCfgOnly())("ANSIBLE_VAULT_PASSWORD_FILE"); got != "env.txt" {
		t.Errorf("the environment must win: got %q", got)
	}
}
