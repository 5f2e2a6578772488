package connection

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authenticator builds the authentication methods for one handshake and
// remembers what it offered, so that a failure can say what was tried and
// why a key was left out.
type authenticator struct {
	d        *Dialer
	hc       *hostConfig
	explicit map[string]bool // identity files the user named (-i, --private-key)
	password string
	guard    *handshakeGuard // paused while the user is prompted
	ctx      context.Context

	agentConn net.Conn
	offered   []string // key descriptions, in order
	notes     []string // why keys were skipped
}

// methods returns the methods in OpenSSH's default order: publickey,
// keyboard-interactive, password. Password methods are offered only with a
// password, as Ansible's ssh plugin disables them otherwise
// (plugins/connection/ssh.py: PasswordAuthentication=no without one).
func (a *authenticator) methods() []ssh.AuthMethod {
	var ms []ssh.AuthMethod
	if a.hc.PubkeyAuthentication {
		signers := a.signers()
		if len(signers) > 0 {
			ms = append(ms, ssh.PublicKeys(signers...))
		}
	}
	if a.password != "" {
		if a.hc.KbdInteractiveAuthentication {
			ms = append(ms, ssh.KeyboardInteractive(a.keyboardInteractive))
		}
		if a.hc.PasswordAuthentication {
			ms = append(ms, ssh.Password(a.password))
		}
	}
	return ms
}

// close releases the agent connection used during the handshake.
func (a *authenticator) close() {
	if a.agentConn != nil {
		// The agent socket carries no state worth reporting on close.
		_ = a.agentConn.Close()
	}
}

// describe summarises the attempt for an authentication failure.
func (a *authenticator) describe() string {
	var parts []string
	if len(a.offered) > 0 {
		parts = append(parts, "offered keys: "+strings.Join(a.offered, ", "))
	} else if a.hc.PubkeyAuthentication {
		parts = append(parts, "no private keys found (ssh-agent empty or not running, no identity files)")
	}
	if a.password == "" {
		parts = append(parts, "no password set (ansible_password, -k)")
	}
	parts = append(parts, a.notes...)
	return strings.Join(parts, "; ")
}

// signers collects identity-file keys in configuration order, then keys only
// the agent holds (unless IdentitiesOnly), as ssh's pubkey_prepare does.
func (a *authenticator) signers() []ssh.Signer {
	agentSigners := a.agentSigners()
	inAgent := map[string]ssh.Signer{}
	for _, s := range agentSigners {
		inAgent[string(s.PublicKey().Marshal())] = s
	}
	used := map[string]bool{}
	var out []ssh.Signer
	add := func(s ssh.Signer, desc string) {
		k := string(s.PublicKey().Marshal())
		if used[k] {
			return
		}
		used[k] = true
		out = append(out, s)
		a.offered = append(a.offered, desc)
	}
	for _, file := range a.hc.IdentityFiles {
		for _, s := range a.identity(file, inAgent) {
			add(s, file)
		}
	}
	if !a.hc.IdentitiesOnly {
		for _, s := range agentSigners {
			desc := "ssh-agent key " + ssh.FingerprintSHA256(s.PublicKey())
			if k, ok := s.PublicKey().(*agent.Key); ok && k.Comment != "" {
				desc += " (" + k.Comment + ")"
			}
			add(s, desc)
		}
	}
	return out
}

func (a *authenticator) agentSigners() []ssh.Signer {
	sock := a.d.AgentSocket
	switch a.hc.IdentityAgent {
	case "", "SSH_AUTH_SOCK":
	default:
		sock = a.hc.IdentityAgent
	}
	if sock == "" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock == "" || sock == "none" {
		return nil
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		a.notes = append(a.notes, fmt.Sprintf("ssh-agent at %s not reachable: %v", sock, err))
		return nil
	}
	signers, err := agent.NewClient(c).Signers()
	if err != nil {
		// Close errors after a failed agent exchange add nothing.
		_ = c.Close()
		a.notes = append(a.notes, fmt.Sprintf("ssh-agent at %s: %v", sock, err))
		return nil
	}
	a.agentConn = c
	return signers
}

// identity loads one identity file (and its -cert.pub certificate). An
// encrypted key whose public half is known is decrypted only if the server
// accepts that public key, as ssh does; the agent's copy is used when it has
// one.
func (a *authenticator) identity(file string, inAgent map[string]ssh.Signer) []ssh.Signer {
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		if a.explicit[file] || !os.IsNotExist(err) {
			a.notes = append(a.notes, fmt.Sprintf("identity file %s not usable: %v", file, errors.Unwrap(err)))
		}
		return nil
	}
	var signer ssh.Signer
	if s, ok := a.d.cachedKey(file); ok {
		signer = s
	} else {
		signer, err = ssh.ParsePrivateKey(pemBytes)
	}
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
	case errors.As(err, &missing):
		pub := missing.PublicKey
		if pub == nil {
			pub = readPublicKey(file + ".pub")
		}
		if pub != nil {
			if s, ok := inAgent[string(pub.Marshal())]; ok {
				signer = s
				break
			}
		}
		if a.d.Prompter == nil || a.hc.BatchMode {
			a.notes = append(a.notes, fmt.Sprintf("identity file %s is encrypted and there is no terminal to ask for its passphrase: "+
				"load it into ssh-agent (ssh-add %s) or run gplay from a terminal", file, shellQuote(file)))
			return nil
		}
		if pub == nil {
			// Without a public half the key must be decrypted to be offered.
			if signer, err = a.decrypt(file, pemBytes); err != nil {
				a.notes = append(a.notes, err.Error())
				return nil
			}
			break
		}
		signer = &lazySigner{pub: pub, load: func() (ssh.Signer, error) { return a.decrypt(file, pemBytes) }}
	default:
		a.notes = append(a.notes, fmt.Sprintf("identity file %s: %v", file, err))
		return nil
	}
	out := []ssh.Signer{signer}
	if cert, ok := readPublicKey(file + "-cert.pub").(*ssh.Certificate); ok {
		if cs, err := ssh.NewCertSigner(cert, signer); err == nil {
			out = append([]ssh.Signer{cs}, out...)
		}
	}
	return out
}

// decrypt asks for the passphrase of file (once per Dialer: the decrypted
// key is cached) with the handshake timeout paused.
func (a *authenticator) decrypt(file string, pemBytes []byte) (ssh.Signer, error) {
	// The clock stops while waiting for the terminal, also while another
	// connection's prompt holds it.
	a.guard.pause()
	defer a.guard.resume()
	a.d.promptMu.Lock()
	defer a.d.promptMu.Unlock()
	if s, ok := a.d.cachedKey(file); ok {
		return s, nil
	}
	for attempt := 0; attempt < 3; attempt++ {
		pass, err := a.d.Prompter.Prompt(a.ctx, fmt.Sprintf("Enter passphrase for key '%s': ", file), false)
		if err != nil {
			return nil, fmt.Errorf("passphrase for identity file %s: %w", file, err)
		}
		s, err := ssh.ParsePrivateKeyWithPassphrase(pemBytes, []byte(pass))
		if err == nil {
			a.d.cacheKey(file, s)
			return s, nil
		}
		if !errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("identity file %s: %v", file, err)
		}
	}
	return nil, fmt.Errorf("identity file %s: wrong passphrase, 3 attempts", file)
}

func readPublicKey(file string) ssh.PublicKey {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		return nil
	}
	return pub
}

// keyboardInteractive answers password prompts with the configured password,
// as sshpass does for Ansible, and other questions through the Prompter.
func (a *authenticator) keyboardInteractive(name, instruction string, questions []string, echos []bool) ([]string, error) {
	answers := make([]string, len(questions))
	for i, q := range questions {
		if !echos[i] && strings.Contains(strings.ToLower(q), "password") {
			answers[i] = a.password
			continue
		}
		if a.d.Prompter == nil || a.hc.BatchMode {
			return nil, fmt.Errorf("keyboard-interactive question %q has no answer: only password prompts can be answered without a terminal", q)
		}
		a.guard.pause()
		a.d.promptMu.Lock()
		ans, err := a.d.Prompter.Prompt(a.ctx, q, echos[i])
		a.d.promptMu.Unlock()
		a.guard.resume()
		if err != nil {
			return nil, fmt.Errorf("keyboard-interactive: %w", err)
		}
		answers[i] = ans
	}
	return answers, nil
}

// lazySigner offers a public key and decrypts the private key only when the
// server asks for a signature, that is after it accepted the public key.
type lazySigner struct {
	pub  ssh.PublicKey
	load func() (ssh.Signer, error)
}

func (l *lazySigner) PublicKey() ssh.PublicKey { return l.pub }

func (l *lazySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	s, err := l.load()
	if err != nil {
		return nil, err
	}
	return s.Sign(rand, data)
}

// SignWithAlgorithm lets x/crypto use rsa-sha2-256/512 for RSA keys, which
// OpenSSH 8.8+ requires; a plain Signer would be limited to ssh-rsa.
func (l *lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s, err := l.load()
	if err != nil {
		return nil, err
	}
	as, ok := s.(ssh.AlgorithmSigner)
	if !ok {
		return nil, fmt.Errorf("key %s cannot sign with %s", ssh.FingerprintSHA256(l.pub), algorithm)
	}
	return as.SignWithAlgorithm(rand, data, algorithm)
}

// keyCache holds decrypted identity files for the Dialer's lifetime, so each
// passphrase is asked once per run.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]ssh.Signer
}

func (d *Dialer) cachedKey(file string) (ssh.Signer, bool) {
	d.keys.mu.Lock()
	defer d.keys.mu.Unlock()
	s, ok := d.keys.keys[file]
	return s, ok
}

func (d *Dialer) cacheKey(file string, s ssh.Signer) {
	d.keys.mu.Lock()
	defer d.keys.mu.Unlock()
	if d.keys.keys == nil {
		d.keys.keys = map[string]ssh.Signer{}
	}
	d.keys.keys[file] = s
}
