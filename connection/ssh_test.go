package connection

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"gplay/internal/sshdtest"
)

// TestMain lets the test binary act as a minimal netcat ("nc host port"),
// used as a ProxyCommand without depending on a netcat package, and as a
// controller that a test can kill (see controller).
func TestMain(m *testing.M) {
	if os.Getenv("GPLAY_TEST_NETCAT") == "1" {
		os.Exit(netcat(os.Args[len(os.Args)-2], os.Args[len(os.Args)-1]))
	}
	if cfg := os.Getenv("GPLAY_TEST_CONTROLLER"); cfg != "" {
		os.Exit(controller(cfg))
	}
	os.Exit(m.Run())
}

func netcat(host, port string) int {
	if marker := os.Getenv("GPLAY_TEST_NETCAT_MARKER"); marker != "" {
		if err := os.WriteFile(marker, []byte(host+" "+port), 0o600); err != nil {
			return 2
		}
	}
	c, err := net.Dial("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "netcat:", err)
		return 1
	}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(os.Stdout, c)
		close(done)
	}()
	_, _ = io.Copy(c, os.Stdin)
	<-done
	return 0
}

// testPrompter answers every prompt with answer and counts the prompts.
type testPrompter struct {
	answer  string
	prompts atomic.Int32
	last    atomic.Value
}

func (p *testPrompter) Prompt(_ context.Context, prompt string, _ bool) (string, error) {
	p.prompts.Add(1)
	p.last.Store(prompt)
	return p.answer, nil
}

// encryptKey writes the client key of srv encrypted with passphrase, without
// a .pub file when withPub is false.
func encryptKey(t *testing.T, srv *sshdtest.Server, passphrase string) string {
	t.Helper()
	raw, err := os.ReadFile(srv.ClientKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.ParseRawPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(key, "encrypted", []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "id_encrypted")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// startAgent runs a real ssh-agent holding the given keys and returns its
// socket.
func startAgent(t *testing.T, keys ...string) string {
	t.Helper()
	needBinary(t, "ssh-agent")
	needBinary(t, "ssh-add")
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agentCmd := exec.Command("ssh-agent", "-D", "-a", sock)
	var agentOut bytes.Buffer
	agentCmd.Stdout, agentCmd.Stderr = &agentOut, &agentOut
	if err := agentCmd.Start(); err != nil {
		t.Fatalf("start ssh-agent: %v", err)
	}
	t.Cleanup(func() {
		_ = agentCmd.Process.Kill()
		_ = agentCmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ssh-agent did not listen on %s: %s", sock, agentOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, k := range keys {
		add := exec.Command("ssh-add", k)
		add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add %s: %v: %s", k, err, out)
		}
	}
	return sock
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{Password: true, KeyboardInteractive: true})
	pwOnly := newEnv(t, sshdtest.Options{Password: true})
	encrypted := encryptKey(t, e.srv, "s3cret passphrase")
	agentSock := startAgent(t, e.srv.ClientKeyFile)
	// A home whose default key (~/.ssh/id_ed25519) is the client key.
	defaultKeyHome := t.TempDir()
	key, err := os.ReadFile(e.srv.ClientKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(defaultKeyHome, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(defaultKeyHome, ".ssh", "id_ed25519"), key, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		env      *testEnv
		edit     func(*Target, *Dialer)
		wantErr  []string // substrings of the error; nil means success
		prompts  int32
		prompter *testPrompter
	}{
		{name: "identity file", env: e, edit: func(*Target, *Dialer) {}},
		{name: "ssh-agent", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			d.AgentSocket = agentSock
		}},
		{name: "default ~/.ssh/id_ed25519", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			d.HomeDir = defaultKeyHome
		}},
		{name: "IdentitiesOnly ignores agent keys", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			tg.CommonArgs += " -o IdentitiesOnly=yes -o IdentityFile=/nonexistent/key"
			d.AgentSocket = agentSock
		}, wantErr: []string{"no private keys found"}},
		{name: "identity file from -i in ssh args", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			tg.ExtraArgs = "-i " + e.srv.ClientKeyFile
		}},
		{name: "password", env: pwOnly, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			tg.Password = pwOnly.srv.Password
		}},
		{name: "keyboard-interactive", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			tg.Password = e.srv.Password
			// Only keyboard-interactive may succeed.
			tg.CommonArgs += " -o PasswordAuthentication=no"
		}},
		{name: "wrong password", env: pwOnly, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
			tg.Password = "wrong-Pa55word"
		}, wantErr: []string{"ssh authentication as " + pwOnly.srv.TestUser, "unable to authenticate"}},
		{name: "no credentials", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = nil
		}, wantErr: []string{"no private keys found", "no password set"}},
		{name: "missing identity file", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = []string{"/nonexistent/id_ed25519"}
		}, wantErr: []string{"identity file /nonexistent/id_ed25519 not usable: no such file or directory"}},
		{name: "encrypted key without terminal", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = []string{encrypted}
		}, wantErr: []string{"identity file " + encrypted + " is encrypted and there is no terminal", "ssh-add " + encrypted}},
		{name: "encrypted key with prompter", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = []string{encrypted}
		}, prompter: &testPrompter{answer: "s3cret passphrase"}, prompts: 1},
		{name: "encrypted key also in agent", env: e, edit: func(tg *Target, d *Dialer) {
			tg.IdentityFiles = []string{encrypted}
			d.AgentSocket = agentSock
		}, prompter: &testPrompter{answer: "never asked"}, prompts: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := tt.env.target
			d := &Dialer{HomeDir: tt.env.home, AgentSocket: "none"}
			if tt.prompter != nil {
				d.Prompter = tt.prompter
			}
			var logMu sync.Mutex
			var logs strings.Builder
			d.Logf = func(format string, args ...any) {
				logMu.Lock()
				defer logMu.Unlock()
				fmt.Fprintf(&logs, format+"\n", args...)
			}
			tt.edit(&tg, d)
			defer func() {
				// Secrets never reach the debug log.
				for _, secret := range []string{e.srv.Password, pwOnly.srv.Password, "s3cret passphrase", "wrong-Pa55word"} {
					if strings.Contains(logs.String(), secret) {
						t.Errorf("debug log contains a secret: %s", logs.String())
					}
				}
				if logs.Len() == 0 {
					t.Errorf("no debug log")
				}
			}()
			c, err := d.DialSSH(testCtx(t), tg)
			if tt.wantErr != nil {
				if err == nil {
					c.Close()
					t.Fatalf("DialSSH succeeded, want error containing %q", tt.wantErr)
				}
				if !errors.Is(err, ErrUnreachable) {
					t.Errorf("DialSSH error %v is not ErrUnreachable", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("DialSSH error = %q, want it to contain %q", err, w)
					}
				}
				if tg.Password != "" && strings.Contains(err.Error(), tg.Password) {
					t.Errorf("DialSSH error %q contains the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DialSSH: %v", err)
			}
			defer c.Close()
			if got := run(t, c, "id -un"); got != tt.env.srv.TestUser+"\n" {
				t.Errorf("id -un = %q, want %q", got, tt.env.srv.TestUser)
			}
			if tt.prompter != nil {
				// A second connection reuses the decrypted key: one prompt per run.
				c2, err := d.DialSSH(testCtx(t), tg)
				if err != nil {
					t.Fatalf("second DialSSH: %v", err)
				}
				c2.Close()
				if got := tt.prompter.prompts.Load(); got != tt.prompts {
					t.Errorf("prompts = %d, want %d", got, tt.prompts)
				}
			}
		})
	}
}

// slowPrompter answers after a delay longer than the connection timeout.
type slowPrompter struct {
	testPrompter
	delay time.Duration
}

func (p *slowPrompter) Prompt(ctx context.Context, prompt string, echo bool) (string, error) {
	time.Sleep(p.delay)
	return p.testPrompter.Prompt(ctx, prompt, echo)
}

// The handshake timeout does not count the time the user takes to type.
func TestPromptPausesHandshakeTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	tg := e.target
	tg.IdentityFiles = []string{encryptKey(t, e.srv, "pass")}
	tg.Timeout = time.Second
	p := &slowPrompter{testPrompter: testPrompter{answer: "pass"}, delay: 2 * time.Second}
	d := &Dialer{HomeDir: e.home, AgentSocket: "none", Prompter: p}
	c := dial(t, d, tg)
	run(t, c, "true")
	if p.prompts.Load() != 1 {
		t.Errorf("prompts = %d, want 1", p.prompts.Load())
	}
}
