// Package connection runs commands on target hosts: over SSH with
// golang.org/x/crypto/ssh, or on this machine (Local). It sits between the
// engine, which decides what to run where, and the agent protocol, which
// needs a long-lived command with pipes. Of gplay it imports agent, module
// and pyval (besides the standard library, x/crypto/ssh, skeema/knownhosts,
// kevinburke/ssh_config and x/term) and must never import engine, modules,
// output or main.
//
// The engine describes a host as a Target (inventory connection variables
// and CLI flags) and gets a Conn from a Pool, which keeps one connection per
// host for the whole run. A Conn executes commands (Exec), starts streams
// (Open) and uploads files (Put). Encrypted keys and extra
// keyboard-interactive questions are asked through a Prompter
// (TerminalPrompter reads /dev/tty).
//
// Connections follow OpenSSH and Ansible's ssh plugin:
//
//   - Configuration comes from "ssh -G" when an ssh binary exists, so
//     ~/.ssh/config (HostName, User, Port, IdentityFile, ProxyJump,
//     ProxyCommand, StrictHostKeyChecking, UserKnownHostsFile,
//     ConnectTimeout, ServerAliveInterval, Match, Include) means what it
//     means to ssh; without one, kevinburke/ssh_config reads the files.
//     Target fields and -o/-J/-i/-p/-l/-F in ansible_ssh_common_args and
//     ansible_ssh_extra_args come first and win, in Ansible's order.
//     Answers of "ssh -G" are kept in ~/.cache/gplay/ssh-G, keyed by the
//     command line, the ssh binary and the contents of every configuration
//     file it reads (Include globs followed), so a warm run starts no ssh;
//     configurations using Match, CanonicalizeHostname or ${VAR} are never
//     cached.
//   - Authentication tries public keys (identity files, then ssh-agent keys),
//     then keyboard-interactive and password when a password is set.
//     Encrypted keys are decrypted only once the server accepts their public
//     key, with one prompt per run through a Prompter; without one the
//     failure says how to fix it. Secrets never reach argv, the environment,
//     logs or error text.
//   - Host keys are verified against the known_hosts files (preferring the
//     key types already recorded for the host). Unknown and changed keys
//     fail with the fingerprint and the command that fixes it;
//     StrictHostKeyChecking=accept-new records new keys under a file lock;
//     Target.NoHostKeyChecking (host_key_checking=False) turns checking off.
//   - The TCP connect and the whole handshake are bounded by the timeout
//     (default 10 s); keepalive@openssh.com requests detect dead peers.
//   - Failures to connect or authenticate, and connections lost mid-command,
//     wrap ErrUnreachable; everything else is an ordinary error.
//
// Modules run inside the agent, the gplay binary itself started as
// `gplay agent` (AgentDeployer, HostAgents, Agent):
//
//   - The binary is uploaded once per host into a per-user cache named by
//     its SHA-256 (~/.cache/gplay/agent/<sha256>, directories 0700), into a
//     temporary file whose hash is checked on the target before the rename.
//     Later runs start it in one round trip; a stamp (size, inode, ctime)
//     next to it makes re-verification cheap, and a file that changed is
//     hashed again and replaced rather than run. Targets of another
//     platform get gplay-<os>-<arch> from `make dist`. On the controller
//     the binary's SHA-256 is remembered the same way (~/.cache/gplay/sums,
//     keyed by path, checked against device, inode, size and ctime), so a
//     warm run hashes nothing.
//   - Become runs the agent itself as the become user (sudo -H -S -u USER,
//     or su USER -c), one agent per host, user and method, so a password is
//     given once per run. It is written to stdin only after the prompt
//     appeared, never to argv, the environment or logs; a second prompt
//     fails at once with Ansible's "Incorrect sudo password", no password
//     with "Missing sudo password"; sudo without a password runs with -n.
//     Becoming the login user runs no sudo at all.
//   - A task is one framed request and one response. While one runs, the
//     connection is pinged every second: a host that went silent for the
//     timeout is unreachable instead of hanging. When the connection or
//     the controller goes away, the agent's stdin ends and it exits.
//
// StrictHostKeyChecking=ask (the default) asks about an unknown key through
// the Prompter, as ssh does on a terminal, and rejects it without one.
//
// Deliberate differences from Ansible: become to the login user itself
// runs without sudo (it changes nothing and works without sudo installed).
//
// Deliberate differences from OpenSSH: StrictHostKeyChecking=no skips
// verification and records nothing; jump hosts inherit the target's
// command-line options except host, port, user, HostKeyAlias and proxies
// (ssh passes none to them) and never get the password; a
// ServerAliveInterval of 0 means 30 s, not off.
package connection
