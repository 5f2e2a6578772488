package modules

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestURI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status": "ok", "n": 3}`))
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Method", r.Method)
			w.Write(b)
		default:
			http.Error(w, "nope", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	res, err := moduletest.RunModule(t, uriModule{}, moduletest.Args("url", srv.URL+"/healthz"), false)
	if err != nil {
		t.Fatal(err)
	}
	d := res.ToDict()
	if get(d, "status") != int64(200) || pyval.Repr(get(d, "json")) != "{'status': 'ok', 'n': 3}" || get(d, "content_type") != "application/json" {
		t.Errorf("uri healthz = %s", pyval.Repr(d))
	}
	res, err = moduletest.RunModule(t, uriModule{}, moduletest.Args("url", srv.URL+"/echo", "method", "post", "body_format", "json",
		"body", map[string]any{"a": 1}, "return_content", true), false)
	if err != nil || get(res.ToDict(), "content") != `{"a":1}` || get(res.ToDict(), "x_method") != "POST" {
		t.Errorf("uri post = %s, %v", pyval.Repr(res.ToDict()), err)
	}
	_, err = moduletest.RunModule(t, uriModule{}, moduletest.Args("url", srv.URL+"/down"), false)
	if err == nil || err.Error() != "Status code was 503 and not [200]: HTTP Error 503: Service Unavailable" {
		t.Errorf("uri 503 error = %v", err)
	}
	if _, err := moduletest.RunModule(t, uriModule{}, moduletest.Args("url", srv.URL+"/down", "status_code", []any{503}), false); err != nil {
		t.Errorf("uri status_code 503 = %v", err)
	}
	res, _ = moduletest.RunModule(t, uriModule{}, moduletest.Args("url", srv.URL+"/healthz"), true)
	if !res.Skipped {
		t.Errorf("uri ran under check mode")
	}
}
