package modules

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gplay/module"
)

// setupModule is ansible.builtin.setup: facts read from /proc, /sys,
// /etc/os-release and the network stack, returned as Result.Facts with
// Ansible's names without the ansible_ prefix (the engine stores them in
// ansible_facts and, with inject_facts_as_vars, as ansible_<name>).
//
// Differences from Ansible: no python facts (no Python on targets); lsb
// falls back to /etc/os-release when lsb_release is not installed (Ansible
// then reports {}), so ansible_lsb.codename works on minimal images.
type setupModule struct{}

func init() { module.Register(setupModule{}) }

func (setupModule) Info() module.Info {
	id := module.ID("ansible.builtin.setup")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id, "gather_facts", "ansible.builtin.gather_facts"),
		Spec: module.Spec{Params: []module.Param{
			{Name: "gather_subset", Type: module.TypeList, Elements: module.TypeStr, Default: []string{"all"}},
			{Name: "gather_timeout", Type: module.TypeInt, Default: int64(10)},
			{Name: "filter", Type: module.TypeList, Elements: module.TypeStr, Default: []string{}},
			{Name: "fact_path", Type: module.TypePath, Default: "/etc/ansible/facts.d"},
		}},
		CheckMode: module.SupportFull,
	}
}

// minimalSubsets are the collectors of Ansible's "min" subset; "all" adds
// hardware, network and virtual.
var minimalSubsets = []string{"apparmor", "caps", "cmdline", "date_time", "distribution", "dns", "env", "fips", "local",
	"lsb", "pkg_mgr", "platform", "selinux", "service_mgr", "ssh_pub_keys", "user"}

func (setupModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Subset   []string `arg:"gather_subset"`
		Filter   []string `arg:"filter"`
		FactPath string   `arg:"fact_path"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	subsets, err := resolveSubsets(p.Subset)
	if err != nil {
		return module.Result{}, err
	}
	g := &factGatherer{ctx: ctx, h: req.Host, f: map[string]any{}}
	collectors := []struct {
		name string
		fn   func()
	}{
		{"platform", g.platform}, {"distribution", g.distribution}, {"lsb", g.lsb}, {"date_time", g.dateTime},
		{"env", g.env}, {"user", g.user}, {"dns", g.dns}, {"pkg_mgr", g.pkgMgr}, {"service_mgr", g.serviceMgr},
		{"selinux", g.selinux}, {"apparmor", g.apparmor}, {"fips", g.fips}, {"cmdline", g.cmdline},
		{"ssh_pub_keys", g.sshKeys}, {"local", func() { g.local(p.FactPath) }}, {"caps", func() {}},
		{"hardware", g.hardware}, {"network", g.network}, {"virtual", g.virtual},
	}
	for _, c := range collectors {
		if subsets[c.name] {
			c.fn()
		}
	}
	facts := g.f
	if len(p.Filter) > 0 {
		kept := map[string]any{}
		for k, v := range facts {
			for _, pat := range p.Filter {
				if ok, _ := path.Match(pat, "ansible_"+k); ok {
					kept[k] = v
					break
				}
			}
		}
		facts = kept
	}
	gs := make([]any, len(p.Subset))
	for i, s := range p.Subset {
		gs[i] = s
	}
	facts["gather_subset"] = p.Subset
	facts["module_setup"] = true
	return module.Result{Facts: facts}, nil
}

// resolveSubsets applies Ansible's gather_subset rules: "all", "min",
// named subsets, and "!name" exclusions; the minimal set is always
// gathered unless "!min" is given.
func resolveSubsets(spec []string) (map[string]bool, error) {
	known := map[string]bool{"hardware": true, "network": true, "virtual": true, "facter": true, "ohai": true}
	for _, s := range minimalSubsets {
		known[s] = true
	}
	all := []string{"hardware", "network", "virtual"}
	out := map[string]bool{}
	excl := map[string]bool{}
	addAll := false
	for _, s := range spec {
		s = strings.TrimSpace(s)
		neg := strings.HasPrefix(s, "!")
		name := strings.TrimPrefix(s, "!")
		switch {
		case name == "all" && !neg:
			addAll = true
		case name == "all" && neg:
			for _, a := range all {
				excl[a] = true
			}
		case name == "min" && neg:
			for _, m := range minimalSubsets {
				excl[m] = true
			}
		case name == "min":
		case !known[name]:
			return nil, fmt.Errorf("Bad subset '%s' given to Ansible. gather_subset options allowed: all, %s", name, strings.Join(sortedKeys(known), ", "))
		case neg:
			excl[name] = true
		default:
			out[name] = true
		}
	}
	if addAll {
		for _, a := range all {
			out[a] = true
		}
	}
	for _, m := range minimalSubsets {
		out[m] = true
	}
	for e := range excl {
		if !containsStr(spec, e) {
			delete(out, e)
		}
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

type factGatherer struct {
	ctx context.Context
	h   module.Host
	f   map[string]any
}

func (g *factGatherer) read(p string) string {
	b, err := g.h.ReadFile(p)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func utsString(a [65]int8) string {
	b := make([]byte, 0, len(a))
	for _, c := range a {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}

func (g *factGatherer) platform() {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err == nil {
		g.f["system"] = utsString(u.Sysname)
		g.f["kernel"] = utsString(u.Release)
		g.f["kernel_version"] = utsString(u.Version)
		g.f["machine"] = utsString(u.Machine)
		node := utsString(u.Nodename)
		g.f["nodename"] = node
		g.f["hostname"] = strings.SplitN(node, ".", 2)[0]
		arch := utsString(u.Machine)
		if arch == "i686" || arch == "i586" || arch == "i486" {
			arch = "i386"
		}
		g.f["architecture"] = arch
		fqdn := getFQDN(node)
		g.f["fqdn"] = fqdn
		domain := ""
		if i := strings.IndexByte(fqdn, '.'); i >= 0 {
			domain = fqdn[i+1:]
		}
		g.f["domain"] = domain
	}
	bits := strconv.Itoa(strconv.IntSize)
	g.f["userspace_bits"] = bits
	ua := map[string]string{"amd64": "x86_64", "386": "i386", "arm64": "aarch64", "arm": "armv7l"}[runtime.GOARCH]
	if ua == "" {
		ua = runtime.GOARCH
	}
	g.f["userspace_architecture"] = ua
	mid := g.read("/etc/machine-id")
	if mid == "" {
		mid = g.read("/var/lib/dbus/machine-id")
	}
	if mid != "" {
		g.f["machine_id"] = mid
	}
}

// getFQDN is Python's socket.getfqdn: the first name with a dot among the
// host's reverse names, else the first name, else the host name.
func getFQDN(host string) string {
	addrs, err := net.LookupHost(host)
	if err != nil || len(addrs) == 0 {
		return host
	}
	names, err := net.LookupAddr(addrs[0])
	if err != nil || len(names) == 0 {
		return host
	}
	for _, n := range names {
		n = strings.TrimSuffix(n, ".")
		if strings.Contains(n, ".") {
			return n
		}
	}
	return strings.TrimSuffix(names[0], ".")
}

// parseOSRelease reads KEY="value" lines.
func parseOSRelease(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		if uq, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
			v = uq
		} else {
			v = strings.Trim(v, `'"`)
		}
		out[k] = v
	}
	return out
}

var osFamilies = map[string]string{
	"Debian": "Debian", "Ubuntu": "Debian", "Raspbian": "Debian", "Linuxmint": "Debian", "Kali": "Debian",
	"Devuan": "Debian", "Pop!_OS": "Debian", "RedHat": "RedHat", "CentOS": "RedHat", "Fedora": "RedHat",
	"Rocky": "RedHat", "AlmaLinux": "RedHat", "OracleLinux": "RedHat", "Amazon": "RedHat", "Alpine": "Alpine",
	"Archlinux": "Archlinux", "SLES": "Suse", "openSUSE Leap": "Suse", "Gentoo": "Gentoo",
}

var distroNames = map[string]string{
	"debian": "Debian", "ubuntu": "Ubuntu", "raspbian": "Raspbian", "linuxmint": "Linuxmint", "kali": "Kali",
	"devuan": "Devuan", "centos": "CentOS", "rhel": "RedHat", "fedora": "Fedora", "rocky": "Rocky",
	"almalinux": "AlmaLinux", "ol": "OracleLinux", "amzn": "Amazon", "alpine": "Alpine", "arch": "Archlinux",
	"sles": "SLES", "opensuse-leap": "openSUSE Leap", "gentoo": "Gentoo", "pop": "Pop!_OS",
}

func (g *factGatherer) distribution() {
	osr := parseOSRelease(g.read("/etc/os-release"))
	if len(osr) == 0 {
		osr = parseOSRelease(g.read("/usr/lib/os-release"))
	}
	name := distroNames[osr["ID"]]
	if name == "" {
		name = osr["NAME"]
		if name == "" {
			name = "NA"
		}
	}
	version := osr["VERSION_ID"]
	release := osr["VERSION_CODENAME"]
	if name == "Debian" {
		// Ansible reads /etc/debian_version for the point release (12.11)
		if dv := g.read("/etc/debian_version"); dv != "" && dv[0] >= '0' && dv[0] <= '9' {
			version = dv
		}
		if release == "" {
			if _, r, ok := strings.Cut(osr["VERSION"], "("); ok {
				release = strings.TrimSuffix(r, ")")
			}
		}
	}
	if release == "" {
		release = osr["UBUNTU_CODENAME"]
	}
	if release == "" {
		release = "NA"
	}
	if version == "" {
		version = "NA"
	}
	major, minor, _ := strings.Cut(version, ".")
	g.f["distribution"] = name
	g.f["distribution_version"] = version
	g.f["distribution_major_version"] = major
	if minor != "" {
		g.f["distribution_minor_version"] = minor
	}
	g.f["distribution_release"] = release
	fam := osFamilies[name]
	if fam == "" {
		fam = name
	}
	g.f["os_family"] = fam
	if len(osr) > 0 {
		g.f["distribution_file_path"] = "/etc/os-release"
		g.f["distribution_file_variety"] = fam
		g.f["distribution_file_parsed"] = true
	}
}

func (g *factGatherer) lsb() {
	lsb := map[string]any{}
	r, err := g.h.Query(g.ctx, module.Cmd{Argv: []string{"lsb_release", "-a"}})
	if err == nil && r.RC == 0 {
		for _, line := range strings.Split(string(r.Stdout), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "Distributor ID":
				lsb["id"] = v
			case "Description":
				lsb["description"] = v
			case "Release":
				lsb["release"] = v
			case "Codename":
				lsb["codename"] = v
			}
		}
	} else if s := g.read("/etc/lsb-release"); s != "" {
		m := parseOSRelease(s)
		lsb["id"], lsb["release"], lsb["description"], lsb["codename"] = m["DISTRIB_ID"], m["DISTRIB_RELEASE"], m["DISTRIB_DESCRIPTION"], m["DISTRIB_CODENAME"]
	} else if osr := parseOSRelease(g.read("/etc/os-release")); len(osr) > 0 {
		id := distroNames[osr["ID"]]
		if id == "" {
			id = osr["NAME"]
		}
		lsb["id"], lsb["release"], lsb["description"], lsb["codename"] = id, osr["VERSION_ID"], osr["PRETTY_NAME"], osr["VERSION_CODENAME"]
	}
	if rel, ok := lsb["release"].(string); ok && rel != "" {
		lsb["major_release"] = strings.SplitN(rel, ".", 2)[0]
	}
	g.f["lsb"] = lsb
}

func (g *factGatherer) dateTime() {
	now := time.Now()
	utc := now.UTC()
	// %W: the Monday-based week of the year, as Ansible's strftime
	yday := now.YearDay() - 1
	wd := (int(now.Weekday()) + 6) % 7 // days since Monday
	weekNo := (yday + 7 - wd) / 7
	name, off := now.Zone()
	dst := name
	if z, o := time.Date(now.Year(), 7, 1, 0, 0, 0, 0, time.Local).Zone(); o != off {
		dst = z
	} else if z, o := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.Local).Zone(); o != off {
		dst = z
	}
	g.f["date_time"] = map[string]any{
		"year": now.Format("2006"), "month": now.Format("01"), "weekday": now.Format("Monday"),
		"weekday_number": strconv.Itoa(int(now.Weekday())), "weeknumber": fmt.Sprintf("%02d", weekNo),
		"day": now.Format("02"), "hour": now.Format("15"), "minute": now.Format("04"), "second": now.Format("05"),
		"epoch": strconv.FormatInt(now.Unix(), 10), "epoch_int": strconv.FormatInt(now.Unix(), 10),
		"date": now.Format("2006-01-02"), "time": now.Format("15:04:05"),
		"iso8601_micro": utc.Format("2006-01-02T15:04:05.000000Z"), "iso8601": utc.Format("2006-01-02T15:04:05Z"),
		"iso8601_basic": now.Format("20060102T150405.000000"), "iso8601_basic_short": now.Format("20060102T150405"),
		"tz": name, "tz_dst": dst, "tz_offset": now.Format("-0700"),
	}
	// Python's %f has no dot
	dt := g.f["date_time"].(map[string]any)
	dt["iso8601_basic"] = strings.Replace(dt["iso8601_basic"].(string), ".", "", 1)
}

func (g *factGatherer) env() {
	env := map[string]any{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	g.f["env"] = env
}

func (g *factGatherer) user() {
	uid, euid, gid, egid := os.Getuid(), os.Geteuid(), os.Getgid(), os.Getegid()
	g.f["real_user_id"], g.f["effective_user_id"] = int64(uid), int64(euid)
	g.f["real_group_id"], g.f["effective_group_id"] = int64(gid), int64(egid)
	u, err := user.LookupId(strconv.Itoa(euid))
	if err != nil {
		return
	}
	g.f["user_id"] = u.Username
	g.f["user_uid"] = int64(euid)
	g.f["user_gid"], _ = strconv.ParseInt(u.Gid, 10, 64)
	g.f["user_gecos"] = strings.SplitN(u.Name, ",", 2)[0]
	g.f["user_dir"] = u.HomeDir
	// os/user has no shell: read it from the passwd line
	for _, line := range strings.Split(g.read("/etc/passwd"), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 7 && f[0] == u.Username {
			g.f["user_shell"] = f[6]
			g.f["user_gecos"] = f[4]
		}
	}
}

func (g *factGatherer) dns() {
	dns := map[string]any{}
	for _, line := range strings.Split(g.read("/etc/resolv.conf"), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			l, _ := dns["nameservers"].([]string)
			dns["nameservers"] = append(l, f[1])
		case "domain":
			dns["domain"] = f[1]
		case "search":
			dns["search"] = f[1:]
		case "sortlist":
			dns["sortlist"] = f[1:]
		case "options":
			opts := map[string]any{}
			for _, o := range f[1:] {
				k, v, ok := strings.Cut(o, ":")
				if ok {
					opts[k] = v
				} else {
					opts[k] = true
				}
			}
			dns["options"] = opts
		}
	}
	g.f["dns"] = dns
}

func (g *factGatherer) pkgMgr() {
	for _, c := range []struct{ path, name string }{
		{"/usr/bin/apt-get", "apt"}, {"/usr/bin/dnf", "dnf"}, {"/usr/bin/yum", "yum"}, {"/sbin/apk", "apk"},
		{"/usr/bin/zypper", "zypper"}, {"/usr/bin/pacman", "pacman"}, {"/usr/bin/emerge", "portage"},
	} {
		if exists(g.h, c.path) {
			g.f["pkg_mgr"] = c.name
			return
		}
	}
	g.f["pkg_mgr"] = "unknown"
}

func (g *factGatherer) serviceMgr() {
	g.f["service_mgr"] = serviceManager(g.h)
}

// serviceManager is Ansible's ServiceMgrFactCollector for Linux: PID 1's
// name, with init and shells resolved by looking for systemd, OpenRC,
// upstart or SysV files.
func serviceManager(h module.Host) string {
	b, _ := h.ReadFile("/proc/1/comm")
	comm := strings.TrimSpace(string(b))
	switch {
	case comm == "systemd":
		return "systemd"
	case comm != "" && comm != "init" && !strings.HasSuffix(comm, "sh"):
		if comm == "openrc-init" {
			return "openrc"
		}
		return comm
	}
	switch {
	case exists(h, "/run/systemd/system") || exists(h, "/dev/.run/systemd") || exists(h, "/dev/.systemd"):
		return "systemd"
	case exists(h, "/sbin/openrc"):
		return "openrc"
	case exists(h, "/sbin/initctl") && exists(h, "/etc/init/"):
		return "upstart"
	case exists(h, "/etc/init.d/"):
		return "sysvinit"
	}
	return "service"
}

func (g *factGatherer) selinux() {
	if exists(g.h, "/sys/fs/selinux/enforce") {
		mode := "permissive"
		if g.read("/sys/fs/selinux/enforce") == "1" {
			mode = "enforcing"
		}
		g.f["selinux"] = map[string]any{"status": "enabled", "mode": mode}
		return
	}
	g.f["selinux"] = map[string]any{"status": "disabled"}
}

func (g *factGatherer) apparmor() {
	st := "disabled"
	if exists(g.h, "/sys/kernel/security/apparmor") {
		st = "enabled"
	}
	g.f["apparmor"] = map[string]any{"status": st}
}

func (g *factGatherer) fips() {
	g.f["fips"] = g.read("/proc/sys/crypto/fips_enabled") == "1"
}

func (g *factGatherer) cmdline() {
	line := g.read("/proc/cmdline")
	if line == "" {
		return
	}
	cmd, proc := map[string]any{}, map[string]any{}
	for _, w := range strings.Fields(line) {
		k, v, ok := strings.Cut(w, "=")
		var val any = true
		if ok {
			val = v
		}
		cmd[k] = val
		if prev, dup := proc[k]; dup {
			if l, isList := prev.([]any); isList {
				proc[k] = append(l, val)
			} else {
				proc[k] = []any{prev, val}
			}
		} else {
			proc[k] = val
		}
	}
	g.f["cmdline"], g.f["proc_cmdline"] = cmd, proc
}

func (g *factGatherer) sshKeys() {
	for _, t := range []string{"dsa", "rsa", "ecdsa", "ed25519"} {
		s := g.read("/etc/ssh/ssh_host_" + t + "_key.pub")
		if f := strings.Fields(s); len(f) >= 2 {
			g.f["ssh_host_key_"+t+"_public"] = f[1]
			g.f["ssh_host_key_"+t+"_public_keytype"] = f[0]
		}
	}
}

// local reads *.fact files as JSON (executable facts are not run).
func (g *factGatherer) local(dir string) {
	loc := map[string]any{}
	ents, _ := g.h.ReadDir(dir) // a missing facts.d means no local facts
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".fact") {
			continue
		}
		b, err := g.h.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		v, err := module.DecodeJSON(b)
		if err != nil {
			loc[strings.TrimSuffix(e.Name(), ".fact")] = "error loading fact - please check content"
			continue
		}
		loc[strings.TrimSuffix(e.Name(), ".fact")] = jsonValue(v)
	}
	g.f["local"] = loc
}

// jsonValue turns decoded pyval containers back into plain Go values for
// Facts (which must be plain JSON-serialisable Go).
func jsonValue(v any) any {
	b := module.EncodeJSON(v)
	var out any
	if err := jsonUnmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

func meminfo(s string) map[string]int64 {
	out := map[string]int64{}
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			out[k] = n
		}
	}
	return out
}

func (g *factGatherer) hardware() {
	mi := meminfo(g.read("/proc/meminfo"))
	mb := func(k string) int64 { return mi[k] / 1024 }
	g.f["memtotal_mb"], g.f["memfree_mb"] = mb("MemTotal"), mb("MemFree")
	g.f["swaptotal_mb"], g.f["swapfree_mb"] = mb("SwapTotal"), mb("SwapFree")
	nocacheFree := mb("MemFree") + mb("Buffers") + mb("Cached")
	g.f["memory_mb"] = map[string]any{
		"real":    map[string]any{"total": mb("MemTotal"), "used": mb("MemTotal") - mb("MemFree"), "free": mb("MemFree")},
		"nocache": map[string]any{"free": nocacheFree, "used": mb("MemTotal") - nocacheFree},
		"swap": map[string]any{"total": mb("SwapTotal"), "free": mb("SwapFree"), "used": mb("SwapTotal") - mb("SwapFree"),
			"cached": mb("SwapCached")},
	}
	g.cpu()
	if up := strings.Fields(g.read("/proc/uptime")); len(up) > 0 {
		f, _ := strconv.ParseFloat(up[0], 64)
		g.f["uptime_seconds"] = int64(f)
	}
	if la := strings.Fields(g.read("/proc/loadavg")); len(la) >= 3 {
		p := func(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }
		g.f["loadavg"] = map[string]any{"1m": p(la[0]), "5m": p(la[1]), "15m": p(la[2])}
	}
	dmi := func(name string) string {
		v := g.read("/sys/class/dmi/id/" + name)
		if v == "" {
			return "NA"
		}
		return v
	}
	for fact, file := range map[string]string{
		"bios_date": "bios_date", "bios_vendor": "bios_vendor", "bios_version": "bios_version",
		"board_asset_tag": "board_asset_tag", "board_name": "board_name", "board_serial": "board_serial",
		"board_vendor": "board_vendor", "board_version": "board_version", "chassis_asset_tag": "chassis_asset_tag",
		"chassis_serial": "chassis_serial", "chassis_vendor": "chassis_vendor", "chassis_version": "chassis_version",
		"product_name": "product_name", "product_serial": "product_serial", "product_uuid": "product_uuid",
		"product_version": "product_version", "system_vendor": "sys_vendor",
	} {
		g.f[fact] = dmi(file)
	}
	g.f["form_factor"] = "NA"
	g.mounts()
}

func (g *factGatherer) cpu() {
	var procs []any
	phys := map[string]bool{}
	cores := 0
	vcpus := 0
	var cur struct{ idx, vendor, model, physID, cores string }
	flush := func() {
		if cur.idx == "" {
			return
		}
		procs = append(procs, cur.idx, cur.vendor, cur.model)
		vcpus++
		if cur.physID != "" {
			phys[cur.physID] = true
		}
		if n, err := strconv.Atoi(cur.cores); err == nil && n > cores {
			cores = n
		}
		cur = struct{ idx, vendor, model, physID, cores string }{}
	}
	for _, line := range strings.Split(g.read("/proc/cpuinfo"), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "processor":
			flush()
			cur.idx = v
		case "vendor_id":
			cur.vendor = v
		case "model name":
			cur.model = v
		case "physical id":
			cur.physID = v
		case "cpu cores":
			cur.cores = v
		}
	}
	flush()
	count := len(phys)
	if count == 0 {
		count = 1
	}
	if cores == 0 {
		cores = vcpus
	}
	g.f["processor"] = procs
	g.f["processor_count"] = int64(count)
	g.f["processor_cores"] = int64(cores)
	g.f["processor_vcpus"] = int64(vcpus)
	tpc := 1
	if cores > 0 && count > 0 {
		tpc = vcpus / (cores * count)
		if tpc < 1 {
			tpc = 1
		}
	}
	g.f["processor_threads_per_core"] = int64(tpc)
	g.f["processor_nproc"] = int64(runtime.NumCPU())
}

var pseudoFS = map[string]bool{"proc": true, "sysfs": true, "devpts": true, "cgroup": true, "cgroup2": true, "securityfs": true,
	"debugfs": true, "tracefs": true, "pstore": true, "bpf": true, "mqueue": true, "hugetlbfs": true, "configfs": true,
	"fusectl": true, "binfmt_misc": true, "autofs": true, "devtmpfs": true, "rpc_pipefs": true, "nsfs": true}

func (g *factGatherer) mounts() {
	var out []any
	for _, line := range strings.Split(g.read("/proc/mounts"), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || pseudoFS[f[2]] || !strings.HasPrefix(f[0], "/") && f[2] != "tmpfs" && f[2] != "nfs" && f[2] != "nfs4" {
			continue
		}
		mnt := strings.ReplaceAll(f[1], `\040`, " ")
		m := map[string]any{"device": f[0], "mount": mnt, "fstype": f[2], "options": f[3], "uuid": "N/A"}
		var st syscall.Statfs_t
		if err := syscall.Statfs(mnt, &st); err == nil {
			bs := int64(st.Bsize)
			m["size_total"], m["size_available"] = int64(st.Blocks)*bs, int64(st.Bavail)*bs
			m["block_size"], m["block_total"], m["block_available"] = bs, int64(st.Blocks), int64(st.Bavail)
			m["block_used"] = int64(st.Blocks - st.Bfree)
			m["inode_total"], m["inode_available"], m["inode_used"] = int64(st.Files), int64(st.Ffree), int64(st.Files-st.Ffree)
		}
		out = append(out, m)
	}
	g.f["mounts"] = out
}

// defaultRoute reads the IPv4 default route (lowest metric) from
// /proc/net/route: interface and gateway.
func (g *factGatherer) defaultRoute() (iface, gw string) {
	best := -1
	for i, line := range strings.Split(g.read("/proc/net/route"), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 8 || f[1] != "00000000" || f[7] != "00000000" {
			continue
		}
		metric, _ := strconv.Atoi(f[6])
		if best >= 0 && metric >= best {
			continue
		}
		best = metric
		iface = f[0]
		if b, err := hex.DecodeString(f[2]); err == nil && len(b) == 4 {
			gw = net.IP([]byte{b[3], b[2], b[1], b[0]}).String()
			if binary.LittleEndian.Uint32(b) == 0 {
				gw = ""
			}
		}
	}
	return iface, gw
}

// defaultRoute6 reads the IPv6 default route from /proc/net/ipv6_route.
func (g *factGatherer) defaultRoute6() (iface, gw string) {
	for _, line := range strings.Split(g.read("/proc/net/ipv6_route"), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[0] != strings.Repeat("0", 32) || f[1] != "00" || f[9] == "lo" {
			continue
		}
		if b, err := hex.DecodeString(f[4]); err == nil && len(b) == 16 {
			gw = net.IP(b).String()
		}
		return f[9], gw
	}
	return "", ""
}

func ifaceType(g *factGatherer, name string, flags net.Flags) string {
	switch {
	case flags&net.FlagLoopback != 0:
		return "loopback"
	case exists(g.h, "/sys/class/net/"+name+"/bridge"):
		return "bridge"
	case exists(g.h, "/sys/class/net/"+name+"/bonding"):
		return "bonding"
	}
	switch g.read("/sys/class/net/" + name + "/type") {
	case "1":
		return "ether"
	case "772":
		return "loopback"
	case "65534":
		return "tunnel"
	}
	return "unknown"
}

func (g *factGatherer) network() {
	ifs, err := net.Interfaces()
	if err != nil {
		return
	}
	var names []string
	all4, all6 := []string{}, []string{}
	info := map[string]map[string]any{}
	for _, ifc := range ifs {
		names = append(names, ifc.Name)
		d := map[string]any{
			"device": ifc.Name, "active": ifc.Flags&net.FlagUp != 0, "mtu": int64(ifc.MTU),
			"type": ifaceType(g, ifc.Name, ifc.Flags), "promisc": false,
		}
		if fl, err := strconv.ParseInt(strings.TrimPrefix(g.read("/sys/class/net/"+ifc.Name+"/flags"), "0x"), 16, 64); err == nil {
			d["promisc"] = fl&0x100 != 0
		}
		if len(ifc.HardwareAddr) > 0 {
			d["macaddress"] = ifc.HardwareAddr.String()
		}
		if sp := g.read("/sys/class/net/" + ifc.Name + "/speed"); sp != "" {
			if n, err := strconv.ParseInt(sp, 10, 64); err == nil {
				d["speed"] = n
			}
		}
		if d["type"] == "bridge" {
			var members []string
			ents, _ := g.h.ReadDir("/sys/class/net/" + ifc.Name + "/brif") // no members is fine
			for _, e := range ents {
				members = append(members, e.Name())
			}
			sort.Strings(members)
			d["interfaces"] = members
			d["id"] = g.read("/sys/class/net/" + ifc.Name + "/bridge/bridge_id")
		}
		addrs, _ := ifc.Addrs() // an interface without addresses is still listed
		var v6 []any
		var secondaries []any
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ones, _ := ipn.Mask.Size()
			if ip4 := ipn.IP.To4(); ip4 != nil {
				mask := net.IP(ipn.Mask).String()
				network := ip4.Mask(ipn.Mask).String()
				bcast := ""
				if ifc.Flags&net.FlagBroadcast != 0 {
					b := make(net.IP, 4)
					for i := range b {
						b[i] = ip4[i] | ^ipn.Mask[i]
					}
					bcast = b.String()
				}
				e := map[string]any{"address": ip4.String(), "broadcast": bcast, "netmask": mask, "network": network, "prefix": strconv.Itoa(ones)}
				if _, has := d["ipv4"]; has {
					secondaries = append(secondaries, e)
				} else {
					d["ipv4"] = e
				}
				if !ip4.IsLoopback() {
					all4 = append(all4, ip4.String())
				}
			} else {
				scope := "global"
				switch {
				case ipn.IP.IsLoopback():
					scope = "host"
				case ipn.IP.IsLinkLocalUnicast():
					scope = "link"
				}
				v6 = append(v6, map[string]any{"address": ipn.IP.String(), "prefix": strconv.Itoa(ones), "scope": scope})
				if !ipn.IP.IsLoopback() {
					all6 = append(all6, ipn.IP.String())
				}
			}
		}
		if len(v6) > 0 {
			d["ipv6"] = v6
		}
		if len(secondaries) > 0 {
			d["ipv4_secondaries"] = secondaries
		}
		info[ifc.Name] = d
		g.f[strings.NewReplacer("-", "_", ":", "_", ".", "_").Replace(ifc.Name)] = d
	}
	g.f["interfaces"] = names
	g.f["all_ipv4_addresses"] = all4
	g.f["all_ipv6_addresses"] = all6

	def4 := map[string]any{}
	if ifn, gw := g.defaultRoute(); ifn != "" {
		if d, ok := info[ifn]; ok {
			def4["interface"], def4["alias"] = ifn, ifn
			if gw != "" {
				def4["gateway"] = gw
			}
			if v4, ok := d["ipv4"].(map[string]any); ok {
				for k, v := range v4 {
					def4[k] = v
				}
			}
			for _, k := range []string{"macaddress", "mtu", "type"} {
				if v, ok := d[k]; ok {
					def4[k] = v
				}
			}
		}
	}
	g.f["default_ipv4"] = def4
	def6 := map[string]any{}
	if ifn, gw := g.defaultRoute6(); ifn != "" {
		if d, ok := info[ifn]; ok {
			def6["interface"] = ifn
			if gw != "" {
				def6["gateway"] = gw
			}
			if l, ok := d["ipv6"].([]any); ok && len(l) > 0 {
				for k, v := range l[0].(map[string]any) {
					def6[k] = v
				}
			}
			for _, k := range []string{"macaddress", "mtu", "type"} {
				if v, ok := d[k]; ok {
					def6[k] = v
				}
			}
		}
	}
	g.f["default_ipv6"] = def6
}

func (g *factGatherer) virtual() {
	role, typ := "NA", "NA"
	guests := []string{}
	env1, _ := g.h.ReadFile("/proc/1/environ") // unreadable without privilege; then no container hint
	switch {
	case exists(g.h, "/.dockerenv") || strings.Contains(g.read("/proc/1/cgroup"), "docker"):
		role, typ = "guest", "docker"
		guests = append(guests, "docker", "container")
	case strings.Contains(string(env1), "container=lxc"):
		role, typ = "guest", "lxc"
		guests = append(guests, "lxc", "container")
	case strings.Contains(string(env1), "container=podman") || exists(g.h, "/run/.containerenv"):
		role, typ = "guest", "podman"
		guests = append(guests, "podman", "container")
	case strings.Contains(g.read("/sys/class/dmi/id/product_name"), "KVM") || strings.Contains(g.read("/sys/class/dmi/id/sys_vendor"), "QEMU"):
		role, typ = "guest", "kvm"
		guests = append(guests, "kvm")
	case strings.Contains(g.read("/sys/class/dmi/id/sys_vendor"), "VMware"):
		role, typ = "guest", "VMware"
		guests = append(guests, "VMware")
	case strings.Contains(g.read("/proc/cpuinfo"), " hypervisor"):
		role, typ = "guest", "kvm"
		guests = append(guests, "kvm")
	}
	g.f["virtualization_role"], g.f["virtualization_type"] = role, typ
	g.f["virtualization_tech_guest"], g.f["virtualization_tech_host"] = guests, []string{}
}

var _ module.Module = setupModule{}
