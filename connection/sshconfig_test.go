package connection

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gplay/internal/sshdtest"
)

// resolvers returns the Dialer settings for both ways of reading the
// OpenSSH configuration: ssh -G (when ssh exists) and the built-in parser.
func resolvers(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{"parser": "none"}
	if p, err := exec.LookPath("ssh"); err == nil {
		m["ssh -G"] = p
	} else if os.Getenv("GPLAY_E2E") == "required" {
		t.Fatalf("GPLAY_E2E=required but there is no ssh binary for ssh -G")
	} else {
		t.Logf("no ssh binary: only the built-in ssh_config parser is tested")
	}
	return m
}

func writeConfig(t *testing.T, lines ...string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSSHConfigHonoured(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	jump := sshdtest.Start(t, sshdtest.Options{})
	if err := os.WriteFile(e.knownHosts, []byte(e.srv.KnownHosts+jump.KnownHosts), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t,
		"Host myalias viajump",
		"  HostName 127.0.0.1",
		fmt.Sprintf("  Port %d", e.srv.Port),
		"  User "+e.srv.TestUser,
		"  IdentityFile "+e.srv.ClientKeyFile,
		"Host viajump",
		"  ProxyJump jumpalias",
		"Host wrongport",
		"  HostName 127.0.0.1",
		"  Port 1",
		"  User root",
		"  IdentityFile "+e.srv.ClientKeyFile,
		"Host jumpalias",
		"  HostName 127.0.0.1",
		fmt.Sprintf("  Port %d", jump.Port),
		"  User "+jump.TestUser,
		"  IdentityFile "+jump.ClientKeyFile,
		"Host *",
		"  UserKnownHostsFile "+e.knownHosts,
		"  GlobalKnownHostsFile /dev/null",
		"  ServerAliveInterval 7",
		"  ConnectTimeout 4",
	)
	for name, sshPath := range resolvers(t) {
		t.Run(name, func(t *testing.T) {
			d := &Dialer{HomeDir: e.home, AgentSocket: "none", SSHPath: sshPath}
			for _, tc := range []struct {
				name string
				tg   Target
				user string
			}{
				{"alias from -F", Target{Host: "myalias", CommonArgs: "-F " + cfg}, e.srv.TestUser},
				{"ProxyJump to an alias", Target{Host: "viajump", CommonArgs: "-F " + cfg}, e.srv.TestUser},
				// Inventory values win over the file (ansible_port, ansible_user).
				{"inventory overrides", Target{Host: "wrongport", Port: e.srv.Port, User: e.srv.TestUser, CommonArgs: "-F " + cfg}, e.srv.TestUser},
				// The first -o wins, as in ssh.
				{"-o overrides", Target{Host: "wrongport", CommonArgs: fmt.Sprintf("-F %s -o Port=%d -o User=%s -o Port=1", cfg, e.srv.Port, e.srv.TestUser)}, e.srv.TestUser},
			} {
				t.Run(tc.name, func(t *testing.T) {
					c := dial(t, d, tc.tg)
					if got := run(t, c, "id -un"); got != tc.user+"\n" {
						t.Errorf("id -un = %q, want %q", got, tc.user)
					}
				})
			}
		})
	}

	// Both resolvers agree on what gplay uses (ssh -G is the oracle).
	all := resolvers(t)
	if _, ok := all["ssh -G"]; !ok {
		return
	}
	got := map[string]*hostConfig{}
	for name, sshPath := range all {
		r, err := (&Dialer{HomeDir: e.home, SSHPath: sshPath}).resolver()
		if err != nil {
			t.Fatal(err)
		}
		args, err := targetArgs(Target{Host: "viajump", CommonArgs: "-F " + cfg})
		if err != nil {
			t.Fatal(err)
		}
		hc, err := r.resolve(testCtx(t), "viajump", args)
		if err != nil {
			t.Fatalf("%s: resolve: %v", name, err)
		}
		got[name] = hc
	}
	if !reflect.DeepEqual(got["parser"], got["ssh -G"]) {
		t.Errorf("parser and ssh -G disagree:\nparser %+v\nssh -G %+v", *got["parser"], *got["ssh -G"])
	}
	hc := got["ssh -G"]
	if hc.ServerAliveInterval != 7*time.Second || hc.ConnectTimeout != 4*time.Second || hc.ProxyJump != "jumpalias" {
		t.Errorf("resolved %+v, want ServerAliveInterval 7s, ConnectTimeout 4s, ProxyJump jumpalias", *hc)
	}
}
