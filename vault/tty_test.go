package vault

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const ttyHelperEnv = "GPLAY_VAULT_TTY_HELPER"

// TestTTYPrompt runs the real terminal prompt in a pseudo-terminal: Python's
// pty.fork starts this test binary as the session leader of a new pty, types
// a password when the prompt appears, and returns everything the terminal
// showed. The password must be read, and never echoed.
func TestTTYPrompt(t *testing.T) {
	if os.Getenv(ttyHelperEnv) != "" {
		t.Skip("helper process")
	}
	py := needOracle(t, "/usr/bin/python3")
	script := `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execve(sys.argv[1], [sys.argv[1], "-test.run=^TestTTYPromptHelper$", "-test.v"], dict(os.environ, ` + ttyHelperEnv + `="1"))
out = b""
deadline = time.time() + 30
answers = [(b"Vault password: ", b"  tty pass word \n"),
           (b"Variable name (enter for no name): ", b"myvar\n"),
           (b"String to encrypt (hidden): ", b"top secret\n")]
seen = 0
while time.time() < deadline:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if answers and out.count(answers[0][0]) > 0 and len(out) > seen:
        seen = out.index(answers[0][0]) + len(answers[0][0])
        os.write(fd, answers[0][1])
        answers.pop(0)
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
`
	cmd := exec.Command(py, "-c", script, os.Args[0])
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pty harness: %v\n%s", err, out)
	}
	got := string(out)
	if !strings.Contains(got, "Vault password: ") {
		t.Errorf("no prompt on the terminal:\n%s", got)
	}
	if !strings.Contains(got, "myvar") {
		t.Errorf("the variable name was not echoed:\n%s", got)
	}
	if strings.Contains(got, "tty pass word") || strings.Contains(got, "top secret") {
		t.Errorf("the password was echoed:\n%s", got)
	}
	if !strings.Contains(got, "HELPER-OK") {
		t.Errorf("the helper did not read the password:\n%s", got)
	}
}

// TestTTYPromptHelper is the process TestTTYPrompt starts inside the pty.
func TestTTYPromptHelper(t *testing.T) {
	if os.Getenv(ttyHelperEnv) == "" {
		t.Skip("run by TestTTYPrompt inside a pseudo-terminal")
	}
	secrets, err := LoadSecrets(context.Background(), SecretOptions{AskVaultPass: true, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if len(secrets) != 1 || secrets[0].ID != DefaultID || string(secrets[0].Password) != "tty pass word" {
		t.Fatalf("LoadSecrets from the terminal = %q", passwords(secrets))
	}
	var out strings.Builder
	err = EncryptStrings(context.Background(), nil, CLIOptions{
		Secrets:      SecretOptions{PasswordFiles: []string{pwFile(t, t.TempDir(), pwDev)}, Getenv: noEnv},
		PromptString: true,
		Stdout:       &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	block := out.String()
	if !strings.HasPrefix(block, "myvar: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n") {
		t.Fatalf("encrypt_string -p printed %q", block)
	}
	var vt strings.Builder
	for _, l := range strings.Split(block, "\n")[1:] {
		vt.WriteString(strings.TrimSpace(l) + "\n")
	}
	if plain, err := Decrypt([]byte(vt.String()), []Secret{pwDev}); err != nil || string(plain) != "top secret" {
		t.Fatalf("encrypt_string -p encrypted %q, %v", plain, err)
	}
	fmt.Println("HELPER-OK")
}
