package connection

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// HostKeyError reports a host key that is not in known_hosts or differs
// from the one recorded there. It always wraps ErrUnreachable: gplay never
// connects to a host it cannot verify unless host key checking is off.
type HostKeyError struct {
	// Host is the name looked up in known_hosts ("host" or "[host]:port").
	Host string
	// Key is the key the server offered.
	Key ssh.PublicKey
	// Known lists the recorded keys for a changed host ("file:line");
	// empty when the host is unknown.
	Known []string
	// Files are the known_hosts files that were searched.
	Files []string

	hostName string // the host to scan for the ssh-keyscan hint
	port     int
	userFile string // where accept-new would record keys
}

// Changed reports whether the host is known with other keys.
func (e *HostKeyError) Changed() bool { return len(e.Known) > 0 }

// Error names the host, the offered key's fingerprint and the command that
// fixes the problem once the user has checked the key.
func (e *HostKeyError) Error() string {
	fp := e.Key.Type() + " key " + ssh.FingerprintSHA256(e.Key)
	if e.Changed() {
		return fmt.Sprintf("host key verification failed: REMOTE HOST IDENTIFICATION HAS CHANGED for %s: "+
			"the server offered %s, which does not match %s; this may be an attack, or the host was reinstalled: "+
			"if you are sure, remove the old key with: ssh-keygen -f %s -R %s",
			e.Host, fp, strings.Join(e.Known, ", "), shellQuote(knownFileOf(e.Known, e.userFile)), shellQuote(e.Host))
	}
	scan := "ssh-keyscan"
	if e.port != 22 {
		scan += " -p " + strconv.Itoa(e.port)
	}
	scan += " " + shellQuote(e.hostName)
	if knownhosts.Normalize(net.JoinHostPort(e.hostName, strconv.Itoa(e.port))) != e.Host {
		// HostKeyAlias: record the scanned keys under the alias.
		scan += " | sed " + shellQuote("s/^[^ ]*/"+e.Host+"/")
	}
	return fmt.Sprintf("host key verification failed: %s is not a known host (searched %s); the server offered %s: "+
		"check that fingerprint with the host's administrator, then record it with: %s >> %s "+
		"(or set StrictHostKeyChecking=accept-new, or host_key_checking=False to skip verification)",
		e.Host, strings.Join(e.Files, ", "), fp, scan, shellQuote(e.userFile))
}

// Is makes every HostKeyError an ErrUnreachable.
func (e *HostKeyError) Is(target error) bool { return target == ErrUnreachable }

// knownFileOf names the file holding the first recorded key ("file:line").
func knownFileOf(known []string, def string) string {
	if len(known) > 0 {
		if i := strings.LastIndexByte(known[0], ':'); i > 0 {
			return known[0][:i]
		}
	}
	return def
}

// hostKeyChecker verifies host keys against known_hosts files for one host.
type hostKeyChecker struct {
	mode     string // "yes", "ask", "accept-new" or "no", as in hostConfig
	lookup   string // name in known_hosts: "host" or "[host]:port"
	addr     string // "host:port" always, as x/crypto's callback wants it
	hostName string
	port     int
	files    []string // user files first, then global ones
	userFile string   // the first UserKnownHostsFile: accept-new writes there
	hash     bool     // HashKnownHosts: record hashed names
	db       *knownhosts.HostKeyDB
	// ask, when set, asks the user about an unknown key in "ask" mode, as
	// ssh does on a terminal; without it "ask" rejects like "yes".
	ask func(question string) (string, error)
}

// newHostKeyChecker reads the known_hosts files for hc. Missing files are
// skipped, as ssh does.
func newHostKeyChecker(hc *hostConfig, disabled bool) (*hostKeyChecker, error) {
	name := hc.HostName
	if hc.HostKeyAlias != "" {
		name = hc.HostKeyAlias
	}
	c := &hostKeyChecker{
		mode:     hc.StrictHostKeyChecking,
		lookup:   knownhosts.Normalize(net.JoinHostPort(name, strconv.Itoa(hc.Port))),
		addr:     net.JoinHostPort(name, strconv.Itoa(hc.Port)),
		hostName: hc.HostName,
		port:     hc.Port,
		hash:     hc.HashKnownHosts,
	}
	if disabled {
		c.mode = "no"
	}
	if len(hc.UserKnownHostsFiles) > 0 {
		c.userFile = hc.UserKnownHostsFiles[0]
	}
	if c.mode == "no" {
		return c, nil
	}
	if err := c.load(append(append([]string(nil), hc.UserKnownHostsFiles...), hc.GlobalKnownHostsFiles...)); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *hostKeyChecker) load(candidates []string) error {
	c.files = c.files[:0]
	var existing []string
	for _, f := range candidates {
		if f == "none" {
			continue
		}
		c.files = append(c.files, f)
		if _, err := os.Stat(f); err == nil {
			existing = append(existing, f)
		}
	}
	db, err := knownhosts.NewDB(existing...)
	if err != nil {
		return fmt.Errorf("read known_hosts: %w", err)
	}
	c.db = db
	return nil
}

// algorithms returns the host key algorithms already recorded for the host,
// so that the server is asked for a key we can verify instead of its
// preferred one (which would look like a changed key).
func (c *hostKeyChecker) algorithms() []string {
	if c.db == nil {
		return nil
	}
	return c.db.HostKeyAlgorithms(c.addr)
}

// callback verifies the server's key; the hostname x/crypto passes is ignored
// in favour of the HostKeyAlias/HostName lookup name.
func (c *hostKeyChecker) callback(_ string, remote net.Addr, key ssh.PublicKey) error {
	if c.mode == "no" {
		return nil
	}
	// Normalize drops port 22 ("host"), which x/crypto cannot split:
	// it is given host:port and normalizes itself.
	err := c.db.HostKeyCallback()(c.addr, remoteForCheck(remote), key)
	if err == nil {
		return nil
	}
	var ke *xknownhosts.KeyError
	if !errors.As(err, &ke) {
		return fmt.Errorf("verify host key of %s: %w", c.lookup, err)
	}
	hke := &HostKeyError{Host: c.lookup, Key: key, Files: c.files, hostName: c.hostName, port: c.port, userFile: c.userFile}
	for _, k := range ke.Want {
		hke.Known = append(hke.Known, fmt.Sprintf("%s:%d", k.Filename, k.Line))
	}
	if hke.Changed() {
		return hke
	}
	switch {
	case c.mode == "accept-new":
	case c.mode == "ask" && c.ask != nil:
		fp := ssh.FingerprintSHA256(key)
		answer, err := c.ask(fmt.Sprintf("The authenticity of host '%s' can't be established.\n%s key fingerprint is %s.\n"+
			"Are you sure you want to continue connecting (yes/no/[fingerprint])? ", c.lookup, key.Type(), fp))
		if err != nil {
			return fmt.Errorf("ask about host key of %s: %w", c.lookup, err)
		}
		answer = strings.TrimSpace(answer)
		if !strings.EqualFold(answer, "yes") && answer != fp {
			return hke
		}
	default:
		return hke
	}
	if c.userFile == "" {
		return fmt.Errorf("accept new host key of %s: no UserKnownHostsFile to record it in: %w", c.lookup, hke)
	}
	return c.record(key)
}

// remoteForCheck hides non-TCP remote addresses (ProxyCommand pipes, jump
// channels) from x/crypto's known_hosts check, which would otherwise also
// look the address up.
func remoteForCheck(remote net.Addr) net.Addr {
	if a, ok := remote.(*net.TCPAddr); ok {
		return a
	}
	return &net.TCPAddr{IP: net.IPv4zero}
}

// record appends the key to the user known_hosts file under an exclusive
// lock, re-reading the file first: several connections to the same new host
// may race, and ssh processes may write the file at the same time.
func (c *hostKeyChecker) record(key ssh.PublicKey) error {
	if err := os.MkdirAll(filepath.Dir(c.userFile), 0o700); err != nil {
		return fmt.Errorf("record host key: %w", err)
	}
	f, err := os.OpenFile(c.userFile, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("record host key: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("record host key: lock %s: %w", c.userFile, err)
	}
	// Unlocked by Close.
	again, err := knownhosts.NewDB(c.userFile)
	if err != nil {
		return fmt.Errorf("record host key: %w", err)
	}
	err = again.HostKeyCallback()(c.addr, &net.TCPAddr{IP: net.IPv4zero}, key)
	if err == nil {
		return nil
	}
	if knownhosts.IsHostKeyChanged(err) {
		// Another writer recorded a different key in the meantime.
		return c.callbackAfterReload(key)
	}
	name := c.lookup
	if c.hash {
		name = xknownhosts.HashHostname(c.lookup)
	}
	line := knownhosts.Line([]string{name}, key) + "\n"
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		// Make sure the new entry starts on its own line.
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("record host key in %s: %w", c.userFile, err)
	}
	return f.Sync()
}

func (c *hostKeyChecker) callbackAfterReload(key ssh.PublicKey) error {
	if err := c.load(c.files); err != nil {
		return err
	}
	c.mode = "yes"
	return c.callback("", nil, key)
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
