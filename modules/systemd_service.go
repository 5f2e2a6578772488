package modules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gplay/module"
)

// systemdModule is ansible.builtin.systemd_service (also known as
// systemd): unit state, enablement and masking through systemctl, with
// the unit's `systemctl show` properties returned as status. That one
// `systemctl show` also answers is-enabled and masked for ordinary units,
// so an idempotent task runs one systemctl; it acts only on a difference.
//
// Difference from Ansible, on purpose: under check mode a unit that does
// not exist yet (an earlier task of the run would install it) is not a
// failure: the result predicts the change and carries a warning, where
// Ansible fails with "Could not find the requested service" (ansible#72721).
type systemdModule struct{}

func init() { module.Register(systemdModule{}) }

func (systemdModule) Info() module.Info {
	id := module.ID("ansible.builtin.systemd_service")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id, "systemd", "ansible.builtin.systemd", "ansible.legacy.systemd"),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "name", Aliases: []string{"service", "unit"}},
				{Name: "state", Choices: []any{"reloaded", "restarted", "started", "stopped"}},
				{Name: "enabled", Type: module.TypeBool},
				{Name: "force", Type: module.TypeBool},
				{Name: "masked", Type: module.TypeBool},
				{Name: "daemon_reload", Type: module.TypeBool, Default: false, Aliases: []string{"daemon-reload"}},
				{Name: "daemon_reexec", Type: module.TypeBool, Default: false, Aliases: []string{"daemon-reexec"}},
				{Name: "scope", Default: "system", Choices: []any{"system", "user", "global"}},
				{Name: "no_block", Type: module.TypeBool, Default: false},
			},
			Rules: module.Rules{
				RequiredOneOf: [][]string{{"state", "enabled", "masked", "daemon_reload", "daemon_reexec"}},
				RequiredBy: []module.RequiredBy{
					{Key: "state", Requires: []string{"name"}},
					{Key: "enabled", Requires: []string{"name"}},
					{Key: "masked", Requires: []string{"name"}},
				},
			},
		},
		CheckMode: module.SupportFull,
	}
}

type systemdParams struct {
	Name         string `arg:"name"`
	State        string `arg:"state"`
	Enabled      *bool  `arg:"enabled"`
	Force        bool   `arg:"force"`
	Masked       *bool  `arg:"masked"`
	DaemonReload bool   `arg:"daemon_reload"`
	DaemonReexec bool   `arg:"daemon_reexec"`
	Scope        string `arg:"scope"`
	NoBlock      bool   `arg:"no_block"`
}

type systemdResult struct {
	Name    *string           `json:"name"`
	Status  map[string]string `json:"status"`
	Enabled *bool             `json:"enabled,omitempty"`
	State   string            `json:"state,omitempty"`
}

func (systemdModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p systemdParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	return runSystemd(ctx, req, p)
}

// systemctl runs systemctl with the scope and flags of the request.
type systemctl struct {
	ctx   context.Context
	h     module.Host
	flags []string
	env   []string
}

func (s systemctl) cmd(args []string) module.Cmd {
	return module.Cmd{Argv: append(append([]string{"systemctl"}, s.flags...), args...), Env: s.env}
}

func (s systemctl) query(args ...string) (module.CmdResult, error) {
	return s.h.Query(s.ctx, s.cmd(args))
}
func (s systemctl) exec(args ...string) (module.CmdResult, error) {
	return s.h.Exec(s.ctx, s.cmd(args))
}

// parseSystemctlShow is Ansible's parse_systemctl_show: KEY=VALUE lines;
// only Exec* values in braces may span lines.
func parseSystemctlShow(out string) map[string]string {
	parsed := map[string]string{}
	var multi []string
	key := ""
	for _, line := range strings.Split(out, "\n") {
		if key == "" {
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			if strings.HasPrefix(k, "Exec") && strings.HasPrefix(strings.TrimLeft(v, " \t"), "{") && !strings.HasSuffix(strings.TrimRight(v, " \t"), "}") {
				key = k
				multi = append(multi, v)
				continue
			}
			parsed[k] = strings.TrimSpace(v)
			continue
		}
		multi = append(multi, line)
		if strings.HasSuffix(strings.TrimRight(line, " \t"), "}") {
			parsed[key] = strings.TrimSpace(strings.Join(multi, "\n"))
			multi, key = nil, ""
		}
	}
	return parsed
}

func requestIgnored(out string) bool {
	return !strings.Contains(out, "=") && (strings.Contains(out, "ignoring request") || strings.Contains(out, "ignoring command"))
}

// sysvScript is the init script a unit may be backed by.
func sysvScript(unit string) string {
	return filepath.Join("/etc/init.d", strings.TrimSuffix(unit, ".service"))
}

func sysvEnabled(unit string) bool {
	m, _ := filepath.Glob("/etc/rc?.d/S??" + strings.TrimSuffix(unit, ".service")) // a bad pattern cannot happen: the name has no glob characters
	return len(m) > 0
}

func runSystemd(ctx context.Context, req module.Request, p systemdParams) (module.Result, error) {
	h := req.Host
	if strings.ContainsAny(p.Name, "*?[") {
		for _, g := range []string{"*", "?", "["} {
			if strings.Contains(p.Name, g) {
				return module.Result{}, fmt.Errorf("This module does not currently support using glob patterns, found '%s' in service name: %s", g, p.Name)
			}
		}
	}
	sc := systemctl{ctx: ctx, h: h}
	if os.Getenv("XDG_RUNTIME_DIR") == "" {
		// as Ansible: user-scope systemctl needs the runtime directory
		sc.env = []string{fmt.Sprintf("XDG_RUNTIME_DIR=/run/user/%d", os.Geteuid())}
	}
	if p.Scope != "system" {
		sc.flags = []string{"--" + p.Scope}
	}
	if p.NoBlock {
		sc.flags = append(sc.flags, "--no-block")
	}
	if p.Force {
		sc.flags = append(sc.flags, "--force")
	}
	var name *string
	if p.Name != "" {
		name = &p.Name
	}
	out := systemdResult{Name: name, Status: map[string]string{}}
	res := module.Result{}
	if p.DaemonReload && !req.Check {
		if r, err := sc.exec("daemon-reload"); err != nil || r.RC != 0 {
			return module.Result{}, fmt.Errorf("failure %d during daemon-reload: %s%v", r.RC, toText(r.Stderr), errOrEmpty(err))
		}
	}
	if p.DaemonReexec && !req.Check {
		if r, err := sc.exec("daemon-reexec"); err != nil || r.RC != 0 {
			return module.Result{}, fmt.Errorf("failure %d during daemon-reexec: %s%v", r.RC, toText(r.Stderr), errOrEmpty(err))
		}
	}
	if p.Name == "" {
		res.Return = out
		return res, nil
	}
	unit := p.Name
	isInitd := exists(h, sysvScript(unit))
	isSystemd := false
	r, err := sc.query("show", unit)
	if err != nil {
		return module.Result{}, err
	}
	sout := toText(r.Stdout)
	switch {
	case r.RC == 0 && !requestIgnored(sout) && !requestIgnored(toText(r.Stderr)):
		if sout != "" {
			out.Status = parseSystemctlShow(sout)
			ls, has := out.Status["LoadState"]
			isSystemd = has && ls != "not-found"
			masked := ls == "masked"
			if isSystemd && !masked && out.Status["LoadError"] != "" {
				return module.Result{Return: out}, fmt.Errorf("Error loading unit file '%s': %s", unit, out.Status["LoadError"])
			}
		}
	default:
		r2, _ := sc.query("is-enabled", unit) // its output is what counts
		switch strings.TrimSpace(toText(r2.Stdout)) {
		case "enabled", "enabled-runtime", "linked", "linked-runtime", "masked", "masked-runtime", "static",
			"indirect", "disabled", "generated", "transient":
			isSystemd = true
		default:
			if r3, err := sc.query("list-unit-files", unit); err == nil && r3.RC == 0 {
				isSystemd = true
			} else if r4, err := sc.query(); err != nil || r4.RC != 0 {
				msg := strings.TrimSpace(toText(r4.Stderr))
				if msg == "" && err != nil {
					msg = err.Error()
				}
				return module.Result{Return: out}, errors.New(msg)
			}
		}
	}
	found := isSystemd || isInitd
	if isInitd && !isSystemd {
		res.Warnings = append(res.Warnings, fmt.Sprintf("The service (%s) is actually an init script but the system is managed by systemd", unit))
	}
	// missing is the check-mode prediction for a unit an earlier task
	// would have installed
	missing := func() (bool, error) {
		if found {
			return false, nil
		}
		if req.Check {
			return true, nil
		}
		return false, fmt.Errorf("Could not find the requested service %s: host", unit)
	}
	predicted := false
	var would []string  // actions predicted for a unit not installed yet
	shown := out.Status // what show said, while it still holds
	if p.Masked != nil {
		var masked bool
		if state, ok := unitFileState(out.Status, unit, p.Scope); ok {
			masked = state == "masked"
		} else {
			r, _ := sc.query("is-enabled", unit) // exit status is not the answer; the output is
			masked = strings.TrimSpace(toText(r.Stdout)) == "masked"
		}
		if masked != *p.Masked {
			res.Changed = true
			action := "unmask"
			if *p.Masked {
				action = "mask"
			}
			if !req.Check {
				shown = nil // masking changed the unit file state
				if r, err := sc.exec(action, unit); err != nil || r.RC != 0 {
					if _, err := missing(); err != nil {
						return module.Result{Return: out}, err
					}
					// Ansible ignores this failure and reports a change that
					// did not happen (e.g. a unit file in /etc cannot be
					// masked); gplay reports it
					return module.Result{Return: out}, fmt.Errorf("Unable to %s service %s: %s%v", action, unit, strings.TrimSpace(toText(r.Stderr)), errOrEmpty(err))
				}
			}
		}
	}
	if p.Enabled != nil {
		miss, err := missing()
		if err != nil {
			return module.Result{Return: out}, err
		}
		enabled := false
		if miss {
			predicted = true
			if *p.Enabled {
				would = append(would, "enable")
			}
		} else if enabled, err = isEnabled(sc, unit, shown, p.Scope, isInitd); err != nil {
			return module.Result{}, err
		}
		out.Enabled = boolp(enabled)
		if enabled != *p.Enabled {
			res.Changed = true
			action := "disable"
			if *p.Enabled {
				action = "enable"
			}
			if !req.Check {
				if r, err := sc.exec(action, unit); err != nil || r.RC != 0 {
					return module.Result{Return: out}, fmt.Errorf("Unable to %s service %s: %s%s%v", action, unit, toText(r.Stdout), toText(r.Stderr), errOrEmpty(err))
				}
			}
			out.Enabled = boolp(!enabled)
		}
	}
	if p.State != "" {
		miss, err := missing()
		if err != nil {
			return module.Result{Return: out}, err
		}
		out.State = p.State
		active, has := out.Status["ActiveState"]
		if miss {
			predicted = true
			has, active = true, "inactive"
		}
		if has {
			running := active == "active" || active == "activating"
			action := ""
			switch p.State {
			case "started":
				if !running {
					action = "start"
				}
			case "stopped":
				if running || active == "deactivating" {
					action = "stop"
				}
			default:
				if !running {
					action = "start"
				} else {
					action = strings.TrimSuffix(p.State, "ed")
				}
				out.State = "started"
			}
			if action != "" {
				res.Changed = true
				if miss {
					would = append(would, action)
				}
				if !req.Check {
					if r, err := sc.exec(action, unit); err != nil || r.RC != 0 {
						return module.Result{Return: out}, fmt.Errorf("Unable to %s service %s: %s%v", action, unit, toText(r.Stderr), errOrEmpty(err))
					}
				}
			}
		} else if isChroot() || os.Getenv("SYSTEMD_OFFLINE") == "1" {
			res.Warnings = append(res.Warnings, "Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working.")
		} else {
			return module.Result{Return: out}, errors.New("Service is in unknown state")
		}
	}
	if predicted {
		if len(would) > 0 {
			res.Msg = fmt.Sprintf("would %s (unit not installed yet)", strings.Join(would, " and "))
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("unit %s is not installed yet: check mode assumes an earlier task installs it (a real run fails if none does)", unit))
	}
	res.Return = out
	return res, nil
}

// isEnabled is Ansible's enabled test: `systemctl is-enabled UNIT -l`
// exits 0 (but a lone "indirect" or "alias" is not enabled), or, for a
// SysV script, an S link in /etc/rc?.d. The unit's UnitFileState from the
// status already read answers it without another systemctl when the answer
// cannot depend on is-enabled's own output (see unitFileState).
func isEnabled(sc systemctl, unit string, status map[string]string, scope string, isInitd bool) (bool, error) {
	if state, ok := unitFileState(status, unit, scope); ok {
		switch state {
		case "enabled", "enabled-runtime", "static":
			return true, nil // is-enabled exits 0 and prints more than "indirect"/"alias"
		case "disabled", "masked", "masked-runtime", "linked", "linked-runtime":
			if !isInitd {
				return false, nil // is-enabled exits 1; no init script to look at
			}
		}
	}
	r, err := sc.query("is-enabled", unit, "-l")
	if err != nil {
		return false, err
	}
	lines := splitLines(strings.TrimRight(toText(r.Stdout), "\n"))
	switch r.RC {
	case 0:
		return !(len(lines) == 1 && (lines[0] == "indirect" || lines[0] == "alias")), nil
	case 1:
		if scope == "system" && isInitd && !strings.HasSuffix(strings.TrimSpace(toText(r.Stdout)), "disabled") && sysvEnabled(unit) {
			return true, nil
		}
	}
	return false, nil
}

// unitSuffixes are systemd's unit types; a name without one is a service.
var unitSuffixes = []string{".service", ".socket", ".target", ".device", ".mount", ".automount",
	".swap", ".timer", ".path", ".slice", ".scope"}

// unitFileState returns the UnitFileState of `systemctl show` output when
// it is what `systemctl is-enabled` prints for unit: a loaded system unit
// shown under its own name. An alias name is shown as the unit it points to
// (is-enabled says "alias"), and units without a state of their own
// (generated from SysV scripts, transient) make is-enabled ask elsewhere,
// so those report ok=false and the caller runs is-enabled.
func unitFileState(status map[string]string, unit, scope string) (string, bool) {
	if scope != "system" || status["LoadState"] != "loaded" && status["LoadState"] != "masked" {
		return "", false
	}
	id := unit
	if !slices.ContainsFunc(unitSuffixes, func(s string) bool { return strings.HasSuffix(unit, s) }) {
		id += ".service"
	}
	st := status["UnitFileState"]
	if status["Id"] != id || st == "" || st == "generated" || st == "transient" {
		return "", false
	}
	return st, true
}

func errOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

// isChroot is Ansible's is_chroot: / is not the root of PID 1.
func isChroot() bool {
	if env := os.Getenv("debian_chroot"); env != "" {
		return true
	}
	a, err1 := os.Stat("/")
	b, err2 := os.Stat("/proc/1/root/.")
	if err1 != nil || err2 != nil {
		return false
	}
	return !os.SameFile(a, b)
}

var _ module.Module = systemdModule{}
