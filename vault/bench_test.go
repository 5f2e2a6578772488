package vault

import (
	"bytes"
	"testing"
)

// Decryption cost is dominated by PBKDF2's 10000 rounds, once per secret
// tried; these show what a vault-heavy inventory pays per value.
func BenchmarkDecrypt(b *testing.B) {
	vt, err := Encrypt(bytes.Repeat([]byte("x"), 1024), pwDev)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name    string
		secrets []Secret
	}{
		{"label first", []Secret{pwProd, pwDefault, pwDev}},
		{"unlabelled match last", []Secret{pwProd, pwDefault, {ID: "x", Password: pwDev.Password}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Decrypt(vt, bc.secrets); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncrypt(b *testing.B) {
	plain := bytes.Repeat([]byte("x"), 1024)
	for b.Loop() {
		if _, err := Encrypt(plain, pwDev); err != nil {
			b.Fatal(err)
		}
	}
}
