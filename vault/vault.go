package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DefaultID is the vault id of a secret given without a label, and the id
// that a 1.1 envelope (which has no label) is taken to carry.
const DefaultID = "default"

// Secret is one vault password with the vault id it was given under.
type Secret struct {
	ID       string // "default" when unlabelled
	Password []byte
}

// String hides the password, so that a Secret printed by mistake (%v, a
// debug log) leaks nothing.
func (s Secret) String() string { return fmt.Sprintf("vault secret %q", s.ID) }

// Format hides the password whatever the verb (%d, %x, %#v...).
func (s Secret) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// Sentinels for errors.Is; every error this package returns is an *Error
// wrapping one of them or a system error.
var (
	// ErrNotEncrypted: the data does not start with $ANSIBLE_VAULT.
	ErrNotEncrypted = errors.New("not vault encrypted data")
	// ErrFormat: the envelope or its payload is malformed (bad header, not
	// hex, truncated).
	ErrFormat = errors.New("vault format error")
	// ErrCipher: the header names a cipher other than AES256.
	ErrCipher = errors.New("unsupported vault cipher")
	// ErrNoSecrets: there was nothing to try.
	ErrNoSecrets = errors.New("no vault secrets")
	// ErrDecrypt: no secret could decrypt the data (wrong password or
	// altered data; the two cannot be told apart).
	ErrDecrypt = errors.New("vault decryption failed")
	// ErrInvalidSecret: a password is empty or a vault id is unusable.
	ErrInvalidSecret = errors.New("invalid vault secret")
)

// Error is a vault failure. Its text is Ansible's message for the same
// failure; it names the source and vault ids, never a password.
type Error struct {
	Source string // the file or value the data came from; "" if unknown
	Msg    string // the full message
	Err    error  // a sentinel above, or the underlying cause
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

const header = "$ANSIBLE_VAULT"

// IsEncrypted reports whether data is vault ciphertext: pure ASCII starting
// with $ANSIBLE_VAULT, as Ansible's is_encrypted decides.
func IsEncrypted(data []byte) bool {
	for _, c := range data {
		if c >= 0x80 {
			return false
		}
	}
	return bytes.HasPrefix(data, []byte(header))
}

// Envelope is a parsed vault text.
type Envelope struct {
	Version string // as written: "1.1", "1.2"
	Cipher  string // "AES256"
	// ID is the label of a 1.2 header, "" when there is none. Ansible
	// reads a fourth header field whatever the version says.
	ID         string
	Salt       []byte
	HMAC       []byte
	Ciphertext []byte
}

// TargetID is the vault id whose secret Decrypt tries first: the label, or
// DefaultID for an unlabelled envelope.
func (e *Envelope) TargetID() string {
	if e.ID == "" {
		return DefaultID
	}
	return e.ID
}

// ParseEnvelope parses vault text without decrypting it. source names the
// data in errors and may be "".
func ParseEnvelope(data []byte, source string) (*Envelope, error) {
	env, body, err := parseHeader(data, source)
	if err != nil {
		return nil, err
	}
	if err := parseBody(env, body, source); err != nil {
		return nil, err
	}
	return env, nil
}

// splitLines splits as Python's bytes.splitlines does: on \n, \r and \r\n,
// with no empty last element for a final line break.
func splitLines(b []byte) [][]byte {
	var lines [][]byte
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			lines = append(lines, b)
			break
		}
		lines = append(lines, b[:i])
		if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
		b = b[i+1:]
	}
	return lines
}

func formatError(source, detail string) *Error {
	msg := "Vault envelope format error"
	if source != "" {
		msg += " in " + source
	}
	return &Error{Source: source, Msg: msg + ": " + detail, Err: ErrFormat}
}

func notEncrypted(source string) *Error {
	msg := "input is not vault encrypted data. "
	if source != "" {
		msg += source + " is not a vault encrypted file"
	}
	return &Error{Source: source, Msg: msg, Err: ErrNotEncrypted}
}

// forSource is the " for file" that ansible-vault appends to errors whose
// own text does not name the file.
func forSource(source string) string {
	if source == "" {
		return ""
	}
	return " for " + source
}

// parseHeader checks the header line and returns the joined hex body.
func parseHeader(data []byte, source string) (*Envelope, []byte, error) {
	if !IsEncrypted(data) {
		return nil, nil, notEncrypted(source)
	}
	lines := splitLines(data)
	fields := strings.Split(strings.TrimSpace(string(lines[0])), ";")
	if len(fields) < 3 {
		return nil, nil, formatError(source, fmt.Sprintf("header %q has %d fields, want at least 3", truncate(lines[0]), len(fields)))
	}
	if fields[0] != header {
		return nil, nil, formatError(source, fmt.Sprintf("header %q does not start with %s;", truncate(lines[0]), header))
	}
	env := &Envelope{
		Version: strings.TrimSpace(fields[1]),
		Cipher:  strings.TrimSpace(fields[2]),
	}
	if len(fields) >= 4 {
		env.ID = strings.TrimSpace(fields[3])
	}
	return env, bytes.Join(lines[1:], nil), nil
}

// truncate keeps an attacker-sized header out of error text.
func truncate(b []byte) string {
	const max = 80
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// unhexlify decodes hex with the messages of Python's binascii.unhexlify.
func unhexlify(b []byte) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errors.New("Odd-length string")
	}
	out := make([]byte, len(b)/2)
	if _, err := hex.Decode(out, b); err != nil {
		return nil, errors.New("Non-hexadecimal digit found")
	}
	return out, nil
}

// parseBody decodes the doubly hexlified payload: hex(hex(salt) "\n"
// hex(hmac) "\n" hex(ciphertext)).
func parseBody(env *Envelope, body []byte, source string) error {
	unhexErr := func(err error) error {
		return &Error{Source: source, Msg: "Vault format unhexlify error: " + err.Error() + forSource(source), Err: ErrFormat}
	}
	inner, err := unhexlify(body)
	if err != nil {
		return unhexErr(err)
	}
	parts := bytes.SplitN(inner, []byte("\n"), 3)
	if len(parts) != 3 {
		return &Error{Source: source, Err: ErrFormat,
			Msg: fmt.Sprintf("Vault vaulttext format error: not enough values to unpack (expected 3, got %d)%s", len(parts), forSource(source))}
	}
	if env.Salt, err = unhexlify(parts[0]); err != nil {
		return unhexErr(err)
	}
	if env.HMAC, err = unhexlify(parts[1]); err != nil {
		return unhexErr(err)
	}
	if env.Ciphertext, err = unhexlify(parts[2]); err != nil {
		return unhexErr(err)
	}
	return nil
}

// Decrypt decrypts vault text with the first secret that fits. See
// DecryptWithID.
func Decrypt(data []byte, secrets []Secret) ([]byte, error) {
	plain, _, err := DecryptWithID(data, secrets, "")
	return plain, err
}

// DecryptWithID decrypts vault text and also returns the vault id of the
// secret that worked. source names the data in errors ("" if unknown).
//
// The secrets whose ID equals the envelope's label (DefaultID for 1.1) are
// tried first, then the others in order: the label is only a hint, not
// authenticated, so any secret may be the right one (as with Ansible's
// default vault_id_match=False). Ansible 2.14 in fact tries all secrets in
// their given order; the outcome is the same because only the right
// password passes the HMAC check, and trying the labelled one first saves
// PBKDF2 rounds.
func DecryptWithID(data []byte, secrets []Secret, source string) ([]byte, string, error) {
	plain, used, _, err := decrypt(data, secrets, source, false)
	return plain, used.ID, err
}

// DecryptOnlyMatching is DecryptWithID under Ansible's vault_id_match=True
// (ANSIBLE_VAULT_ID_MATCH): only the secrets whose ID is the envelope's
// label (DefaultID for 1.1) are tried.
func DecryptOnlyMatching(data []byte, secrets []Secret, source string) ([]byte, string, error) {
	plain, used, _, err := decrypt(data, secrets, source, true)
	return plain, used.ID, err
}

// decrypt is DecryptWithID returning the whole secret that worked and the
// envelope, which edit needs to re-encrypt under the same label.
func decrypt(data []byte, secrets []Secret, source string, onlyMatching bool) ([]byte, Secret, *Envelope, error) {
	env, body, err := parseHeader(data, source)
	if err != nil {
		return nil, Secret{}, nil, err
	}
	if env.Cipher != "AES256" {
		return nil, Secret{}, nil, &Error{Source: source, Msg: fmt.Sprintf("%s cipher could not be found%s", truncate([]byte(env.Cipher)), forSource(source)), Err: ErrCipher}
	}
	if len(secrets) == 0 {
		return nil, Secret{}, nil, &Error{Source: source, Msg: "Attempting to decrypt but no vault secrets found" + forSource(source), Err: ErrNoSecrets}
	}
	if err := parseBody(env, body, source); err != nil {
		return nil, Secret{}, nil, err
	}
	target := env.TargetID()
	order := make([]Secret, 0, len(secrets))
	for _, s := range secrets {
		if s.ID == target {
			order = append(order, s)
		}
	}
	for _, s := range secrets {
		if s.ID != target && !onlyMatching {
			order = append(order, s)
		}
	}
	for _, s := range order {
		k, err := deriveKeys(s.Password, env.Salt)
		if err != nil {
			return nil, Secret{}, nil, &Error{Source: source, Msg: err.Error(), Err: err}
		}
		plain, err := open(env.Ciphertext, env.HMAC, k)
		if errors.Is(err, errHMAC) {
			continue
		}
		if err != nil {
			// The HMAC matched, so the password is right and the
			// payload was built wrongly; Ansible crashes here.
			msg := "There was a vault format error"
			if source != "" {
				msg += " in " + source
			}
			return nil, Secret{}, nil, &Error{Source: source, Msg: msg + ": " + err.Error(), Err: ErrFormat}
		}
		return plain, s, env, nil
	}
	msg := "Decryption failed (no vault secrets were found that could decrypt)"
	if source != "" {
		msg += " on " + source
	}
	return nil, Secret{}, nil, &Error{Source: source, Msg: msg, Err: ErrDecrypt}
}

// Encrypt encrypts plaintext with s under a fresh random salt. The envelope
// is 1.1 when s.ID is "" or "default", and 1.2 labelled with s.ID otherwise,
// as ansible-vault writes it: the header, the hex wrapped at 80 columns, a
// final newline.
func Encrypt(plaintext []byte, s Secret) ([]byte, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, &Error{Msg: "read random salt: " + err.Error(), Err: err}
	}
	return encryptWithSalt(plaintext, s, salt)
}

// ValidateID reports whether id can label a vault: the header is split on
// ';' and lines, so those cannot be in it.
func ValidateID(id string) error {
	if strings.ContainsAny(id, ";\r\n") || strings.TrimSpace(id) != id {
		return &Error{Msg: fmt.Sprintf("'%s' is not a valid vault id. The character ';', line breaks and surrounding spaces are not allowed in vault ids", id), Err: ErrInvalidSecret}
	}
	return nil
}

func encryptWithSalt(plaintext []byte, s Secret, salt []byte) ([]byte, error) {
	if len(s.Password) == 0 {
		return nil, &Error{Msg: "Invalid vault password was provided", Err: ErrInvalidSecret}
	}
	if err := ValidateID(s.ID); err != nil {
		return nil, err
	}
	if IsEncrypted(plaintext) {
		return nil, &Error{Msg: "input is already encrypted", Err: ErrFormat}
	}
	k, err := deriveKeys(s.Password, salt)
	if err != nil {
		return nil, &Error{Msg: err.Error(), Err: err}
	}
	ct, mac, err := seal(plaintext, k)
	if err != nil {
		return nil, &Error{Msg: err.Error(), Err: err}
	}
	inner := hex.EncodeToString(salt) + "\n" + hex.EncodeToString(mac) + "\n" + hex.EncodeToString(ct)
	body := hex.EncodeToString([]byte(inner))

	var b bytes.Buffer
	if s.ID == "" || s.ID == DefaultID {
		b.WriteString(header + ";1.1;AES256\n")
	} else {
		b.WriteString(header + ";1.2;AES256;" + s.ID + "\n")
	}
	for len(body) > 80 {
		b.WriteString(body[:80])
		b.WriteByte('\n')
		body = body[80:]
	}
	b.WriteString(body)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// EncryptString encrypts plaintext and formats it as the YAML block that
// `ansible-vault encrypt_string` prints: "!vault |" (or "name: !vault |")
// and the vault text indented by ten spaces, with no final newline.
func EncryptString(plaintext []byte, s Secret, name string) ([]byte, error) {
	vt, err := Encrypt(plaintext, s)
	if err != nil {
		return nil, err
	}
	return formatYAMLBlock(vt, name), nil
}

func formatYAMLBlock(vaultText []byte, name string) []byte {
	var b bytes.Buffer
	if name != "" {
		b.WriteString(name + ": ")
	}
	b.WriteString("!vault |")
	for _, line := range splitLines(vaultText) {
		b.WriteString("\n          ")
		b.Write(line)
	}
	return b.Bytes()
}
