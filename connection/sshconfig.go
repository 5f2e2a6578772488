package connection

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sshconfig "github.com/kevinburke/ssh_config"
)

// hostConfig is the effective OpenSSH client configuration for one host,
// after command-line options, ~/.ssh/config and /etc/ssh/ssh_config.
type hostConfig struct {
	Alias          string // the name ssh was given (Target.Host)
	HostName       string
	Port           int
	User           string
	IdentityFiles  []string // ~ and %-tokens expanded
	IdentitiesOnly bool
	IdentityAgent  string // "" means SSH_AUTH_SOCK; "none" disables the agent
	ProxyJump      string // "" or "none" when unset
	ProxyCommand   string // tokens not yet expanded; "" or "none" when unset
	// StrictHostKeyChecking is normalised to "yes", "ask", "accept-new" or
	// "no". "ask" behaves as "yes": gplay never prompts for host keys.
	StrictHostKeyChecking string
	UserKnownHostsFiles   []string
	GlobalKnownHostsFiles []string
	HostKeyAlias          string
	HashKnownHosts        bool
	ConnectTimeout        time.Duration // 0 when unset
	ServerAliveInterval   time.Duration // 0 when unset
	ServerAliveCountMax   int
	PubkeyAuthentication  bool
	PasswordAuthentication,
	KbdInteractiveAuthentication bool
	BatchMode bool
}

// resolver computes hostConfigs the way ssh(1) does.
type resolver struct {
	sshPath   string // the ssh binary for "ssh -G"; "" parses config files instead
	home      string // for ~ and %d
	localUser string // for %u and the default User
	sshHome   string // the passwd home, whose ~/.ssh/config ssh reads
	cache     sshGCache
}

// resolve returns the configuration ssh would use to connect to host with
// the given command-line options. With an ssh binary it asks "ssh -G", so
// Match, Include, CanonicalizeHostname and every other feature behave exactly
// as in ssh; otherwise it reads the files with kevinburke/ssh_config, which
// knows Host blocks and Include but not all of Match.
func (r resolver) resolve(ctx context.Context, host string, args sshArgs) (*hostConfig, error) {
	var vals map[string][]string
	var err error
	if r.sshPath != "" {
		vals, err = r.sshG(ctx, host, args)
	} else {
		vals, err = r.parseFiles(host, args)
	}
	if err != nil {
		return nil, err
	}
	return r.fromValues(host, vals)
}

func (r resolver) sshG(ctx context.Context, host string, args sshArgs) (map[string][]string, error) {
	argv := []string{"-G"}
	if args.ConfigFile != "" {
		argv = append(argv, "-F", r.expandTilde(args.ConfigFile))
	}
	for _, o := range args.Options {
		argv = append(argv, "-o", o.Key+"="+o.Value)
	}
	argv = append(argv, "--", host)
	key, cacheable := r.cache.key(r.sshPath, r.sshHome, r.localUser, argv, r.expandTilde(args.ConfigFile))
	out, hit := []byte(nil), false
	if cacheable {
		out, hit = r.cache.get(key)
	}
	if !hit {
		cmd := exec.CommandContext(ctx, r.sshPath, argv...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdin = nil
		var err error
		out, err = cmd.Output()
		if err != nil && ctx.Err() != nil {
			return nil, fmt.Errorf("read OpenSSH configuration for %s: %w", host, context.Cause(ctx))
		}
		if err != nil {
			return nil, fmt.Errorf("read OpenSSH configuration for %s (%s -G): %v: %s",
				host, r.sshPath, err, strings.TrimSpace(stderr.String()))
		}
		if cacheable {
			r.cache.put(key, out)
		}
	}
	vals := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		if key == "" {
			continue
		}
		vals[key] = append(vals[key], val)
	}
	return vals, nil
}

// configKeys are the ssh_config keywords gplay acts on.
var configKeys = []string{
	"hostname", "port", "user", "identityfile", "identitiesonly", "identityagent",
	"proxyjump", "proxycommand", "stricthostkeychecking", "userknownhostsfile",
	"globalknownhostsfile", "hostkeyalias", "hashknownhosts", "connecttimeout",
	"serveraliveinterval", "serveralivecountmax", "pubkeyauthentication",
	"passwordauthentication", "kbdinteractiveauthentication", "batchmode",
}

// parseFiles is the fallback without an ssh binary: command-line options
// first (the first value obtained wins, as in ssh), then -F or
// ~/.ssh/config and /etc/ssh/ssh_config.
func (r resolver) parseFiles(host string, args sshArgs) (map[string][]string, error) {
	var files []string
	if args.ConfigFile != "" {
		files = []string{r.expandTilde(args.ConfigFile)}
	} else {
		files = []string{filepath.Join(r.home, ".ssh", "config"), "/etc/ssh/ssh_config"}
	}
	var cfgs []*sshconfig.Config
	for i, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) && (args.ConfigFile == "" || i > 0) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read ssh config: %w", err)
		}
		c, err := sshconfig.DecodeBytes(b)
		if err != nil {
			return nil, fmt.Errorf("parse ssh config %s: %w", f, err)
		}
		cfgs = append(cfgs, c)
	}
	vals := map[string][]string{}
	for _, o := range args.Options {
		vals[o.Key] = append(vals[o.Key], o.Value)
	}
	for _, key := range configKeys {
		if len(vals[key]) > 0 && key != "identityfile" {
			continue
		}
		for _, c := range cfgs {
			all, err := c.GetAll(host, key)
			if err != nil {
				return nil, fmt.Errorf("ssh config: %w", err)
			}
			vals[key] = append(vals[key], all...)
		}
	}
	if len(vals["identityfile"]) == 0 {
		for _, name := range []string{"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa"} {
			vals["identityfile"] = append(vals["identityfile"], "~/.ssh/"+name)
		}
	}
	if len(vals["hostname"]) > 0 {
		// HostName may use %h for the name given on the command line.
		vals["hostname"] = []string{strings.ReplaceAll(vals["hostname"][0], "%h", host)}
	}
	return vals, nil
}

func (r resolver) fromValues(host string, vals map[string][]string) (*hostConfig, error) {
	first := func(key, def string) string {
		if v := vals[key]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
		return def
	}
	yes := func(key string, def bool) bool {
		switch strings.ToLower(first(key, "")) {
		case "yes", "true":
			return true
		case "no", "false":
			return false
		}
		return def
	}
	seconds := func(key string) (time.Duration, error) {
		v := first(key, "none")
		if v == "none" || v == "0" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("ssh config %s: bad number of seconds %q", key, v)
		}
		return time.Duration(n) * time.Second, nil
	}

	hc := &hostConfig{
		Alias:                        host,
		HostName:                     first("hostname", host),
		User:                         first("user", r.localUser),
		IdentitiesOnly:               yes("identitiesonly", false),
		IdentityAgent:                first("identityagent", ""),
		ProxyJump:                    first("proxyjump", ""),
		ProxyCommand:                 first("proxycommand", ""),
		HostKeyAlias:                 first("hostkeyalias", ""),
		HashKnownHosts:               yes("hashknownhosts", false),
		PubkeyAuthentication:         yes("pubkeyauthentication", true),
		PasswordAuthentication:       yes("passwordauthentication", true),
		KbdInteractiveAuthentication: yes("kbdinteractiveauthentication", true),
		BatchMode:                    yes("batchmode", false),
	}
	port, err := strconv.Atoi(first("port", "22"))
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("ssh config for %s: bad port %q", host, first("port", ""))
	}
	hc.Port = port
	switch v := strings.ToLower(first("stricthostkeychecking", "ask")); v {
	case "yes", "true":
		hc.StrictHostKeyChecking = "yes"
	case "no", "false", "off":
		hc.StrictHostKeyChecking = "no"
	case "ask", "accept-new":
		hc.StrictHostKeyChecking = v
	default:
		return nil, fmt.Errorf("ssh config for %s: bad StrictHostKeyChecking %q", host, v)
	}
	if hc.ConnectTimeout, err = seconds("connecttimeout"); err != nil {
		return nil, err
	}
	if hc.ServerAliveInterval, err = seconds("serveraliveinterval"); err != nil {
		return nil, err
	}
	hc.ServerAliveCountMax, err = strconv.Atoi(first("serveralivecountmax", "3"))
	if err != nil {
		return nil, fmt.Errorf("ssh config for %s: bad ServerAliveCountMax", host)
	}

	for _, f := range vals["identityfile"] {
		if strings.EqualFold(f, "none") {
			continue
		}
		hc.IdentityFiles = append(hc.IdentityFiles, r.expand(f, hc))
	}
	for _, f := range strings.Fields(first("userknownhostsfile", "~/.ssh/known_hosts ~/.ssh/known_hosts2")) {
		hc.UserKnownHostsFiles = append(hc.UserKnownHostsFiles, r.expand(f, hc))
	}
	for _, f := range strings.Fields(first("globalknownhostsfile", "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2")) {
		hc.GlobalKnownHostsFiles = append(hc.GlobalKnownHostsFiles, r.expand(f, hc))
	}
	if hc.IdentityAgent != "" && hc.IdentityAgent != "none" && hc.IdentityAgent != "SSH_AUTH_SOCK" {
		hc.IdentityAgent = r.expand(hc.IdentityAgent, hc)
	}
	return hc, nil
}

// expand replaces ssh_config %-tokens (TOKENS in ssh_config(5)) and a
// leading ~ in a path.
func (r resolver) expand(s string, hc *hostConfig) string {
	s = r.expandTilde(s)
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'd':
			b.WriteString(r.home)
		case 'h':
			b.WriteString(hc.HostName)
		case 'n':
			b.WriteString(hc.Alias)
		case 'p':
			b.WriteString(strconv.Itoa(hc.Port))
		case 'r':
			b.WriteString(hc.User)
		case 'u':
			b.WriteString(r.localUser)
		case 'l':
			name, err := os.Hostname()
			if err == nil {
				b.WriteString(name)
			}
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func (r resolver) expandTilde(s string) string {
	if s == "~" {
		return r.home
	}
	if strings.HasPrefix(s, "~/") {
		return filepath.Join(r.home, s[2:])
	}
	return s
}
