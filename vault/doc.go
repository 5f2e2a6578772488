// Package vault reads and writes Ansible Vault data as ansible-core 2.14 does
// (lib/ansible/parsing/vault/__init__.py): the 1.1 and 1.2 envelopes with the
// AES256 cipher, vault-id labels, and the several-secrets decryption rule.
//
// It owns three things:
//
//   - the format: IsEncrypted, ParseEnvelope, Encrypt, Decrypt, DecryptWithID,
//     EncryptString (vault.go, cipher.go);
//   - where secrets come from: --vault-id label@source, --vault-password-file
//     (plain files, password scripts, "-client" scripts), --ask-vault-pass and
//     the ANSIBLE_VAULT_IDENTITY_LIST / ANSIBLE_VAULT_PASSWORD_FILE environment
//     (secrets.go, LoadSecrets);
//   - the logic of the `gplay vault` subcommands (cli.go), written as plain
//     functions so that package main only parses flags and calls them.
//
// Secrets never reach argv, logs or error text: errors name files and vault
// ids, never passwords. User-facing messages keep Ansible's wording
// ("Decryption failed (no vault secrets were found that could decrypt) on f")
// so that users and tests comparing against ansible-vault see the same text;
// that is why they do not follow the lower-case rule of the style guide.
//
// vault is a leaf: it imports nothing of gplay, only the standard library,
// golang.org/x/term and golang.org/x/sys/unix (password prompts on the
// terminal with echo off).
package vault
