package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// TestDecryptErrors feeds broken and mismatched vault text and wants a
// clear error of the right kind, never a panic, and never the password.
func TestDecryptErrors(t *testing.T) {
	good := fixture(t, "v12_dev.yml")
	lines := strings.Split(string(good), "\n")
	body := strings.Join(lines[1:], "\n")

	// Flip one hex digit of the HMAC (inner hex of the first body line after
	// the salt) while keeping the text valid hex.
	env, err := ParseEnvelope(good, "")
	if err != nil {
		t.Fatal(err)
	}
	tamper := func(mod func(e *Envelope)) []byte {
		e := *env
		e.HMAC = bytes.Clone(env.HMAC)
		e.Ciphertext = bytes.Clone(env.Ciphertext)
		mod(&e)
		return marshalEnvelope(&e)
	}

	tests := []struct {
		name    string
		data    string
		secrets []Secret
		want    error
		msg     string
	}{
		{"wrong password", string(good), []Secret{{ID: "dev", Password: []byte("nope")}}, ErrDecrypt,
			"Decryption failed (no vault secrets were found that could decrypt) on f.yml"},
		{"several wrong passwords", string(good), []Secret{pwDefault, pwProd}, ErrDecrypt,
			"Decryption failed (no vault secrets were found that could decrypt) on f.yml"},
		{"no secrets", string(good), nil, ErrNoSecrets, "Attempting to decrypt but no vault secrets found"},
		{"tampered hmac", string(tamper(func(e *Envelope) { e.HMAC[0] ^= 1 })), []Secret{pwDev}, ErrDecrypt, "Decryption failed"},
		{"short hmac", string(tamper(func(e *Envelope) { e.HMAC = e.HMAC[:16] })), []Secret{pwDev}, ErrDecrypt, "Decryption failed"},
		{"tampered ciphertext", string(tamper(func(e *Envelope) { e.Ciphertext[3] ^= 0x80 })), []Secret{pwDev}, ErrDecrypt, "Decryption failed"},
		{"truncated ciphertext block", string(tamper(func(e *Envelope) { e.Ciphertext = e.Ciphertext[:len(e.Ciphertext)-16] })), []Secret{pwDev}, ErrDecrypt, "Decryption failed"},
		{"truncated file odd", string(good[:len(good)-8]), []Secret{pwDev}, ErrFormat, "Vault format unhexlify error: Odd-length string"},
		{"truncated file even", string(good[:len(good)-7]), []Secret{pwDev}, ErrFormat, "Vault format unhexlify error"},
		{"header only", lines[0] + "\n", []Secret{pwDev}, ErrFormat, "Vault vaulttext format error: not enough values to unpack (expected 3, got 1)"},
		{"header only no newline", "$ANSIBLE_VAULT", []Secret{pwDev}, ErrFormat, "Vault envelope format error in f.yml: header"},
		{"two fields", "$ANSIBLE_VAULT;1.1\n" + body, []Secret{pwDev}, ErrFormat, "Vault envelope format error in f.yml"},
		{"bad magic", "$ANSIBLE_VAULTX;1.1;AES256\n" + body, []Secret{pwDev}, ErrFormat, "does not start with $ANSIBLE_VAULT;"},
		{"old AES cipher", "$ANSIBLE_VAULT;1.0;AES\n" + body, []Secret{pwDev}, ErrCipher, "AES cipher could not be found"},
		{"not hex", lines[0] + "\nzz" + body[2:], []Secret{pwDev}, ErrFormat, "Vault format unhexlify error: Non-hexadecimal digit found"},
		{"indented body", lines[0] + "\n  " + body, []Secret{pwDev}, ErrFormat, "Vault format unhexlify error"},
		{"not encrypted", "plain: text\n", []Secret{pwDev}, ErrNotEncrypted, "input is not vault encrypted data. f.yml is not a vault encrypted file"},
		{"empty", "", []Secret{pwDev}, ErrNotEncrypted, "input is not vault encrypted data"},
		{"non-ascii", string(good) + "é", []Secret{pwDev}, ErrNotEncrypted, "input is not vault encrypted data"},
		{"bad padding", string(sealRaw(t, pwDev, []byte("sixteen bytes!!!"))), []Secret{pwDev}, ErrFormat, "There was a vault format error in f.yml: Invalid padding bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := DecryptWithID([]byte(tt.data), tt.secrets, "f.yml")
			if err == nil {
				t.Fatalf("DecryptWithID() = %q, nil; want error %v", got, tt.want)
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("DecryptWithID() error = %q, want %v containing %q", err, tt.want, tt.msg)
			}
			var ve *Error
			if !errors.As(err, &ve) {
				t.Errorf("error %T is not a *vault.Error", err)
			}
			for _, s := range tt.secrets {
				if strings.Contains(err.Error(), string(s.Password)) {
					t.Errorf("error %q contains the password", err)
				}
			}
		})
	}
}

// marshalEnvelope writes e back as vault text, for building tampered input.
func marshalEnvelope(e *Envelope) []byte {
	inner := hexs(e.Salt) + "\n" + hexs(e.HMAC) + "\n" + hexs(e.Ciphertext)
	out := "$ANSIBLE_VAULT;" + e.Version + ";" + e.Cipher
	if e.ID != "" {
		out += ";" + e.ID
	}
	return []byte(out + "\n" + hexs([]byte(inner)) + "\n")
}

// sealRaw builds a correctly authenticated envelope whose plaintext was not
// padded, as a broken encoder would: the HMAC passes, unpadding must fail.
func sealRaw(t *testing.T, s Secret, block []byte) []byte {
	t.Helper()
	salt := bytes.Repeat([]byte{7}, saltLen)
	k, err := deriveKeys(s.Password, salt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := aes.NewCipher(k.cipherKey)
	if err != nil {
		t.Fatal(err)
	}
	ct := make([]byte, len(block))
	cipher.NewCTR(c, k.iv).XORKeyStream(ct, block)
	h := hmac.New(sha256.New, k.hmacKey)
	h.Write(ct)
	return marshalEnvelope(&Envelope{Version: "1.2", Cipher: "AES256", ID: s.ID, Salt: salt, HMAC: h.Sum(nil), Ciphertext: ct})
}

func hexs(b []byte) string { return hex.EncodeToString(b) }
