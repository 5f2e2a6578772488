package lookup

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gplay/pyval"
)

func pwLookup(t *testing.T, tc *TaskContext, term string, kw *pyval.Dict) string {
	t.Helper()
	res, err := NewRegistry().Lookup(WithTask(context.Background(), tc), "password", []any{term}, kw)
	if err != nil {
		t.Fatalf("password(%q) error: %v", term, err)
	}
	if len(res) != 1 {
		t.Fatalf("password(%q) = %v, want one item", term, res)
	}
	return pyval.Str(res[0])
}

var defaultPwRE = regexp.MustCompile(`^[A-Za-z0-9.,:\-_]{20}$`)

// TestPasswordStoreAndReadBack: the first run generates and stores a
// password (the file holds it and a newline, 0600 in a 0700 directory);
// every later run reads the same one back and leaves the file alone.
func TestPasswordStoreAndReadBack(t *testing.T) {
	dir := t.TempDir()
	tc := &TaskContext{Basedir: dir}
	first := pwLookup(t, tc, "creds/db", nil)
	if !defaultPwRE.MatchString(first) {
		t.Errorf("password = %q, want 20 of ascii_letters, digits and .,:-_", first)
	}
	p := filepath.Join(dir, "creds/db")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != first+"\n" {
		t.Errorf("file = %q, want %q", b, first+"\n")
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v, want 0600", st.Mode().Perm())
	}
	dst, _ := os.Stat(filepath.Dir(p))
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("dir mode = %v, want 0700", dst.Mode().Perm())
	}
	before := st.ModTime()
	for i := 0; i < 3; i++ {
		if again := pwLookup(t, tc, "creds/db length=5 chars=digits", nil); again != first {
			t.Fatalf("run %d = %q, want the stored %q (parameters do not matter once stored)", i, again, first)
		}
	}
	st2, _ := os.Stat(p)
	if !st2.ModTime().Equal(before) {
		t.Errorf("file rewritten by a read-only run")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "creds", "*.ansible_lockfile"))
	if len(matches) != 0 {
		t.Errorf("lock files left behind: %v", matches)
	}
}

// TestPasswordEncryptKeepsSalt: encrypt= stores a salt next to the
// password, so the hash is the same on every run.
func TestPasswordEncryptKeepsSalt(t *testing.T) {
	dir := t.TempDir()
	tc := &TaskContext{Basedir: dir}
	h1 := pwLookup(t, tc, "pw encrypt=sha512_crypt", nil)
	b, _ := os.ReadFile(filepath.Join(dir, "pw"))
	m := regexp.MustCompile(`^(\S{20}) salt=([./0-9A-Za-z]{16})\n$`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("file = %q, want '<password> salt=<16 chars>'", b)
	}
	want := shaCrypt(sha512.New, "6", m[1], m[2], 656000)
	if h1 != want {
		t.Errorf("hash = %q, want %q", h1, want)
	}
	if h2 := pwLookup(t, tc, "pw encrypt=sha512_crypt", nil); h2 != h1 {
		t.Errorf("second run = %q, want the same hash %q", h2, h1)
	}
	if plain := pwLookup(t, tc, "pw", nil); plain != m[1] {
		t.Errorf("plain read = %q, want %q", plain, m[1])
	}
	b2, _ := os.ReadFile(filepath.Join(dir, "pw"))
	if string(b2) != string(b) {
		t.Errorf("file changed from %q to %q", b, b2)
	}
}

func TestPasswordDevNull(t *testing.T) {
	tc := &TaskContext{Basedir: t.TempDir()}
	a := pwLookup(t, tc, "/dev/null", nil)
	b := pwLookup(t, tc, "/dev/null", nil)
	if a == b {
		t.Errorf("two /dev/null passwords are equal (%q); want fresh ones", a)
	}
	if s1, s2 := pwLookup(t, tc, "/dev/null seed=x", nil), pwLookup(t, tc, "/dev/null seed=x", nil); s1 != s2 {
		t.Errorf("seeded passwords differ: %q, %q", s1, s2)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Errorf("/dev/null was replaced: %v %v", st, err)
	}
}

// TestPasswordParallel: hosts running the same lookup at once get one
// password, as the lock file makes Ansible's forks agree.
func TestPasswordParallel(t *testing.T) {
	dir := t.TempDir()
	tc := &TaskContext{Basedir: dir}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := NewRegistry().Lookup(WithTask(context.Background(), tc), "password", []any{"shared"}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = pyval.Str(res[0])
		}(i)
	}
	wg.Wait()
	for _, g := range got[1:] {
		if g != got[0] {
			t.Fatalf("parallel lookups disagree: %q", got)
		}
	}
}

func TestPasswordContentFormat(t *testing.T) {
	tests := []struct {
		content, pw, salt, ident string
	}{
		{"plain", "plain", "", ""},
		{"with space salt=abc", "with space", "abc", ""},
		{"p salt=abc ident=2b", "p", "abc", "2b"},
		{"p salt=x salt=y", "p salt=x", "y", ""},
		{"p salt=", "p", "", ""},
	}
	for _, tt := range tests {
		pw, salt, ident := parsePasswordContent(tt.content)
		if pw != tt.pw || salt != tt.salt || ident != tt.ident {
			t.Errorf("parsePasswordContent(%q) = %q, %q, %q; want %q, %q, %q", tt.content, pw, salt, ident, tt.pw, tt.salt, tt.ident)
		}
		if tt.salt != "" && !strings.Contains(tt.content, "salt=x salt") {
			if f := formatPasswordContent(pw, salt, "sha512_crypt", ident); f != tt.content {
				t.Errorf("formatPasswordContent round trip = %q, want %q", f, tt.content)
			}
		}
	}
}

// TestCryptVectors: glibc crypt(3) outputs (the SHA-crypt spec's own
// vectors among them).
func TestCryptVectors(t *testing.T) {
	tests := []struct{ got, want string }{
		{shaCrypt(sha512.New, "6", "Hello world!", "saltstring", 5000), "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{shaCrypt(sha256.New, "5", "Hello world!", "saltstring", 5000), "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
		{shaCrypt(sha512.New, "6", "", "", 5000), "$6$$/chiBau24cE26QQVW3IfIe68Xu5.JQ4E8Ie7lcRLwqxO5cxGuBhqF2HmTL.zWJ9zjChg3yJYFXeGBQ2y3Ba1d1"},
		{shaCrypt(sha512.New, "6", "Hello world!", "saltstringsaltstring", 10000), "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
		{md5Crypt("password", "saltsalt"), "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("vector %d = %q, want %q", i, tt.got, tt.want)
		}
	}
}
