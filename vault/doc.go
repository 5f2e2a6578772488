// Package vault reads and writes Ansible Vault data as ansible-core 2.14 does
// (lib/ansible/parsing/vault/__init__.py): the 1.1 and 1.2 envelopes with the
// AES256 cipher, vault-id labels, and the several-secrets decryption rule.
//
// It owns three things:
//
//   - the format: IsEncrypted, ParseEnvelope, Encrypt, Decrypt, DecryptWithID,
//     DecryptOnlyMatching, EncryptString, and Keyring, a []Secret whose
//     Decrypt method serves yaml11's lazy !vault values (vault.go, cipher.go);
//   - where secrets come from: --vault-id label@source, --vault-password-file
//     (plain files, password scripts, "-client" scripts), --ask-vault-pass and
//     the ANSIBLE_VAULT_IDENTITY_LIST / ANSIBLE_VAULT_PASSWORD_FILE environment
//     (secrets.go, LoadSecrets);
//   - the logic of the `gplay vault` subcommands (cli.go), written as plain
//     functions so that package main only parses flags and calls them.
//
// Secrets never reach argv, logs or error text: errors name files and vault
// ids, never passwords, and a Secret prints as its id under any fmt verb.
// User-facing messages keep Ansible's wording ("Decryption failed (no vault
// secrets were found that could decrypt) on f") so that users and tests
// comparing against ansible-vault see the same text; that is why they do not
// follow the lower-case rule of the style guide.
//
// Deliberate differences from ansible-vault 2.14:
//   - a file rewritten in place (encrypt, decrypt, rekey, edit, --output onto
//     an existing file) keeps its mode and owner, and is replaced atomically;
//     ansible-vault deletes it and recreates it with mode 0600 (except rekey
//     and edit, which restore the mode);
//   - an editor that exits non-zero leaves the vault file untouched;
//     ansible-vault saves whatever the editor left;
//   - `encrypt_string -p` with no arguments prompts; 2.14 refuses because it
//     also wants stdin (later Ansible prompts);
//   - the secret labelled like the envelope is tried first; 2.14 tries all in
//     the given order. Only the right password passes the HMAC, so the result
//     is the same.
//
// ansible.cfg is not read here: a caller that loads it can feed its
// vault_identity_list, vault_password_file, vault_encrypt_identity and
// vault_id_match through SecretOptions.Getenv under the ANSIBLE_* names.
//
// vault is a leaf: it imports nothing of gplay, only the standard library,
// golang.org/x/term and golang.org/x/sys/unix (password prompts on the
// terminal with echo off).
package vault
