package modules

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"gplay/module"
	"gplay/pyval"
)

// uriModule is ansible.builtin.uri: an HTTP request whose status must be
// one of status_code; response headers come back as lower-case keys,
// JSON bodies as json. As in Ansible it does not run under check mode.
type uriModule struct{}

func init() { module.Register(uriModule{}) }

func (uriModule) Info() module.Info {
	id := module.ID("ansible.builtin.uri")
	params := urlParams()
	for i := range params {
		switch params[i].Name {
		case "url_username":
			params[i].Aliases = []string{"user"}
		case "url_password":
			params[i].Aliases = []string{"password"}
		}
	}
	params = append(params,
		module.Param{Name: "dest", Type: module.TypePath},
		module.Param{Name: "body", Type: module.TypeRaw},
		module.Param{Name: "body_format", Default: "raw", Choices: []any{"form-urlencoded", "json", "raw", "form-multipart"}},
		module.Param{Name: "src", Type: module.TypePath},
		module.Param{Name: "method", Default: "GET"},
		module.Param{Name: "return_content", Type: module.TypeBool, Default: false},
		module.Param{Name: "follow_redirects", Default: "safe", Choices: []any{"all", "no", "none", "safe", "urllib2", "yes"}},
		module.Param{Name: "creates", Type: module.TypePath},
		module.Param{Name: "removes", Type: module.TypePath},
		module.Param{Name: "status_code", Type: module.TypeList, Elements: module.TypeInt, Default: pyval.NewList(int64(200))},
		module.Param{Name: "timeout", Type: module.TypeInt, Default: int64(30)},
		module.Param{Name: "headers", Type: module.TypeDict, Default: pyval.NewDict(0)},
		module.Param{Name: "unix_socket", Type: module.TypePath},
		module.Param{Name: "remote_src", Type: module.TypeBool, Default: false},
		module.Param{Name: "ca_path", Type: module.TypePath},
		module.Param{Name: "unredirected_headers", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}},
		module.Param{Name: "decompress", Type: module.TypeBool, Default: true},
		module.Param{Name: "ciphers", Type: module.TypeList, Elements: module.TypeStr},
		module.Param{Name: "use_netrc", Type: module.TypeBool, Default: true},
	)
	ps := params
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: ps, FileCommon: true, Rules: module.Rules{MutuallyExclusive: [][]string{{"body", "src"}}}},
		CheckMode: module.SupportNone,
	}
}

func (uriModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		urlParamsT
		Dest          string `arg:"dest"`
		Body          any    `arg:"body"`
		BodyFormat    string `arg:"body_format"`
		Src           string `arg:"src"`
		Method        string `arg:"method"`
		ReturnContent bool   `arg:"return_content"`
		Follow        string `arg:"follow_redirects"`
		Creates       string `arg:"creates"`
		Removes       string `arg:"removes"`
		StatusCode    []int  `arg:"status_code"`
		fileArgs
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if p.Creates != "" && exists(h, p.Creates) {
		return module.Result{Return: map[string]any{"stdout": fmt.Sprintf("skipped, since '%s' exists", p.Creates)}}, nil
	}
	if p.Removes != "" && !exists(h, p.Removes) {
		return module.Result{Return: map[string]any{"stdout": fmt.Sprintf("skipped, since '%s' does not exist", p.Removes)}}, nil
	}
	method := strings.ToUpper(p.Method)
	if strings.ContainsAny(method, " \t") {
		return module.Result{}, errors.New("Parameter 'method' needs to be a single word in uppercase, like GET or POST.")
	}
	var body io.Reader
	switch {
	case p.Src != "":
		b, err := h.ReadFile(p.Src)
		if err != nil {
			return module.Result{Return: map[string]any{"elapsed": 0}}, fmt.Errorf("Unable to open source file %s", p.Src)
		}
		body = bytes.NewReader(b)
	case p.Body != nil:
		switch p.BodyFormat {
		case "json":
			var b []byte
			if s, ok := p.Body.(string); ok {
				b = []byte(s)
			} else {
				b = module.EncodeJSON(p.Body)
			}
			body = bytes.NewReader(b)
			if p.Headers == nil {
				p.Headers = map[string]string{}
			}
			if _, ok := p.Headers["Content-Type"]; !ok {
				p.Headers["Content-Type"] = "application/json"
			}
		case "form-urlencoded":
			form := url.Values{}
			switch t := p.Body.(type) {
			case *pyval.Dict:
				t.Range(func(k, v any) bool { form.Add(pyval.Str(k), pyval.Str(v)); return true })
			case string:
				body = strings.NewReader(t)
			}
			if body == nil {
				body = strings.NewReader(form.Encode())
			}
			if p.Headers == nil {
				p.Headers = map[string]string{}
			}
			p.Headers["Content-Type"] = "application/x-www-form-urlencoded"
		default:
			body = strings.NewReader(pyval.Str(p.Body))
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if !p.UseProxy {
		tr.Proxy = nil
	}
	if !p.ValidateCerts {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the user asked for validate_certs: false
	}
	client := &http.Client{Transport: tr, Timeout: time.Duration(p.Timeout) * time.Second}
	switch p.Follow {
	case "no", "none":
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	case "safe", "urllib2":
		client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if via[0].Method != http.MethodGet && via[0].Method != http.MethodHead {
				return http.ErrUseLastResponse
			}
			return nil
		}
	}
	hreq, err := http.NewRequestWithContext(ctx, method, p.URL, body)
	if err != nil {
		return module.Result{}, err
	}
	hreq.Header.Set("User-Agent", p.HTTPAgent)
	for k, v := range p.Headers {
		hreq.Header.Set(k, v)
	}
	if p.Username != "" {
		hreq.SetBasicAuth(p.Username, p.Password)
	}
	start := time.Now()
	resp, err := client.Do(hreq)
	out := map[string]any{"url": p.URL, "elapsed": int64(time.Since(start).Seconds()), "redirected": false, "changed": false}
	if err != nil {
		out["status"] = int64(-1)
		msg := fmt.Sprintf("Status code was -1 and not %v: Request failed: %v", p.StatusCode, err)
		out["msg"] = msg
		return module.Result{Return: out}, errors.New(msg)
	}
	defer resp.Body.Close()
	content, err := io.ReadAll(resp.Body)
	if err != nil {
		return module.Result{}, err
	}
	out["elapsed"] = int64(time.Since(start).Seconds())
	out["status"] = int64(resp.StatusCode)
	out["url"] = resp.Request.URL.String()
	out["redirected"] = resp.Request.URL.String() != p.URL
	for k, v := range resp.Header {
		out[strings.ToLower(strings.ReplaceAll(k, "-", "_"))] = strings.Join(v, ", ")
	}
	cookies := map[string]any{}
	var cs []string
	for _, c := range resp.Cookies() {
		cookies[c.Name] = c.Value
		cs = append(cs, c.Name+"="+c.Value)
	}
	out["cookies"] = cookies
	out["cookies_string"] = strings.Join(cs, "; ")
	out["msg"] = fmt.Sprintf("OK (%s bytes)", lengthOr(resp.ContentLength, len(content)))
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	sub := mt[strings.IndexByte(mt+"/", '/')+1:]
	if i := strings.IndexByte(sub, '+'); i >= 0 {
		sub = sub[i+1:]
	}
	if sub == "json" || sub == "javascript" {
		if v, err := module.DecodeJSON(content); err == nil {
			out["json"] = v
		}
	}
	res := module.Result{Return: out}
	ok := false
	for _, c := range p.StatusCode {
		ok = ok || c == resp.StatusCode
	}
	if p.Dest != "" && ok && resp.StatusCode != 304 {
		dest := p.Dest
		if isDir(h, dest) {
			name := ""
			if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
				name = filepath.Base(params["filename"])
			}
			if name == "" || name == "." {
				name = "index.html"
			}
			dest = filepath.Join(dest, name)
		}
		if err := h.WriteFile(dest, content, 0o666); err != nil {
			return res, err
		}
		res.Changed = true
		if _, err := applyAttrs(ctx, h, false, dest, p.fileArgs, nil); err != nil {
			return res, err
		}
		out["path"] = dest
	}
	if p.ReturnContent {
		out["content"] = string(content)
	}
	if !ok {
		msg := fmt.Sprintf("Status code was %d and not %v: HTTP Error %d: %s", resp.StatusCode, p.StatusCode, resp.StatusCode, http.StatusText(resp.StatusCode))
		out["msg"] = msg
		return res, errors.New(msg)
	}
	return res, nil
}

func lengthOr(cl int64, n int) string {
	if cl < 0 {
		return "unknown"
	}
	return fmt.Sprint(n)
}

var _ module.Module = uriModule{}
