package modules

import (
	"context"
	"fmt"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"gplay/module"
)

// authorizedKeyModule is ansible.posix.authorized_key: keys in a user's
// ~/.ssh/authorized_keys (or path), matched by key type and body.
type authorizedKeyModule struct{}

func init() { module.Register(authorizedKeyModule{}) }

func (authorizedKeyModule) Info() module.Info {
	id := module.ID("ansible.posix.authorized_key")
	return module.Info{
		ID:      id,
		Aliases: []string{"authorized_key", "ansible.builtin.authorized_key", "ansible.legacy.authorized_key"},
		Spec: module.Spec{Params: []module.Param{
			{Name: "user", Required: true},
			{Name: "key", Required: true, NoLog: false},
			{Name: "path", Type: module.TypePath},
			{Name: "manage_dir", Type: module.TypeBool, Default: true},
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "key_options"},
			{Name: "exclusive", Type: module.TypeBool, Default: false},
			{Name: "comment"},
			{Name: "validate_certs", Type: module.TypeBool, Default: true},
			{Name: "follow", Type: module.TypeBool, Default: false},
		}},
		CheckMode: module.SupportFull,
		DiffMode:  module.SupportFull,
	}
}

type authorizedKeyResult struct {
	User      string  `json:"user"`
	Key       string  `json:"key"`
	KeyFile   string  `json:"keyfile"`
	Path      *string `json:"path"`
	State     string  `json:"state"`
	Exclusive bool    `json:"exclusive"`
	ManageDir bool    `json:"manage_dir"`
	Comment   *string `json:"comment"`
	Options   *string `json:"key_options"`
	Follow    bool    `json:"follow"`
}

var sshKeyTypes = map[string]bool{"ssh-rsa": true, "ssh-dss": true, "ssh-ed25519": true, "ecdsa-sha2-nistp256": true,
	"ecdsa-sha2-nistp384": true, "ecdsa-sha2-nistp521": true, "sk-ssh-ed25519@openssh.com": true,
	"sk-ecdsa-sha2-nistp256@openssh.com": true, "ssh-rsa-cert-v01@openssh.com": true, "ssh-ed25519-cert-v01@openssh.com": true}

// sshKeyLine is one parsed authorized_keys line.
type sshKeyLine struct {
	options, typ, body, comment string
}

// parseKeyLine splits "[options] type body [comment]"; options may hold
// quoted spaces.
func parseKeyLine(line string) (sshKeyLine, bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return sshKeyLine{}, false
	}
	var k sshKeyLine
	f := strings.Fields(line)
	i := 0
	for ; i < len(f); i++ {
		if sshKeyTypes[f[i]] || strings.HasPrefix(f[i], "ssh-") || strings.HasPrefix(f[i], "ecdsa-") {
			break
		}
	}
	if i >= len(f)-1 {
		return sshKeyLine{}, false
	}
	if i > 0 {
		// the options are everything before the type, spaces included
		idx := strings.Index(line, " "+f[i]+" ")
		if idx < 0 {
			return sshKeyLine{}, false
		}
		k.options = strings.TrimSpace(line[:idx])
	}
	k.typ, k.body = f[i], f[i+1]
	if i+2 < len(f) {
		k.comment = strings.Join(f[i+2:], " ")
	}
	return k, true
}

func (k sshKeyLine) String() string {
	parts := []string{}
	if k.options != "" {
		parts = append(parts, k.options)
	}
	parts = append(parts, k.typ, k.body)
	if k.comment != "" {
		parts = append(parts, k.comment)
	}
	return strings.Join(parts, " ")
}

func (authorizedKeyModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		User      string  `arg:"user"`
		Key       string  `arg:"key"`
		Path      *string `arg:"path"`
		ManageDir bool    `arg:"manage_dir"`
		State     string  `arg:"state"`
		Options   *string `arg:"key_options"`
		Exclusive bool    `arg:"exclusive"`
		Comment   *string `arg:"comment"`
		Follow    bool    `arg:"follow"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	u, err := user.Lookup(p.User)
	if err != nil {
		return module.Result{}, fmt.Errorf("Failed to lookup user %s: %v", p.User, err)
	}
	keyData := p.Key
	if strings.HasPrefix(keyData, "http://") || strings.HasPrefix(keyData, "https://") {
		b, _, _, err := httpGet(ctx, urlParamsT{HTTPAgent: "ansible-httpget", UseProxy: true, ValidateCerts: true, Timeout: 10}, keyData, nil)
		if err != nil {
			return module.Result{}, fmt.Errorf("Error getting key from: %s", keyData)
		}
		keyData = string(b)
	}
	file := filepath.Join(u.HomeDir, ".ssh", "authorized_keys")
	if p.Path != nil {
		file = *p.Path
	}
	if p.Follow {
		if real, err := evalSymlinks(h, file); err == nil {
			file = real
		}
	}
	out := authorizedKeyResult{User: p.User, Key: p.Key, KeyFile: file, Path: p.Path, State: p.State, Exclusive: p.Exclusive,
		ManageDir: p.ManageDir, Comment: p.Comment, Options: p.Options, Follow: p.Follow}
	var wanted []sshKeyLine
	for _, line := range strings.Split(keyData, "\n") {
		k, ok := parseKeyLine(line)
		if !ok {
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), "#") {
				return module.Result{Return: out}, fmt.Errorf("invalid key specified: %s", line)
			}
			continue
		}
		if p.Options != nil {
			k.options = *p.Options
		}
		if p.Comment != nil {
			k.comment = *p.Comment
		}
		wanted = append(wanted, k)
	}
	data, _ := h.ReadFile(file) // a missing file has no keys
	before := string(data)
	var lines []string
	var existing []sshKeyLine
	for _, l := range strings.Split(strings.TrimRight(before, "\n"), "\n") {
		if l == "" && before == "" {
			continue
		}
		lines = append(lines, l)
		k, _ := parseKeyLine(l)
		existing = append(existing, k)
	}
	matches := func(a, b sshKeyLine) bool { return a.typ == b.typ && a.body == b.body }
	var result []string
	if p.State == "present" {
		placed := make([]bool, len(wanted))
		for i, l := range lines {
			k := existing[i]
			idx := -1
			for j, w := range wanted {
				if k.typ != "" && matches(k, w) {
					idx = j
				}
			}
			switch {
			case idx >= 0 && !placed[idx]:
				placed[idx] = true
				result = append(result, wanted[idx].String())
			case idx >= 0:
				// a duplicate of a key already written
			case p.Exclusive && k.typ != "":
			default:
				result = append(result, l)
			}
		}
		for j, w := range wanted {
			if !placed[j] {
				result = append(result, w.String())
			}
		}
	} else {
		for i, l := range lines {
			drop := false
			for _, w := range wanted {
				if existing[i].typ != "" && matches(existing[i], w) {
					drop = true
				}
			}
			if !drop {
				result = append(result, l)
			}
		}
	}
	after := strings.Join(result, "\n")
	if after != "" {
		after += "\n"
	}
	res := module.Result{Changed: after != before, Return: out}
	if res.Changed && req.Diff {
		res.Diff = []module.Diff{{Before: before, After: after, BeforeHeader: file, AfterHeader: file}}
	}
	if !res.Changed || req.Check {
		return res, nil
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir := filepath.Dir(file)
	if p.ManageDir && !exists(h, dir) {
		if err := h.Mkdir(dir, 0o700); err != nil {
			return module.Result{}, err
		}
		if err := h.Chmod(dir, 0o700); err != nil {
			return module.Result{}, err
		}
		_ = h.Lchown(dir, uid, gid) // unprivileged runs cannot chown their own dir to themselves anyway
	}
	existed := data != nil
	if err := h.WriteFile(file, []byte(after), 0o600); err != nil {
		return module.Result{}, err
	}
	if !existed && p.ManageDir {
		if err := h.Chmod(file, 0o600); err != nil {
			return module.Result{}, err
		}
		_ = h.Lchown(file, uid, gid) // as above
	}
	return res, nil
}

var _ module.Module = authorizedKeyModule{}
