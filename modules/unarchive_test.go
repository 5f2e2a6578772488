package modules

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"testing"
	"time"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func makeTarGz(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	mt := time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)
	add := func(h *tar.Header, data string) {
		h.ModTime = mt
		h.Size = int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(data))
	}
	add(&tar.Header{Name: "etcd-v3/", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	add(&tar.Header{Name: "etcd-v3/etcd", Typeflag: tar.TypeReg, Mode: 0o755}, "#!/bin/sh\n")
	add(&tar.Header{Name: "etcd-v3/README.md", Typeflag: tar.TypeReg, Mode: 0o644}, "readme\n")
	add(&tar.Header{Name: "etcd-v3/latest", Typeflag: tar.TypeSymlink, Linkname: "etcd", Mode: 0o777}, "")
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func makeZip(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("conf/a.txt")
	w.Write([]byte("A"))
	zw.Close()
	return buf.Bytes()
}

func TestUnarchive(t *testing.T) {
	tgz, zp := makeTarGz(t), makeZip(t)
	content := func(data []byte) func(string) map[string]*module.Content {
		return func(string) map[string]*module.Content {
			return map[string]*module.Content{"src": {Path: "/ctl/files/a", Files: []module.File{{Data: data, Mode: 0o644}}}}
		}
	}
	moduletest.Run(t, unarchiveModule{}, moduletest.Case{
		Name:  "tar.gz from the controller",
		Setup: func(t *testing.T, r string) { os.Mkdir(r+"/opt", 0o755) },
		Args: func(r string) *pyval.Dict {
			return moduletest.Args("src", "etcd.tar.gz", "dest", r+"/opt", "list_files", true)
		},
		Content:     content(tgz),
		WantChanged: true,
		Verify: func(t *testing.T, r string, res module.Result) {
			mustMode(t, r+"/opt/etcd-v3/etcd", 0o755)
			if l, _ := os.Readlink(r + "/opt/etcd-v3/latest"); l != "etcd" {
				t.Errorf("symlink = %q", l)
			}
			d := res.ToDict()
			if get(d, "handler") != "TgzArchive" || pyval.Repr(get(d, "files")) != "['etcd-v3/', 'etcd-v3/etcd', 'etcd-v3/README.md', 'etcd-v3/latest']" {
				t.Errorf("result = %s", pyval.Repr(d))
			}
		},
	})
	moduletest.Run(t, unarchiveModule{}, moduletest.Case{
		Name: "zip on the target with exclude",
		Setup: func(t *testing.T, r string) {
			os.Mkdir(r+"/out", 0o755)
			os.WriteFile(r+"/a.zip", zp, 0o644)
		},
		Args: func(r string) *pyval.Dict {
			return moduletest.Args("src", r+"/a.zip", "dest", r+"/out", "remote_src", true)
		},
		WantChanged: true,
		Verify: func(t *testing.T, r string, res module.Result) {
			if readFile(t, r+"/out/conf/a.txt") != "A" {
				t.Errorf("zip not extracted")
			}
		},
	})
	moduletest.Run(t, unarchiveModule{}, moduletest.Case{
		Name:    "dest missing",
		Args:    func(r string) *pyval.Dict { return moduletest.Args("src", "x.tgz", "dest", r+"/nope") },
		Content: content(tgz),
		WantErr: "must be an existing dir",
	})
}
