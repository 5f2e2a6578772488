package modules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gplay/module"
)

// aptModule is ansible.builtin.apt, without python-apt: package state
// comes from dpkg's status file (or dpkg-query), candidates from apt-cache
// policy, and changes are made (or, under check, simulated with
// --simulate) by apt-get with DEBIAN_FRONTEND=noninteractive. apt-cache
// runs only when a package may change: a package installed at a wanted
// version needs no candidate unless state=latest, so the idempotent
// re-run reads one file and runs nothing.
//
// Differences from Ansible: upgrade always uses apt-get (Ansible prefers
// aptitude when installed: "yes"/"safe" is "apt-get upgrade
// --with-new-pkgs", "full" is dist-upgrade); deb= is installed with
// "apt-get install ./file.deb", which resolves its dependencies in the same
// transaction.
type aptModule struct{}

func init() { module.Register(aptModule{}) }

func (aptModule) Info() module.Info {
	id := module.ID("ansible.builtin.apt")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "state", Default: "present", Choices: []any{"absent", "build-dep", "fixed", "latest", "present"}},
				{Name: "update_cache", Type: module.TypeBool, Aliases: []string{"update-cache"}},
				{Name: "update_cache_retries", Type: module.TypeInt, Default: int64(5)},
				{Name: "update_cache_retry_max_delay", Type: module.TypeInt, Default: int64(12)},
				{Name: "cache_valid_time", Type: module.TypeInt, Default: int64(0)},
				{Name: "purge", Type: module.TypeBool, Default: false},
				{Name: "package", Type: module.TypeList, Elements: module.TypeStr, Aliases: []string{"pkg", "name"}},
				{Name: "deb", Type: module.TypePath},
				{Name: "default_release", Aliases: []string{"default-release"}},
				{Name: "install_recommends", Type: module.TypeBool, Aliases: []string{"install-recommends"}},
				{Name: "force", Type: module.TypeBool, Default: false},
				{Name: "upgrade", Choices: []any{"dist", "full", "no", "safe", "yes"}, Default: "no"},
				{Name: "dpkg_options", Default: "force-confdef,force-confold"},
				{Name: "autoremove", Type: module.TypeBool, Default: false},
				{Name: "autoclean", Type: module.TypeBool, Default: false},
				{Name: "fail_on_autoremove", Type: module.TypeBool, Default: false},
				{Name: "policy_rc_d", Type: module.TypeInt},
				{Name: "only_upgrade", Type: module.TypeBool, Default: false},
				{Name: "force_apt_get", Type: module.TypeBool, Default: false},
				{Name: "clean", Type: module.TypeBool, Default: false},
				{Name: "allow_unauthenticated", Type: module.TypeBool, Default: false, Aliases: []string{"allow-unauthenticated"}},
				{Name: "allow_downgrade", Type: module.TypeBool, Default: false,
					Aliases: []string{"allow-downgrade", "allow_downgrades", "allow-downgrades"}},
				{Name: "allow_change_held_packages", Type: module.TypeBool, Default: false},
				{Name: "lock_timeout", Type: module.TypeInt, Default: int64(60)},
			},
			Rules: module.Rules{
				MutuallyExclusive: [][]string{{"deb", "package", "upgrade"}},
				RequiredOneOf:     [][]string{{"autoremove", "deb", "package", "update_cache", "upgrade"}},
			},
		},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

type aptParams struct {
	State             string   `arg:"state"`
	UpdateCache       bool     `arg:"update_cache"`
	Retries           int      `arg:"update_cache_retries"`
	RetryMaxDelay     int      `arg:"update_cache_retry_max_delay"`
	CacheValidTime    int      `arg:"cache_valid_time"`
	Purge             bool     `arg:"purge"`
	Packages          []string `arg:"package"`
	Deb               string   `arg:"deb"`
	DefaultRelease    string   `arg:"default_release"`
	InstallRecommends *bool    `arg:"install_recommends"`
	Force             bool     `arg:"force"`
	Upgrade           string   `arg:"upgrade"`
	DpkgOptions       string   `arg:"dpkg_options"`
	Autoremove        bool     `arg:"autoremove"`
	Autoclean         bool     `arg:"autoclean"`
	FailOnAutoremove  bool     `arg:"fail_on_autoremove"`
	PolicyRcD         *int     `arg:"policy_rc_d"`
	OnlyUpgrade       bool     `arg:"only_upgrade"`
	Clean             bool     `arg:"clean"`
	AllowUnauth       bool     `arg:"allow_unauthenticated"`
	AllowDowngrade    bool     `arg:"allow_downgrade"`
	AllowChangeHeld   bool     `arg:"allow_change_held_packages"`
	LockTimeout       int      `arg:"lock_timeout"`
}

// aptResult is what Ansible's apt registers.
type aptResult struct {
	CacheUpdated    *bool    `json:"cache_updated,omitempty"`
	CacheUpdateTime *int64   `json:"cache_update_time,omitempty"`
	Stdout          *string  `json:"stdout,omitempty"`
	Stderr          *string  `json:"stderr,omitempty"`
	StdoutLines     []string `json:"stdout_lines,omitempty"`
	StderrLines     []string `json:"stderr_lines,omitempty"`
	RC              *int     `json:"rc,omitempty"`
}

const aptGetZero = "\n0 upgraded, 0 newly installed"

// aptRun carries one apt invocation.
type aptRun struct {
	ctx      context.Context
	h        module.Host
	check    bool
	diff     bool
	p        aptParams
	res      aptResult
	deadline time.Time
	db       map[string]pkgState // dpkg's status file, parsed once (dpkgDB)
	dbBad    bool                // the status file alone cannot be trusted
}

var aptEnv = []string{"DEBIAN_FRONTEND=noninteractive", "DEBIAN_PRIORITY=critical",
	"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LC_MESSAGES=C.UTF-8", "LC_CTYPE=C.UTF-8"}

func (a *aptRun) query(argv ...string) (module.CmdResult, error) {
	return a.h.Query(a.ctx, module.Cmd{Argv: argv, Env: aptEnv})
}

// apt runs apt-get (or dpkg): under check with --simulate added by the
// caller, through Query (a simulation changes nothing); otherwise through
// Exec, retrying while another process holds the dpkg lock.
func (a *aptRun) apt(argv ...string) (module.CmdResult, error) {
	if a.check {
		return a.query(argv...)
	}
	for {
		r, err := a.h.Exec(a.ctx, module.Cmd{Argv: argv, Env: aptEnv})
		locked := r.RC != 0 && (strings.Contains(string(r.Stderr), "Could not get lock") || strings.Contains(string(r.Stderr), "Unable to lock"))
		if err != nil || !locked || time.Now().After(a.deadline) {
			return r, err
		}
		select {
		case <-a.ctx.Done():
			return r, a.ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func (a *aptRun) dpkgOpts() []string {
	var out []string
	for _, o := range strings.Split(a.p.DpkgOptions, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, "-o", "Dpkg::Options::=--"+o)
		}
	}
	return out
}

func (a *aptRun) setOut(r module.CmdResult) {
	so, se := toText(r.Stdout), toText(r.Stderr)
	a.res.Stdout, a.res.Stderr = &so, &se
	a.res.StdoutLines, a.res.StderrLines = splitLines(so), splitLines(se)
}

// prepared is Ansible's parse_diff: the part of apt-get's output between
// "Reading state information..." and the "N upgraded" line.
func prepared(out string) []module.Diff {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	start := 0
	for i, l := range lines {
		if l == "Reading state information..." {
			start = i + 1
			break
		}
	}
	end := len(lines)
	for i, l := range lines {
		if f := strings.Fields(l); len(f) > 1 && (f[1] == "upgraded," || f[1] == "packages") {
			if _, err := strconv.Atoi(f[0]); err == nil {
				end = i + 1
				break
			}
		}
	}
	if start > end {
		start = end
	}
	return []module.Diff{{Prepared: strings.Join(lines[start:end], "\n")}}
}

func (aptModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p aptParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	a := &aptRun{ctx: ctx, h: req.Host, check: req.Check, diff: req.Diff, p: p, deadline: deadlineAfter(p.LockTimeout)}
	return a.run()
}

// deadlineAfter is now plus lock_timeout seconds.
func deadlineAfter(secs int) time.Time { return time.Now().Add(time.Duration(secs) * time.Second) }

func (a *aptRun) run() (module.Result, error) {
	p := a.p
	if p.Clean {
		r, err := a.apt("apt-get", "clean")
		if err != nil {
			return module.Result{}, err
		}
		if len(p.Packages) == 0 && p.Upgrade == "no" && p.Deb == "" {
			a.setOut(r)
			return module.Result{Changed: true, Msg: toText(r.Stdout), Return: a.res}, nil
		}
	}
	if p.PolicyRcD != nil && !a.check {
		restore, err := a.policyRcD(*p.PolicyRcD)
		if err != nil {
			return module.Result{}, err
		}
		defer restore()
	}
	updated, stamp, err := a.updateCache()
	if err != nil {
		return module.Result{}, err
	}
	a.res.CacheUpdated, a.res.CacheUpdateTime = &updated, &stamp
	if (p.UpdateCache || p.CacheValidTime > 0) && len(p.Packages) == 0 && p.Upgrade == "no" && p.Deb == "" {
		return module.Result{Changed: updated, Return: aptResult{CacheUpdated: &updated, CacheUpdateTime: &stamp}}, nil
	}
	if p.Upgrade != "no" {
		return a.upgrade(p.Upgrade)
	}
	if p.Deb != "" {
		if p.State != "present" {
			return module.Result{}, errors.New("deb only supports state=present")
		}
		return a.installDeb()
	}
	var pkgs []string
	all := false
	for _, pk := range p.Packages {
		if pk == "*" {
			all = true
			continue
		}
		pkgs = append(pkgs, strings.TrimSpace(pk))
	}
	if p.State == "latest" && all {
		if len(pkgs) > 0 {
			return module.Result{}, errors.New("unable to install additional packages when upgrading all installed packages")
		}
		return a.upgrade("yes")
	}
	for _, pk := range pkgs {
		if strings.Count(pk, "=") > 1 {
			return module.Result{}, fmt.Errorf("invalid package spec: %s", pk)
		}
	}
	if len(pkgs) == 0 {
		if p.Autoclean {
			if r, err := a.cleanup("autoclean"); err != nil || r.Changed || !p.Autoremove {
				return r, err
			}
		}
		if p.Autoremove {
			return a.cleanup("autoremove")
		}
	}
	if p.State == "absent" {
		return a.remove(pkgs)
	}
	return a.install(pkgs)
}

// cacheTime is the mtime of apt's update stamp or lists directory.
func (a *aptRun) cacheTime() time.Time {
	for _, p := range []string{"/var/lib/apt/periodic/update-success-stamp", "/var/lib/apt/lists"} {
		if fi, err := a.h.Stat(p); err == nil {
			return fi.ModTime()
		}
	}
	return time.Unix(0, 0)
}

// updateCache runs apt-get update when asked and the cache is older than
// cache_valid_time, retrying with backoff as Ansible does. Under check the
// update is predicted, not run.
func (a *aptRun) updateCache() (bool, int64, error) {
	p := a.p
	before := a.cacheTime()
	if !p.UpdateCache && p.CacheValidTime == 0 {
		return false, before.Unix(), nil
	}
	if !before.Add(time.Duration(p.CacheValidTime) * time.Second).Before(time.Now()) {
		return false, before.Unix(), nil
	}
	if a.check {
		return true, before.Unix(), nil
	}
	var lastErr string
	for i := 0; i < p.Retries; i++ {
		r, err := a.apt("apt-get", "update", "-q")
		if err != nil {
			return false, 0, err
		}
		if r.RC == 0 {
			after := a.cacheTime()
			return !after.Equal(before), after.Unix(), nil
		}
		lastErr = strings.TrimSpace(toText(r.Stderr) + toText(r.Stdout))
		delay := time.Duration(1<<i) * time.Second
		if max := time.Duration(p.RetryMaxDelay) * time.Second; delay > max {
			delay = max
		}
		if i+1 < p.Retries {
			select {
			case <-a.ctx.Done():
				return false, 0, a.ctx.Err()
			case <-time.After(delay):
			}
		}
	}
	if lastErr == "" {
		lastErr = "unknown reason"
	}
	return false, 0, fmt.Errorf("Failed to update apt cache: %s", lastErr)
}

// pkgState is what dpkg and apt know of one package.
type pkgState struct {
	installed bool   // dpkg status "installed"
	version   string // installed version
	hasFiles  bool   // config files left behind (status config-files)
	candidate string // apt's candidate, "" if none
	known     bool   // apt knows the name (a real or a virtual package)
}

// dpkgStatus reads name's state from dpkg's database: from
// /var/lib/dpkg/status directly when dpkg has no pending journal entries
// and the name has no architecture qualifier, otherwise through
// dpkg-query, which applies the journal and resolves qualifiers.
func (a *aptRun) dpkgStatus(name string) pkgState {
	if !strings.Contains(name, ":") {
		if db := a.dpkgDB(); db != nil {
			return db[name]
		}
	}
	var st pkgState
	r, err := a.query("dpkg-query", "-W", "-f=${db:Status-Status}\t${Version}\n", name)
	if err == nil && r.RC == 0 {
		for _, line := range strings.Split(strings.TrimSpace(string(r.Stdout)), "\n") {
			s, v, _ := strings.Cut(line, "\t")
			st.merge(s, v)
		}
	}
	return st
}

// merge adds one installed instance (of a multi-arch package) in dpkg
// status s with version v, as dpkg-query -W lists them.
func (st *pkgState) merge(s, v string) {
	switch s {
	case "installed":
		st.installed, st.version = true, v
	case "config-files":
		st.hasFiles = true
	}
}

// dpkgDB parses /var/lib/dpkg/status once per run, or returns nil when it
// cannot be trusted alone: dpkg records changes in /var/lib/dpkg/updates
// first and folds them into status later.
func (a *aptRun) dpkgDB() map[string]pkgState {
	if a.db != nil || a.dbBad {
		return a.db
	}
	a.dbBad = true
	ents, err := a.h.ReadDir("/var/lib/dpkg/updates")
	if err != nil {
		return nil
	}
	for _, e := range ents {
		if n := e.Name(); n != "" && strings.Trim(n, "0123456789") == "" {
			return nil // a journal entry dpkg has not folded in yet
		}
	}
	data, err := a.h.ReadFile("/var/lib/dpkg/status")
	if err != nil {
		return nil
	}
	a.db, a.dbBad = parseDpkgStatus(string(data)), false
	return a.db
}

// parseDpkgStatus maps package names to their state from the stanzas of
// dpkg's status file (Package, Status, Version fields; blank lines part
// stanzas). Every architecture's instance of a name counts, as with
// dpkg-query -W name.
func parseDpkgStatus(data string) map[string]pkgState {
	db := map[string]pkgState{}
	var pkg, status, version string
	flush := func() {
		if pkg != "" {
			st := db[pkg]
			// the third word of "want flag status"
			if f := strings.Fields(status); len(f) == 3 {
				st.merge(f[2], version)
			}
			db[pkg] = st
		}
		pkg, status, version = "", "", ""
	}
	for len(data) > 0 {
		line := data
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		if line == "" {
			flush()
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // a continuation line (Description, Conffiles)
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch k {
		case "Package":
			pkg = strings.TrimSpace(v)
		case "Status":
			status = v
		case "Version":
			version = strings.TrimSpace(v)
		}
	}
	flush()
	return db
}

// policy fills in apt's candidate for name and whether apt knows it.
func (a *aptRun) policy(name string, st *pkgState) {
	r, err := a.query(append([]string{"apt-cache", "policy"}, a.releaseOpt(name)...)...)
	if err == nil && r.RC == 0 {
		for _, line := range strings.Split(string(r.Stdout), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Candidate:"); ok {
				st.known = true
				if v = strings.TrimSpace(v); v != "(none)" {
					st.candidate = v
				}
			}
		}
	}
	if !st.known {
		// a virtual package has no policy but has providers
		r, err = a.query("apt-cache", "showpkg", name)
		if err == nil && r.RC == 0 {
			out := string(r.Stdout)
			if i := strings.Index(out, "Reverse Provides:"); i >= 0 && strings.TrimSpace(out[i+len("Reverse Provides:"):]) != "" {
				st.known = true
				st.candidate = "virtual"
			}
		}
	}
}

func (a *aptRun) releaseOpt(name string) []string {
	if a.p.DefaultRelease != "" {
		return []string{"-t", a.p.DefaultRelease, name}
	}
	return []string{name}
}

// splitPkg is Ansible's package_split: name, "=" or ">=", version.
func splitPkg(spec string) (name, cmp, version string) {
	if i := strings.Index(spec, ">="); i >= 0 {
		return spec[:i], ">=", spec[i+2:]
	}
	if i := strings.Index(spec, "="); i >= 0 {
		return spec[:i], "=", spec[i+1:]
	}
	return spec, "", ""
}

// versionOK reports whether the installed version satisfies the spec's
// comparison ("" for any version).
func (a *aptRun) versionOK(installed, cmp, ver string) bool {
	switch cmp {
	case "=":
		ok, _ := path.Match(ver, installed)
		return ok
	case ">=":
		return a.versionCompare(installed, "ge", ver)
	}
	return true
}

func (a *aptRun) versionCompare(v1, op, v2 string) bool {
	r, err := a.query("dpkg", "--compare-versions", v1, op, v2)
	return err == nil && r.RC == 0
}

// expandGlobs replaces names with fnmatch patterns by the packages apt
// knows that match them.
func (a *aptRun) expandGlobs(specs []string) []string {
	var out []string
	var names []string
	for _, s := range specs {
		name, cmp, ver := splitPkg(s)
		if !strings.ContainsAny(name, "*?[") {
			out = append(out, s)
			continue
		}
		if names == nil {
			r, err := a.query("apt-cache", "pkgnames")
			if err == nil {
				names = strings.Fields(string(r.Stdout))
			}
		}
		for _, n := range names {
			if ok, _ := path.Match(name, n); ok {
				out = append(out, n+cmp+ver)
			}
		}
	}
	return out
}

func (a *aptRun) install(specs []string) (module.Result, error) {
	p := a.p
	var list, names []string
	for _, spec := range a.expandGlobs(specs) {
		if p.State == "build-dep" {
			list = append(list, spec)
			continue
		}
		name, cmp, ver := splitPkg(spec)
		names = append(names, name)
		st := a.dpkgStatus(name)
		if !st.installed && p.OnlyUpgrade {
			continue
		}
		if st.installed && p.State != "latest" && a.versionOK(st.version, cmp, ver) {
			// installed at a wanted version and no upgrade asked for:
			// nothing apt could offer changes that, so no apt-cache
			continue
		}
		a.policy(name, &st)
		if !st.installed && !st.known {
			return module.Result{}, fmt.Errorf("No package matching '%s' is available", name)
		}
		// as package_status: is the wanted version installed, and which
		// version would be installed
		versionOK := st.installed
		installable := ""
		best := st.candidate
		if cmp == "=" {
			if ok, _ := path.Match(ver, best); !ok && best != "virtual" {
				best = a.matchingVersion(name, ver)
			}
		}
		if st.installed {
			switch cmp {
			case "=":
				versionOK, _ = path.Match(ver, st.version)
				if best != "" && best != st.version {
					if ok, _ := path.Match(ver, best); ok {
						installable = best
					}
				}
			case ">=":
				versionOK = a.versionCompare(st.version, "ge", ver)
				if best != "" && best != st.version && a.versionCompare(best, "ge", ver) {
					installable = best
				}
			default:
				if best != "" && best != "virtual" && best != st.version {
					installable = best
				}
			}
		} else {
			installable = best
		}
		if !versionOK && installable == "" {
			return module.Result{}, fmt.Errorf("no available installation candidate for %s", spec)
		}
		upgrade := p.State == "latest"
		if installable != "" && ((!st.installed && !p.OnlyUpgrade) || upgrade || !versionOK) {
			switch {
			case installable != "virtual" && cmp != "":
				list = append(list, name+"="+installable)
			default:
				list = append(list, name)
			}
		}
	}
	if len(list) == 0 {
		return module.Result{Return: a.res}, nil
	}
	argv := append([]string{"apt-get", "-y"}, a.dpkgOpts()...)
	if p.OnlyUpgrade {
		argv = append(argv, "--only-upgrade")
	}
	if p.State == "fixed" {
		argv = append(argv, "--fix-broken")
	}
	if p.Force {
		argv = append(argv, "--force-yes")
	}
	if p.Autoremove && p.State != "build-dep" {
		argv = append(argv, "--auto-remove")
	}
	if p.FailOnAutoremove {
		argv = append(argv, "--no-remove")
	}
	if a.check {
		argv = append(argv, "--simulate")
	}
	if p.State == "build-dep" {
		argv = append(argv, "build-dep")
	} else {
		argv = append(argv, "install")
	}
	argv = append(argv, list...)
	argv = append(argv, a.installFlags()...)
	r, err := a.apt(argv...)
	if err != nil {
		return module.Result{}, err
	}
	a.setOut(r)
	if r.RC != 0 {
		a.res.RC = intp(r.RC)
		return module.Result{Return: a.res}, fmt.Errorf("'%s' failed: %s", strings.Join(argv, " "), toText(r.Stderr))
	}
	res := module.Result{Changed: true, Return: a.res}
	if p.State == "build-dep" {
		res.Changed = !strings.Contains(toText(r.Stdout), aptGetZero)
	}
	if a.diff {
		res.Diff = prepared(toText(r.Stdout))
	}
	if p.State != "build-dep" && !a.check && len(names) > 0 {
		// as mark_installed_manually: apt-mark manual, ignoring failures
		// (a virtual name cannot be marked)
		_, _ = a.h.Exec(a.ctx, module.Cmd{Argv: append([]string{"apt-mark", "manual"}, names...), Env: aptEnv})
	}
	return res, nil
}

func (a *aptRun) installFlags() []string {
	var out []string
	p := a.p
	if p.DefaultRelease != "" {
		out = append(out, "-t", p.DefaultRelease)
	}
	if p.InstallRecommends != nil {
		if *p.InstallRecommends {
			out = append(out, "-o", "APT::Install-Recommends=yes")
		} else {
			out = append(out, "-o", "APT::Install-Recommends=no")
		}
	}
	if p.AllowUnauth {
		out = append(out, "--allow-unauthenticated")
	}
	if p.AllowDowngrade {
		out = append(out, "--allow-downgrades")
	}
	if p.AllowChangeHeld {
		out = append(out, "--allow-change-held-packages")
	}
	return out
}

// matchingVersion returns the newest version apt offers for name that
// matches the fnmatch pattern ver (name=1.2* style specs).
func (a *aptRun) matchingVersion(name, ver string) string {
	r, err := a.query("apt-cache", "madison", name)
	if err != nil || r.RC != 0 {
		return ""
	}
	for _, line := range strings.Split(string(r.Stdout), "\n") {
		f := strings.Split(line, "|")
		if len(f) >= 2 {
			v := strings.TrimSpace(f[1])
			if ok, _ := path.Match(ver, v); ok {
				return v
			}
		}
	}
	return ""
}

func (a *aptRun) remove(specs []string) (module.Result, error) {
	p := a.p
	// as Ansible's remove(): its results carry no cache_updated or
	// cache_update_time
	a.res.CacheUpdated, a.res.CacheUpdateTime = nil, nil
	var list []string
	for _, spec := range a.expandGlobs(specs) {
		name, cmp, ver := splitPkg(spec)
		st := a.dpkgStatus(name)
		versionOK := st.installed && a.versionOK(st.version, cmp, ver)
		if versionOK || (st.hasFiles && p.Purge) {
			list = append(list, name)
		}
	}
	if len(list) == 0 {
		return module.Result{Return: a.res}, nil
	}
	argv := append([]string{"apt-get", "-q", "-y"}, a.dpkgOpts()...)
	if p.Purge {
		argv = append(argv, "--purge")
	}
	if p.Force {
		argv = append(argv, "--force-yes")
	}
	if p.Autoremove {
		argv = append(argv, "--auto-remove")
	}
	if a.check {
		argv = append(argv, "--simulate")
	}
	argv = append(argv, "remove")
	argv = append(argv, list...)
	r, err := a.apt(argv...)
	if err != nil {
		return module.Result{}, err
	}
	a.setOut(r)
	if r.RC != 0 {
		a.res.RC = intp(r.RC)
		return module.Result{Return: a.res}, fmt.Errorf("'apt-get remove %s' failed: %s", strings.Join(list, " "), toText(r.Stderr))
	}
	res := module.Result{Changed: true, Return: a.res}
	if a.diff {
		res.Diff = prepared(toText(r.Stdout))
	}
	return res, nil
}

func (a *aptRun) upgrade(mode string) (module.Result, error) {
	p := a.p
	argv := append([]string{"apt-get", "-y"}, a.dpkgOpts()...)
	if p.Force {
		argv = append(argv, "--force-yes")
	}
	if p.FailOnAutoremove {
		argv = append(argv, "--no-remove")
	}
	if p.AllowUnauth {
		argv = append(argv, "--allow-unauthenticated")
	}
	if p.AllowDowngrade {
		argv = append(argv, "--allow-downgrades")
	}
	if a.check {
		argv = append(argv, "--simulate")
	}
	if mode == "dist" || mode == "full" {
		argv = append(argv, "dist-upgrade")
	} else {
		argv = append(argv, "upgrade", "--with-new-pkgs")
	}
	if p.Autoremove {
		argv = append(argv, "--auto-remove")
	}
	if p.DefaultRelease != "" {
		argv = append(argv, "-t", p.DefaultRelease)
	}
	r, err := a.apt(argv...)
	if err != nil {
		return module.Result{}, err
	}
	a.setOut(r)
	out := toText(r.Stdout)
	if r.RC != 0 {
		a.res.RC = intp(r.RC)
		return module.Result{Return: a.res}, fmt.Errorf("'apt-get %s' failed: %s", argv[len(argv)-1], toText(r.Stderr))
	}
	res := module.Result{Changed: !strings.Contains(out, aptGetZero), Msg: out, Return: a.res}
	if res.Changed && a.diff {
		res.Diff = prepared(out)
	}
	return res, nil
}

func (a *aptRun) cleanup(op string) (module.Result, error) {
	argv := append([]string{"apt-get", "-y"}, a.dpkgOpts()...)
	if a.p.Purge {
		argv = append(argv, "--purge")
	}
	if a.p.Force {
		argv = append(argv, "--force-yes")
	}
	if a.check {
		argv = append(argv, "--simulate")
	}
	argv = append(argv, op)
	r, err := a.apt(argv...)
	if err != nil {
		return module.Result{}, err
	}
	a.setOut(r)
	if r.RC != 0 {
		a.res.RC = intp(r.RC)
		return module.Result{Return: a.res}, fmt.Errorf("'apt-get %s' failed: %s", op, toText(r.Stderr))
	}
	marker := "The following packages will be REMOVED"
	if op == "autoclean" {
		marker = "Del "
	}
	res := module.Result{Changed: strings.Contains(toText(r.Stdout), marker), Return: a.res}
	if res.Changed && a.diff {
		res.Diff = prepared(toText(r.Stdout))
	}
	return res, nil
}

// installDeb installs a local (or downloaded) .deb unless that version is
// installed already.
func (a *aptRun) installDeb() (module.Result, error) {
	deb := a.p.Deb
	if strings.Contains(deb, "://") {
		if a.check {
			return module.Result{Changed: true, Return: a.res}, nil
		}
		f, err := a.download(deb)
		if err != nil {
			return module.Result{}, err
		}
		defer a.h.Remove(f) // our own download
		deb = f
	}
	var pkgs []string
	for _, file := range strings.Split(deb, ",") {
		r, err := a.query("dpkg-deb", "-f", file, "Package", "Version")
		if err != nil || r.RC != 0 {
			return module.Result{}, fmt.Errorf("Unable to install package: %s", strings.TrimSpace(toText(r.Stderr)))
		}
		fields := map[string]string{}
		for _, l := range strings.Split(string(r.Stdout), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok {
				fields[k] = strings.TrimSpace(v)
			}
		}
		if st := a.dpkgStatus(fields["Package"]); st.installed && a.versionCompare(st.version, "eq", fields["Version"]) {
			continue
		}
		abs := file
		if !filepath.IsAbs(abs) {
			abs = "./" + abs
		}
		pkgs = append(pkgs, abs)
	}
	if len(pkgs) == 0 {
		return module.Result{Return: a.res}, nil
	}
	argv := append([]string{"apt-get", "-y"}, a.dpkgOpts()...)
	if a.p.Force {
		argv = append(argv, "--force-yes")
	}
	if a.check {
		argv = append(argv, "--simulate")
	}
	argv = append(argv, "install")
	argv = append(argv, pkgs...)
	argv = append(argv, a.installFlags()...)
	r, err := a.apt(argv...)
	if err != nil {
		return module.Result{}, err
	}
	a.setOut(r)
	if r.RC != 0 {
		return module.Result{Return: a.res}, fmt.Errorf("%s failed", strings.Join(argv, " "))
	}
	res := module.Result{Changed: true, Return: a.res}
	if a.diff {
		res.Diff = prepared(toText(r.Stdout))
	}
	return res, nil
}

func (a *aptRun) download(url string) (string, error) {
	req, err := http.NewRequestWithContext(a.ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("Failure downloading %s, %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("Failure downloading %s, %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	name := filepath.Join(os.TempDir(), fmt.Sprintf("gplay-%d-%s", time.Now().UnixNano(), path.Base(url)))
	if err := a.h.WriteFile(name, data, 0o644); err != nil {
		return "", err
	}
	return name, nil
}

// policyRcD installs /usr/sbin/policy-rc.d exiting with code, so that
// package scripts do not start services, and returns the undo.
func (a *aptRun) policyRcD(code int) (func(), error) {
	const p = "/usr/sbin/policy-rc.d"
	old, err := a.h.ReadFile(p)
	had := err == nil
	if err := a.h.WriteFile(p, []byte(fmt.Sprintf("#!/bin/sh\nexit %d\n", code)), 0o755); err != nil {
		return nil, err
	}
	if err := a.h.Chmod(p, 0o755); err != nil {
		return nil, err
	}
	return func() {
		if had {
			_ = a.h.WriteFile(p, old, 0o755) // best effort restore of the admin's file
		} else {
			_ = a.h.Remove(p) // best effort: we created it
		}
	}, nil
}

var _ module.Module = aptModule{}
