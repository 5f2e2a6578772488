package modules

import (
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"gplay/module/moduletest"
)

func gatherFacts(t *testing.T, args ...any) map[string]any {
	t.Helper()
	res, err := moduletest.RunModule(t, setupModule{}, moduletest.Args(args...), true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed {
		t.Errorf("setup changed")
	}
	return res.Facts
}

func TestSetupFacts(t *testing.T) {
	f := gatherFacts(t)
	host, _ := os.Hostname()
	if f["nodename"] != host || f["hostname"] != strings.SplitN(host, ".", 2)[0] {
		t.Errorf("hostname, nodename = %v, %v; os.Hostname %s", f["hostname"], f["nodename"], host)
	}
	if runtime.GOARCH == "amd64" && f["architecture"] != "x86_64" {
		t.Errorf("architecture = %v", f["architecture"])
	}
	for _, k := range []string{"kernel", "distribution", "distribution_version", "distribution_major_version",
		"distribution_release", "os_family", "pkg_mgr", "service_mgr", "fqdn", "date_time", "env", "user_id",
		"memtotal_mb", "swaptotal_mb", "processor_vcpus", "lsb", "default_ipv4", "all_ipv4_addresses", "interfaces", "dns", "mounts"} {
		if _, ok := f[k]; !ok {
			t.Errorf("fact %s missing", k)
		}
	}
	if v, _ := f["processor_vcpus"].(int64); v < 1 {
		t.Errorf("processor_vcpus = %v", f["processor_vcpus"])
	}
	if comm, _ := os.ReadFile("/proc/1/comm"); strings.TrimSpace(string(comm)) == "systemd" && f["service_mgr"] != "systemd" {
		t.Errorf("service_mgr = %v on a systemd host", f["service_mgr"])
	}
	if f["memtotal_mb"].(int64) <= 0 {
		t.Errorf("memtotal_mb = %v", f["memtotal_mb"])
	}

	min := gatherFacts(t, "gather_subset", []string{"!all"})
	if _, ok := min["memtotal_mb"]; ok {
		t.Errorf("!all gathered hardware facts")
	}
	if _, ok := min["distribution"]; !ok {
		t.Errorf("!all did not gather the minimal facts")
	}
	flt := gatherFacts(t, "filter", []string{"ansible_distribution*"})
	for k := range flt {
		if !strings.HasPrefix(k, "distribution") && k != "gather_subset" && k != "module_setup" {
			t.Errorf("filter kept %s", k)
		}
	}
	if _, err := moduletest.RunModule(t, setupModule{}, moduletest.Args("gather_subset", []string{"bogus"}), true); err == nil {
		t.Errorf("bad subset accepted")
	}
}

// TestSetupAgainstAnsible compares the facts the Kubernetes roles use with
// what the real ansible setup module gathers on this machine.
func TestSetupAgainstAnsible(t *testing.T) {
	if _, err := exec.LookPath("ansible"); err != nil {
		t.Skip("SKIPPED: ansible (the oracle) is not installed")
	}
	out, err := exec.Command("ansible", "localhost", "-c", "local", "-i", "localhost,", "-m", "setup").Output()
	if err != nil {
		t.Skipf("SKIPPED: ansible setup failed: %v", err)
	}
	s := string(out)
	var res struct {
		Facts map[string]any `json:"ansible_facts"`
	}
	if err := json.Unmarshal([]byte(s[strings.Index(s, "{"):]), &res); err != nil {
		t.Fatal(err)
	}
	ours := gatherFacts(t)
	// round-trip ours through JSON so types compare as Ansible's do
	b, _ := json.Marshal(ours)
	var got map[string]any
	json.Unmarshal(b, &got)
	for _, k := range []string{"hostname", "nodename", "fqdn", "domain", "os_family", "distribution", "distribution_release",
		"distribution_major_version", "distribution_version", "architecture", "kernel", "machine_id", "memtotal_mb",
		"swaptotal_mb", "processor_vcpus", "pkg_mgr", "lsb", "all_ipv4_addresses", "default_ipv4", "service_mgr",
		"user_id", "user_dir", "system", "machine", "userspace_bits", "processor_count", "processor_cores", "dns"} {
		want := res.Facts["ansible_"+k]
		g := got[k]
		if k == "all_ipv4_addresses" {
			g, want = sortedAny(g), sortedAny(want)
		}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("fact %s = %v, ansible says %v", k, g, want)
		}
	}
}

func sortedAny(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}
