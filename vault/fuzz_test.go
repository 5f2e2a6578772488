package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecrypt: any input either decrypts or fails with a *vault.Error;
// nothing panics, and whatever decrypts survives a round trip.
// Seeds: every fixture, plus hand-broken headers. Run longer with
// go test ./vault -run '^$' -fuzz FuzzDecrypt -fuzztime 1m
func FuzzDecrypt(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "vault", "v1*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, []byte("dev-secret"))
		f.Add(b, pwDefault.Password)
	}
	for _, s := range []string{
		"", "$ANSIBLE_VAULT", "$ANSIBLE_VAULT;", "$ANSIBLE_VAULT;1.1;AES256",
		"$ANSIBLE_VAULT;1.1;AES256\n", "$ANSIBLE_VAULT;1.1;AES256\n0a0a",
		"$ANSIBLE_VAULT;1.2;AES256;x;y\r\n0a0a\r\n", "$ANSIBLE_VAULT;1.1;AES256\n" + hexs([]byte("00\n00\n00")),
		"$ANSIBLE_VAULT;1.1;AES256\n" + hexs([]byte(strings.Repeat("ab", 32)+"\n"+strings.Repeat("cd", 32)+"\n"+strings.Repeat("ef", 16))),
	} {
		f.Add([]byte(s), []byte("pw"))
	}
	f.Fuzz(func(t *testing.T, data, password []byte) {
		secrets := []Secret{{ID: "dev", Password: password}, pwDefault}
		if env, err := ParseEnvelope(data, "fuzz"); err == nil {
			if env.Cipher == "" && env.Version == "" && env.ID == "" && len(env.Salt) == 0 && !IsEncrypted(data) {
				t.Fatalf("ParseEnvelope accepted non-vault data %q", data)
			}
		} else {
			checkVaultError(t, err, data, password)
		}
		plain, id, err := DecryptWithID(data, secrets, "fuzz")
		if err != nil {
			checkVaultError(t, err, data, password)
			return
		}
		if id != "dev" && id != DefaultID {
			t.Fatalf("DecryptWithID returned id %q not among the secrets", id)
		}
		if IsEncrypted(plain) {
			return // Encrypt refuses vault text, rightly
		}
		s := Secret{ID: id, Password: password}
		if id == DefaultID {
			s = pwDefault
		}
		if len(s.Password) == 0 {
			return
		}
		vt, err := Encrypt(plain, s)
		if err != nil {
			t.Fatalf("Encrypt of decrypted data: %v", err)
		}
		back, err := Decrypt(vt, []Secret{s})
		if err != nil || !bytes.Equal(back, plain) {
			t.Fatalf("round trip = %q, %v; want %q", back, err, plain)
		}
	})
}

// vaultMessageWords are the fixed texts of the package's errors; a password
// found inside them is a coincidence, not a leak.
const vaultMessageWords = "Decryption failed (no vault secrets were found that could decrypt) on " +
	"HMAC verification failed input is not vault encrypted data vault format unhexlify error " +
	"Attempting to decrypt but no vault secrets found"

func checkVaultError(t *testing.T, err error, data, password []byte) {
	t.Helper()
	var ve *Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %T %q is not a *vault.Error", err, err)
	}
	// Errors may quote the header, so only a password absent from the input
	// counts as leaked; and a password that is a piece of the message's own
	// words ("cret" in "secrets") is no leak either.
	msg := err.Error()
	fixed := strings.ReplaceAll(msg, "fuzz", "")
	if len(password) >= 4 && !bytes.Contains(data, password) && strings.Contains(msg, string(password)) &&
		!strings.Contains(vaultMessageWords, string(password)) && strings.Contains(fixed, string(password)) {
		t.Fatalf("error %q contains the password", err)
	}
}
