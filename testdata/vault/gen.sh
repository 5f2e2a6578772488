#!/bin/sh
# Regenerates the ansible-vault fixtures in this directory with the real
# ansible-vault (Debian's ansible-core 2.14). The passwords are repeated in
# vault/vault_test.go (pwDefault, pwDev, pwProd, pwUni); ciphertext is salted at random, so a rerun changes
# every file, and the tests only require that each one decrypts.
set -eu
cd "$(dirname "$0")"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf 'correct horse battery staple\n' >"$t/default"
printf 'dev-secret\n' >"$t/dev"
printf 'prod s3cret with spaces' >"$t/prod"
printf 'ünïcødé-pässwörd\n' >"$t/uni"

printf 'plain: text\nnumber: 42\n' >"$t/p"; cp "$t/p" v11_default.yml
ansible-vault encrypt --vault-password-file "$t/default" v11_default.yml

printf 'env: dev\n' >v12_dev.yml
ansible-vault encrypt --vault-id "dev@$t/dev" v12_dev.yml

printf 'env: prod\nlong: %s\n' "$(printf 'x%.0s' $(seq 1 200))" >v12_prod.yml
ansible-vault encrypt --vault-id "prod@$t/prod" v12_prod.yml

# Encrypted with the prod password but labelled dev: only a multi-secret
# search finds it.
printf 'mislabelled: true\n' >v12_mislabelled.yml
ansible-vault encrypt --vault-id "dev@$t/prod" v12_mislabelled.yml

printf 'unicode: ✓\n' >v12_unicode.yml
ansible-vault encrypt --vault-id "uni@$t/uni" v12_unicode.yml

: >v11_empty.yml
ansible-vault encrypt --vault-password-file "$t/default" v11_empty.yml

head -c 100 /dev/urandom >v11_binary.bin; cp v11_binary.bin "$t/binary.plain"
ansible-vault encrypt --vault-password-file "$t/default" v11_binary.bin
cp "$t/binary.plain" v11_binary.bin.plain

{
	ansible-vault encrypt_string --vault-id "dev@$t/dev" --encrypt-vault-id dev -n db_password 'hunter2'
	echo
	ansible-vault encrypt_string --vault-password-file "$t/default" -n api_key 'k-123'
	echo
} >encrypt_string.yml
