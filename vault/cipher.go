package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"fmt"
)

// The AES256 cipher of Ansible's VaultAES256: PBKDF2-HMAC-SHA256 with 10000
// iterations stretches the password and a 32-byte salt into 80 bytes, cut
// into the AES-256 key, the HMAC-SHA256 key and the 16-byte initial CTR
// counter. The plaintext is PKCS7-padded to the AES block size even though
// CTR does not need it, because Ansible does.
const (
	kdfIterations = 10000
	saltLen       = 32
	keyLen        = 32
	ivLen         = aes.BlockSize
)

type keys struct {
	cipherKey, hmacKey, iv []byte
}

func deriveKeys(password, salt []byte) (keys, error) {
	// crypto/pbkdf2 takes the password as a string; the copy lives as long
	// as this call.
	dk, err := pbkdf2.Key(sha256.New, string(password), salt, kdfIterations, 2*keyLen+ivLen)
	if err != nil {
		return keys{}, fmt.Errorf("derive vault keys: %w", err)
	}
	return keys{dk[:keyLen], dk[keyLen : 2*keyLen], dk[2*keyLen:]}, nil
}

// seal pads, encrypts and authenticates plaintext, returning the ciphertext
// and its HMAC.
func seal(plaintext []byte, k keys) (ciphertext, mac []byte, err error) {
	block, err := aes.NewCipher(k.cipherKey)
	if err != nil {
		return nil, nil, err
	}
	padded := pkcs7Pad(plaintext, aes.BlockSize)
	ciphertext = make([]byte, len(padded))
	cipher.NewCTR(block, k.iv).XORKeyStream(ciphertext, padded)
	h := hmac.New(sha256.New, k.hmacKey)
	h.Write(ciphertext)
	return ciphertext, h.Sum(nil), nil
}

// errHMAC means the secret is not the one the data was encrypted with (or
// the data was altered); Decrypt then tries the next secret.
var errHMAC = fmt.Errorf("HMAC verification failed")

// open verifies mac over ciphertext in constant time, and only then
// decrypts and unpads.
func open(ciphertext, mac []byte, k keys) ([]byte, error) {
	h := hmac.New(sha256.New, k.hmacKey)
	h.Write(ciphertext)
	if !hmac.Equal(h.Sum(nil), mac) {
		return nil, errHMAC
	}
	block, err := aes.NewCipher(k.cipherKey)
	if err != nil {
		return nil, err
	}
	padded := make([]byte, len(ciphertext))
	cipher.NewCTR(block, k.iv).XORKeyStream(padded, ciphertext)
	return pkcs7Unpad(padded, aes.BlockSize)
}

func pkcs7Pad(b []byte, size int) []byte {
	n := size - len(b)%size
	out := make([]byte, len(b), len(b)+n)
	copy(out, b)
	for range n {
		out = append(out, byte(n))
	}
	return out
}

// pkcs7Unpad is as strict as the cryptography library's unpadder that
// Ansible uses: whole blocks, a pad length of 1..size, every pad byte equal.
func pkcs7Unpad(b []byte, size int) ([]byte, error) {
	if len(b) == 0 || len(b)%size != 0 {
		return nil, fmt.Errorf("Invalid padding bytes")
	}
	n := int(b[len(b)-1])
	if n == 0 || n > size {
		return nil, fmt.Errorf("Invalid padding bytes")
	}
	var bad byte
	for _, c := range b[len(b)-n:] {
		bad |= c ^ byte(n)
	}
	if bad != 0 {
		return nil, fmt.Errorf("Invalid padding bytes")
	}
	return b[:len(b)-n], nil
}
