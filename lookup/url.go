package lookup

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"gplay/pyval"
)

var urlOptions = []option{
	{name: "validate_certs", typ: "bool", def: true},
	{name: "split_lines", typ: "bool", def: true},
	{name: "use_proxy", typ: "bool", def: true},
	{name: "username", typ: "str"},
	{name: "password", typ: "str"},
	{name: "headers", typ: "dict", def: pyval.NewDict(0)},
	{name: "force", typ: "bool", def: false},
	{name: "timeout", typ: "raw", def: int64(10)},
	{name: "http_agent", typ: "str", def: "ansible-httpget"},
	{name: "force_basic_auth", typ: "bool", def: false},
	{name: "follow_redirects", typ: "str", def: "urllib2"},
	{name: "use_gssapi", typ: "bool", def: false},
	{name: "use_netrc", typ: "bool", def: true},
	{name: "unix_socket", typ: "str"},
	{name: "ca_path", typ: "str"},
	{name: "unredirected_headers", typ: "list"},
	{name: "ciphers", typ: "list"},
}

// urlLookup is ansible.builtin.url: the body of each URL, split into lines
// unless split_lines is false. It runs on the controller, like Ansible's.
func urlLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), urlOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	if opts.bool("use_gssapi") {
		return nil, errf("GSSAPI authentication is not supported by gplay's url lookup")
	}
	client, err := urlClient(opts)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, t := range c.Terms {
		term := pyval.Str(t)
		body, err := urlFetch(ctx, client, term, opts)
		if err != nil {
			return nil, err
		}
		s := text(body)
		if !opts.bool("split_lines") {
			out = append(out, s)
			continue
		}
		for _, l := range splitLinesBytes(s) {
			out = append(out, l)
		}
	}
	return out, nil
}

// urlClient builds the HTTP client the options ask for: certificate
// checks, proxies from the environment, a unix socket, the redirect rule.
func urlClient(opts options) (*http.Client, error) {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: !opts.bool("validate_certs")}}
	if opts.bool("use_proxy") {
		tr.Proxy = http.ProxyFromEnvironment
	}
	if p := opts.str("ca_path"); p != "" {
		pem, err := os.ReadFile(p)
		if err != nil {
			return nil, errf("Failed lookup url: could not read ca_path %s: %v", p, err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig.RootCAs = pool
	}
	if sock := opts.str("unix_socket"); sock != "" {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
	}
	timeout := 10.0
	if v := opts["timeout"]; v != nil {
		f, err := strconv.ParseFloat(pyval.Str(v), 64)
		if err != nil {
			return nil, errf("Invalid type for configuration option plugin_type: lookup plugin: url setting: timeout: %s", pyval.Str(v))
		}
		timeout = f
	}
	client := &http.Client{Transport: tr, Timeout: time.Duration(timeout * float64(time.Second))}
	unredirected := map[string]bool{}
	for _, h := range opts.list("unredirected_headers") {
		unredirected[strings.ToLower(pyval.Str(h))] = true
	}
	switch strings.ToLower(opts.str("follow_redirects")) {
	case "none", "no", "false":
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	case "safe":
		client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				return http.ErrUseLastResponse
			}
			return redirectHeaders(r, via, unredirected)
		}
	default: // urllib2, all, yes: follow, as urllib does
		client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			return redirectHeaders(r, via, unredirected)
		}
	}
	return client, nil
}

func redirectHeaders(r *http.Request, via []*http.Request, drop map[string]bool) error {
	if len(via) >= 10 {
		return errors.New("too many redirects")
	}
	for h := range r.Header {
		if drop[strings.ToLower(h)] {
			r.Header.Del(h)
		}
	}
	return nil
}

// urlFetch GETs one URL with the options' headers and credentials and
// words failures as the url lookup does.
func urlFetch(ctx context.Context, client *http.Client, term string, opts options) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, term, nil)
	if err != nil {
		return nil, errf("Failed lookup url for %s : <urlopen error unknown url type: %s>", term, term)
	}
	req.Header.Set("User-Agent", opts.str("http_agent"))
	if opts.bool("force") {
		req.Header.Set("cache-control", "no-cache")
	}
	if h, ok := opts["headers"].(*pyval.Dict); ok {
		h.Range(func(k, v any) bool {
			req.Header.Set(pyval.Str(k), pyval.Str(v))
			return true
		})
	}
	user, pass := opts.str("username"), opts.str("password")
	if user == "" && req.URL.User != nil {
		user = req.URL.User.Username()
		pass, _ = req.URL.User.Password()
	}
	if user == "" && opts.bool("use_netrc") {
		if u, p, ok := netrcLogin(req.URL.Hostname()); ok {
			// open_url sends netrc credentials as Basic auth up front
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u+":"+p)))
		}
	}
	if user != "" && opts.bool("force_basic_auth") {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	}
	resp, err := client.Do(req)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && user != "" && req.Header.Get("Authorization") == "" {
		// urllib answers a Basic challenge with the credentials
		resp.Body.Close()
		req2 := req.Clone(ctx)
		req2.SetBasicAuth(user, pass)
		resp, err = client.Do(req2)
	}
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, errf("Failed lookup url for %s : <urlopen error timed out>", term)
		}
		var oe *net.OpError
		if errors.As(err, &oe) && strings.Contains(err.Error(), "connection refused") {
			return nil, errf("Failed lookup url for %s : <urlopen error [Errno 111] Connection refused>", term)
		}
		var ue x509.UnknownAuthorityError
		if errors.As(err, &ue) || strings.Contains(err.Error(), "certificate") {
			return nil, errf("Error validating the server's certificate for %s: %v", term, err)
		}
		return nil, errf("Failed lookup url for %s : <urlopen error %v>", term, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return nil, errf("Received HTTP error for %s : HTTP Error %d: %s", term, resp.StatusCode, reasonPhrase(resp))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, errf("Failed lookup url for %s : %v", term, err)
	}
	return body, nil
}

// reasonPhrase is the status line's own reason, as Python's HTTPError shows
// it (Go's Status is "404 Not Found"; servers may word it differently).
func reasonPhrase(resp *http.Response) string {
	if _, r, ok := strings.Cut(resp.Status, " "); ok {
		return r
	}
	return http.StatusText(resp.StatusCode)
}

// netrcLogin finds host's login in $NETRC or ~/.netrc (machine, then
// default), as open_url does when no username is given and use_netrc.
func netrcLogin(host string) (user, pass string, ok bool) {
	path := os.Getenv("NETRC")
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", false
		}
		path = home + "/.netrc"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", false
	}
	f := strings.Fields(string(b))
	var dUser, dPass string
	var haveDefault bool
	for i := 0; i < len(f); i++ {
		var entryHost string
		switch f[i] {
		case "machine":
			if i+1 >= len(f) {
				return "", "", false
			}
			i++
			entryHost = f[i]
		case "default":
		default:
			continue
		}
		var u, p string
		for i+2 < len(f) && f[i+1] != "machine" && f[i+1] != "default" {
			switch f[i+1] {
			case "login":
				u = f[i+2]
			case "password":
				p = f[i+2]
			}
			i += 2
		}
		if entryHost == host {
			return u, p, true
		}
		if entryHost == "" && !haveDefault {
			dUser, dPass, haveDefault = u, p, true
		}
	}
	return dUser, dPass, haveDefault
}
