package lookup

import (
	"context"
	"regexp"
	"strconv"

	"gplay/crypt"
)

// The password lookup's encrypt= hashes, as Ansible 2.14 computes them with
// passlib (Debian's ansible-core comes with python3-passlib): the SHA
// schemes with Ansible's implicit rounds (656000 for sha512_crypt, 535000
// for sha256_crypt), written into the hash as passlib does.

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
	"sha256_crypt": {id: "5", saltSize: 16, rounds: crypt.DefaultRoundsSHA256},
	"sha512_crypt": {id: "6", saltSize: 16, rounds: crypt.DefaultRoundsSHA512},
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
	if algo == "md5_crypt" {
		return crypt.MD5(secret, salt), nil
	}
	return crypt.SHA(context.Background(), algo == "sha512_crypt", secret, salt, a.rounds)
}
