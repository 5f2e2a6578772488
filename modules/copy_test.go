package modules

import (
	"os"
	"strings"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func srcContent(path string, files ...module.File) func(string) map[string]*module.Content {
	return func(string) map[string]*module.Content {
		return map[string]*module.Content{"src": {Path: path, Files: files}}
	}
}

func TestCopy(t *testing.T) {
	m := copyModule{}
	cases := []moduletest.Case{
		{
			Name: "content new file with mode",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("content", "abc\n", "dest", r+"/a.txt", "mode", "0640")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/a.txt", 0o640)
				if readFile(t, r+"/a.txt") != "abc\n" {
					t.Errorf("content wrong")
				}
				d := res.ToDict()
				if get(d, "checksum") != "03cfd743661f07975fa2f1220c5194cbaff48451" || get(d, "md5sum") != "0bee89b07a248e27c83fc3d5951213c1" ||
					get(d, "mode") != "0640" || get(d, "size") != int64(4) || get(d, "state") != "file" {
					t.Errorf("result = %s", pyval.Repr(d))
				}
				if len(res.Diff) != 1 || res.Diff[0].Before != "" || res.Diff[0].After != "abc\n" || res.Diff[0].BeforeHeader != "" {
					t.Errorf("diff = %+v", res.Diff)
				}
			},
		},
		{
			Name:  "content replaces, keeps mode, backup",
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "old\n", 0o600) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("content", "new\n", "dest", r+"/f", "backup", true)
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/f", 0o600)
				bf, _ := get(res.ToDict(), "backup_file").(string)
				if bf == "" || readFile(t, bf) != "old\n" {
					t.Errorf("backup_file = %q", bf)
				}
				if res.Diff[0].Before != "old\n" || res.Diff[0].BeforeHeader != r+"/f" {
					t.Errorf("diff = %+v", res.Diff)
				}
			},
		},
		{
			Name:        "unchanged content, mode fixed like the file module",
			Setup:       func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "same", 0o644) },
			Args:        func(r string) *pyval.Dict { return moduletest.Args("content", "same", "dest", r+"/f", "mode", "0600") },
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/f", 0o600)
				if d := res.ToDict(); get(d, "path") != r+"/f" {
					t.Errorf("result = %s", pyval.Repr(d))
				}
			},
		},
		{
			Name:        "src into existing dir",
			Setup:       func(t *testing.T, r string) { os.Mkdir(r+"/d", 0o755) },
			Args:        func(r string) *pyval.Dict { return moduletest.Args("src", "files/h.txt", "dest", r+"/d") },
			Content:     srcContent("/ctl/files/h.txt", module.File{Data: []byte("hello\n"), Mode: 0o755}),
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if readFile(t, r+"/d/h.txt") != "hello\n" {
					t.Errorf("not copied")
				}
				mustMode(t, r+"/d/h.txt", 0o644)
			},
		},
		{
			Name: "src with mode preserve, dest dir created from trailing slash",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("src", "h.sh", "dest", r+"/new/dir/", "mode", "preserve")
			},
			Content:      srcContent("/ctl/h.sh", module.File{Data: []byte("#!/bin/sh\n"), Mode: 0o750}),
			WantChanged:  true,
			CheckDiffers: false,
			Verify: func(t *testing.T, r string, res module.Result) {
				mustMode(t, r+"/new/dir/h.sh", 0o750)
			},
		},
		{
			Name:        "force no keeps file",
			Setup:       func(t *testing.T, r string) { moduletest.WriteFile(t, r, "f", "old", 0o644) },
			Args:        func(r string) *pyval.Dict { return moduletest.Args("content", "new", "dest", r+"/f", "force", false) },
			WantChanged: false,
		},
		{
			Name:    "missing dest directory",
			Args:    func(r string) *pyval.Dict { return moduletest.Args("content", "x", "dest", r+"/no/f") },
			WantErr: "Destination directory ",
			// check mode predicts a change: an earlier task may create the directory
			CheckDiffers: true,
		},
		{
			Name: "validate fails",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("content", "bad", "dest", r+"/v", "validate", "grep -q good %s")
			},
			WantErr:      "failed to validate",
			CheckDiffers: true, // check mode does not run validate, as in Ansible
		},
		{
			Name: "validate passes",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("content", "good", "dest", r+"/v", "validate", "grep -q good %s")
			},
			WantChanged: true,
		},
		{
			Name: "directory tree",
			Args: func(r string) *pyval.Dict { return moduletest.Args("src", "conf", "dest", r+"/etc") },
			Content: srcContent("/ctl/files/conf",
				module.File{Rel: "", Mode: os.ModeDir | 0o755},
				module.File{Rel: "a", Mode: 0o644, Data: []byte("A")},
				module.File{Rel: "sub", Mode: os.ModeDir | 0o755},
				module.File{Rel: "sub/b", Mode: 0o644, Data: []byte("B")},
				module.File{Rel: "ln", Mode: os.ModeSymlink | 0o777, Link: "a"},
			),
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if readFile(t, r+"/etc/conf/sub/b") != "B" || readFile(t, r+"/etc/conf/ln") != "A" {
					t.Errorf("tree not copied")
				}
			},
		},
		{
			Name: "content is no_log",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("content", "supersecret-token", "dest", r+"/s")
			},
			WantChanged: true,
		},
	}
	for _, c := range cases {
		moduletest.Run(t, m, c)
	}
}

func TestCopyNoLogInResult(t *testing.T) {
	res, err := moduletest.RunModule(t, copyModule{}, moduletest.Args("content", "abc", "dest", "/nonexistent-dir/x"), false)
	out := string(module.EncodeJSON(res.Fail(err).ToDict()))
	if err == nil || strings.Contains(out, `"abc"`) {
		t.Errorf("result %s, err %v", out, err)
	}
}

func TestTemplate(t *testing.T) {
	moduletest.Run(t, templateModule{}, moduletest.Case{
		Name:  "rendered content with CRLF",
		Setup: func(t *testing.T, r string) { os.Mkdir(r+"/etc", 0o755) },
		Args: func(r string) *pyval.Dict {
			return moduletest.Args("src", "t.conf.j2", "dest", r+"/etc/t.conf", "newline_sequence", `\r\n`)
		},
		Content:     srcContent("/ctl/templates/t.conf.j2", module.File{Data: []byte("a=1\nb=2\n"), Mode: 0o644}),
		WantChanged: true,
		Verify: func(t *testing.T, r string, res module.Result) {
			if got := readFile(t, r+"/etc/t.conf"); got != "a=1\r\nb=2\r\n" {
				t.Errorf("content = %q", got)
			}
			if res.Diff[0].AfterHeader != "/ctl/templates/t.conf.j2" {
				t.Errorf("diff = %+v", res.Diff)
			}
		},
	})
}
