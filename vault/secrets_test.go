package vault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// secretsDir writes the password sources the tests point at.
func secretsDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(d, name), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("dev.txt", "  dev-secret \n\n", 0o600)
	write("prod.txt", "prod s3cret with spaces", 0o600)
	write("crlf.txt", "crlf-pw\r\n", 0o600)
	write("empty.txt", " \n", 0o600)
	write("pw.sh", "#!/bin/sh\necho 'script pw '\n", 0o700)
	write("fail.sh", "#!/bin/sh\necho oops >&2\nexit 3\n", 0o700)
	write("silent.sh", "#!/bin/sh\nexit 0\n", 0o700)
	write("noexec.sh", "not a script\n", 0o755) // no #!: exec fails
	write("vault-client.sh", `#!/bin/sh
[ "$1" = --vault-id ] || { echo "usage" >&2; exit 1; }
case "$2" in
dev) echo dev-secret ;;
prod) echo 'prod s3cret with spaces' ;;
*) echo "no secret for $2" >&2; exit 2 ;;
esac
`, 0o700)
	vt, err := Encrypt([]byte("inner-pw\n"), Secret{ID: "dev", Password: []byte("dev-secret")})
	if err != nil {
		t.Fatal(err)
	}
	write("encrypted.txt", string(vt), 0o600)
	return d
}

func noEnv(string) string { return "" }

func TestLoadSecrets(t *testing.T) {
	d := secretsDir(t)
	p := func(name string) string { return filepath.Join(d, name) }
	sec := func(id, pw string) Secret { return Secret{ID: id, Password: []byte(pw)} }
	tests := []struct {
		name  string
		opts  SecretOptions
		env   map[string]string
		want  []Secret
		warns int
	}{
		{"nothing", SecretOptions{}, nil, nil, 0},
		{"label@file", SecretOptions{VaultIDs: []string{"dev@" + p("dev.txt")}}, nil, []Secret{sec("dev", "dev-secret")}, 0},
		{"bare path", SecretOptions{VaultIDs: []string{p("prod.txt")}}, nil, []Secret{sec("default", "prod s3cret with spaces")}, 0},
		{"crlf", SecretOptions{PasswordFiles: []string{p("crlf.txt")}}, nil, []Secret{sec("default", "crlf-pw")}, 0},
		{"order", SecretOptions{
			VaultIDs:      []string{"b@" + p("prod.txt")},
			PasswordFiles: []string{p("dev.txt")},
		}, map[string]string{
			EnvIdentityList: " a@" + p("dev.txt") + " ,",
			EnvPasswordFile: p("crlf.txt"),
		}, []Secret{sec("a", "dev-secret"), sec("b", "prod s3cret with spaces"), sec("default", "dev-secret"), sec("default", "crlf-pw")}, 0},
		{"script", SecretOptions{VaultIDs: []string{"s@" + p("pw.sh")}}, nil, []Secret{sec("s", "script pw ")}, 0},
		{"client script", SecretOptions{VaultIDs: []string{"dev@" + p("vault-client.sh"), "prod@" + p("vault-client.sh")}}, nil,
			[]Secret{sec("dev", "dev-secret"), sec("prod", "prod s3cret with spaces")}, 0},
		{"encrypted password file", SecretOptions{VaultIDs: []string{"dev@" + p("dev.txt"), "inner@" + p("encrypted.txt")}}, nil,
			[]Secret{sec("dev", "dev-secret"), sec("inner", "inner-pw")}, 0},
		{"bad source warns", SecretOptions{VaultIDs: []string{"x@" + p("missing"), "dev@" + p("dev.txt"), "y@" + p("fail.sh")}}, nil,
			[]Secret{sec("dev", "dev-secret")}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warns []string
			tt.opts.Getenv = func(k string) string { return tt.env[k] }
			tt.opts.Stderr = io.Discard
			tt.opts.Warn = func(m string) { warns = append(warns, m) }
			tt.opts.Prompt = func(string) ([]byte, error) { t.Fatal("unexpected prompt"); return nil, nil }
			got, err := LoadSecrets(context.Background(), tt.opts)
			if err != nil {
				t.Fatalf("LoadSecrets() error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LoadSecrets() = %q, want %q", passwords(got), passwords(tt.want))
			}
			if len(warns) != tt.warns {
				t.Errorf("warnings = %q, want %d", warns, tt.warns)
			}
		})
	}
}

// passwords shows secrets with their passwords, for test failures only.
func passwords(s []Secret) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.ID+"="+string(x.Password))
	}
	return out
}

func TestLoadSecretsErrors(t *testing.T) {
	d := secretsDir(t)
	p := func(name string) string { return filepath.Join(d, name) }
	tests := []struct {
		name string
		opts SecretOptions
		want string
	}{
		{"missing", SecretOptions{VaultIDs: []string{"x@" + p("missing")}}, "The vault password file " + p("missing") + " was not found"},
		{"relative missing", SecretOptions{PasswordFiles: []string{"no/such/file"}}, "The vault password file /"},
		{"empty", SecretOptions{PasswordFiles: []string{p("empty.txt")}}, "Invalid vault password was provided from file (" + p("empty.txt") + ")"},
		{"script fails", SecretOptions{PasswordFiles: []string{p("fail.sh")}}, "Vault password script " + p("fail.sh") + " returned non-zero (3)"},
		{"script silent", SecretOptions{PasswordFiles: []string{p("silent.sh")}}, "Invalid vault password was provided from script (" + p("silent.sh") + ")"},
		{"not a script", SecretOptions{PasswordFiles: []string{p("noexec.sh")}}, "Problem running vault password script " + p("noexec.sh")},
		// --vault-password-file makes the id "default", which the client does not know.
		{"client unknown id", SecretOptions{PasswordFiles: []string{p("vault-client.sh")}},
			"Vault password client script " + p("vault-client.sh") + " did not find a secret for vault-id=default: no secret for default"},
		{"client without label", SecretOptions{VaultIDs: []string{p("vault-client.sh")}},
			"Vault password client script " + p("vault-client.sh") + " returned non-zero (1) when getting secret for vault-id=None: usage"},
		{"encrypted password file without its secret", SecretOptions{VaultIDs: []string{"inner@" + p("encrypted.txt")}},
			"Attempting to decrypt but no vault secrets found"},
		{"semicolon", SecretOptions{VaultIDs: []string{"a;b@" + p("dev.txt")}}, "'a;b' is not a valid vault id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Getenv = noEnv
			tt.opts.Stderr = io.Discard
			got, err := LoadSecrets(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadSecrets() = %q, %v; want error containing %q", passwords(got), err, tt.want)
			}
			for _, pw := range []string{"dev-secret", "prod s3cret", "script pw", "inner-pw"} {
				if strings.Contains(err.Error(), pw) {
					t.Errorf("error %q contains a password", err)
				}
			}
		})
	}
}

// promptScript answers prompts in order and records them.
type promptScript struct {
	answers []string
	asked   []string
}

func (p *promptScript) prompt(q string) ([]byte, error) {
	p.asked = append(p.asked, q)
	if len(p.answers) == 0 {
		return nil, fmt.Errorf("read prompt: %w", errEOFForTest)
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return []byte(a), nil
}

var errEOFForTest = io.EOF

func TestLoadSecretsPrompt(t *testing.T) {
	tests := []struct {
		name    string
		opts    SecretOptions
		answers []string
		asked   []string
		want    []Secret
		err     string
	}{
		{"ask", SecretOptions{AskVaultPass: true}, []string{" pw \n"}, []string{"Vault password: "},
			[]Secret{{ID: "default", Password: []byte("pw")}}, ""},
		{"labelled prompt", SecretOptions{VaultIDs: []string{"dev@prompt", "prompt"}}, []string{"a", "b"},
			[]string{"Vault password (dev): ", "Vault password (default): "},
			[]Secret{{ID: "dev", Password: []byte("a")}, {ID: "default", Password: []byte("b")}}, ""},
		{"new", SecretOptions{VaultIDs: []string{"dev@prompt"}, New: true}, []string{"n", "n"},
			[]string{"New vault password (dev): ", "Confirm new vault password (dev): "},
			[]Secret{{ID: "dev", Password: []byte("n")}}, ""},
		{"auto new", SecretOptions{AutoPrompt: true, New: true}, []string{"n", "n"},
			[]string{"New Vault password: ", "Confirm New Vault password: "},
			[]Secret{{ID: "default", Password: []byte("n")}}, ""},
		{"no auto prompt", SecretOptions{}, nil, nil, nil, ""},
		{"mismatch", SecretOptions{AutoPrompt: true, New: true}, []string{"n", "m"},
			[]string{"New Vault password: ", "Confirm New Vault password: "}, nil, "Passwords do not match"},
		{"empty", SecretOptions{AskVaultPass: true}, []string{"  "}, []string{"Vault password: "}, nil, "Invalid vault password was provided"},
		{"eof", SecretOptions{VaultIDs: []string{"x@prompt"}}, nil, []string{"Vault password (x): "}, nil, "EOFError (ctrl-d) on prompt for (x)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := &promptScript{answers: tt.answers}
			tt.opts.Getenv = noEnv
			tt.opts.Prompt = ps.prompt
			got, err := LoadSecrets(context.Background(), tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("LoadSecrets() error = %v, want %q", err, tt.err)
				}
			} else if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LoadSecrets() = %q, %v; want %q", passwords(got), err, passwords(tt.want))
			}
			if !reflect.DeepEqual(ps.asked, tt.asked) {
				t.Errorf("prompts = %q, want %q", ps.asked, tt.asked)
			}
		})
	}
}

// TestPromptWithoutTerminal runs the real /dev/tty prompt; it can only
// check the error path, so it skips when the test has a terminal.
func TestPromptWithoutTerminal(t *testing.T) {
	if f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		f.Close()
		t.Skip("SKIP: this test has a controlling terminal; the no-terminal error cannot be provoked")
	}
	_, err := LoadSecrets(context.Background(), SecretOptions{AskVaultPass: true, Getenv: noEnv})
	if !errors.Is(err, ErrNoTerminal) || !strings.Contains(err.Error(), "--vault-password-file") {
		t.Errorf("LoadSecrets(-J) without a terminal = %v, want ErrNoTerminal naming --vault-password-file", err)
	}
}

func TestIsClientScript(t *testing.T) {
	tests := map[string]bool{
		"vault-client": true, "/a/b/vault-client.py": true, "x-client.sh": true,
		"client": false, "vault-client.py.bak": false, "a.b-client": false, "pw.sh": false,
		".vault-client": true, // Python's splitext: a leading dot is no extension
	}
	for in, want := range tests {
		if got := isClientScript(in); got != want {
			t.Errorf("isClientScript(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestKeyring(t *testing.T) {
	k := Keyring{pwProd, pwDev}
	got, err := k.Decrypt(fixture(t, "v12_dev.yml"))
	if err != nil || string(got) != "env: dev\n" {
		t.Errorf("Keyring.Decrypt = %q, %v", got, err)
	}
	_, err = Keyring{pwProd}.DecryptFile("x.yml", fixture(t, "v12_dev.yml"))
	if err == nil || err.Error() != "Decryption failed (no vault secrets were found that could decrypt) on x.yml" {
		t.Errorf("Keyring.DecryptFile error = %v", err)
	}
}

func TestLoadSecretsHomePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.WriteFile(filepath.Join(home, ".vault_pass"), []byte("from-home\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSecrets(context.Background(), SecretOptions{VaultIDs: []string{"h@~/.vault_pass"}, Getenv: noEnv})
	if err != nil || len(got) != 1 || string(got[0].Password) != "from-home" {
		t.Errorf("LoadSecrets(h@~/.vault_pass) = %q, %v", passwords(got), err)
	}
}
