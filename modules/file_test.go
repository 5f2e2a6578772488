package modules

import (
	"os"
	"path/filepath"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func mustMode(t *testing.T, p string, want os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode(); got != want {
		t.Errorf("mode of %s = %v, want %v", p, got, want)
	}
}

func returnDict(res module.Result) *pyval.Dict { return res.ToDict() }

func get(d *pyval.Dict, k string) any {
	v, _ := d.Get(k)
	return v
}

func TestFile(t *testing.T) {
	m := fileModule{}
	cases := []moduletest.Case{
		{
			Name: "directory created with mode",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("path", r+"/a/b", "state", "directory", "mode", "0750")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/a", os.ModeDir|0o750)
				mustMode(t, r+"/a/b", os.ModeDir|0o750)
				d := returnDict(res)
				if get(d, "state") != "directory" || get(d, "mode") != "0750" || get(d, "path") != r+"/a/b" {
					t.Errorf("result = %s", pyval.Repr(d))
				}
			},
		},
		{
			Name:  "existing directory symbolic mode",
			Setup: func(t *testing.T, r string) { os.Mkdir(r+"/d", 0o700) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("path", r+"/d", "state", "directory", "mode", "u=rwx,g=rx,o=")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/d", os.ModeDir|0o750)
				if d := res.Diff[0]; d.Before.(map[string]any)["mode"] != "0700" || d.After.(map[string]any)["mode"] != "0750" {
					t.Errorf("diff = %+v", d)
				}
			},
		},
		{
			Name: "recurse",
			Setup: func(t *testing.T, r string) {
				moduletest.WriteFile(t, r, "t/x/f", "data", 0o600)
			},
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("path", r+"/t", "state", "directory", "recurse", true, "mode", "u=rwX,g=rX,o=rX")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/t/x", os.ModeDir|0o755)
				mustMode(t, r+"/t/x/f", 0o644)
			},
		},
		{
			Name:        "absent directory",
			Setup:       func(t *testing.T, r string) { moduletest.WriteFile(t, r, "gone/sub/f", "x", 0o644) },
			Args:        func(r string) *pyval.Dict { return moduletest.Args("path", r+"/gone", "state", "absent") },
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if _, err := os.Lstat(r + "/gone"); !os.IsNotExist(err) {
					t.Errorf("gone still exists: %v", err)
				}
				b := res.Diff[0].Before.(map[string]any)
				if b["state"] != "directory" || b["path_content"] == nil {
					t.Errorf("diff before = %v", b)
				}
			},
		},
		{
			Name:        "absent already",
			Args:        func(r string) *pyval.Dict { return moduletest.Args("path", r+"/none", "state", "absent") },
			WantChanged: false,
		},
		{
			Name:  "symlink",
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "target", "x", 0o644) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("src", r+"/target", "dest", r+"/ln", "state", "link")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if l, err := os.Readlink(r + "/ln"); err != nil || l != r+"/target" {
					t.Errorf("readlink = %q, %v", l, err)
				}
				if d := returnDict(res); get(d, "state") != "link" || get(d, "dest") != r+"/ln" {
					t.Errorf("result = %s", pyval.Repr(d))
				}
			},
		},
		{
			Name: "symlink retarget",
			Setup: func(t *testing.T, r string) {
				moduletest.WriteFile(t, r, "new", "x", 0o644)
				os.Symlink("old", r+"/ln")
			},
			Args:        func(r string) *pyval.Dict { return moduletest.Args("src", "new", "dest", r+"/ln", "state", "link") },
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if l, _ := os.Readlink(r + "/ln"); l != "new" {
					t.Errorf("readlink = %q", l)
				}
			},
		},
		{
			Name:    "symlink missing src",
			Args:    func(r string) *pyval.Dict { return moduletest.Args("src", r+"/nope", "dest", r+"/ln", "state", "link") },
			WantErr: `src file does not exist, use "force=yes" if you really want to create the link`,
		},
		{
			Name:        "hard link",
			Setup:       func(t *testing.T, r string) { moduletest.WriteFile(t, r, "orig", "x", 0o644) },
			Args:        func(r string) *pyval.Dict { return moduletest.Args("src", r+"/orig", "dest", r+"/hl", "state", "hard") },
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				a, _ := os.Stat(r + "/orig")
				b, _ := os.Stat(r + "/hl")
				if !os.SameFile(a, b) {
					t.Errorf("hl is not a hard link to orig")
				}
			},
		},
		{
			Name:           "touch new",
			Args:           func(r string) *pyval.Dict { return moduletest.Args("path", r+"/t", "state", "touch", "mode", "0600") },
			WantChanged:    true,
			NotIdempotent:  true,
			IgnoreDiffKeys: []string{"atime", "mtime"},
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/t", 0o600)
			},
		},
		{
			Name:  "touch preserve is idempotent",
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "t", "", 0o644) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("path", r+"/t", "state", "touch", "modification_time", "preserve", "access_time", "preserve")
			},
		},
		{
			Name:  "file explicit mtime",
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "", 0o644) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("path", r+"/f", "modification_time", "202001021304.05")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				fi, _ := os.Stat(r + "/f")
				if got := fi.ModTime().Format("2006-01-02 15:04:05"); got != "2020-01-02 13:04:05" {
					t.Errorf("mtime = %s", got)
				}
			},
		},
		{
			Name:    "state file on missing path",
			Args:    func(r string) *pyval.Dict { return moduletest.Args("path", r+"/missing", "state", "file") },
			WantErr: "is absent, cannot continue",
		},
		{
			Name:    "directory over a file",
			Setup:   func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "", 0o644) },
			Args:    func(r string) *pyval.Dict { return moduletest.Args("path", r+"/f", "state", "directory") },
			WantErr: "already exists as a file",
		},
		{
			Name:    "bad mode",
			Setup:   func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "", 0o644) },
			Args:    func(r string) *pyval.Dict { return moduletest.Args("path", r+"/f", "mode", "q=z") },
			WantErr: "mode must be in octal or symbolic form",
		},
		{
			Name:  "owner and group by number",
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "", 0o644) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("path", r+"/f", "owner", "12345", "group", "12346")
			},
			WantChanged:  os.Geteuid() == 0,
			CheckDiffers: os.Geteuid() != 0,
		},
	}
	for _, c := range cases {
		if c.Name == "owner and group by number" && os.Geteuid() != 0 {
			continue
		}
		moduletest.Run(t, m, c)
	}
}

func TestSymbolicMode(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, nil, 0o644)
	os.Chmod(f, 0o644)
	fi, _ := os.Stat(f)
	tests := []struct {
		spec string
		want uint32
	}{
		{"u+x", 0o744}, {"go-r", 0o600}, {"a=r", 0o444}, {"u=rwx,g=rx,o=", 0o750},
		{"u+s", 0o4644}, {"o+t", 0o1644}, {"g=u", 0o664}, {"a+X", 0o644},
	}
	for _, tt := range tests {
		got, err := symbolicMode(fi, tt.spec)
		if err != nil || got != tt.want {
			t.Errorf("symbolicMode(0644, %q) = %o, %v, want %o", tt.spec, got, err, tt.want)
		}
	}
}
