package modules

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestGetURL(t *testing.T) {
	body := []byte("#!/bin/sh\necho hi\n")
	mod := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tool.sh":
			http.ServeContent(w, r, "tool.sh", mod, bytes.NewReader(body))
		case "/SHA256SUMS":
			w.Write([]byte(sha256Hex(body) + "  tool.sh\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cases := []moduletest.Case{
		{
			Name: "download with mode",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("url", srv.URL+"/tool.sh", "dest", r+"/tool", "mode", "0755")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if readFile(t, r+"/tool") != string(body) {
					t.Errorf("content wrong")
				}
				mustMode(t, r+"/tool", 0o755)
				if d := res.ToDict(); get(d, "status_code") != int64(200) && res.Changed {
					t.Errorf("result = %s", pyval.Repr(d))
				}
			},
		},
		{
			Name: "into a directory, checksum from a list",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("url", srv.URL+"/tool.sh", "dest", r, "checksum", "sha256:"+srv.URL+"/SHA256SUMS")
			},
			WantChanged: true,
			Verify: func(t *testing.T, r string, res module.Result) {
				if readFile(t, r+"/tool.sh") != string(body) {
					t.Errorf("not downloaded into the directory")
				}
			},
		},
		{
			Name: "checksum mismatch",
			Args: func(r string) *pyval.Dict {
				return moduletest.Args("url", srv.URL+"/tool.sh", "dest", r+"/x", "checksum", "sha1:0000")
			},
			WantErr: "did not match 0000; it was ",
		},
		{
			Name:    "404",
			Args:    func(r string) *pyval.Dict { return moduletest.Args("url", srv.URL+"/missing", "dest", r+"/x") },
			WantErr: "Request failed: HTTP Error 404: Not Found",
		},
	}
	for _, c := range cases {
		moduletest.Run(t, getURLModule{}, c)
	}
}

func sha256Hex(b []byte) string {
	s, _ := digestBytes(b, "sha256")
	return s
}
