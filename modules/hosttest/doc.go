// Package hosttest runs the module tests that need a real Debian host with
// systemd as PID 1 (apt install/remove, systemd units) on a testbed host:
// it builds the modules test binary, copies it to the host over SSH and
// runs the destructive tests there with GPLAY_DESTRUCTIVE=1 and
// GPLAY_E2E=required, so they cannot skip.
//
// It has tests only; it boots the hosts through internal/testbed.
package hosttest
