package e2e

import (
	"bytes"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"

	"gplay/internal/testbed"
)

// TestTestbedHosts proves every test host is what the other tests rely on:
// reachable over SSH with the generated key and a verified host key, running
// systemd as PID 1 with nothing failed, with its own hostname and apt.
func TestTestbedHosts(t *testing.T) {
	bed := testbed.Get(t)
	if len(bed.Hosts) != hosts {
		t.Fatalf("booted %d hosts, want %d", len(bed.Hosts), hosts)
	}
	keyPEM, err := os.ReadFile(bed.Key)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	kh, err := knownhosts.NewDB(bed.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range bed.Hosts {
		t.Run(h.Name, func(t *testing.T) {
			addr := net.JoinHostPort(h.Addr, "22")
			client, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
				User:              "root",
				Auth:              []ssh.AuthMethod{ssh.PublicKeys(signer)},
				HostKeyCallback:   kh.HostKeyCallback(),
				HostKeyAlgorithms: kh.HostKeyAlgorithms(addr),
				Timeout:           10 * time.Second,
			})
			if err != nil {
				t.Fatalf("ssh %s: %v", addr, err)
			}
			defer client.Close()
			tests := []struct {
				cmd  string
				want string
			}{
				{"hostname", h.Name},
				{"cat /proc/1/comm", "systemd"},
				{"systemctl is-system-running --wait", "running"},
				{"dpkg-query -W -f '${Status}' apt", "install ok installed"},
				{"id -u", "0"},
			}
			for _, tc := range tests {
				got, err := run(client, tc.cmd)
				if err != nil || got != tc.want {
					t.Errorf("%s on %s = %q (err %v), want %q", tc.cmd, h.Name, got, err, tc.want)
				}
			}
		})
	}
}

// TestTestbedRejectsUnknownHostKey proves the test hosts' keys are really
// checked: a known_hosts file without them must make the handshake fail.
func TestTestbedRejectsUnknownHostKey(t *testing.T) {
	bed := testbed.Get(t)
	empty := t.TempDir() + "/known_hosts"
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	kh, err := knownhosts.NewDB(empty)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := os.ReadFile(bed.Key)
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ssh.Dial("tcp", net.JoinHostPort(bed.Hosts[0].Addr, "22"), &ssh.ClientConfig{
		User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: kh.HostKeyCallback(), Timeout: 10 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "key is unknown") {
		t.Fatalf("dial with empty known_hosts: err = %v, want an unknown-key error", err)
	}
}

func run(c *ssh.Client, cmd string) (string, error) {
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	var out bytes.Buffer
	s.Stdout = &out
	err = s.Run(cmd)
	return strings.TrimSpace(out.String()), err
}
