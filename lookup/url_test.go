package lookup

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gplay/pyval"
)

// TestURLAgainstAnsible serves pages on loopback and runs the same url
// lookups through Ansible's plugin (testdata/lookup/oracle.py) and ours.
// The server's port changes per run, so the cases are built here rather
// than stored in cases.json.
func TestURLAgainstAnsible(t *testing.T) {
	if !haveAnsible() {
		t.Skip("SKIP: /usr/bin/python3 with ansible-core not available")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/lines", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("one\ntwo\r\nthree\rfour\n")) })
	mux.HandleFunc("/agent", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.UserAgent() + "|" + r.Header.Get("X-Token") + "|" + r.Header.Get("Cache-Control")))
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte("hello " + u + ":" + p))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/lines", http.StatusFound) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusNotFound) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + closed.Addr().String() + "/x"
	closed.Close()

	cases := []map[string]any{
		{"name": "url_lines", "terms": []string{base + "/lines"}},
		{"name": "url_no_split", "terms": []string{base + "/lines"}, "kwargs": map[string]any{"split_lines": false}},
		{"name": "url_two_terms", "terms": []string{base + "/lines", base + "/agent"}},
		{"name": "url_headers_agent_force", "terms": []string{base + "/agent"}, "kwargs": map[string]any{"headers": map[string]string{"X-Token": "t0k"}, "http_agent": "gplay-test", "force": true}},
		{"name": "url_auth_challenge", "terms": []string{base + "/auth"}, "kwargs": map[string]any{"username": "bob", "password": "pw"}},
		{"name": "url_auth_forced", "terms": []string{base + "/auth"}, "kwargs": map[string]any{"username": "bob", "password": "pw", "force_basic_auth": true}},
		{"name": "url_auth_missing", "terms": []string{base + "/auth"}},
		{"name": "url_redirect", "terms": []string{base + "/moved"}},
		{"name": "url_404", "terms": []string{base + "/missing"}},
		{"name": "url_refused", "terms": []string{refused}},
	}
	for _, c := range cases {
		c["lookup"] = "url"
	}
	dir := t.TempDir()
	casesPath := filepath.Join(dir, "cases.json")
	b, _ := json.Marshal(cases)
	if err := os.WriteFile(casesPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", oracleScript, casesPath)
	cmd.Env = append(os.Environ(), "NETRC="+filepath.Join(dir, "no-netrc"), "no_proxy=*")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	t.Setenv("NETRC", filepath.Join(dir, "no-netrc"))
	t.Setenv("no_proxy", "*")
	expected := mustDecodeBytes(t, out).(*pyval.List)
	allCases := mustDecodeBytes(t, b).(*pyval.List)
	reg := NewRegistry()
	for i, c := range allCases.Items {
		c := c.(*pyval.Dict)
		exp := expected.Items[i].(*pyval.Dict)
		t.Run(dstr(c, "name"), func(t *testing.T) {
			for _, form := range []string{"query", "lookup"} {
				got := runCase(reg, dir, c, form)
				want, _ := exp.Get(form)
				wd := want.(*pyval.Dict)
				wd.Delete("class")
				g, w := strings.ReplaceAll(canon(got), base, "$URL"), strings.ReplaceAll(canon(wd), base, "$URL")
				if g != w {
					t.Errorf("%s: got %s\nwant %s", form, g, w)
				}
			}
		})
	}
}

func mustDecodeBytes(t *testing.T, b []byte) any {
	t.Helper()
	v, err := decodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
