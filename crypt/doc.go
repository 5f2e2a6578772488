// Package crypt computes the crypt(3) password hashes Ansible writes with
// passlib: SHA-crypt ($5$ sha256_crypt, $6$ sha512_crypt) as specified by
// Ulrich Drepper, and MD5-crypt ($1$). jinja's password_hash filter and the
// password lookup's encrypt= both use it. It imports nothing of gplay.
package crypt
