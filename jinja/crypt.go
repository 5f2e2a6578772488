package jinja

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"gplay/pyval"
)

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func randomSalt(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return strings.Repeat(".", n)
	}
	for i := range b {
		b[i] = cryptAlphabet[int(b[i])%len(cryptAlphabet)]
	}
	return string(b)
}

// shaCrypt is the SHA-crypt scheme ($5$/$6$) of glibc crypt(3), as
// specified by Ulrich Drepper.
func shaCrypt(ctx context.Context, password, salt string, rounds int, is512 bool) (string, error) {
	newHash := sha256.New
	size := 32
	prefix := "$5$"
	if is512 {
		newHash = sha512.New
		size = 64
		prefix = "$6$"
	}
	if len(salt) > 16 {
		salt = salt[:16]
	}
	if rounds == 0 {
		// passlib's defaults, which Ansible uses when passlib is installed
		rounds = 535000
		if is512 {
			rounds = 656000
		}
	}
	customRounds := rounds != 5000
	rounds = min(max(rounds, 1000), 999999999)
	pw, sl := []byte(password), []byte(salt)

	b := newHash()
	b.Write(pw)
	b.Write(sl)
	b.Write(pw)
	sumB := b.Sum(nil)

	a := newHash()
	a.Write(pw)
	a.Write(sl)
	for i := len(pw); i > 0; i -= size {
		a.Write(sumB[:min(i, size)])
	}
	for i := len(pw); i > 0; i >>= 1 {
		if i&1 != 0 {
			a.Write(sumB)
		} else {
			a.Write(pw)
		}
	}
	sumA := a.Sum(nil)

	seq := func(h func() hash.Hash, data []byte, times int) []byte {
		x := h()
		for i := 0; i < times; i++ {
			x.Write(data)
		}
		d := x.Sum(nil)
		out := make([]byte, 0, len(data))
		for len(out)+size <= len(data) {
			out = append(out, d...)
		}
		return append(out, d[:len(data)-len(out)]...)
	}
	p := seq(newHash, pw, len(pw))
	s := seq(newHash, sl, 16+int(sumA[0]))

	c := sumA
	h := newHash()
	next := make([]byte, 0, size)
	for i := 0; i < rounds; i++ {
		if i&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		h.Reset()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		next = h.Sum(next[:0])
		c, next = next, c[:0]
	}

	var order []int
	if is512 {
		order = []int{0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41, 63}
	} else {
		order = []int{0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29, 31, 30}
	}
	var enc strings.Builder
	emit := func(v uint32, n int) {
		for ; n > 0; n-- {
			enc.WriteByte(cryptAlphabet[v&0x3f])
			v >>= 6
		}
	}
	if is512 {
		for i := 0; i+2 < 63; i += 3 {
			emit(uint32(c[order[i]])<<16|uint32(c[order[i+1]])<<8|uint32(c[order[i+2]]), 4)
		}
		emit(uint32(c[order[63]]), 2)
	} else {
		for i := 0; i+2 < 30; i += 3 {
			emit(uint32(c[order[i]])<<16|uint32(c[order[i+1]])<<8|uint32(c[order[i+2]]), 4)
		}
		emit(uint32(c[31])<<8|uint32(c[30]), 3)
	}
	out := prefix
	if customRounds {
		out += "rounds=" + strconv.Itoa(rounds) + "$"
	}
	return out + salt + "$" + enc.String(), nil
}

func fPasswordHash(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("password_hash", args, kw, []string{"hashtype", "salt", "salt_size", "rounds", "ident"}, "sha512", nil, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	pw, err := toText(v)
	if err != nil {
		return nil, err
	}
	ht, _ := asStr(a[0])
	salt := ""
	if a[1] != nil {
		salt, _ = toText(a[1])
	}
	rounds := 0
	if a[3] != nil {
		r, _ := toInt(a[3])
		rounds = int(r)
	}
	switch ht {
	case "sha512", "sha512_crypt", "sha256", "sha256_crypt":
		if salt == "" {
			salt = randomSalt(16)
		}
		for _, r := range salt {
			if !strings.ContainsRune(cryptAlphabet, r) {
				return nil, rtErr("invalid characters in %s salt", ht)
			}
		}
		return shaCrypt(s.ctx, pw, salt, rounds, strings.HasPrefix(ht, "sha512"))
	case "bcrypt", "blowfish":
		cost := bcrypt.DefaultCost
		if rounds != 0 {
			cost = rounds
		}
		h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
		if err != nil {
			return nil, rtErr("%s", err.Error())
		}
		// passlib's default ident is 2b; x/crypto writes 2a (same hash)
		id := "2b"
		if s, ok := a[4].(string); ok && s != "" {
			id = s
		}
		return "$" + id + string(h)[3:], nil
	}
	return nil, rtErr("%s is not in the list of supported passlib algorithms: md5, blowfish, sha256, sha512", ht)
}

func fURLSplit(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("urlsplit", args, kw, []string{"query"}, "")
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	scheme, rest := "", str
	if i := strings.IndexByte(str, ':'); i > 0 {
		cand := str[:i]
		ok := true
		for j, r := range cand {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
				ok = false
				break
			}
		}
		if ok {
			scheme, rest = strings.ToLower(cand), str[i+1:]
		}
	}
	netloc := ""
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc, rest = rest[:end], rest[end:]
	}
	fragment := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, fragment = rest[:i], rest[i+1:]
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	var username, password, hostname, port any
	hostPart := netloc
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		ui := netloc[:i]
		hostPart = netloc[i+1:]
		if j := strings.IndexByte(ui, ':'); j >= 0 {
			username, password = ui[:j], ui[j+1:]
		} else {
			username = ui
		}
	}
	if hostPart != "" {
		h := hostPart
		if strings.HasPrefix(h, "[") {
			if j := strings.IndexByte(h, ']'); j >= 0 {
				if strings.HasPrefix(h[j+1:], ":") && h[j+2:] != "" {
					if p, err := strconv.Atoi(h[j+2:]); err == nil {
						port = int64(p)
					}
				}
				h = h[1:j]
			}
		} else if j := strings.LastIndexByte(h, ':'); j >= 0 {
			if h[j+1:] != "" {
				p, err := strconv.Atoi(h[j+1:])
				if err != nil {
					return nil, rtErr("Port could not be cast to integer value as %s", pyQuote(h[j+1:]))
				}
				port = int64(p)
			}
			h = h[:j]
		}
		if h != "" {
			hostname = strings.ToLower(h)
		}
	}
	_ = url.PathEscape
	d := pyval.DictOf("fragment", fragment, "hostname", hostname, "netloc", netloc, "password", password,
		"path", rest, "port", port, "query", query, "scheme", scheme, "username", username)
	q, _ := asStr(a[0])
	if q != "" {
		x, ok := d.Get(q)
		if !ok {
			return nil, rtErr("urlsplit: unknown URL component: %s", q)
		}
		return x, nil
	}
	return d, nil
}
