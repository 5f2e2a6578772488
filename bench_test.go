package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkHostvarsManyHosts runs a play on 2,000 hosts (local connection)
// whose one real task resolves hostvars[groups['masters'][0]]['ansible_host']
// on every host: the cost must grow linearly with the hosts, as hostvars
// are resolved lazily per host.
func BenchmarkHostvarsManyHosts(b *testing.B) {
	for _, n := range []int{200, 1000, 2000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			var inv strings.Builder
			inv.WriteString("[masters]\n")
			for i := 0; i < 3; i++ {
				fmt.Fprintf(&inv, "m%d ansible_host=10.0.0.%d\n", i, i+1)
			}
			inv.WriteString("[workers]\n")
			for i := 3; i < n; i++ {
				fmt.Fprintf(&inv, "w%d ansible_host=10.1.%d.%d\n", i, i/250, i%250+1)
			}
			hosts := filepath.Join(dir, "hosts.ini")
			book := filepath.Join(dir, "hv.yml")
			if err := os.WriteFile(hosts, []byte(inv.String()), 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(book, []byte(`- hosts: all
  gather_facts: false
  connection: local
  tasks:
    - set_fact:
        first_master: "{{ hostvars[groups['masters'][0]]['ansible_host'] }}"
`), 0o644); err != nil {
				b.Fatal(err)
			}
			devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer devnull.Close()
			stdout := os.Stdout
			os.Stdout = devnull
			defer func() { os.Stdout = stdout }()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if code := run(context.Background(), []string{"gplay", "-i", hosts, "-f", "50", book}); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/host")
		})
	}
}
