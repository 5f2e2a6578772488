package vault_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gplay/vault"
)

// How a command such as gplay playbook turns its vault flags into secrets
// and decrypts a file with them.
func ExampleLoadSecrets() {
	dir, _ := os.MkdirTemp("", "vault-example")
	defer os.RemoveAll(dir)
	pw := filepath.Join(dir, "dev.pw")
	os.WriteFile(pw, []byte("dev-secret\n"), 0o600)

	secrets, err := vault.LoadSecrets(context.Background(), vault.SecretOptions{
		VaultIDs: []string{"dev@" + pw}, // --vault-id dev@dev.pw
		// PasswordFiles: --vault-password-file, AskVaultPass: -J
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(filepath.Join("..", "testdata", "vault", "v12_dev.yml"))
	plain, id, err := vault.DecryptWithID(data, secrets, "v12_dev.yml")
	fmt.Printf("%q %s %v\n", plain, id, err)
	// Output: "env: dev\n" dev <nil>
}

func ExampleDecrypt_wrongPassword() {
	data, _ := os.ReadFile(filepath.Join("..", "testdata", "vault", "v12_dev.yml"))
	_, err := vault.Decrypt(data, []vault.Secret{{ID: "dev", Password: []byte("guess")}})
	fmt.Println(err)
	// Output: Decryption failed (no vault secrets were found that could decrypt)
}

func ExampleEncrypt() {
	s := vault.Secret{ID: "prod", Password: []byte("s3cret")}
	vt, _ := vault.Encrypt([]byte("db_password: hunter2\n"), s)
	plain, _ := vault.Decrypt(vt, []vault.Secret{s})
	fmt.Printf("%.30s\n%s", vt, plain)
	// Output:
	// $ANSIBLE_VAULT;1.2;AES256;prod
	// db_password: hunter2
}
