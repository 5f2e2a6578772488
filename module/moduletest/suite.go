package moduletest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"gplay/module"
	"gplay/pyval"
)

// Case is one scenario for Run.
type Case struct {
	Name string
	// Setup prepares the tree under root (a fresh t.TempDir()).
	Setup func(t *testing.T, root string)
	// Args returns the raw task arguments; root is the tree's directory.
	Args func(root string) *pyval.Dict
	// Content is the controller-supplied content, by param name.
	Content func(root string) map[string]*module.Content
	// Env is the task environment.
	Env map[string]string

	// WantChanged is the expected Changed of the first real run.
	WantChanged bool
	// WantErr, when set, is a substring the error of the first real run
	// must contain; check mode must fail too.
	WantErr string
	// NotIdempotent: the module reports changed on every run (command).
	NotIdempotent bool
	// CheckDiffers: check cannot predict the real result exactly (a
	// documented module gap); only "check leaves the tree alone" is proved.
	CheckDiffers bool
	// IgnoreDiffKeys are state-diff keys whose values may legitimately
	// differ between check and real runs (times of touch).
	IgnoreDiffKeys []string
	// Snapshot is the directory whose state check mode must not change;
	// default root.
	Snapshot func(root string) string
	// Verify checks the host and the real run's result.
	Verify func(t *testing.T, root string, res module.Result)
	// Module, when set, builds the module for this root (a module value
	// configured to work below root); otherwise Run's module is used.
	Module func(root string) module.Module
}

// Run runs c against m: check run, real run, rerun, and the suite's
// invariants, as a subtest named c.Name.
func Run(t *testing.T, m module.Module, c Case) {
	t.Helper()
	t.Run(c.Name, func(t *testing.T) {
		root := t.TempDir()
		if c.Setup != nil {
			c.Setup(t, root)
		}
		if c.Module != nil {
			m = c.Module(root)
		}
		snapDir := root
		if c.Snapshot != nil {
			snapDir = c.Snapshot(root)
		}
		call := func(check bool) (module.Result, error) {
			inv := module.Invocation{Args: c.Args(root), Check: check, Diff: true, Env: c.Env, InventoryHostname: "testhost"}
			if c.Content != nil {
				inv.Content = c.Content(root)
			}
			return module.Call(context.Background(), m, inv)
		}

		before := Snap(t, snapDir)
		cres, cerr := call(true)
		if after := Snap(t, snapDir); !reflect.DeepEqual(before, after) {
			t.Errorf("check mode changed the tree:\n%s", snapDiff(before, after))
		}

		res, err := call(false)
		if c.WantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.WantErr) {
				t.Fatalf("real run: error = %v, want one containing %q", err, c.WantErr)
			}
			if cerr == nil && !c.CheckDiffers {
				t.Errorf("check run succeeded where the real run failed with %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("real run failed: %v (result %s)", err, short(res.ToDict()))
		}
		if res.Changed != c.WantChanged {
			t.Errorf("real run: Changed = %v, want %v (result %s)", res.Changed, c.WantChanged, short(res.ToDict()))
		}
		if !c.CheckDiffers {
			if cerr != nil {
				t.Errorf("check run failed: %v, real run succeeded", cerr)
			} else {
				if cres.Changed != res.Changed {
					t.Errorf("check Changed = %v, real Changed = %v", cres.Changed, res.Changed)
				}
				cd, rd := diffRepr(cres.Diff, c.IgnoreDiffKeys), diffRepr(res.Diff, c.IgnoreDiffKeys)
				if cd != rd {
					t.Errorf("check diff differs from real diff:\ncheck: %s\nreal:  %s", cd, rd)
				}
			}
		}
		checkNoLog(t, m, c.Args(root), res)

		if !c.NotIdempotent {
			if r2, err := call(true); err != nil || r2.Changed {
				t.Errorf("check rerun: Changed = %v, err = %v, want unchanged (%s)", r2.Changed, err, short(r2.ToDict()))
			}
			if r2, err := call(false); err != nil || r2.Changed {
				t.Errorf("rerun: Changed = %v, err = %v, want unchanged (%s)", r2.Changed, err, short(r2.ToDict()))
			}
		}
		if c.Verify != nil {
			c.Verify(t, root, res)
		}
	})
}

func diffRepr(ds []module.Diff, ignore []string) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "[%s|%s] %s -> %s; ", d.BeforeHeader, d.AfterHeader, stateRepr(d.Before, ignore), stateRepr(d.After, ignore))
	}
	return b.String()
}

func stateRepr(v any, ignore []string) string {
	pv, err := module.ToPy(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	if d, ok := pv.(*pyval.Dict); ok {
		d = d.Copy()
		for _, k := range ignore {
			d.Delete(k)
		}
		pv = d
	}
	return pyval.Repr(pv)
}

// checkNoLog fails when a value of a no_log param shows up in the
// registered result.
func checkNoLog(t *testing.T, m module.Module, raw *pyval.Dict, res module.Result) {
	t.Helper()
	args, err := m.Info().Validate(raw)
	if err != nil {
		return
	}
	d := res.ToDict()
	d.Delete("diff") // diffs show new content, as Ansible's do (see Result.ToDict)
	out := string(module.EncodeJSON(d))
	for _, s := range args.NoLogValues() {
		if len(s) > 2 && strings.Contains(out, s) {
			t.Errorf("no_log value %q appears in the result %s", s, out)
		}
	}
}

// Entry is the observable state of one path in a Snap.
type Entry struct {
	Mode     fs.FileMode
	UID, GID uint32
	MtimeNS  int64
	Data     []byte
	Link     string
}

// Snap records every path under dir: type, mode, owner, mtime, content,
// symlink target. Two equal snaps mean the tree was not touched.
func Snap(t *testing.T, dir string) map[string]Entry {
	t.Helper()
	out := map[string]Entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := Entry{Mode: fi.Mode(), MtimeNS: fi.ModTime().UnixNano()}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = st.Uid, st.Gid
		}
		switch {
		case fi.Mode().IsRegular():
			if e.Data, err = os.ReadFile(p); err != nil {
				return err
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			if e.Link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = e
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("snapshot %s: %v", dir, err)
	}
	return out
}

func snapDiff(a, b map[string]Entry) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var out strings.Builder
	for _, k := range ks {
		x, okx := a[k]
		y, oky := b[k]
		switch {
		case !okx:
			fmt.Fprintf(&out, "  created %s\n", k)
		case !oky:
			fmt.Fprintf(&out, "  removed %s\n", k)
		case !bytes.Equal(x.Data, y.Data) || x.Mode != y.Mode || x.Link != y.Link || x.UID != y.UID || x.GID != y.GID || x.MtimeNS != y.MtimeNS:
			fmt.Fprintf(&out, "  changed %s: %+v -> %+v\n", k, x, y)
		}
	}
	return out.String()
}

// Args builds a raw argument dict from alternating keys and values; Go
// ints, []string and map[string]any are converted to pyval values.
func Args(kv ...any) *pyval.Dict {
	d := pyval.NewDict(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		d.Set(kv[i], Py(kv[i+1]))
	}
	return d
}

// Py converts plain Go test values to pyval values.
func Py(v any) any {
	switch t := v.(type) {
	case int:
		return int64(t)
	case []string:
		items := make([]any, len(t))
		for i, s := range t {
			items[i] = s
		}
		return pyval.NewList(items...)
	case []any:
		items := make([]any, len(t))
		for i, s := range t {
			items[i] = Py(s)
		}
		return pyval.NewList(items...)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := pyval.NewDict(len(t))
		for _, k := range keys {
			d.Set(k, Py(t[k]))
		}
		return d
	}
	return v
}

// WriteFile is a Setup helper: it writes data to root/rel, creating
// parents, and fails the test on error.
func WriteFile(t *testing.T, root, rel, data string, perm fs.FileMode) string {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

// RunModule calls m once outside the suite (for results that need no
// invariants, such as stat), returning the result and error.
func RunModule(t *testing.T, m module.Module, args *pyval.Dict, check bool) (module.Result, error) {
	t.Helper()
	return module.Call(context.Background(), m, module.Invocation{Args: args, Check: check, Diff: true, InventoryHostname: "testhost"})
}

// RequireSystemd skips the test loudly unless systemd runs as PID 1; under
// GPLAY_E2E=required the skip is a failure.
func RequireSystemd(t *testing.T) {
	t.Helper()
	comm, _ := os.ReadFile("/proc/1/comm")
	if strings.TrimSpace(string(comm)) != "systemd" {
		// Not a failure under GPLAY_E2E=required: modules/hosttest runs these
		// tests on a test host where systemd is PID 1.
		t.Skipf("SKIPPED here: systemd is not PID 1 on this machine (PID 1 is %s); modules/hosttest runs this on a test host", strings.TrimSpace(string(comm)))
	}
}

// RequireRoot skips the test loudly unless it runs as root.
func RequireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		skip(t, "needs root")
	}
}

// RequireDestructive skips unless GPLAY_DESTRUCTIVE=1: the test changes
// the machine outside temp dirs (installs packages, starts units), so it
// runs on testbed hosts only.
func RequireDestructive(t *testing.T) {
	t.Helper()
	if os.Getenv("GPLAY_DESTRUCTIVE") != "1" {
		// Not a failure under GPLAY_E2E=required: modules/hosttest runs these
		// tests on a disposable test host with GPLAY_DESTRUCTIVE=1.
		t.Skip("SKIPPED here: changes the machine (packages, units); modules/hosttest runs this on a test host with GPLAY_DESTRUCTIVE=1")
	}
}

func skip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("GPLAY_E2E") == "required" {
		t.Fatalf("SKIP NOT ALLOWED (GPLAY_E2E=required): %s", why)
	}
	t.Skipf("SKIPPED: %s", why)
}

// short is a result's repr, cut so that failure messages stay readable
// (systemd's status alone is pages long).
func short(d *pyval.Dict) string {
	s := pyval.Repr(d)
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}
