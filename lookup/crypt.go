package lookup

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"regexp"
	"strconv"
)

// The password lookup's encrypt= hashes, as Ansible 2.14 computes them with
// passlib (Debian's ansible-core comes with python3-passlib): the SHA
// schemes with Ansible's implicit rounds (656000 for sha512_crypt, 535000
// for sha256_crypt), written into the hash as passlib does.

const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

type cryptAlgo struct {
	id       string
	saltSize int
	exact    bool
	rounds   int
}

// cryptAlgos is BaseHash.algorithms (utils/encrypt.py).
var cryptAlgos = map[string]cryptAlgo{
	"md5_crypt":    {id: "1", saltSize: 8},
	"bcrypt":       {id: "2b", saltSize: 22, exact: true},
	"sha256_crypt": {id: "5", saltSize: 16, rounds: 535000},
	"sha512_crypt": {id: "6", saltSize: 16, rounds: 656000},
}

var badSaltRE = regexp.MustCompile(`[^./0-9A-Za-z]`)

// doEncrypt is utils.encrypt.do_encrypt through PasslibHash. Of passlib's
// many schemes gplay has the three crypt(3) ones people use for
// /etc/shadow; bcrypt and the rest are refused.
func doEncrypt(secret, algo, salt, ident string) (string, error) {
	a, ok := cryptAlgos[algo]
	if !ok || algo == "bcrypt" {
		return "", errf("passlib does not support '%s' algorithm", algo)
	}
	hashErr := func(msg string) error {
		return errf("Could not hash the secret.. %s", msg)
	}
	if badSaltRE.MatchString(salt) {
		return "", hashErr("invalid characters in " + algo + " salt")
	}
	if len(salt) > a.saltSize {
		return "", hashErr("salt too large (" + algo + " requires <= " + strconv.Itoa(a.saltSize) + " chars)")
	}
	switch algo {
	case "sha512_crypt":
		return shaCrypt(sha512.New, "6", secret, salt, a.rounds), nil
	case "sha256_crypt":
		return shaCrypt(sha256.New, "5", secret, salt, a.rounds), nil
	}
	return md5Crypt(secret, salt), nil
}

func b64From24(out []byte, b2, b1, b0 byte, n int) []byte {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for ; n > 0; n-- {
		out = append(out, itoa64[w&0x3f])
		w >>= 6
	}
	return out
}

// shaCrypt is Ulrich Drepper's SHA-crypt ($5$ and $6$).
// The rounds are written into the hash unless they are the scheme's
// implicit 5000.
func shaCrypt(newHash func() hash.Hash, id, pw, salt string, rounds int) string {
	if len(salt) > 16 {
		salt = salt[:16]
	}
	p, s := []byte(pw), []byte(salt)
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

	h = newHash()
	for range p {
		h.Write(p)
	}
	dp := h.Sum(nil)
	pseq := make([]byte, 0, len(p))
	for len(pseq)+size <= len(p) {
		pseq = append(pseq, dp...)
	}
	pseq = append(pseq, dp[:len(p)-len(pseq)]...)

	h = newHash()
	for i := 0; i < 16+int(a[0]); i++ {
		h.Write(s)
	}
	ds := h.Sum(nil)
	sseq := make([]byte, 0, len(s))
	for len(sseq)+size <= len(s) {
		sseq = append(sseq, ds...)
	}
	sseq = append(sseq, ds[:len(s)-len(sseq)]...)

	// one hash and one buffer for all rounds: 656000 rounds must not
	// allocate each time
	c := append(make([]byte, 0, size), a...)
	h = newHash()
	for i := 0; i < rounds; i++ {
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
	if rounds != 5000 {
		out = append(out, "rounds="+strconv.Itoa(rounds)+"$"...)
	}
	out = append(out, salt...)
	out = append(out, '$')
	if size == 64 {
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
	return string(out)
}

// md5Crypt is Poul-Henning Kamp's MD5-crypt ($1$).
func md5Crypt(pw, salt string) string {
	if len(salt) > 8 {
		salt = salt[:8]
	}
	p, s := []byte(pw), []byte(salt)
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
