package lookup

import (
	"context"
	"hash"

	"gplay/crypt"
)

// shaCrypt and md5Crypt are the names password_test.go checks the
// encrypt= hashes with; the hashing itself lives in package crypt.
func shaCrypt(_ func() hash.Hash, id, pw, salt string, rounds int) string {
	h, _ := crypt.SHA(context.Background(), id == "6", pw, salt, rounds)
	return h
}

func md5Crypt(pw, salt string) string { return crypt.MD5(pw, salt) }
