package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVaultCommandRoundTrip drives `gplay vault` as a user would and checks
// the result with the real ansible-vault when it is installed.
func TestVaultCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass")
	secret := filepath.Join(dir, "secret.yml")
	plain := filepath.Join(dir, "plain.yml")
	const text = "db_password: hunter2\n"
	must(t, os.WriteFile(pass, []byte("correct horse\n"), 0o600))
	must(t, os.WriteFile(secret, []byte(text), 0o600))

	steps := []struct {
		args []string
		want int
	}{
		{[]string{"vault", "encrypt", "--vault-password-file", pass, secret}, exitOK},
		{[]string{"vault", "decrypt", "--vault-password-file", pass, "--output", plain, secret}, exitOK},
		// --output takes one input file only, as in ansible-vault.
		{[]string{"vault", "decrypt", "--vault-password-file", pass, "--output", plain, secret, secret}, exitBadOptions},
	}
	for _, s := range steps {
		if got := run(context.Background(), append([]string{"gplay"}, s.args...)); got != s.want {
			t.Fatalf("gplay %s: exit %d, want %d", strings.Join(s.args, " "), got, s.want)
		}
	}
	enc, err := os.ReadFile(secret)
	must(t, err)
	if !strings.HasPrefix(string(enc), "$ANSIBLE_VAULT;1.1;AES256\n") || strings.Contains(string(enc), "hunter2") {
		t.Fatalf("encrypted file:\n%s", enc)
	}
	got, err := os.ReadFile(plain)
	must(t, err)
	if string(got) != text {
		t.Fatalf("decrypted %q, want %q", got, text)
	}
	if _, err := exec.LookPath("ansible-vault"); err != nil {
		t.Log("ansible-vault not installed: not checked against it")
		return
	}
	out, err := exec.Command("ansible-vault", "view", "--vault-password-file", pass, secret).CombinedOutput()
	if err != nil || string(out) != text {
		t.Fatalf("ansible-vault view of gplay's file = %q, %v; want %q", out, err, text)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
