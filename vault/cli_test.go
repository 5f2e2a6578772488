package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cliEnv is a directory with password files and CLIOptions whose stdio are
// buffers and whose environment is empty.
type cliEnv struct {
	dir            string
	dev, prod, def string // password files
	stdout, stderr bytes.Buffer
}

func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	e := &cliEnv{dir: t.TempDir()}
	e.dev = pwFile(t, e.dir, pwDev)
	e.prod = pwFile(t, e.dir, pwProd)
	e.def = pwFile(t, e.dir, pwDefault)
	return e
}

func (e *cliEnv) opts(env map[string]string, stdin string) CLIOptions {
	e.stdout.Reset()
	e.stderr.Reset()
	return CLIOptions{
		Secrets: SecretOptions{Getenv: func(k string) string { return env[k] }},
		Stdin:   strings.NewReader(stdin),
		Stdout:  &e.stdout,
		Stderr:  &e.stderr,
		Ask: func(p string, echo bool) ([]byte, error) {
			return nil, errors.New("test: unexpected prompt " + p)
		},
	}
}

func (e *cliEnv) file(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func modeOf(t *testing.T, p string) os.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func headerOf(vt string) string { h, _, _ := strings.Cut(vt, "\n"); return h }

func TestCLIEncryptDecrypt(t *testing.T) {
	ctx := context.Background()
	e := newCLIEnv(t)
	f := e.file(t, "vars.yml", "a: 1\n", 0o640)

	o := e.opts(nil, "")
	o.Secrets.VaultIDs = []string{"dev@" + e.dev}
	if err := EncryptFiles(ctx, []string{f}, o); err != nil {
		t.Fatal(err)
	}
	vt := readFile(t, f)
	if headerOf(vt) != "$ANSIBLE_VAULT;1.2;AES256;dev" || modeOf(t, f) != 0o640 {
		t.Errorf("after encrypt: header %q mode %v; want the dev label and mode 0640 kept", headerOf(vt), modeOf(t, f))
	}
	if err := EncryptFiles(ctx, []string{f}, o); err == nil || !strings.Contains(err.Error(), "input is already encrypted for "+f) {
		t.Errorf("encrypting twice: error %v, want 'input is already encrypted'", err)
	}

	// Wrong password: an error naming the file, the file untouched.
	o = e.opts(nil, "")
	o.Secrets.PasswordFiles = []string{e.prod}
	err := DecryptFiles(ctx, []string{f}, o)
	if !errors.Is(err, ErrDecrypt) || err.Error() != "Decryption failed (no vault secrets were found that could decrypt) on "+f {
		t.Errorf("decrypt with the wrong password: %v", err)
	}
	if readFile(t, f) != vt {
		t.Errorf("failed decrypt changed the file")
	}

	// --output to a new file: 0600, input untouched.
	out := filepath.Join(e.dir, "plain.yml")
	o = e.opts(nil, "")
	o.Secrets.PasswordFiles = []string{e.prod}
	o.Secrets.VaultIDs = []string{"dev@" + e.dev}
	o.Output = out
	if err := DecryptFiles(ctx, []string{f}, o); err != nil {
		t.Fatal(err)
	}
	if readFile(t, out) != "a: 1\n" || modeOf(t, out) != 0o600 || readFile(t, f) != vt {
		t.Errorf("decrypt --output: got %q mode %v", readFile(t, out), modeOf(t, out))
	}

	// In place.
	o.Output = ""
	if err := DecryptFiles(ctx, []string{f}, o); err != nil {
		t.Fatal(err)
	}
	if readFile(t, f) != "a: 1\n" || modeOf(t, f) != 0o640 {
		t.Errorf("decrypt in place: %q mode %v", readFile(t, f), modeOf(t, f))
	}

	// stdin to stdout.
	o = e.opts(nil, "from stdin")
	o.Secrets.PasswordFiles = []string{e.def}
	if err := EncryptFiles(ctx, nil, o); err != nil {
		t.Fatal(err)
	}
	enc := e.stdout.String()
	if headerOf(enc) != "$ANSIBLE_VAULT;1.1;AES256" {
		t.Errorf("encrypt stdin: header %q", headerOf(enc))
	}
	o = e.opts(nil, enc)
	o.Secrets.PasswordFiles = []string{e.def}
	if err := DecryptFiles(ctx, []string{"-"}, o); err != nil || e.stdout.String() != "from stdin" {
		t.Errorf("decrypt stdin = %q, %v", e.stdout.String(), err)
	}
}

func TestCLIEncryptSecretChoice(t *testing.T) {
	ctx := context.Background()
	e := newCLIEnv(t)
	tests := []struct {
		name   string
		ids    []string
		encID  string
		env    map[string]string
		header string
		err    string
	}{
		{"one", []string{"dev@" + e.dev}, "", nil, "$ANSIBLE_VAULT;1.2;AES256;dev", ""},
		{"two need a choice", []string{"dev@" + e.dev, "prod@" + e.prod}, "", nil, "",
			"The vault-ids dev,prod are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id"},
		{"chosen", []string{"dev@" + e.dev, "prod@" + e.prod}, "prod", nil, "$ANSIBLE_VAULT;1.2;AES256;prod", ""},
		{"chosen by env", []string{"dev@" + e.dev, "prod@" + e.prod}, "", map[string]string{EnvEncryptIdentity: "dev"}, "$ANSIBLE_VAULT;1.2;AES256;dev", ""},
		{"unknown", []string{"dev@" + e.dev}, "qa", nil, "", "Did not find a match for --encrypt-vault-id=qa in the known vault-ids ['dev']"},
		{"identity list", nil, "prod", map[string]string{EnvIdentityList: "dev@" + e.dev + ",prod@" + e.prod}, "$ANSIBLE_VAULT;1.2;AES256;prod", ""},
		{"default label", []string{"default@" + e.dev}, "", nil, "$ANSIBLE_VAULT;1.1;AES256", ""},
		{"no password", nil, "", nil, "", "cannot prompt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := e.opts(tt.env, "x")
			o.Secrets.VaultIDs = tt.ids
			o.EncryptVaultID = tt.encID
			o.Ask = nil
			o.Secrets.Prompt = func(p string) ([]byte, error) {
				return nil, &Error{Msg: "cannot prompt " + p, Err: ErrNoTerminal}
			}
			err := EncryptFiles(ctx, []string{"-"}, o)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("EncryptFiles error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || headerOf(e.stdout.String()) != tt.header {
				t.Errorf("EncryptFiles = header %q, %v; want %q", headerOf(e.stdout.String()), err, tt.header)
			}
		})
	}
}

func TestCLIUsageErrors(t *testing.T) {
	ctx := context.Background()
	e := newCLIEnv(t)
	a, b := e.file(t, "a", "a", 0o600), e.file(t, "b", "b", 0o600)
	tests := []struct {
		name string
		run  func(o CLIOptions) error
		want string
	}{
		{"output with two files", func(o CLIOptions) error { o.Output = "x"; return EncryptFiles(ctx, []string{a, b}, o) },
			"At most one input file may be used with the --output option"},
		{"create two", func(o CLIOptions) error { return CreateFile(ctx, []string{a, b}, o) },
			"ansible-vault create can take only one filename argument"},
		{"create existing", func(o CLIOptions) error { return CreateFile(ctx, []string{a}, o) }, a + " exists, please use 'edit' instead"},
		{"prompt and stdin", func(o CLIOptions) error { o.PromptString = true; return EncryptStrings(ctx, []string{"-"}, o) },
			"The --prompt option is not supported if also reading input from stdin"},
		{"empty arg", func(o CLIOptions) error { return EncryptStrings(ctx, []string{""}, o) },
			"The plaintext provided from the command line args was empty, not encrypting"},
		{"empty stdin", func(o CLIOptions) error {
			o.Stdin = strings.NewReader("")
			return EncryptStrings(ctx, []string{"-"}, o)
		},
			"stdin was empty, not encrypting"},
		{"rekey both new", func(o CLIOptions) error {
			o.NewVaultID, o.NewVaultPasswordFile = "x@y", "z"
			return RekeyFiles(ctx, []string{a}, o)
		}, "mutually exclusive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := e.opts(nil, "in")
			o.Secrets.PasswordFiles = []string{e.def}
			err := tt.run(o)
			if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want ErrUsage containing %q", err, tt.want)
			}
		})
	}
}

func TestCLIView(t *testing.T) {
	e := newCLIEnv(t)
	o := e.opts(nil, "")
	o.Secrets.VaultIDs = []string{"dev@" + e.dev, "prod@" + e.prod}
	files := []string{filepath.Join("..", "testdata", "vault", "v12_dev.yml"), filepath.Join("..", "testdata", "vault", "v12_mislabelled.yml")}
	if err := ViewFiles(context.Background(), files, o); err != nil {
		t.Fatal(err)
	}
	if got, want := e.stdout.String(), "env: dev\nmislabelled: true\n"; got != want {
		t.Errorf("view = %q, want %q", got, want)
	}
	o = e.opts(nil, "")
	o.Secrets.PasswordFiles = []string{e.def}
	vt, _ := Encrypt([]byte("no newline"), pwDefault)
	f := e.file(t, "nl", string(vt), 0o600)
	if err := ViewFiles(context.Background(), []string{f}, o); err != nil || e.stdout.String() != "no newline\n" {
		t.Errorf("view = %q, %v; want a newline added as ansible-vault prints", e.stdout.String(), err)
	}
}

func TestCLIRekey(t *testing.T) {
	ctx := context.Background()
	e := newCLIEnv(t)
	tests := []struct {
		name   string
		newID  string
		newPWF string
		header string
		newSec Secret
	}{
		{"new vault id", "prod@" + e.prod, "", "$ANSIBLE_VAULT;1.2;AES256;prod", pwProd},
		{"new password file", "", e.def, "$ANSIBLE_VAULT;1.1;AES256", pwDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vt, _ := Encrypt([]byte("rekey me"), pwDev)
			f := e.file(t, "r-"+tt.name, string(vt), 0o644)
			link := filepath.Join(e.dir, "link-"+tt.name)
			if err := os.Symlink(f, link); err != nil {
				t.Fatal(err)
			}
			o := e.opts(nil, "")
			o.Secrets.VaultIDs = []string{"dev@" + e.dev}
			o.NewVaultID, o.NewVaultPasswordFile = tt.newID, tt.newPWF
			if err := RekeyFiles(ctx, []string{link}, o); err != nil {
				t.Fatal(err)
			}
			if e.stderr.String() != "Rekey successful\n" {
				t.Errorf("stderr = %q", e.stderr.String())
			}
			nvt := readFile(t, f)
			if headerOf(nvt) != tt.header || modeOf(t, f) != 0o644 {
				t.Errorf("after rekey: header %q mode %v", headerOf(nvt), modeOf(t, f))
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("rekey through a symlink replaced the link")
			}
			if _, err := Decrypt([]byte(nvt), []Secret{pwDev}); !errors.Is(err, ErrDecrypt) {
				t.Errorf("old password still decrypts: %v", err)
			}
			if got, err := Decrypt([]byte(nvt), []Secret{tt.newSec}); err != nil || string(got) != "rekey me" {
				t.Errorf("new password: %q, %v", got, err)
			}
		})
	}
}

// editorScript writes a shell script used as $EDITOR. It records the temp
// file's path and mode in log, then runs body with the file as $1.
func editorScript(t *testing.T, dir, body string) (editor, log string) {
	t.Helper()
	log = filepath.Join(dir, "editor.log")
	editor = filepath.Join(dir, "editor.sh")
	script := "#!/bin/sh\nprintf '%s %s\\n' \"$1\" \"$(stat -c %a \"$1\")\" >>'" + log + "'\n" + body + "\n"
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return editor, log
}

func TestCLIEditCreate(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		orig      []byte // nil: create
		secret    Secret // that encrypted orig
		body      string // editor script body
		want      string // plaintext after
		header    string
		unchanged bool
		err       string
	}{
		{"edit 1.2", []byte("a: 1\n"), pwDev, `echo b: 2 >>"$1"`, "a: 1\nb: 2\n", "$ANSIBLE_VAULT;1.2;AES256;dev", false, ""},
		// Opened by a secret labelled prod, the file stays 1.1.
		{"edit 1.1 keeps header", []byte("x"), Secret{Password: pwProd.Password}, `printf y >"$1"`, "y", "$ANSIBLE_VAULT;1.1;AES256", false, ""},
		{"edit no change", []byte("same\n"), pwDev, `:`, "same\n", "", true, ""},
		{"editor fails", []byte("keep\n"), pwDev, `echo junk >"$1"; exit 1`, "keep\n", "", true, "file not changed"},
		{"create", nil, pwDev, `printf 'new: file\n' >"$1"`, "new: file\n", "$ANSIBLE_VAULT;1.2;AES256;dev", false, ""},
		{"create empty", nil, pwDev, `:`, "", "$ANSIBLE_VAULT;1.2;AES256;dev", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCLIEnv(t)
			editor, log := editorScript(t, e.dir, tt.body)
			f := filepath.Join(e.dir, "sub", "secret.yml")
			o := e.opts(nil, "")
			o.Secrets.VaultIDs = []string{"dev@" + e.dev, "prod@" + e.prod}
			o.EncryptVaultID = "dev"
			o.Editor = editor
			var before string
			var err error
			if tt.orig == nil {
				err = CreateFile(ctx, []string{f}, o)
				if !strings.Contains(e.stderr.String(), "[WARNING]: "+filepath.Dir(f)+" does not exist, creating...") {
					t.Errorf("create: no warning about the missing directory: %q", e.stderr.String())
				}
			} else {
				vt, _ := Encrypt(tt.orig, tt.secret)
				if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
					t.Fatal(err)
				}
				before = string(vt)
				e.file(t, "sub/secret.yml", before, 0o640)
				err = EditFiles(ctx, []string{f}, o)
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error = %v, want %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			after := readFile(t, f)
			if tt.unchanged {
				if after != before {
					t.Errorf("file rewritten, want untouched")
				}
			} else {
				got, err := Decrypt([]byte(after), []Secret{pwDev, pwProd})
				if err != nil || string(got) != tt.want || headerOf(after) != tt.header {
					t.Errorf("after: %q %v header %q; want %q %q", got, err, headerOf(after), tt.want, tt.header)
				}
				wantMode := os.FileMode(0o640)
				if tt.orig == nil {
					wantMode = 0o600
				}
				if modeOf(t, f) != wantMode {
					t.Errorf("mode = %v, want %v", modeOf(t, f), wantMode)
				}
			}
			tmp, mode, _ := strings.Cut(strings.TrimSpace(readFile(t, log)), " ")
			if mode != "600" || !strings.HasSuffix(tmp, ".yml") {
				t.Errorf("editor saw %q mode %s; want a .yml temp file with mode 600", tmp, mode)
			}
			if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("temp file %s left behind (%v)", tmp, err)
			}
		})
	}
}

var hexLine = regexp.MustCompile(`(?m)^( *)[0-9a-f]{2,80}$`)

// normalizeVault replaces the random hex of vault text with a marker of the
// same line width, so outputs can be compared.
func normalizeVault(s string) string {
	return hexLine.ReplaceAllStringFunc(s, func(m string) string {
		ind := len(m) - len(strings.TrimLeft(m, " "))
		return m[:ind] + "HEX" + string(rune('0'+len(m[ind:])%10))
	})
}

// TestOracleEncryptStringCLI runs the same encrypt_string invocations
// through ansible-vault and EncryptStrings and compares stdout and stderr
// with the hex masked, then decrypts gplay's output.
func TestOracleEncryptStringCLI(t *testing.T) {
	needOracle(t, "ansible-vault")
	ctx := context.Background()
	e := newCLIEnv(t)
	tests := []struct {
		name  string
		args  []string
		names []string
		stdin string
		sname string
		ids   []string
	}{
		{"one arg", []string{"hunter2"}, nil, "", "", []string{"dev@" + e.dev}},
		{"named", []string{"hunter2"}, []string{"db_password"}, "", "", []string{e.def}},
		{"several", []string{"x", "y", "z"}, []string{"a", "b"}, "", "", []string{"dev@" + e.dev}},
		{"stdin named", nil, nil, "line1\nline2\n", "foo", []string{"dev@" + e.dev}},
		{"stdin and args", []string{"-", "arg"}, []string{"n"}, "from stdin", "", []string{"dev@" + e.dev}},
		{"long", []string{strings.Repeat("long ", 40)}, []string{"l"}, "", "", []string{"dev@" + e.dev}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"encrypt_string"}
			for _, id := range tt.ids {
				args = append(args, "--vault-id", id)
			}
			for _, n := range tt.names {
				args = append(args, "-n", n)
			}
			if tt.sname != "" {
				args = append(args, "--stdin-name", tt.sname)
			}
			args = append(args, tt.args...)
			cmd := exec.Command(needOracle(t, "ansible-vault"), args...)
			cmd.Env = oracleEnv(t)
			cmd.Stdin = strings.NewReader(tt.stdin)
			var aout, aerr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &aout, &aerr
			if err := cmd.Run(); err != nil {
				t.Fatalf("ansible-vault: %v\n%s", err, aerr.String())
			}

			o := e.opts(nil, tt.stdin)
			o.Secrets.VaultIDs = tt.ids
			o.Names, o.StdinName = tt.names, tt.sname
			if err := EncryptStrings(ctx, tt.args, o); err != nil {
				t.Fatal(err)
			}
			if got, want := normalizeVault(e.stdout.String()), normalizeVault(aout.String()); got != want {
				t.Errorf("stdout differs from ansible-vault:\n%s\nwant\n%s", got, want)
			}
			if got, want := e.stderr.String(), aerr.String(); got != want {
				t.Errorf("stderr = %q, ansible-vault %q", got, want)
			}
			for _, block := range strings.Split(e.stdout.String(), "!vault |\n")[1:] {
				var vt strings.Builder
				for _, l := range strings.Split(block, "\n") {
					if !strings.HasPrefix(l, "          ") {
						break
					}
					vt.WriteString(strings.TrimSpace(l) + "\n")
				}
				if _, err := Decrypt([]byte(vt.String()), []Secret{pwDev, pwDefault}); err != nil {
					t.Errorf("block does not decrypt: %v", err)
				}
			}
		})
	}
}

// TestOracleCLIFilesAcross: files written by EncryptFiles and RekeyFiles
// open in ansible-vault, and files ansible-vault edits open in gplay.
func TestOracleCLIFilesAcross(t *testing.T) {
	needOracle(t, "ansible-vault")
	ctx := context.Background()
	e := newCLIEnv(t)
	f := e.file(t, "across.yml", "k: v\n", 0o600)
	o := e.opts(nil, "")
	o.Secrets.VaultIDs = []string{"dev@" + e.dev}
	if err := EncryptFiles(ctx, []string{f}, o); err != nil {
		t.Fatal(err)
	}
	if out, err := runOracle(t, nil, "view", "--vault-id", "dev@"+e.dev, f); err != nil || string(out) != "k: v\n" {
		t.Errorf("ansible-vault view = %q, %v", out, err)
	}
	o = e.opts(nil, "")
	o.Secrets.VaultIDs = []string{"dev@" + e.dev}
	o.NewVaultID = "prod@" + e.prod
	if err := RekeyFiles(ctx, []string{f}, o); err != nil {
		t.Fatal(err)
	}
	if out, err := runOracle(t, nil, "decrypt", "--vault-id", "prod@"+e.prod, "--output", "-", f); err != nil || string(out) != "k: v\n" {
		t.Errorf("ansible-vault decrypt after rekey = %q, %v", out, err)
	}
	// ansible-vault rekeys back; gplay must follow.
	if _, err := runOracle(t, nil, "rekey", "--vault-id", "prod@"+e.prod, "--new-vault-id", "dev@"+e.dev, f); err != nil {
		t.Fatal(err)
	}
	o = e.opts(nil, "")
	o.Secrets.VaultIDs = []string{"dev@" + e.dev}
	if err := ViewFiles(ctx, []string{f}, o); err != nil || e.stdout.String() != "k: v\n" {
		t.Errorf("gplay view after ansible-vault rekey = %q, %v", e.stdout.String(), err)
	}
	if h := headerOf(readFile(t, f)); h != "$ANSIBLE_VAULT;1.2;AES256;dev" {
		t.Errorf("ansible-vault rekey header = %q", h)
	}
}

func TestShellSplit(t *testing.T) {
	tests := []string{
		`vi`, `code --wait`, `emacs -nw`, `'/opt/my editor/bin/ed' -x`, `"a b" c\ d`, `sh -c 'echo "$1"' sh`,
		`x"y z"w`, `a\\b`, `"esc \" \$ \\ \a"`, `  spaced   out  `, `''`,
	}
	py, pyErr := exec.LookPath("/usr/bin/python3")
	for _, in := range tests {
		got, err := shellSplit(in)
		if err != nil {
			t.Errorf("shellSplit(%q) error: %v", in, err)
			continue
		}
		if pyErr != nil {
			continue
		}
		// Python's shlex.split is the oracle.
		cmd := exec.Command(py, "-c", "import shlex,sys,json;print(json.dumps(shlex.split(sys.stdin.read())))")
		cmd.Stdin = strings.NewReader(in)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); jsonList(got) != want {
			t.Errorf("shellSplit(%q) = %s, shlex.split %s", in, jsonList(got), want)
		}
	}
	for _, bad := range []string{`'open`, `"open`, `end\`} {
		if _, err := shellSplit(bad); err == nil {
			t.Errorf("shellSplit(%q) succeeded, want an error", bad)
		}
	}
}

func jsonList(s []string) string {
	var b strings.Builder
	b.WriteString("[")
	for i, x := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x) + `"`)
	}
	b.WriteString("]")
	return b.String()
}
