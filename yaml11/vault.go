package yaml11

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"gplay/diag"
	"gplay/pyval"
)

// ErrNoVaultSecrets is returned when a !vault value is used but the load was
// given no Decrypter.
var ErrNoVaultSecrets = errors.New("attempting to decrypt but no vault secrets found")

// Vault is a !vault value: Ansible's AnsibleVaultEncryptedUnicode. It holds
// the ciphertext and decrypts it on first use, so a file may carry values
// for vault ids the run never needs. It behaves as a str once decrypted.
type Vault struct {
	// Ciphertext is the scalar's text: "$ANSIBLE_VAULT;1.1;AES256\n…".
	Ciphertext []byte
	Pos        diag.Pos

	dec   Decrypter
	once  sync.Once
	plain string
	err   error
}

// NewVault returns a vault value that decrypts ciphertext with dec.
func NewVault(ciphertext []byte, pos diag.Pos, dec Decrypter) *Vault {
	return &Vault{Ciphertext: ciphertext, Pos: pos, dec: dec}
}

// Decrypt returns the plaintext, decrypting on the first call only. The
// error is a *diag.Error at the value's position.
func (v *Vault) Decrypt() (string, error) {
	v.once.Do(func() {
		if v.dec == nil {
			v.err = &diag.Error{Pos: v.Pos, Msg: "cannot decrypt !vault value", Err: ErrNoVaultSecrets,
				Hint: "give the vault password with --vault-id, --vault-password-file or --ask-vault-pass"}
			return
		}
		b, err := v.dec.Decrypt(trimVaultText(v.Ciphertext))
		if err != nil {
			v.err = &diag.Error{Pos: v.Pos, Msg: "cannot decrypt !vault value", Err: err}
			return
		}
		v.plain = string(b)
	})
	return v.plain, v.err
}

// String returns the plaintext, or a placeholder naming the failure; callers
// that must see the error use Decrypt.
func (v *Vault) String() string {
	s, err := v.Decrypt()
	if err != nil {
		return fmt.Sprintf("<vault value at %s: %v>", v.Pos, err)
	}
	return s
}

// trimVaultText removes the indentation a !vault block may keep and blank
// lines around it, as Ansible's to_bytes + VaultLib parsing tolerate.
func trimVaultText(b []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

// IsVaultFile reports whether b is a whole vault-encrypted file (one that
// starts with the $ANSIBLE_VAULT header), which callers decrypt with the
// Decrypter before parsing.
func IsVaultFile(b []byte) bool {
	return strings.HasPrefix(strings.TrimLeft(string(b[:min(len(b), 64)]), " \t\r\n"), "$ANSIBLE_VAULT;")
}

// PyRepr shows the plaintext quoted, as Python's repr of Ansible's
// AnsibleVaultEncryptedUnicode does, so a vault value inside a dict prints
// like the string it stands for.
func (v *Vault) PyRepr() string { return pyval.QuoteStr(v.String()) }
