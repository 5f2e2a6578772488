package vault

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The passwords behind testdata/vault, made by testdata/vault/gen.sh with the
// real ansible-vault.
var (
	pwDefault = Secret{ID: DefaultID, Password: []byte("correct horse battery staple")}
	pwDev     = Secret{ID: "dev", Password: []byte("dev-secret")}
	pwProd    = Secret{ID: "prod", Password: []byte("prod s3cret with spaces")}
	pwUni     = Secret{ID: "uni", Password: []byte("ünïcødé-pässwörd")}
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vault", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecryptAnsibleFixtures(t *testing.T) {
	long := "env: prod\nlong: " + strings.Repeat("x", 200) + "\n"
	tests := []struct {
		file    string
		secrets []Secret
		want    string
		wantID  string
	}{
		{"v11_default.yml", []Secret{pwDefault}, "plain: text\nnumber: 42\n", "default"},
		{"v11_default.yml", []Secret{pwDev, pwProd, pwDefault}, "plain: text\nnumber: 42\n", "default"},
		// A 1.1 file decrypts with a labelled secret: the label is a hint.
		{"v11_default.yml", []Secret{{ID: "other", Password: pwDefault.Password}}, "plain: text\nnumber: 42\n", "other"},
		{"v12_dev.yml", []Secret{pwDev}, "env: dev\n", "dev"},
		{"v12_dev.yml", []Secret{pwProd, pwDefault, pwDev}, "env: dev\n", "dev"},
		{"v12_dev.yml", []Secret{{ID: DefaultID, Password: pwDev.Password}}, "env: dev\n", "default"},
		{"v12_prod.yml", []Secret{pwDev, pwProd}, long, "prod"},
		// Labelled dev, encrypted with the prod password.
		{"v12_mislabelled.yml", []Secret{pwDev, pwProd}, "mislabelled: true\n", "prod"},
		{"v12_unicode.yml", []Secret{pwUni}, "unicode: ✓\n", "uni"},
		{"v11_empty.yml", []Secret{pwDefault}, "", "default"},
		{"v11_binary.bin", []Secret{pwDefault}, string(fixture(t, "v11_binary.bin.plain")), "default"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, id, err := DecryptWithID(fixture(t, tt.file), tt.secrets, tt.file)
			if err != nil {
				t.Fatalf("DecryptWithID(%s) error: %v", tt.file, err)
			}
			if string(got) != tt.want || id != tt.wantID {
				t.Errorf("DecryptWithID(%s) = %q, %q; want %q, %q", tt.file, got, id, tt.want, tt.wantID)
			}
		})
	}
}

// TestDecryptEncryptStringFixture reads the blocks that ansible-vault
// encrypt_string printed, undoing the YAML indentation by hand (yaml11 owns
// real YAML).
func TestDecryptEncryptStringFixture(t *testing.T) {
	blocks := map[string]string{}
	var name string
	for _, line := range strings.Split(string(fixture(t, "encrypt_string.yml")), "\n") {
		if k, ok := strings.CutSuffix(line, ": !vault |"); ok {
			name = k
			continue
		}
		if strings.HasPrefix(line, "          ") {
			blocks[name] += strings.TrimPrefix(line, "          ") + "\n"
		}
	}
	want := map[string]string{"db_password": "hunter2", "api_key": "k-123"}
	if len(blocks) != len(want) {
		t.Fatalf("found blocks %v, want %d", blocks, len(want))
	}
	for k, v := range want {
		got, err := Decrypt([]byte(blocks[k]), []Secret{pwDefault, pwDev})
		if err != nil || string(got) != v {
			t.Errorf("Decrypt(%s) = %q, %v; want %q", k, got, err, v)
		}
	}
}

type saltedCase struct {
	Name      string `json:"name"`
	Password  string `json:"password"`
	ID        string `json:"id"`
	Salt      string `json:"salt"`
	Plaintext string `json:"plaintext"`
	VaultText string `json:"vaulttext"`
}

func loadSalted(t *testing.T, data []byte) []saltedCase {
	t.Helper()
	var cases []saltedCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no salted cases")
	}
	return cases
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncryptMatchesAnsibleByteForByte encrypts with the salts Ansible's own
// VaultLib was given (testdata/vault/salted.json) and wants the same bytes.
func TestEncryptMatchesAnsibleByteForByte(t *testing.T) {
	for _, c := range loadSalted(t, fixture(t, "salted.json")) {
		t.Run(c.Name, func(t *testing.T) {
			s := Secret{ID: c.ID, Password: unhex(t, c.Password)}
			plain := unhex(t, c.Plaintext)
			got, err := encryptWithSalt(plain, s, unhex(t, c.Salt))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.VaultText {
				t.Errorf("encryptWithSalt(%s) =\n%s\nwant\n%s", c.Name, got, c.VaultText)
			}
			back, err := Decrypt([]byte(c.VaultText), []Secret{s})
			if err != nil || !bytes.Equal(back, plain) {
				t.Errorf("Decrypt(%s) = %q, %v; want %q", c.Name, back, err, plain)
			}
		})
	}
}

func TestEncryptRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		secret Secret
		plain  []byte
		header string
	}{
		{"unlabelled", Secret{Password: []byte("pw")}, []byte("a: 1\n"), "$ANSIBLE_VAULT;1.1;AES256"},
		{"default", Secret{ID: "default", Password: []byte("pw")}, []byte("x"), "$ANSIBLE_VAULT;1.1;AES256"},
		{"labelled", Secret{ID: "prod", Password: []byte("pw")}, []byte("x"), "$ANSIBLE_VAULT;1.2;AES256;prod"},
		{"empty", Secret{Password: []byte("pw")}, nil, "$ANSIBLE_VAULT;1.1;AES256"},
		{"block", Secret{Password: []byte("pw")}, bytes.Repeat([]byte("y"), 16), "$ANSIBLE_VAULT;1.1;AES256"},
		{"long", Secret{ID: "a@b", Password: []byte("pw")}, bytes.Repeat([]byte("z"), 5000), "$ANSIBLE_VAULT;1.2;AES256;a@b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vt, err := Encrypt(tt.plain, tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(vt), "\n")
			if lines[0] != tt.header {
				t.Errorf("header = %q, want %q", lines[0], tt.header)
			}
			if lines[len(lines)-1] != "" {
				t.Errorf("vault text does not end in a newline: %q", vt)
			}
			for i, l := range lines[1 : len(lines)-1] {
				if len(l) > 80 || (i < len(lines)-3 && len(l) != 80) {
					t.Errorf("line %d has %d columns, want 80 (shorter only last)", i+2, len(l))
				}
			}
			if !IsEncrypted(vt) {
				t.Errorf("IsEncrypted(Encrypt(...)) = false")
			}
			got, id, err := DecryptWithID(vt, []Secret{{ID: "x", Password: []byte("no")}, tt.secret}, "")
			if err != nil || !bytes.Equal(got, tt.plain) {
				t.Errorf("DecryptWithID = %q, %v; want %q", got, err, tt.plain)
			}
			if id != tt.secret.ID {
				t.Errorf("DecryptWithID id = %q, want %q", id, tt.secret.ID)
			}
			again, _ := Encrypt(tt.plain, tt.secret)
			if bytes.Equal(again, vt) {
				t.Errorf("two encryptions are equal: the salt is not random")
			}
		})
	}
}

func TestEncryptRefuses(t *testing.T) {
	tests := []struct {
		name   string
		plain  string
		secret Secret
		want   error
		msg    string
	}{
		{"empty password", "x", Secret{}, ErrInvalidSecret, "Invalid vault password was provided"},
		{"semicolon id", "x", Secret{ID: "a;b", Password: []byte("p")}, ErrInvalidSecret, "'a;b' is not a valid vault id"},
		{"newline id", "x", Secret{ID: "a\nb", Password: []byte("p")}, ErrInvalidSecret, "is not a valid vault id"},
		{"already encrypted", "$ANSIBLE_VAULT;1.1;AES256\n00\n", Secret{Password: []byte("p")}, ErrFormat, "input is already encrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encrypt([]byte(tt.plain), tt.secret)
			if !errors.Is(err, tt.want) || err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Encrypt() error = %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestEncryptString(t *testing.T) {
	for _, name := range []string{"", "db_password"} {
		out, err := EncryptString([]byte("hunter2"), pwDev, name)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(out), "\n")
		wantFirst := "!vault |"
		if name != "" {
			wantFirst = name + ": !vault |"
		}
		if lines[0] != wantFirst || lines[1] != "          $ANSIBLE_VAULT;1.2;AES256;dev" {
			t.Errorf("EncryptString(%q) starts %q, want %q and the indented header", name, lines[:2], wantFirst)
		}
		if strings.HasSuffix(string(out), "\n") {
			t.Errorf("EncryptString(%q) ends in a newline; ansible-vault prints none", name)
		}
		var vt strings.Builder
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "          ") {
				t.Errorf("line %q is not indented by 10", l)
			}
			vt.WriteString(strings.TrimPrefix(l, "          ") + "\n")
		}
		got, err := Decrypt([]byte(vt.String()), []Secret{pwDev})
		if err != nil || string(got) != "hunter2" {
			t.Errorf("Decrypt(EncryptString(%q)) = %q, %v", name, got, err)
		}
	}
}

func TestIsEncrypted(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"$ANSIBLE_VAULT;1.1;AES256\n", true},
		{"$ANSIBLE_VAULT", true},
		{"$ANSIBLE_VAUL", false},
		{" $ANSIBLE_VAULT;1.1;AES256", false},
		{"", false},
		{"$ANSIBLE_VAULT;1.1;AES256\nä", false}, // not ASCII, as Ansible's is_encrypted
		{"plain: text", false},
	}
	for _, tt := range tests {
		if got := IsEncrypted([]byte(tt.in)); got != tt.want {
			t.Errorf("IsEncrypted(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSecretDoesNotPrint(t *testing.T) {
	s := Secret{ID: "dev", Password: []byte("hunter2")}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%X"} {
		for _, v := range []any{s, []Secret{s}, Keyring{s}, struct{ S Secret }{s}, &s} {
			if out := fmt.Sprintf(f, v); strings.Contains(out, "hunter2") || strings.Contains(out, "68756e74657232") || strings.Contains(out, "104 117") {
				t.Errorf("Sprintf(%q, %T) = %q leaks the password", f, v, out)
			}
		}
		if out := fmt.Sprintf(f, s); strings.Contains(out, "hunter2") {
			t.Errorf("Sprintf(%q, secret) = %q leaks the password", f, out)
		}
	}
}

func TestDecryptOnlyMatching(t *testing.T) {
	tests := []struct {
		file    string
		secrets []Secret
		wantID  string // "" = must fail
	}{
		{"v12_dev.yml", []Secret{pwProd, pwDev}, "dev"},
		{"v12_mislabelled.yml", []Secret{pwDev, pwProd}, ""}, // the prod password under the dev label
		{"v11_default.yml", []Secret{pwDefault}, "default"},
		{"v11_default.yml", []Secret{{ID: "other", Password: pwDefault.Password}}, ""},
	}
	for _, tt := range tests {
		_, id, err := DecryptOnlyMatching(fixture(t, tt.file), tt.secrets, tt.file)
		if tt.wantID == "" {
			if !errors.Is(err, ErrDecrypt) {
				t.Errorf("DecryptOnlyMatching(%s, %v) error = %v, want ErrDecrypt", tt.file, tt.secrets, err)
			}
		} else if err != nil || id != tt.wantID {
			t.Errorf("DecryptOnlyMatching(%s, %v) = %q, %v; want %q", tt.file, tt.secrets, id, err, tt.wantID)
		}
	}
}

// TestDecryptLineEndings: Ansible splits the envelope with splitlines, so
// CRLF (a file saved on Windows) and a missing final newline both work.
func TestDecryptLineEndings(t *testing.T) {
	good := string(fixture(t, "v12_dev.yml"))
	for name, data := range map[string]string{
		"crlf":            strings.ReplaceAll(good, "\n", "\r\n"),
		"cr":              strings.ReplaceAll(good, "\n", "\r"),
		"no final":        strings.TrimSuffix(good, "\n"),
		"blank lines end": good + "\n\n",
	} {
		if got, err := Decrypt([]byte(data), []Secret{pwDev}); err != nil || string(got) != "env: dev\n" {
			t.Errorf("Decrypt(%s) = %q, %v", name, got, err)
		}
	}
}
