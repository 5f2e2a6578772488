package modules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gplay/module"
)

// userModule is ansible.builtin.user for Linux, through useradd, usermod
// and userdel; state comes from /etc/passwd, /etc/group and /etc/shadow.
// Passwords are taken as given (already hashed, as Ansible expects).
type userModule struct {
	root string // "" is "/"; tests use a prefix (the tools' --prefix)
}

func init() { module.Register(userModule{}) }

func (userModule) Info() module.Info {
	id := module.ID("ansible.builtin.user")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "name", Required: true, Aliases: []string{"user"}},
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "uid", Type: module.TypeInt},
			{Name: "non_unique", Type: module.TypeBool, Default: false},
			{Name: "group"},
			{Name: "groups", Type: module.TypeList, Elements: module.TypeStr},
			{Name: "comment"},
			{Name: "home", Type: module.TypePath},
			{Name: "shell"},
			{Name: "password", NoLog: true},
			{Name: "password_lock", Type: module.TypeBool},
			{Name: "append", Type: module.TypeBool, Default: false},
			{Name: "force", Type: module.TypeBool, Default: false},
			{Name: "remove", Type: module.TypeBool, Default: false},
			{Name: "create_home", Type: module.TypeBool, Default: true, Aliases: []string{"createhome"}},
			{Name: "move_home", Type: module.TypeBool, Default: false},
			{Name: "skeleton", Type: module.TypePath},
			{Name: "system", Type: module.TypeBool, Default: false},
			{Name: "update_password", Default: "always", Choices: []any{"always", "on_create"}},
			{Name: "expires", Type: module.TypeFloat},
			{Name: "local", Type: module.TypeBool, Default: false},
			{Name: "generate_ssh_key", Type: module.TypeBool},
			{Name: "ssh_key_bits", Type: module.TypeInt, Default: int64(0)},
			{Name: "ssh_key_type", Default: "rsa"},
			{Name: "ssh_key_file", Type: module.TypePath},
			{Name: "ssh_key_comment"},
			{Name: "ssh_key_passphrase", NoLog: true},
			{Name: "umask"},
		}},
		CheckMode: module.SupportFull,
	}
}

type userParams struct {
	Name           string   `arg:"name"`
	State          string   `arg:"state"`
	UID            *int64   `arg:"uid"`
	NonUnique      bool     `arg:"non_unique"`
	Group          string   `arg:"group"`
	Groups         []string `arg:"groups"`
	GroupsSet      bool     `arg:"-"`
	Comment        *string  `arg:"comment"`
	Home           string   `arg:"home"`
	Shell          string   `arg:"shell"`
	Password       *string  `arg:"password"`
	PasswordLock   *bool    `arg:"password_lock"`
	Append         bool     `arg:"append"`
	Force          bool     `arg:"force"`
	Remove         bool     `arg:"remove"`
	CreateHome     bool     `arg:"create_home"`
	MoveHome       bool     `arg:"move_home"`
	Skeleton       string   `arg:"skeleton"`
	System         bool     `arg:"system"`
	UpdatePassword string   `arg:"update_password"`
	GenerateSSHKey bool     `arg:"generate_ssh_key"`
	SSHKeyBits     int      `arg:"ssh_key_bits"`
	SSHKeyType     string   `arg:"ssh_key_type"`
	SSHKeyFile     string   `arg:"ssh_key_file"`
	SSHKeyComment  string   `arg:"ssh_key_comment"`
	Umask          string   `arg:"umask"`
}

type userResult struct {
	Name       string  `json:"name"`
	State      string  `json:"state"`
	Force      *bool   `json:"force,omitempty"`
	Remove     *bool   `json:"remove,omitempty"`
	System     *bool   `json:"system,omitempty"`
	CreateHome *bool   `json:"create_home,omitempty"`
	Append     *bool   `json:"append,omitempty"`
	MoveHome   *bool   `json:"move_home,omitempty"`
	UID        *int64  `json:"uid,omitempty"`
	Group      *int64  `json:"group,omitempty"`
	Comment    *string `json:"comment,omitempty"`
	Home       string  `json:"home,omitempty"`
	Shell      string  `json:"shell,omitempty"`
	Groups     *string `json:"groups,omitempty"`
	Password   string  `json:"password,omitempty"`
	SSHFile    string  `json:"ssh_key_file,omitempty"`
	SSHPub     string  `json:"ssh_public_key,omitempty"`
}

// memberOf lists the supplementary groups of user under root.
func memberOf(h module.Host, root, user string) []string {
	b, _ := h.ReadFile(filepath.Join(root, "etc/group")) // no group file: no groups
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		for _, m := range strings.Split(f[3], ",") {
			if m == user {
				out = append(out, f[0])
			}
		}
	}
	sort.Strings(out)
	return out
}

// groupGID resolves a group name or number under root.
func groupGID(h module.Host, root, g string) (string, bool) {
	if e := etcEntry(h, root, "group", g); e != nil {
		return e[2], true
	}
	if _, err := strconv.Atoi(g); err == nil {
		b, _ := h.ReadFile(filepath.Join(root, "etc/group")) // no group file: unknown gid
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Split(line, ":"); len(f) > 2 && f[2] == g {
				return g, true
			}
		}
	}
	return "", false
}

func (m userModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p userParams
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	p.GroupsSet = req.Args.IsSet("groups")
	h := req.Host
	pre := prefixArgs(m.root)
	out := userResult{Name: p.Name, State: p.State}
	res := module.Result{}
	fail := func(err error) (module.Result, error) { return module.Result{Return: out}, err }
	entry := etcEntry(h, m.root, "passwd", p.Name)
	if p.Group != "" {
		if _, ok := groupGID(h, m.root, p.Group); !ok && !req.Check {
			return fail(fmt.Errorf("Group %s does not exist", p.Group))
		}
	}
	var groups []string
	for _, g := range p.Groups {
		for _, x := range strings.Split(g, ",") {
			if x = strings.TrimSpace(x); x != "" {
				if _, ok := groupGID(h, m.root, x); !ok && !req.Check {
					return fail(fmt.Errorf("Group %s does not exist", x))
				}
				groups = append(groups, x)
			}
		}
	}
	if p.State == "absent" {
		out.Force, out.Remove = boolp(p.Force), boolp(p.Remove)
		if entry != nil {
			res.Changed = true
			if !req.Check {
				argv := append([]string{"userdel"}, pre...)
				if p.Force {
					argv = append(argv, "-f")
				}
				if p.Remove {
					argv = append(argv, "-r")
				}
				if err := runTool(ctx, h, append(argv, p.Name)); err != nil {
					return fail(err)
				}
			}
		}
		res.Return = out
		return res, nil
	}
	if p.Password != nil {
		out.Password = "NOT_LOGGING_PASSWORD"
	}
	if entry == nil {
		res.Changed = true
		out.System, out.CreateHome = boolp(p.System), boolp(p.CreateHome)
		argv := append([]string{"useradd"}, pre...)
		if p.UID != nil {
			argv = append(argv, "-u", strconv.FormatInt(*p.UID, 10))
			if p.NonUnique {
				argv = append(argv, "-o")
			}
		}
		if p.Group != "" {
			argv = append(argv, "-g", p.Group)
		} else if etcEntry(h, m.root, "group", p.Name) != nil {
			// as Ansible: a group named like the user is its primary group
			argv = append(argv, "-g", p.Name)
		}
		if len(groups) > 0 {
			argv = append(argv, "-G", strings.Join(groups, ","))
		}
		if p.Comment != nil {
			argv = append(argv, "-c", *p.Comment)
		}
		if p.Home != "" {
			argv = append(argv, "-d", p.Home)
		}
		if p.Shell != "" {
			argv = append(argv, "-s", p.Shell)
		}
		if p.Password != nil && *p.Password != "" {
			argv = append(argv, "-p", *p.Password)
		}
		if p.CreateHome {
			argv = append(argv, "-m")
			if p.Skeleton != "" {
				argv = append(argv, "-k", p.Skeleton)
			}
			if p.Umask != "" {
				argv = append(argv, "-K", "UMASK="+p.Umask)
			}
		} else {
			argv = append(argv, "-M")
		}
		if p.System {
			argv = append(argv, "-r")
		}
		if !req.Check {
			if err := runTool(ctx, h, append(argv, p.Name)); err != nil {
				return fail(err)
			}
		}
	} else {
		out.Append, out.MoveHome = boolp(p.Append), boolp(p.MoveHome)
		argv := append([]string{"usermod"}, pre...)
		if p.UID != nil && entry[2] != strconv.FormatInt(*p.UID, 10) {
			argv = append(argv, "-u", strconv.FormatInt(*p.UID, 10))
			if p.NonUnique {
				argv = append(argv, "-o")
			}
		}
		if p.Group != "" {
			if gid, _ := groupGID(h, m.root, p.Group); gid != entry[3] {
				argv = append(argv, "-g", p.Group)
			}
		}
		if p.GroupsSet {
			cur := memberOf(h, m.root, p.Name)
			// the primary group does not count as a supplementary one
			primary := ""
			if ge := etcGroupByGID(h, m.root, entry[3]); ge != "" {
				primary = ge
			}
			want := map[string]bool{}
			for _, g := range groups {
				if g != primary {
					want[g] = true
				}
			}
			have := map[string]bool{}
			for _, g := range cur {
				have[g] = true
			}
			differ := false
			for g := range want {
				if !have[g] {
					differ = true
				}
			}
			if !p.Append {
				for g := range have {
					if !want[g] {
						differ = true
					}
				}
			}
			if differ {
				if p.Append {
					argv = append(argv, "-a")
				}
				argv = append(argv, "-G", strings.Join(groups, ","))
			}
		}
		if p.Comment != nil && entry[4] != *p.Comment {
			argv = append(argv, "-c", *p.Comment)
		}
		if p.Home != "" && entry[5] != p.Home {
			argv = append(argv, "-d", p.Home)
			if p.MoveHome {
				argv = append(argv, "-m")
			}
		}
		if p.Shell != "" && len(entry) > 6 && entry[6] != p.Shell {
			argv = append(argv, "-s", p.Shell)
		}
		if p.Password != nil && p.UpdatePassword == "always" {
			if sh := etcEntry(h, m.root, "shadow", p.Name); sh == nil || sh[1] != *p.Password {
				argv = append(argv, "-p", *p.Password)
			}
		}
		if p.PasswordLock != nil {
			sh := etcEntry(h, m.root, "shadow", p.Name)
			locked := sh != nil && strings.HasPrefix(sh[1], "!")
			if *p.PasswordLock && !locked {
				argv = append(argv, "-L")
			} else if !*p.PasswordLock && locked {
				argv = append(argv, "-U")
			}
		}
		if len(argv) > 1+len(pre) {
			res.Changed = true
			if !req.Check {
				if err := runTool(ctx, h, append(argv, p.Name)); err != nil {
					return fail(err)
				}
			}
		}
	}
	if e := etcEntry(h, m.root, "passwd", p.Name); e != nil && len(e) >= 7 {
		uid, _ := strconv.ParseInt(e[2], 10, 64)
		gid, _ := strconv.ParseInt(e[3], 10, 64)
		out.UID, out.Group, out.Comment, out.Home, out.Shell = &uid, &gid, &e[4], e[5], e[6]
		if p.GroupsSet {
			g := strings.Join(groups, ",")
			out.Groups = &g
		}
		home := filepath.Join(m.root, e[5])
		if p.CreateHome && !exists(h, home) && e[5] != "" {
			res.Changed = true
			if !req.Check {
				if err := mkdirParents(h, home); err != nil {
					return fail(err)
				}
				_ = h.Lchown(home, int(uid), int(gid)) // unprivileged runs cannot chown; the directory still exists
			}
		}
		if p.GenerateSSHKey {
			c, err := m.sshKey(ctx, req, p, e, &out)
			if err != nil {
				return fail(err)
			}
			res.Changed = res.Changed || c
		}
	}
	res.Return = out
	return res, nil
}

func etcGroupByGID(h module.Host, root, gid string) string {
	b, _ := h.ReadFile(filepath.Join(root, "etc/group")) // no group file: no name
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Split(line, ":"); len(f) > 2 && f[2] == gid {
			return f[0]
		}
	}
	return ""
}

// sshKey generates the user's key with ssh-keygen unless it exists.
func (m userModule) sshKey(ctx context.Context, req module.Request, p userParams, e []string, out *userResult) (bool, error) {
	file := p.SSHKeyFile
	if file == "" {
		file = filepath.Join(".ssh", "id_"+p.SSHKeyType)
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(e[5], file)
	}
	out.SSHFile = file
	if exists(req.Host, file) {
		pub, _ := req.Host.ReadFile(file + ".pub") // a missing .pub leaves ssh_public_key empty
		out.SSHPub = strings.TrimSpace(string(pub))
		return false, nil
	}
	if req.Check {
		return true, nil
	}
	if err := mkdirParents(req.Host, filepath.Dir(file)); err != nil {
		return false, err
	}
	argv := []string{"ssh-keygen", "-t", p.SSHKeyType, "-f", file, "-N", ""}
	if p.SSHKeyBits > 0 {
		argv = append(argv, "-b", strconv.Itoa(p.SSHKeyBits))
	}
	comment := p.SSHKeyComment
	if comment == "" {
		comment = "ansible-generated on " + hostnameOr()
	}
	argv = append(argv, "-C", comment)
	if err := runTool(ctx, req.Host, argv); err != nil {
		return false, errors.New("Failed to generate ssh key: " + err.Error())
	}
	uid, _ := strconv.Atoi(e[2])
	gid, _ := strconv.Atoi(e[3])
	for _, f := range []string{filepath.Dir(file), file, file + ".pub"} {
		_ = req.Host.Lchown(f, uid, gid) // best effort, as the key is usable by root anyway
	}
	pub, _ := req.Host.ReadFile(file + ".pub") // just written
	out.SSHPub = strings.TrimSpace(string(pub))
	return true, nil
}

func hostnameOr() string {
	if n, err := os.Hostname(); err == nil {
		return n
	}
	return "localhost"
}

var _ module.Module = userModule{}
