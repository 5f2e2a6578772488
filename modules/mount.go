package modules

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"gplay/module"
)

// mountModule is ansible.posix.mount (called as "mount" by most
// playbooks): the entry in fstab and the live mount of a path.
type mountModule struct{}

func init() { module.Register(mountModule{}) }

func (mountModule) Info() module.Info {
	id := module.ID("ansible.posix.mount")
	return module.Info{
		ID:      id,
		Aliases: []string{"mount", "ansible.builtin.mount", "ansible.legacy.mount"},
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "path", Type: module.TypePath, Required: true, Aliases: []string{"name"}},
				{Name: "src", Type: module.TypePath},
				{Name: "fstype"},
				{Name: "opts"},
				{Name: "opts_no_log", Type: module.TypeBool, Default: false},
				{Name: "dump", Default: "0"},
				{Name: "passno", Default: "0"},
				{Name: "state", Required: true, Choices: []any{"absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted", "ephemeral"}},
				{Name: "fstab"},
				{Name: "boot", Type: module.TypeBool, Default: true},
				{Name: "backup", Type: module.TypeBool, Default: false},
			},
			Rules: module.Rules{RequiredIf: []module.RequiredIf{
				{Key: "state", Value: "mounted", Requires: []string{"src", "fstype"}},
				{Key: "state", Value: "present", Requires: []string{"src", "fstype"}},
				{Key: "state", Value: "ephemeral", Requires: []string{"src", "fstype"}},
			}},
		},
		CheckMode: module.SupportFull,
	}
}

type mountParams struct {
	Path   string `arg:"path"`
	Src    string `arg:"src"`
	Fstype string `arg:"fstype"`
	Opts   string `arg:"opts"`
	Dump   string `arg:"dump"`
	Passno string `arg:"passno"`
	State  string `arg:"state"`
	Fstab  string `arg:"fstab"`
	Boot   bool   `arg:"boot"`
	Backup bool   `arg:"backup"`
}

type mountResult struct {
	Name       string `json:"name"`
	Src        string `json:"src,omitempty"`
	Fstype     string `json:"fstype,omitempty"`
	Opts       string `json:"opts"`
	Dump       string `json:"dump"`
	Passno     string `json:"passno"`
	Fstab      string `json:"fstab"`
	Boot       bool   `json:"boot"`
	BackupFile string `json:"backup_file,omitempty"`
}

// fstabEscape escapes a field as fstab(5) wants (octal for blanks and \).
func fstabEscape(s string) string {
	return strings.NewReplacer(`\`, `\134`, " ", `\040`, "\t", `\011`, "\n", `\012`).Replace(s)
}

func fstabUnescape(s string) string {
	return strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(s)
}

// isMounted reports whether path is a mount point, from /proc/self/mounts.
func isMounted(h module.Host, path string) bool {
	b, err := h.ReadFile("/proc/self/mounts")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && fstabUnescape(f[1]) == path {
			return true
		}
	}
	return false
}

func (mountModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p mountParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	if p.Fstab == "" {
		p.Fstab = "/etc/fstab"
	}
	if p.Opts == "" {
		p.Opts = "defaults"
	}
	path := strings.TrimRight(p.Path, "/")
	if path == "" {
		path = "/"
	}
	opts := p.Opts
	if !p.Boot && !strings.Contains(","+opts+",", ",noauto,") {
		if opts == "defaults" {
			opts = "noauto"
		} else {
			opts += ",noauto"
		}
	}
	out := mountResult{Name: path, Src: p.Src, Fstype: p.Fstype, Opts: p.Opts, Dump: p.Dump, Passno: p.Passno, Fstab: p.Fstab, Boot: p.Boot}
	res := module.Result{}
	run := func(argv ...string) error {
		if req.Check {
			return nil
		}
		r, err := h.Exec(ctx, module.Cmd{Argv: argv})
		if err != nil {
			return err
		}
		if r.RC != 0 {
			return fmt.Errorf("Error mounting %s: %s", path, strings.TrimSpace(toText(r.Stderr)+toText(r.Stdout)))
		}
		return nil
	}
	setFstab := func(remove bool) (bool, error) {
		data, err := h.ReadFile(p.Fstab)
		switch {
		case errors.Is(err, errNotExist) && remove:
			return false, nil
		case err != nil && !errors.Is(err, errNotExist):
			return false, err
		}
		entry := strings.Join([]string{fstabEscape(p.Src), fstabEscape(path), p.Fstype, opts, p.Dump, p.Passno}, " ")
		var lines []string
		found, changed := false, false
		for _, line := range readLines(data) {
			f := strings.Fields(line)
			if len(f) < 2 || strings.HasPrefix(strings.TrimSpace(line), "#") || fstabUnescape(f[1]) != path {
				lines = append(lines, line)
				continue
			}
			if remove || found {
				changed = true
				continue
			}
			found = true
			want := []string{fstabEscape(p.Src), fstabEscape(path), p.Fstype, opts, p.Dump, p.Passno}
			same := len(f) >= 4
			for i := 0; same && i < len(want); i++ {
				have := ""
				if i < len(f) {
					have = f[i]
				} else if i >= 4 {
					have = "0"
				}
				same = have == want[i]
			}
			if same {
				lines = append(lines, line)
			} else {
				lines = append(lines, entry+"\n")
				changed = true
			}
		}
		if !remove && !found {
			if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
				lines[n-1] += "\n"
			}
			lines = append(lines, entry+"\n")
			changed = true
		}
		if changed && !req.Check {
			if p.Backup && len(data) > 0 {
				name, err := backupFile(h, p.Fstab, time.Now().Format("2006-01-02@15:04:05"))
				if err != nil {
					return false, err
				}
				out.BackupFile = name
			}
			if err := h.WriteFile(p.Fstab, []byte(strings.Join(lines, "")), 0o644); err != nil {
				return false, err
			}
		}
		return changed, nil
	}
	mounted := isMounted(h, path)
	var err error
	switch p.State {
	case "absent", "absent_from_fstab":
		if res.Changed, err = setFstab(true); err != nil {
			return module.Result{}, err
		}
		if p.State == "absent" && mounted {
			res.Changed = true
			if err := run("umount", path); err != nil {
				return module.Result{}, err
			}
		}
		if p.State == "absent" && !req.Check && isDir(h, path) {
			_ = h.Remove(path) // as Ansible: an empty mount point goes too; a busy or full one stays
		}
	case "present":
		if res.Changed, err = setFstab(false); err != nil {
			return module.Result{}, err
		}
	case "mounted":
		changed, err := setFstab(false)
		if err != nil {
			return module.Result{}, err
		}
		res.Changed = changed
		if !exists(h, path) && !req.Check {
			if err := mkdirParents(h, path); err != nil {
				return module.Result{}, fmt.Errorf("Error making dir %s: %v", path, err)
			}
		}
		switch {
		case !mounted:
			res.Changed = true
			if err := run("mount", "-T", p.Fstab, path); err != nil {
				return module.Result{}, err
			}
		case changed:
			if err := run("mount", "-T", p.Fstab, "-o", "remount", path); err != nil {
				return module.Result{}, err
			}
		}
	case "unmounted":
		if mounted {
			res.Changed = true
			if err := run("umount", path); err != nil {
				return module.Result{}, err
			}
		}
	case "remounted":
		res.Changed = true
		argv := []string{"mount", "-o", "remount", path}
		if p.Opts != "defaults" {
			argv = []string{"mount", "-o", "remount," + p.Opts, path}
		}
		if err := run(argv...); err != nil {
			return module.Result{}, err
		}
	case "ephemeral":
		if !mounted {
			res.Changed = true
			if !exists(h, path) && !req.Check {
				if err := mkdirParents(h, filepath.Clean(path)); err != nil {
					return module.Result{}, err
				}
			}
			if err := run("mount", "-t", p.Fstype, "-o", p.Opts, p.Src, path); err != nil {
				return module.Result{}, err
			}
		}
	}
	res.Return = out
	return res, nil
}

var _ module.Module = mountModule{}
