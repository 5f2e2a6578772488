package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/term"
)

// Keyring is a list of secrets in the order they were given. It satisfies
// yaml11.Decrypter (and any interface with the same method) and is safe for
// concurrent use as long as nobody modifies it.
type Keyring []Secret

// Decrypt decrypts vault text with the keyring's secrets.
func (k Keyring) Decrypt(data []byte) ([]byte, error) { return Decrypt(data, k) }

// DecryptFile is Decrypt with the file name for messages.
func (k Keyring) DecryptFile(name string, data []byte) ([]byte, error) {
	plain, _, err := DecryptWithID(data, k, name)
	return plain, err
}

// SecretOptions says where LoadSecrets finds vault passwords: the values of
// the vault flags of gplay's commands. Ansible's environment variables
// ANSIBLE_VAULT_IDENTITY_LIST and ANSIBLE_VAULT_PASSWORD_FILE are read through
// Getenv.
type SecretOptions struct {
	// VaultIDs are the --vault-id values in order: "label@path",
	// "label@prompt", a bare path, or "prompt".
	VaultIDs []string
	// PasswordFiles are the --vault-password-file values; each is a secret
	// with id "default".
	PasswordFiles []string
	// AskVaultPass is --ask-vault-pass / -J: prompt for the "default" secret.
	AskVaultPass bool
	// New asks prompts for a new password and its confirmation, as
	// ansible-vault does for create, encrypt, encrypt_string and rekey.
	New bool
	// AutoPrompt adds a password prompt when no source is given at all, as
	// ansible-vault does; ansible-playbook does not.
	AutoPrompt bool

	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Prompt shows prompt and reads a password without echo. Nil means the
	// controlling terminal (/dev/tty); without one, prompting fails with an
	// error that names the flags to use instead.
	Prompt func(prompt string) ([]byte, error)
	// Warn receives warnings about sources that failed while others worked
	// (Ansible warns and goes on). Nil drops them.
	Warn func(msg string)
	// Stdin and Stderr are given to password scripts: Ansible lets a plain
	// script talk to the user there. Nil means os.Stdin and os.Stderr.
	Stdin  io.Reader
	Stderr io.Writer
}

// Environment variables of Ansible that LoadSecrets and the CLI read.
const (
	EnvIdentityList    = "ANSIBLE_VAULT_IDENTITY_LIST"
	EnvPasswordFile    = "ANSIBLE_VAULT_PASSWORD_FILE"
	EnvEncryptIdentity = "ANSIBLE_VAULT_ENCRYPT_IDENTITY"
	EnvIDMatch         = "ANSIBLE_VAULT_ID_MATCH"
)

// prompt sources of a vault id slug; "prompt_ask_vault_pass" is what
// --ask-vault-pass becomes, with Ansible's older prompt text.
const (
	srcPrompt    = "prompt"
	srcAskPrompt = "prompt_ask_vault_pass"
)

// LoadSecrets collects the secrets the options point at, in Ansible's order
// (cli/__init__.py setup_vault_secrets): ANSIBLE_VAULT_IDENTITY_LIST, then
// --vault-id values, then --vault-password-file values and
// ANSIBLE_VAULT_PASSWORD_FILE, then the --ask-vault-pass prompt. A password
// file that cannot be read is a warning while another source works, and the
// error otherwise; a failed prompt is always an error. No sources at all
// give an empty list and no error.
func LoadSecrets(ctx context.Context, opts SecretOptions) ([]Secret, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var slugs []string
	for _, id := range strings.Split(getenv(EnvIdentityList), ",") {
		if id = strings.TrimSpace(id); id != "" {
			slugs = append(slugs, id)
		}
	}
	slugs = append(slugs, opts.VaultIDs...)
	files := append([]string(nil), opts.PasswordFiles...)
	if f := getenv(EnvPasswordFile); f != "" {
		files = append(files, f)
	}
	for _, f := range files {
		slugs = append(slugs, DefaultID+"@"+f)
	}
	if opts.AskVaultPass || (len(slugs) == 0 && opts.AutoPrompt) {
		slugs = append(slugs, DefaultID+"@"+srcAskPrompt)
	}

	var (
		secrets []Secret
		lastErr error
	)
	for _, slug := range slugs {
		label, src, hasLabel := strings.Cut(slug, "@")
		if !hasLabel {
			label, src = "", slug
		}
		if strings.Contains(label, ";") {
			return nil, &Error{Msg: fmt.Sprintf("'%s' is not a valid vault id. The character ';' is not allowed in vault ids", label), Err: ErrInvalidSecret}
		}
		id := label
		if id == "" {
			id = DefaultID
		}
		if src == srcPrompt || src == srcAskPrompt {
			pw, err := promptSecret(opts, id, src == srcAskPrompt)
			if err != nil {
				return nil, err
			}
			secrets = append(secrets, Secret{ID: id, Password: pw})
			continue
		}
		pw, err := fileSecret(ctx, opts, src, label, secrets)
		if err != nil {
			if opts.Warn != nil {
				opts.Warn(fmt.Sprintf("Error getting vault password file (%s): %v", displayLabel(label), err))
			}
			lastErr = err
			continue
		}
		secrets = append(secrets, Secret{ID: id, Password: pw})
	}
	if len(secrets) == 0 && lastErr != nil {
		return nil, lastErr
	}
	return secrets, nil
}

// displayLabel prints a missing label as Python prints None.
func displayLabel(label string) string {
	if label == "" {
		return "None"
	}
	return label
}

func promptSecret(opts SecretOptions, id string, askPass bool) ([]byte, error) {
	var prompts []string
	switch {
	case opts.New && askPass:
		prompts = []string{"New Vault password: ", "Confirm New Vault password: "}
	case opts.New:
		prompts = []string{fmt.Sprintf("New vault password (%s): ", id), fmt.Sprintf("Confirm new vault password (%s): ", id)}
	case askPass:
		prompts = []string{"Vault password: "}
	default:
		prompts = []string{fmt.Sprintf("Vault password (%s): ", id)}
	}
	ask := opts.Prompt
	if ask == nil {
		ask = ttyPrompt
	}
	var first []byte
	for i, p := range prompts {
		pw, err := ask(p)
		if errors.Is(err, io.EOF) {
			return nil, &Error{Msg: fmt.Sprintf("EOFError (ctrl-d) on prompt for (%s)", id), Err: err}
		}
		if err != nil {
			return nil, err
		}
		pw = trimPy(pw)
		if len(pw) == 0 {
			return nil, &Error{Msg: "Invalid vault password was provided", Err: ErrInvalidSecret}
		}
		if i == 0 {
			first = pw
		} else if !bytes.Equal(first, pw) {
			return nil, &Error{Msg: "Passwords do not match", Err: ErrInvalidSecret}
		}
	}
	return first, nil
}

// ErrNoTerminal means a password prompt was needed but there is no
// controlling terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to prompt for the vault password")

// ttyPrompt asks on the controlling terminal, not on stdin, so that stdin
// can carry data (encrypt_string, encrypt -).
func ttyPrompt(prompt string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, &Error{Err: ErrNoTerminal,
			Msg: fmt.Sprintf("cannot prompt %q: no terminal (%v); give the password with --vault-password-file or --vault-id label@file", strings.TrimSpace(prompt), err)}
	}
	defer tty.Close()
	if !term.IsTerminal(int(tty.Fd())) {
		return nil, &Error{Err: ErrNoTerminal, Msg: fmt.Sprintf("cannot prompt %q: /dev/tty is not a terminal", strings.TrimSpace(prompt))}
	}
	return readNoEcho(tty, prompt)
}

// trimPy strips ASCII whitespace as Python's bytes.strip does (not Unicode
// spaces, which may be part of a password).
func trimPy(b []byte) []byte { return bytes.Trim(b, " \t\n\r\v\f") }

// expandPath makes a path absolute and expands a leading ~, as Ansible's
// unfrackpath does for password files.
func expandPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

// isClientScript reports whether a password script takes --vault-id: its
// name without extension ends in "-client" (vault.py script_is_client).
func isClientScript(name string) bool {
	base := filepath.Base(name)
	root := base
	if i := strings.LastIndexByte(base, '.'); i > 0 && strings.Trim(base[:i], ".") != "" {
		root = base[:i] // Python's splitext: leading dots do not start an extension
	}
	return strings.HasSuffix(root, "-client")
}

// fileSecret reads a password file or runs a password script. earlier are
// the secrets loaded so far: a password file may itself be vault-encrypted.
func fileSecret(ctx context.Context, opts SecretOptions, name, label string, earlier []Secret) ([]byte, error) {
	path := expandPath(name)
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{Source: path, Msg: fmt.Sprintf("The vault password file %s was not found", path), Err: err}
		}
		return nil, &Error{Source: path, Msg: fmt.Sprintf("Could not read vault password file %s: %v", path, err), Err: err}
	}
	if st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
		return scriptSecret(ctx, opts, path, label, isClientScript(name))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Source: path, Msg: fmt.Sprintf("Could not read vault password file %s: %v", path, err), Err: err}
	}
	b = trimPy(b)
	if IsEncrypted(b) {
		plain, _, err := DecryptWithID(b, earlier, path)
		if err != nil {
			return nil, err
		}
		b = plain
	}
	b = bytes.Trim(b, "\r\n")
	if len(b) == 0 {
		return nil, &Error{Source: path, Msg: fmt.Sprintf("Invalid vault password was provided from file (%s)", path), Err: ErrInvalidSecret}
	}
	return b, nil
}

// scriptSecret runs an executable password file and takes its stdout. A
// client script gets "--vault-id label" and reports an unknown id with exit
// status 2; its stderr is captured for the message. A plain script's stderr
// goes to the user, so it may prompt.
func scriptSecret(ctx context.Context, opts SecretOptions, path, label string, client bool) ([]byte, error) {
	kind := "script"
	if client {
		kind = "client script"
	}
	cmd := exec.CommandContext(ctx, path)
	if client && label != "" {
		cmd.Args = append(cmd.Args, "--vault-id", label)
	}
	cmd.Stdin = opts.Stdin
	if cmd.Stdin == nil {
		cmd.Stdin = os.Stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	if client {
		cmd.Stderr = &stderr
	} else if opts.Stderr != nil {
		cmd.Stderr = opts.Stderr
	} else {
		cmd.Stderr = os.Stderr
	}
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr) && client && exitErr.ExitCode() == 2:
		return nil, &Error{Source: path, Err: ErrInvalidSecret,
			Msg: fmt.Sprintf("Vault password client script %s did not find a secret for vault-id=%s: %s", path, displayLabel(label), strings.TrimSpace(stderr.String()))}
	case errors.As(err, &exitErr) && client:
		return nil, &Error{Source: path, Err: err,
			Msg: fmt.Sprintf("Vault password client script %s returned non-zero (%d) when getting secret for vault-id=%s: %s", path, exitErr.ExitCode(), displayLabel(label), strings.TrimSpace(stderr.String()))}
	case errors.As(err, &exitErr):
		return nil, &Error{Source: path, Err: err,
			Msg: fmt.Sprintf("Vault password script %s returned non-zero (%d)", path, exitErr.ExitCode())}
	case err != nil:
		return nil, &Error{Source: path, Err: err,
			Msg: fmt.Sprintf("Problem running vault password %s %s (%v). If this is not a script, remove the executable bit from the file.", kind, path, err)}
	}
	pw := bytes.Trim(stdout.Bytes(), "\r\n")
	if len(pw) == 0 {
		return nil, &Error{Source: path, Msg: fmt.Sprintf("Invalid vault password was provided from script (%s)", path), Err: ErrInvalidSecret}
	}
	return pw, nil
}
