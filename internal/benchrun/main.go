// Command benchrun is `make bench`: it runs testdata/bench/bench.yml on real
// test hosts with ansible-playbook and with gplay, side by side in one run,
// and measures the floor — one round trip per task item over a kept SSH
// channel — then prints the times and the ratios the targets are stated in.
//
//	go run ./internal/benchrun [-hosts 3] [-runs 3]
//
// Cold runs start from hosts without the playbook's files; warm runs are
// idempotent re-runs (changed=0). Every figure is whole-process wall time.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"

	"gplay/internal/testbed"
)

// taskItems is how many task items bench.yml runs per host (loops counted
// per item): the floor makes one round trip for each.
const taskItems = 20

func main() {
	hosts := flag.Int("hosts", 3, "test hosts to boot")
	runs := flag.Int("runs", 3, "warm runs of each tool (the median is reported)")
	skipAnsible := flag.Bool("skip-ansible", false, "do not run ansible-playbook")
	gplayBin := flag.String("gplay", "", "use this gplay binary instead of building one")
	flag.Parse()
	if err := run(*hosts, *runs, *skipAnsible, *gplayBin); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type tool struct {
	name string
	cmd  func() *exec.Cmd
}

func run(n, runs int, skipAnsible bool, gplayBin string) error {
	bed, err := testbed.Up(n)
	if err != nil {
		return err
	}
	defer func() {
		if err := bed.Release(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
	}()
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "gplay-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	inv := filepath.Join(dir, "hosts.ini")
	if err := os.WriteFile(inv, []byte(bed.Inventory()), 0o644); err != nil {
		return err
	}
	gplay := gplayBin
	if gplay == "" {
		gplay = filepath.Join(dir, "gplay")
		// As `make gplay` and `make dist` build it: static (no cgo), so the
		// agent on the targets starts without the dynamic loader.
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", gplay, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build gplay: %w", err)
		}
	}
	book := filepath.Join(root, "testdata", "bench", "bench.yml")
	tools := []tool{{"gplay", func() *exec.Cmd {
		return exec.Command(gplay, "-i", inv, "-f", fmt.Sprint(max(5, n)), book)
	}}}
	if !skipAnsible {
		tools = append(tools, tool{"ansible-playbook", func() *exec.Cmd {
			c := exec.Command("ansible-playbook", "-i", inv, "-f", fmt.Sprint(max(5, n)), book)
			c.Env = append(os.Environ(), "ANSIBLE_PIPELINING=True", "ANSIBLE_NOCOLOR=1")
			return c
		}})
	}

	var floors []time.Duration
	for i := 0; i < runs; i++ {
		d, err := floor(bed)
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		floors = append(floors, d)
	}
	fl := median(floors)

	results := map[string][2]time.Duration{} // cold, warm median
	recaps := map[string][2]string{}
	var failed []string
	for _, tl := range tools {
		if err := resetHosts(bed); err != nil {
			return err
		}
		cold, coldOut, err := timeCmd(tl.cmd())
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s cold run failed: %v\n%s\n\n", tl.name, err, tail(coldOut, 30))
			failed = append(failed, tl.name)
			continue
		}
		var warm []time.Duration
		var warmOut string
		for i := 0; i < runs && err == nil; i++ {
			var d time.Duration
			d, warmOut, err = timeCmd(tl.cmd())
			warm = append(warm, d)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s warm run failed: %v\n%s\n\n", tl.name, err, tail(warmOut, 30))
			failed = append(failed, tl.name)
			continue
		}
		results[tl.name] = [2]time.Duration{cold, median(warm)}
		recaps[tl.name] = [2]string{recap(coldOut), recap(warmOut)}
	}

	fmt.Printf("bench.yml on %d test hosts; warm = median of %d idempotent re-runs; whole-process wall time\n\n", n, runs)
	fmt.Printf("%-18s %10s %10s\n", "", "cold", "warm")
	for _, tl := range tools {
		if r, ok := results[tl.name]; ok {
			fmt.Printf("%-18s %9.2fs %9.2fs\n", tl.name, r[0].Seconds(), r[1].Seconds())
		} else {
			fmt.Printf("%-18s %10s %10s\n", tl.name, "FAILED", "FAILED")
		}
	}
	fmt.Printf("%-18s %10s %9.3fs  (connect + %d round trips per host on a kept channel)\n\n", "floor", "", fl.Seconds(), taskItems)
	g, gok := results["gplay"]
	a, aok := results["ansible-playbook"]
	if gok && aok {
		fmt.Printf("ansible-playbook / gplay, warm: %.1fx (target >= 40x)\n", a[1].Seconds()/g[1].Seconds())
		fmt.Printf("ansible-playbook / gplay, cold: %.1fx\n", a[0].Seconds()/g[0].Seconds())
		same := recaps["gplay"] == recaps["ansible-playbook"]
		fmt.Printf("same PLAY RECAP as ansible-playbook (cold and warm): %v\n", same)
		if !same {
			fmt.Printf("gplay:\n%s\n%s\nansible-playbook:\n%s\n%s\n", recaps["gplay"][0], recaps["gplay"][1], recaps["ansible-playbook"][0], recaps["ansible-playbook"][1])
		}
	}
	if gok {
		fmt.Printf("gplay / floor, warm: %.2fx (target <= 2.5x)\n", g[1].Seconds()/fl.Seconds())
	}
	if len(failed) > 0 {
		return fmt.Errorf("failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

// resetHosts removes what bench.yml creates, so the next run is a cold one.
func resetHosts(bed *testbed.Bed) error {
	return eachHost(bed, func(c *ssh.Client) error {
		s, err := c.NewSession()
		if err != nil {
			return err
		}
		defer s.Close()
		return s.Run("rm -rf /opt/bench")
	})
}

// floor connects to every host at once and makes taskItems round trips on
// one kept channel per host: the least any tool can do for this playbook.
func floor(bed *testbed.Bed) (time.Duration, error) {
	start := time.Now()
	err := eachHost(bed, func(c *ssh.Client) error {
		s, err := c.NewSession()
		if err != nil {
			return err
		}
		defer s.Close()
		in, err := s.StdinPipe()
		if err != nil {
			return err
		}
		out, err := s.StdoutPipe()
		if err != nil {
			return err
		}
		if err := s.Start("cat"); err != nil {
			return err
		}
		buf := make([]byte, 64)
		for i := 0; i < taskItems; i++ {
			if _, err := io.WriteString(in, "ping\n"); err != nil {
				return err
			}
			if _, err := io.ReadFull(out, buf[:5]); err != nil {
				return err
			}
		}
		return in.Close()
	})
	return time.Since(start), err
}

// eachHost dials every host in parallel (verifying host keys) and runs f.
func eachHost(bed *testbed.Bed, f func(*ssh.Client) error) error {
	key, err := os.ReadFile(bed.Key)
	if err != nil {
		return err
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		return err
	}
	kh, err := knownhosts.NewDB(bed.KnownHosts)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(bed.Hosts))
	for i, h := range bed.Hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := net.JoinHostPort(h.Addr, "22")
			c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
				User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
				HostKeyCallback: kh.HostKeyCallback(), HostKeyAlgorithms: kh.HostKeyAlgorithms(addr),
				Timeout: 10 * time.Second,
			})
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			errs[i] = f(c)
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func timeCmd(c *exec.Cmd) (time.Duration, string, error) {
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	c.Dir = filepath.Dir(c.Args[len(c.Args)-1])
	start := time.Now()
	err := c.Run()
	return time.Since(start), out.String(), err
}

var recapLine = regexp.MustCompile(`(?m)^\S+\s+: ok=.*$`)

// recap returns the PLAY RECAP rows with trailing spaces removed.
func recap(out string) string {
	rows := recapLine.FindAllString(out, -1)
	for i := range rows {
		rows[i] = strings.TrimRight(rows[i], " ")
	}
	return strings.Join(rows, "\n")
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func moduleRoot() (string, error) {
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}
