package crypt

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestKnownAnswers checks Drepper's specification's test vectors and
// glibc's crypt(3) for rounds below the minimum and MD5-crypt.
func TestKnownAnswers(t *testing.T) {
	sha := func(is512 bool, pw, salt string, rounds int) string {
		s, err := SHA(context.Background(), is512, pw, salt, rounds)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct{ got, want string }{
		{sha(true, "Hello world!", "saltstring", 5000), "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{sha(false, "Hello world!", "saltstring", 5000), "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
		{sha(true, "", "", 5000), "$6$$/chiBau24cE26QQVW3IfIe68Xu5.JQ4E8Ie7lcRLwqxO5cxGuBhqF2HmTL.zWJ9zjChg3yJYFXeGBQ2y3Ba1d1"},
		{sha(true, "Hello world!", "saltstringsaltstring", 10000), "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
		{sha(false, "Hello world!", "saltstringsaltstring", 10000), "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
		{sha(false, "we have a short salt string but not a short password", "roundstoolow", 10), "$5$rounds=1000$roundstoolow$p20OiWa5GmKDHyeQuvXKgAXjYozUMLD5yQL6RzRpZCC"},
		{MD5("password", "saltsalt"), "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %s, want %s", i, tc.got, tc.want)
		}
	}
}

// TestAgainstPasslib compares with passlib, as Ansible's password_hash
// computes, when python3-passlib is installed.
func TestAgainstPasslib(t *testing.T) {
	tests := []struct {
		scheme, pw, salt string
		rounds           int
	}{
		{"sha512_crypt", "secret", "abcdefgh", DefaultRoundsSHA512},
		{"sha256_crypt", "pässwörd", "./09AZaz", DefaultRoundsSHA256},
		{"sha512_crypt", strings.Repeat("long", 40), "x", 1000},
		{"md5_crypt", "secret", "abcdefgh", 0},
	}
	for _, tc := range tests {
		args := "salt=sys.argv[3]"
		if tc.rounds != 0 {
			args += ", rounds=int(sys.argv[4])"
		}
		out, err := exec.Command("/usr/bin/python3", "-c", "import sys; from passlib import hash; print(getattr(hash, sys.argv[1]).using("+args+").hash(sys.argv[2]))",
			tc.scheme, tc.pw, tc.salt, strconv.Itoa(tc.rounds)).Output()
		if err != nil {
			t.Skipf("SKIP: passlib: %v", err)
		}
		var got string
		if tc.scheme == "md5_crypt" {
			got = MD5(tc.pw, tc.salt)
		} else {
			got, _ = SHA(context.Background(), tc.scheme == "sha512_crypt", tc.pw, tc.salt, tc.rounds)
		}
		if want := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s(%q, %q, %d) = %s, passlib %s", tc.scheme, tc.pw, tc.salt, tc.rounds, got, want)
		}
	}
}
