package inventory

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gplay/diag"
	"gplay/vault"
)

// testDecrypter holds the password of the vault files under
// testdata/inventory (the file vault-password there).
var testDecrypter = vault.Keyring{{ID: "default", Password: []byte("gplay-test")}}

// The differential cases live in testdata/inventory/<case>/: inventory
// files, a case.txt naming the sources ("-i file", relative to the case)
// and the commands to compare (--list, --graph [G] [--vars], --host H,
// pattern P [--limit L]), and expected/<command>.out holding what the real
// ansible-inventory (or `ansible P --list-hosts` for patterns) printed.
// Outputs over 64 KiB are stored gzipped (.out.gz).
//
// Without Ansible the test compares gplay with the checked-in outputs. With
// /usr/bin/ansible-inventory present it also reruns the oracle and fails
// when the stored output is stale; -update rewrites the stored outputs.

var updateFlag = flag.Bool("update", false, "rewrite testdata/inventory/*/expected from the real ansible-inventory")

const casesDir = "../testdata/inventory"

type invCase struct {
	name    string
	dir     string
	sources []string
	cmds    []string
	// known are commands whose output differs from Ansible on purpose,
	// with the reason ("known-diff: CMD # reason" in case.txt).
	known map[string]string
	// merge runs the case with hash_behaviour=merge ("hash_behaviour: merge").
	merge bool
}

func readCases(t *testing.T) []invCase {
	t.Helper()
	ents, err := os.ReadDir(casesDir)
	if err != nil {
		t.Fatalf("read cases: %v", err)
	}
	var cases []invCase
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(casesDir, e.Name(), "case.txt"))
		if err != nil {
			continue
		}
		c := invCase{name: e.Name(), dir: filepath.Join(casesDir, e.Name())}
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			switch {
			case l == "" || strings.HasPrefix(l, "#"):
			case l == "hash_behaviour: merge":
				c.merge = true
			case strings.HasPrefix(l, "-i "):
				c.sources = append(c.sources, strings.TrimSpace(l[3:]))
			case strings.HasPrefix(l, "known-diff:"):
				cmd, why, _ := strings.Cut(strings.TrimPrefix(l, "known-diff:"), "#")
				if c.known == nil {
					c.known = map[string]string{}
				}
				c.known[strings.TrimSpace(cmd)] = strings.TrimSpace(why)
			default:
				c.cmds = append(c.cmds, l)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

var reSlug = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// slugNames spell out the pattern operators so that "a:&b" and "a:!b" get
// different file names.
var slugNames = strings.NewReplacer("&", "_AND_", "!", "_NOT_", "*", "_STAR_", "?", "_Q_", "~", "_RE_", "@", "_AT_", ",", "_OR_", ":", "_")

func slug(cmd string) string {
	s := strings.Trim(reSlug.ReplaceAllString(slugNames.Replace(strings.TrimLeft(cmd, "-")), "_"), "_")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// sourcePath resolves a case's -i argument: host lists stay as they are.
func (c invCase) sourcePath(s string) string {
	if strings.Contains(s, ",") {
		return s
	}
	abs, err := filepath.Abs(filepath.Join(c.dir, s))
	if err != nil {
		return s
	}
	return abs
}

// splitArgs splits a case command line on spaces, keeping '...' quoted
// parts together (patterns may hold spaces only when quoted).
func splitArgs(s string) []string {
	toks, err := shlexSplit(s)
	if err != nil {
		return strings.Fields(s)
	}
	return toks
}

// runOracle runs the real command for cmd from an empty directory (so the
// cwd's group_vars play no part) and returns what gplay must print.
func runOracle(t *testing.T, c invCase, cmd string) string {
	t.Helper()
	args := splitArgs(cmd)
	var argv []string
	prog := "/usr/bin/ansible-inventory"
	if pw, err := filepath.Abs(filepath.Join(casesDir, "vault-password")); err == nil {
		argv = append(argv, "--vault-password-file", pw)
	}
	for _, s := range c.sources {
		argv = append(argv, "-i", c.sourcePath(s))
	}
	if args[0] == "pattern" {
		prog = "/usr/bin/ansible"
		argv = append(argv, args[1], "--list-hosts")
		for i := 2; i+1 < len(args); i += 2 {
			v := args[i+1]
			if strings.HasPrefix(v, "@") {
				v = "@" + c.sourcePath(v[1:])
			}
			argv = append(argv, args[i], v)
		}
	} else {
		for i := 0; i < len(args); i++ {
			argv = append(argv, args[i])
			if args[i] == "--playbook-dir" && i+1 < len(args) {
				i++
				argv = append(argv, c.sourcePath(args[i]))
			}
		}
	}
	x := exec.Command(prog, argv...)
	x.Dir = t.TempDir()
	x.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0", "ANSIBLE_DEPRECATION_WARNINGS=0",
		"ANSIBLE_LOCALHOST_WARNING=0", "ANSIBLE_INVENTORY_UNPARSED_WARNING=0")
	if c.merge {
		x.Env = append(x.Env, "ANSIBLE_HASH_BEHAVIOUR=merge")
	}
	var stdout, stderr bytes.Buffer
	x.Stdout, x.Stderr = &stdout, &stderr
	err := x.Run()
	if err != nil {
		return "ERROR\n"
	}
	out := stdout.String()
	if args[0] == "pattern" {
		out += patternWarnings(stderr.String())
	}
	return out
}

// patternWarnings keeps the "Could not match" warnings, which are part of
// what patterns must reproduce.
func patternWarnings(stderr string) string {
	var b strings.Builder
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "Could not match supplied host pattern") {
			b.WriteString(strings.TrimSpace(l) + "\n")
		}
	}
	return b.String()
}

// runGplay produces gplay's output for cmd.
func runGplay(c invCase, cmd string) (string, error) {
	var warns diag.List
	var srcs []string
	for _, s := range c.sources {
		srcs = append(srcs, c.sourcePath(s))
	}
	inv, err := Load(srcs, Options{Warnings: &warns, Decrypter: testDecrypter, HashMerge: c.merge})
	if err != nil {
		return "", err
	}
	args := splitArgs(cmd)
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--playbook-dir" {
			inv.AddPlaybookDir(c.sourcePath(args[i+1]))
			args = append(args[:i:i], args[i+2:]...)
			break
		}
	}
	switch args[0] {
	case "--list":
		export, yml, toml := false, false, false
		for _, a := range args[1:] {
			export = export || a == "--export"
			yml = yml || a == "--yaml" || a == "-y"
			toml = toml || a == "--toml"
		}
		switch {
		case yml:
			return inv.ListYAML(export)
		case toml:
			return inv.ListTOML(export)
		case export:
			return inv.ExportJSON()
		}
		return inv.ListJSON()
	case "--host":
		if len(args) > 2 && (args[2] == "--yaml" || args[2] == "-y") {
			return inv.HostYAML(args[1])
		}
		if len(args) > 2 && args[2] == "--toml" {
			return inv.HostTOML(args[1])
		}
		return inv.HostJSON(args[1])
	case "--graph":
		group, vars := "", false
		for _, a := range args[1:] {
			if a == "--vars" {
				vars = true
			} else {
				group = a
			}
		}
		return inv.Graph(group, vars)
	case "pattern":
		var limit []string
		for i := 2; i+1 < len(args); i += 2 {
			if args[i] == "--limit" || args[i] == "-l" {
				v := args[i+1]
				if strings.HasPrefix(v, "@") {
					v = "@" + c.sourcePath(v[1:])
				}
				l, err := ParseLimit(v)
				if err != nil {
					return "", err
				}
				limit = append(limit, l...)
			}
		}
		warns = nil
		hosts, err := inv.Select(args[1], limit)
		// As the ad-hoc CLI (cli/adhoc.py): with --limit, no hosts is an
		// error; without, a pattern error or no hosts prints an empty list.
		if limit != nil && (err != nil || len(hosts) == 0) {
			return "ERROR\n", nil
		}
		if err != nil {
			hosts = nil
		}
		var b strings.Builder
		fmt.Fprintf(&b, "  hosts (%d):\n", len(hosts))
		for _, h := range hosts {
			fmt.Fprintf(&b, "    %s\n", h.Name)
		}
		seen := map[string]bool{}
		for _, w := range warns {
			if strings.Contains(w.Msg, "Could not match") && !seen[w.Msg] {
				seen[w.Msg] = true
				b.WriteString("[WARNING]: " + w.Msg + "\n")
			}
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("unknown case command %q", cmd)
}

func expectedPath(c invCase, cmd string) string {
	return filepath.Join(c.dir, "expected", slug(cmd)+".out")
}

func readExpected(c invCase, cmd string) (string, bool) {
	p := expectedPath(c, cmd)
	if b, err := os.ReadFile(p); err == nil {
		return string(b), true
	}
	f, err := os.Open(p + ".gz")
	if err != nil {
		return "", false
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", false
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return "", false
	}
	return string(b), true
}

func writeExpected(t *testing.T, c invCase, cmd, out string) {
	t.Helper()
	p := expectedPath(c, cmd)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	os.Remove(p + ".gz")
	if len(out) <= 64<<10 {
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level cannot fail
	zw.Write([]byte(out))
	zw.Close()
	if err := os.WriteFile(p+".gz", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func oraclePresent() bool {
	_, err := os.Stat("/usr/bin/ansible-inventory")
	return err == nil
}

func TestAgainstAnsibleInventory(t *testing.T) {
	cases := readCases(t)
	if len(cases) == 0 {
		t.Fatal("no cases under " + casesDir)
	}
	oracle := oraclePresent()
	if !oracle {
		t.Log("NOTE: /usr/bin/ansible-inventory not present: comparing with the stored oracle output only")
	}
	total, passed, known := 0, 0, 0
	var failed []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			slugs := map[string]string{}
			for _, cmd := range c.cmds {
				if prev, dup := slugs[slug(cmd)]; dup {
					t.Fatalf("commands %q and %q share the output file %s", prev, cmd, slug(cmd))
				}
				slugs[slug(cmd)] = cmd
			}
			for _, cmd := range c.cmds {
				total++
				want, stored := readExpected(c, cmd)
				if oracle && (*updateFlag || !stored) {
					want = runOracle(t, c, cmd)
					writeExpected(t, c, cmd, want)
					stored = true
				} else if oracle && os.Getenv("GPLAY_ORACLE_RECHECK") != "" {
					if fresh := runOracle(t, c, cmd); fresh != want {
						t.Errorf("%s: stored oracle output is stale; rerun with -update", cmd)
					}
				}
				if !stored {
					t.Errorf("%s: no expected output and no oracle", cmd)
					continue
				}
				got, err := runGplay(c, cmd)
				if err != nil {
					got = "ERROR\n"
					if want != "ERROR\n" {
						t.Errorf("%s: gplay error: %v", cmd, err)
						failed = append(failed, c.name+": "+cmd)
						continue
					}
				}
				if why, ok := c.known[cmd]; ok {
					if got == want {
						t.Errorf("%s: listed as a known difference (%s) but now identical; drop the known-diff line", cmd, why)
					} else {
						known++
					}
					continue
				}
				if got != want {
					t.Errorf("%s: output differs\n%s", cmd, firstDiff(want, got))
					failed = append(failed, c.name+": "+cmd)
					continue
				}
				passed++
			}
		})
	}
	sort.Strings(failed)
	t.Logf("inventory differential: %d/%d commands identical over %d cases (%d known, documented differences)", passed, total, len(cases), known)
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			lo := max(0, i-3)
			ctx := strings.Join(wl[lo:min(i, len(wl))], "\n")
			return fmt.Sprintf("line %d:\n%s\nwant: %q\ngot:  %q", i+1, ctx, w, g)
		}
	}
	return "(equal lines, different length)"
}
