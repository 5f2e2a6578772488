package crypt

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strconv"
	"strings"
)

// Alphabet is crypt(3)'s base-64 alphabet, which salts are drawn from.
const Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// passlib's default rounds, which Ansible uses (Debian's ansible-core comes
// with python3-passlib).
const (
	DefaultRoundsSHA256 = 535000
	DefaultRoundsSHA512 = 656000
)

// RandomSalt returns n random characters of Alphabet.
func RandomSalt(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return strings.Repeat(".", n)
	}
	for i := range b {
		b[i] = Alphabet[int(b[i])%len(Alphabet)]
	}
	return string(b)
}

// SHA is SHA-crypt: $6$ (SHA-512) when is512, else $5$ (SHA-256). The salt
// is cut to 16 characters; rounds are clamped to 1000..999999999 and written
// into the hash unless they are the implicit 5000. ctx is checked while the
// rounds run, since a template may ask for many.
func SHA(ctx context.Context, is512 bool, password, salt string, rounds int) (string, error) {
	newHash, id := sha256.New, "5"
	if is512 {
		newHash, id = sha512.New, "6"
	}
	if len(salt) > 16 {
		salt = salt[:16]
	}
	custom := rounds != 5000
	rounds = min(max(rounds, 1000), 999999999)
	p, s := []byte(password), []byte(salt)
	h := newHash()
	h.Write(p)
	h.Write(s)
	h.Write(p)
	b := h.Sum(nil)
	size := len(b)

	h = newHash()
	h.Write(p)
	h.Write(s)
	n := len(p)
	for ; n > size; n -= size {
		h.Write(b)
	}
	h.Write(b[:n])
	for i := len(p); i > 0; i >>= 1 {
		if i&1 != 0 {
			h.Write(b)
		} else {
			h.Write(p)
		}
	}
	a := h.Sum(nil)

	pseq := repeatDigest(newHash, p, len(p))
	sseq := repeatDigest(newHash, s, 16+int(a[0]))

	// one hash and one buffer for all rounds: 656000 rounds must not
	// allocate each time
	c := append(make([]byte, 0, size), a...)
	h = newHash()
	for i := 0; i < rounds; i++ {
		if i&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		h.Reset()
		if i&1 != 0 {
			h.Write(pseq)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(sseq)
		}
		if i%7 != 0 {
			h.Write(pseq)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(pseq)
		}
		c = h.Sum(c[:0])
	}

	out := []byte("$" + id + "$")
	if custom {
		out = append(out, "rounds="+strconv.Itoa(rounds)+"$"...)
	}
	out = append(out, salt...)
	out = append(out, '$')
	if is512 {
		perm := [][3]int{{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48}, {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13}, {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41}}
		for _, t := range perm {
			out = b64From24(out, c[t[0]], c[t[1]], c[t[2]], 4)
		}
		out = b64From24(out, 0, 0, c[63], 2)
	} else {
		perm := [][3]int{{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14}, {15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29}}
		for _, t := range perm {
			out = b64From24(out, c[t[0]], c[t[1]], c[t[2]], 4)
		}
		out = b64From24(out, 0, c[31], c[30], 3)
	}
	return string(out), nil
}

// repeatDigest is the P and S sequences: the digest of data written times
// times, repeated to data's length.
func repeatDigest(newHash func() hash.Hash, data []byte, times int) []byte {
	h := newHash()
	for range times {
		h.Write(data)
	}
	d := h.Sum(nil)
	out := make([]byte, 0, len(data))
	for len(out)+len(d) <= len(data) {
		out = append(out, d...)
	}
	return append(out, d[:len(data)-len(out)]...)
}

func b64From24(out []byte, b2, b1, b0 byte, n int) []byte {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for ; n > 0; n-- {
		out = append(out, Alphabet[w&0x3f])
		w >>= 6
	}
	return out
}

// MD5 is Poul-Henning Kamp's MD5-crypt ($1$); the salt is cut to 8
// characters.
func MD5(password, salt string) string {
	if len(salt) > 8 {
		salt = salt[:8]
	}
	p, s := []byte(password), []byte(salt)
	h := md5.New()
	h.Write(p)
	h.Write(s)
	h.Write(p)
	fin := h.Sum(nil)

	h = md5.New()
	h.Write(p)
	h.Write([]byte("$1$"))
	h.Write(s)
	for n := len(p); n > 0; n -= 16 {
		h.Write(fin[:min(n, 16)])
	}
	for i := len(p); i > 0; i >>= 1 {
		if i&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(p[:1])
		}
	}
	fin = h.Sum(nil)
	for i := 0; i < 1000; i++ {
		h = md5.New()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(fin)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(fin)
		} else {
			h.Write(p)
		}
		fin = h.Sum(nil)
	}
	out := []byte("$1$" + salt + "$")
	for _, t := range [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		out = b64From24(out, fin[t[0]], fin[t[1]], fin[t[2]], 4)
	}
	out = b64From24(out, 0, 0, fin[11], 2)
	return string(out)
}
