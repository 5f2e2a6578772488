package modules

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gplay/module"
)

// getURLModule is ansible.builtin.get_url: download a file over HTTP(S)
// or FTP-less URLs Go supports, with checksum verification.
//
// Difference from Ansible, on purpose: check mode downloads the content
// (to memory; nothing is written) instead of a HEAD request, so that it
// predicts exactly whether the file would change.
type getURLModule struct{}

func init() { module.Register(getURLModule{}) }

func urlParams() []module.Param {
	return []module.Param{
		{Name: "url", Required: true},
		{Name: "force", Type: module.TypeBool, Default: false, Aliases: []string{"thirsty"}},
		{Name: "http_agent", Default: "ansible-httpget"},
		{Name: "use_proxy", Type: module.TypeBool, Default: true},
		{Name: "validate_certs", Type: module.TypeBool, Default: true},
		{Name: "url_username", Aliases: []string{"username"}},
		{Name: "url_password", NoLog: true, Aliases: []string{"password"}},
		{Name: "force_basic_auth", Type: module.TypeBool, Default: false},
		{Name: "client_cert", Type: module.TypePath},
		{Name: "client_key", Type: module.TypePath},
		{Name: "use_gssapi", Type: module.TypeBool, Default: false},
	}
}

func (getURLModule) Info() module.Info {
	id := module.ID("ansible.builtin.get_url")
	params := append(urlParams(),
		module.Param{Name: "dest", Type: module.TypePath, Required: true},
		module.Param{Name: "backup", Type: module.TypeBool, Default: false},
		module.Param{Name: "checksum", Default: ""},
		module.Param{Name: "timeout", Type: module.TypeInt, Default: int64(10)},
		module.Param{Name: "headers", Type: module.TypeDict},
		module.Param{Name: "tmp_dest", Type: module.TypePath},
		module.Param{Name: "unredirected_headers", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}},
		module.Param{Name: "decompress", Type: module.TypeBool, Default: true},
		module.Param{Name: "ciphers", Type: module.TypeList, Elements: module.TypeStr},
		module.Param{Name: "use_netrc", Type: module.TypeBool, Default: true},
	)
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: params, FileCommon: true},
		CheckMode: module.SupportFull,
	}
}

type urlParamsT struct {
	URL            string            `arg:"url"`
	Force          bool              `arg:"force"`
	HTTPAgent      string            `arg:"http_agent"`
	UseProxy       bool              `arg:"use_proxy"`
	ValidateCerts  bool              `arg:"validate_certs"`
	Username       string            `arg:"url_username"`
	Password       string            `arg:"url_password"`
	ForceBasicAuth bool              `arg:"force_basic_auth"`
	Timeout        int               `arg:"timeout"`
	Headers        map[string]string `arg:"headers"`
}

type getURLResult struct {
	ChecksumDest *string `json:"checksum_dest"`
	ChecksumSrc  *string `json:"checksum_src"`
	Dest         string  `json:"dest"`
	Elapsed      int64   `json:"elapsed"`
	URL          string  `json:"url"`
	MD5          string  `json:"md5sum,omitempty"`
	StatusCode   *int    `json:"status_code,omitempty"`
	BackupFile   string  `json:"backup_file,omitempty"`
	pathInfo
}

// httpGet fetches u; with since set it asks If-Modified-Since and reports
// notModified on 304.
func httpGet(ctx context.Context, p urlParamsT, u string, since *time.Time) (data []byte, resp *http.Response, notModified bool, err error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if !p.UseProxy {
		tr.Proxy = nil
	}
	if !p.ValidateCerts {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the user asked for validate_certs: false
	}
	timeout := time.Duration(p.Timeout) * time.Second
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	client := &http.Client{Transport: tr, Timeout: timeout}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, false, err
	}
	req.Header.Set("User-Agent", p.HTTPAgent)
	for k, v := range p.Headers {
		req.Header.Set(k, v)
	}
	if p.Username != "" || p.ForceBasicAuth {
		req.SetBasicAuth(p.Username, p.Password)
	} else if pu, err := url.Parse(u); err == nil && pu.User != nil {
		pw, _ := pu.User.Password()
		req.SetBasicAuth(pu.User.Username(), pw)
	}
	if since != nil {
		req.Header.Set("If-Modified-Since", since.UTC().Format(http.TimeFormat))
	}
	resp, err = client.Do(req)
	if err != nil {
		return nil, nil, false, fmt.Errorf("Request failed: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, resp, true, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, resp, false, fmt.Errorf("Request failed: HTTP Error %d: %s", resp.StatusCode, strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode)+" "))
	}
	data, err = io.ReadAll(resp.Body)
	return data, resp, false, err
}

func (getURLModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		urlParamsT
		Dest     string `arg:"dest"`
		Backup   bool   `arg:"backup"`
		Checksum string `arg:"checksum"`
		fileArgs
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	out := getURLResult{Dest: p.Dest, URL: p.URL}
	fail := func(err error) (module.Result, error) { return module.Result{Return: out}, err }
	algo, want := "", ""
	if p.Checksum != "" {
		var ok bool
		algo, want, ok = strings.Cut(p.Checksum, ":")
		if !ok {
			return fail(errors.New("The checksum parameter has to be in format <algorithm>:<checksum>"))
		}
		if strings.Contains(want, "://") {
			sums, _, _, err := httpGet(ctx, p.urlParamsT, want, nil)
			if err != nil {
				return fail(err)
			}
			want = checksumFromList(string(sums), path.Base(p.URL))
			if want == "" {
				return fail(fmt.Errorf("Unable to find a checksum for file '%s' in '%s'", path.Base(p.URL), strings.SplitN(p.Checksum, ":", 2)[1]))
			}
		}
		want = strings.ToLower(want)
	}
	destIsDir := isDir(h, p.Dest)
	var since *time.Time
	force := p.Force
	if !destIsDir && exists(h, p.Dest) {
		mismatch := false
		if !force && want != "" {
			have, err := fileDigest(h, p.Dest, hashFor(algo))
			if err != nil {
				return fail(err)
			}
			mismatch = have != want
		}
		if !force && want != "" && !mismatch {
			changed, err := applyAttrs(ctx, h, req.Check, p.Dest, p.fileArgs, nil)
			if err != nil {
				return fail(err)
			}
			msg := "file already exists"
			if changed {
				msg = "file already exists but file attributes changed"
			}
			return module.Result{Changed: changed, Msg: msg, Return: out}, nil
		}
		if fi, err := h.Stat(p.Dest); err == nil && !mismatch && !force {
			t := fi.ModTime()
			since = &t
		}
		if mismatch {
			force = true
		}
	}
	start := time.Now()
	data, resp, notModified, err := httpGet(ctx, p.urlParamsT, p.URL, since)
	out.Elapsed = int64(time.Since(start).Seconds())
	if err != nil {
		if resp != nil {
			out.StatusCode = intp(resp.StatusCode)
		}
		return fail(err)
	}
	if notModified {
		out.StatusCode = intp(resp.StatusCode)
		return module.Result{Msg: "HTTP Error 304: Not Modified", Return: out}, nil
	}
	dest := p.Dest
	if destIsDir {
		name := ""
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
			name = filepath.Base(params["filename"])
		}
		if name == "" || name == "." || name == "/" {
			name = path.Base(resp.Request.URL.Path)
		}
		dest = filepath.Join(dest, name)
		out.Dest = dest
	}
	src := sha1Bytes(data)
	out.ChecksumSrc = &src
	if exists(h, dest) {
		d, err := sha1File(h, dest)
		if err != nil {
			return fail(fmt.Errorf("Destination %s is not readable", dest))
		}
		out.ChecksumDest = &d
	} else if !isDir(h, filepath.Dir(dest)) {
		return fail(fmt.Errorf("Destination %s does not exist", filepath.Dir(dest)))
	}
	if want != "" {
		got, err := digestBytes(data, algo)
		if err != nil {
			return fail(err)
		}
		if got != want {
			return fail(fmt.Errorf("The checksum for %s did not match %s; it was %s.", dest, want, got))
		}
	}
	changed := out.ChecksumDest == nil || *out.ChecksumDest != src
	if changed && !req.Check {
		if p.Backup && out.ChecksumDest != nil {
			name, err := backupFile(h, dest, time.Now().Format("2006-01-02@15:04:05"))
			if err != nil {
				return fail(err)
			}
			out.BackupFile = name
		}
		if err := h.WriteFile(dest, data, 0o666); err != nil {
			return fail(fmt.Errorf("failed to copy to %s: %v", dest, err))
		}
	}
	ac, err := applyAttrs(ctx, h, req.Check, dest, p.fileArgs, nil)
	if err != nil {
		return fail(err)
	}
	out.StatusCode = intp(resp.StatusCode)
	if !req.Check || exists(h, dest) {
		out.MD5 = md5Bytes(data)
		out.pathInfo = statPathInfo(h, dest)
	}
	return module.Result{Changed: changed || ac, Msg: fmt.Sprintf("OK (%d bytes)", len(data)), Return: out}, nil
}

func digestBytes(data []byte, algo string) (string, error) {
	switch algo {
	case "md5", "sha1", "sha224", "sha256", "sha384", "sha512":
	default:
		return "", fmt.Errorf("unsupported hash algorithm %s", algo)
	}
	hh := hashFor(algo)()
	hh.Write(data)
	return fmt.Sprintf("%x", hh.Sum(nil)), nil
}

// checksumFromList finds the checksum of file in a SHA256SUMS-style list
// ("<sum>  <name>" lines, or a lone sum).
func checksumFromList(list, file string) string {
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) == 1 && len(strings.Fields(lines[0])) == 1 {
		return strings.TrimSpace(lines[0])
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) >= 2 && strings.TrimPrefix(strings.TrimPrefix(f[1], "*"), "./") == file {
			return f[0]
		}
	}
	return ""
}

var _ module.Module = getURLModule{}
