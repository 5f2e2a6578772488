package jinja

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"gplay/crypt"
	"gplay/pyval"
)

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
			salt = crypt.RandomSalt(16)
		}
		for _, r := range salt {
			if !strings.ContainsRune(crypt.Alphabet, r) {
				return nil, rtErr("invalid characters in %s salt", ht)
			}
		}
		is512 := strings.HasPrefix(ht, "sha512")
		if rounds == 0 {
			// passlib's defaults, which Ansible uses when passlib is installed
			rounds = crypt.DefaultRoundsSHA256
			if is512 {
				rounds = crypt.DefaultRoundsSHA512
			}
		}
		return crypt.SHA(s.ctx, is512, pw, salt, rounds)
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
