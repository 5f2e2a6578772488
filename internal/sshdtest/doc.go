// Package sshdtest starts a real OpenSSH sshd on the loopback interface for
// integration tests of the connection and agent packages.
//
// Each call to Start runs /usr/sbin/sshd in the foreground (-D -e) with its own
// sshd_config, freshly generated host keys and client key, authorized_keys,
// PidFile and log, all under t.TempDir(), on 127.0.0.1 at a free port. The
// server is stopped by t.Cleanup and its log is printed when the test failed.
// The client key is authorized for root and for a throw-away local user with
// a random password (created with useradd/chpasswd, removed in t.Cleanup).
// Options enable password authentication, keyboard-interactive
// authentication through PAM, and arbitrary extra sshd_config lines.
//
// sshd has to run as root to switch users and to read PAM and shadow files. A
// test that cannot start it (not root, no binary) is skipped with the reason,
// unless GPLAY_E2E=required, in which case it fails: a skipped integration test
// must never pass silently in CI.
//
// The package is a test helper: it imports only the standard library and
// golang.org/x/crypto/ssh, and nothing from gplay.
package sshdtest
