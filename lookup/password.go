package lookup

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gplay/pyval"
)

var passwordOptions = []option{
	{name: "encrypt"},
	{name: "ident", typ: "str"},
	{name: "chars", typ: "list", def: pyval.NewList("ascii_letters", "digits", ".,:-_")},
	{name: "length", typ: "int", def: int64(20)},
	{name: "seed", typ: "str"},
}

// charClasses are the attributes of Python's string module that chars=
// may name.
var charClasses = map[string]string{
	"ascii_letters":   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"ascii_lowercase": "abcdefghijklmnopqrstuvwxyz",
	"ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"digits":          "0123456789",
	"hexdigits":       "0123456789abcdefABCDEF",
	"octdigits":       "01234567",
	"punctuation":     "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
	"whitespace":      " \t\n\r\x0b\x0c",
	"printable":       "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c",
}

var validPasswordParams = map[string]bool{"length": true, "encrypt": true, "chars": true, "ident": true, "seed": true}

type pwParams struct {
	path    string
	length  int
	encrypt string
	ident   string
	seed    *string
	chars   []any
}

// parsePasswordTerm is the password lookup's _parse_parameters: a path,
// then k=v parameters; parameters override the lookup's keyword options.
func parsePasswordTerm(term string, opts options) (*pwParams, error) {
	pp := &pwParams{path: term}
	kv := pyval.NewDict(0)
	if sp := strings.SplitN(term, " ", 2); len(sp) == 2 {
		var err error
		pp.path = sp[0]
		kv, err = parseKV(sp[1])
		if err != nil {
			return nil, err
		}
		if raw, ok := kv.Get("_raw_params"); ok {
			pp.path = pp.path + " " + pyval.Str(raw)
			kv.Delete("_raw_params")
			if !strings.HasPrefix(term, pp.path) {
				return nil, errf("Unrecognized value after key=value parameters given to password lookup")
			}
		}
	}
	var bad []string
	for _, k := range kv.Keys() {
		if !validPasswordParams[pyval.Str(k)] {
			bad = append(bad, pyval.Str(k))
		}
	}
	if len(bad) > 0 {
		return nil, errf("Unrecognized parameter(s) given to password lookup: %s", strings.Join(bad, ", "))
	}
	get := func(name string) any {
		if v, ok := kv.Get(name); ok {
			return v
		}
		return opts[name]
	}
	n, err := pyInt(get("length"))
	if err != nil {
		return nil, &Error{Kind: KindOther, Class: "ValueError", Msg: err.Error()}
	}
	pp.length = int(n.(int64))
	if v := get("encrypt"); v != nil && pyval.Truth(v) {
		pp.encrypt = pyval.Str(v)
	}
	if v := get("ident"); v != nil && pyval.Truth(v) {
		pp.ident = pyval.Str(v)
	}
	if v := get("seed"); v != nil {
		s := pyval.Str(v)
		pp.seed = &s
	}
	switch c := get("chars").(type) {
	case string, pyval.Unsafe:
		s := pyval.Str(c)
		if s != "" {
			var items []any
			if strings.Contains(s, ",,") {
				items = append(items, ",")
			}
			for _, p := range strings.Split(strings.ReplaceAll(s, ",,", ","), ",") {
				if p != "" {
					items = append(items, p)
				}
			}
			pp.chars = items
		}
	case *pyval.List:
		pp.chars = c.Items
	case pyval.Tuple:
		pp.chars = c
	}
	return pp, nil
}

// candidateChars is _gen_candidate_chars: named classes expanded, other
// specs taken literally, quotes removed.
func candidateChars(specs []any) []rune {
	var b strings.Builder
	for _, s := range specs {
		spec := pyval.Str(s)
		if cls, ok := charClasses[spec]; ok {
			b.WriteString(cls)
		} else {
			b.WriteString(spec)
		}
	}
	return []rune(strings.NewReplacer(`"`, "", `'`, "").Replace(b.String()))
}

// parsePasswordContent splits "password salt=… ident=…" (_parse_content).
func parsePasswordContent(content string) (pw, salt, ident string) {
	pw = content
	rem := ""
	if i := strings.LastIndex(content, " salt="); i >= 0 {
		rem = content[i+len(" salt="):]
		pw = content[:i]
	}
	if rem != "" {
		if i := strings.LastIndex(rem, " ident="); i >= 0 {
			ident = rem[i+len(" ident="):]
			salt = rem[:i]
		} else {
			salt = rem
		}
	}
	return pw, salt, ident
}

// formatPasswordContent is _format_content: the stored line.
func formatPasswordContent(pw, salt, encrypt, ident string) string {
	if encrypt == "" && salt == "" {
		return pw
	}
	if ident != "" {
		return pw + " salt=" + salt + " ident=" + ident
	}
	return pw + " salt=" + salt
}

var saltChars = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./")

// passwordLookup is ansible.builtin.password: the password stored in a
// controller file, generated and stored on first use. The file holds the
// plain password, plus " salt=…" (and " ident=…") once encrypt= was asked
// for, so that the hash is the same on every run. /dev/null gives a fresh
// password every time and stores nothing.
func passwordLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), passwordOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, t := range c.Terms {
		pp, err := parsePasswordTerm(pyval.Str(t), opts)
		if err != nil {
			return nil, err
		}
		path := c.Task.pathDwim(pp.path)
		res, err := passwordOne(ctx, path, pp)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

func passwordOne(ctx context.Context, path string, pp *pwParams) (string, error) {
	devNull := path == "/dev/null"
	first, lock, err := passwordLock(ctx, path)
	if err != nil {
		return "", err
	}
	if first {
		defer os.Remove(lock)
	}
	changed := false
	var pw, salt, ident string
	content, exists, err := readPasswordFile(path)
	if err != nil {
		return "", err
	}
	if !exists || devNull {
		pw, err = randomString(pp.length, candidateChars(pp.chars), pp.seed)
		if err != nil {
			return "", err
		}
		changed = true
	} else {
		pw, salt, ident = parsePasswordContent(content)
	}
	algo, known := cryptAlgos[pp.encrypt]
	if pp.encrypt != "" && salt == "" {
		changed = true
		size := 8
		if known {
			size = algo.saltSize
		}
		if salt, err = randomString(size, saltChars, nil); err != nil {
			return "", err
		}
	}
	// Ansible takes ident from the parameters, not the file, and treats
	// every encrypt= run as a change (the file is rewritten unchanged)
	ident = pp.ident
	if pp.encrypt != "" && ident == "" {
		changed = true
		if known && pp.encrypt == "bcrypt" {
			ident = "2b"
		}
	}
	if changed && !devNull {
		if err := writePasswordFile(path, formatPasswordContent(pw, salt, pp.encrypt, ident)); err != nil {
			return "", err
		}
	}
	if pp.encrypt != "" {
		return doEncrypt(pw, pp.encrypt, salt, ident)
	}
	return pw, nil
}

// readPasswordFile is _read_password_file: the content with trailing
// whitespace removed; exists is false when there is no file.
func readPasswordFile(path string) (string, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, errf("%s", pyOSError(err))
	}
	return text([]byte(strings.TrimRight(string(b), " \t\n\r\x0b\x0c"))), true, nil
}

func writePasswordFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return errf("%s", pyOSError(err))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return errf("%s", pyOSError(err))
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return errf("%s", pyOSError(err))
	}
	if _, err := f.WriteString(content + "\n"); err != nil {
		f.Close()
		return errf("%s", pyOSError(err))
	}
	if err := f.Close(); err != nil {
		return errf("%s", pyOSError(err))
	}
	return nil
}

// passwordLock is _get_lock: a <sha1 of path>.ansible_lockfile next to the
// file, so that parallel hosts generate one password, not one each. A
// lock held by someone else is waited for up to 7 seconds, as Ansible does.
func passwordLock(ctx context.Context, path string) (bool, string, error) {
	sum := sha1.Sum([]byte(path))
	lock := filepath.Join(filepath.Dir(path), hex.EncodeToString(sum[:])+".ansible_lockfile")
	if path == "/dev/null" {
		return false, lock, nil
	}
	if !exists(lock) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return false, "", errf("%s", pyOSError(err))
		}
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0o600)
		if err == nil {
			f.Close()
			return true, lock, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return false, "", errf("%s", pyOSError(err))
		}
	}
	deadline := time.Now().Add(7 * time.Second)
	for exists(lock) {
		if time.Now().After(deadline) {
			return false, "", errf("Password lookup cannot get the lock in 7 seconds, abort...This may caused by un-removed lockfileyou can manually remove it from controller machine at %s and try again", lock)
		}
		t := time.NewTimer(50 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, "", ctx.Err()
		case <-t.C:
		}
	}
	return false, lock, nil
}

// pyOSError words an OS error as Python's OSError str does:
// "[Errno 13] Permission denied: '/x'".
func pyOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error() + ": '" + pe.Path + "'"
	}
	return err.Error()
}
