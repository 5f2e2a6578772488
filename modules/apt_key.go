package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gplay/module"
)

// aptKeyModule is ansible.builtin.apt_key, through apt-key and gpg as
// Ansible's: the key id comes from id= or from the key itself (gpg
// --show-keys), presence from "apt-key adv --list-public-keys".
type aptKeyModule struct{}

func init() { module.Register(aptKeyModule{}) }

func (aptKeyModule) Info() module.Info {
	id := module.ID("ansible.builtin.apt_key")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{
			Params: []module.Param{
				{Name: "id"},
				{Name: "url"},
				{Name: "data"},
				{Name: "file", Type: module.TypePath},
				{Name: "keyring", Type: module.TypePath},
				{Name: "validate_certs", Type: module.TypeBool, Default: true},
				{Name: "keyserver"},
				{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			},
			Rules: module.Rules{MutuallyExclusive: [][]string{{"data", "file", "keyserver", "url"}}},
		},
		CheckMode: module.SupportFull,
	}
}

type aptKeyResult struct {
	ID      *string  `json:"id"`
	ShortID string   `json:"short_id,omitempty"`
	FP      string   `json:"fp,omitempty"`
	KeyID   string   `json:"key_id,omitempty"`
	Before  []string `json:"before,omitempty"`
	After   []string `json:"after,omitempty"`
}

// parseKeyID is Ansible's parse_key_id: short id (last 8), fingerprint
// for comparisons (last 16) and the id as given, upper case without 0x.
func parseKeyID(id string) (short, fp, full string, err error) {
	full = strings.ToUpper(strings.TrimSpace(id))
	full = strings.TrimPrefix(full, "0X")
	for _, c := range full {
		if !strings.ContainsRune("0123456789ABCDEF", c) {
			return "", "", "", errors.New("Invalid key_id")
		}
	}
	if n := len(full); n != 8 && n != 16 && n <= 16 {
		return "", "", "", errors.New("Invalid key_id")
	}
	short = full[len(full)-8:]
	fp = full
	if len(full) > 16 {
		fp = full[len(full)-16:]
	}
	return short, fp, full, nil
}

// keyIDsIn is parse_output_for_keys: the ids of pub/sub lines that are
// not expired, from apt-key's or gpg's colon output.
func keyIDsIn(out string, short bool) []string {
	var found []string
	for _, line := range strings.Split(out, "\n") {
		if !(strings.HasPrefix(line, "pub") || strings.HasPrefix(line, "sub")) || strings.Contains(line, "expired") {
			continue
		}
		code := ""
		if f := strings.Fields(line); len(f) > 1 && strings.Contains(f[1], "/") {
			code = f[1][strings.IndexByte(f[1], '/')+1:]
		} else if f := strings.Split(line, ":"); len(f) > 4 {
			code = f[4]
		} else {
			continue
		}
		if short && len(code) > 8 {
			code = code[len(code)-8:]
		}
		found = append(found, code)
	}
	return found
}

func containsFold(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func (aptKeyModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		ID            string `arg:"id"`
		URL           string `arg:"url"`
		Data          string `arg:"data"`
		File          string `arg:"file"`
		Keyring       string `arg:"keyring"`
		ValidateCerts bool   `arg:"validate_certs"`
		Keyserver     string `arg:"keyserver"`
		State         string `arg:"state"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	out := aptKeyResult{}
	fail := func(err error) (module.Result, error) { return module.Result{Return: out}, err }
	aptKey := func(args ...string) []string {
		argv := []string{"apt-key"}
		if p.Keyring != "" {
			argv = append(argv, "--keyring", p.Keyring)
		}
		return append(argv, args...)
	}
	data := []byte(p.Data)
	keyID := p.ID
	if keyID == "" {
		if p.Keyserver != "" {
			return fail(errors.New("Missing key_id, required with keyserver."))
		}
		if p.URL != "" {
			b, _, _, err := httpGet(ctx, urlParamsT{HTTPAgent: "ansible-httpget", UseProxy: true, ValidateCerts: p.ValidateCerts, Timeout: 10}, p.URL, nil)
			if err != nil {
				return fail(fmt.Errorf("Failed to download key at %s: %v", p.URL, err))
			}
			data = b
		}
		var c module.Cmd
		switch {
		case p.File != "":
			c = module.Cmd{Argv: []string{"gpg", "--batch", "--with-colons", "--show-keys", p.File}}
		case len(data) > 0:
			c = module.Cmd{Argv: []string{"gpg", "--batch", "--with-colons", "--show-keys", "-"}, Stdin: data}
		}
		if c.Argv != nil {
			c.Env = []string{"LANG=C", "LC_ALL=C"}
			r, err := h.Query(ctx, c)
			if err != nil || r.RC != 0 {
				src := p.File
				if src == "" {
					src = "inline data"
				}
				return fail(fmt.Errorf("Unable to extract key from '%s'", src))
			}
			if ids := keyIDsIn(toText(r.Stdout), false); len(ids) > 0 {
				keyID = ids[0]
			}
		}
	}
	out.ID = &keyID
	short, fp, full, err := parseKeyID(keyID)
	if err != nil {
		return fail(err)
	}
	out.ShortID, out.FP, out.KeyID = short, fp, full
	shortFormat := len(full) == 8
	list := func() ([]string, error) {
		if p.Keyring != "" && !exists(h, p.Keyring) {
			// listing would create the keyring file: it has no keys yet
			return nil, nil
		}
		r, err := h.Query(ctx, module.Cmd{Argv: aptKey("adv", "--list-public-keys", "--keyid-format=long")})
		if err != nil {
			return nil, err
		}
		if r.RC != 0 {
			return nil, fmt.Errorf("Unable to list public keys: %s", toText(r.Stderr))
		}
		return keyIDsIn(toText(r.Stdout), shortFormat), nil
	}
	keys, err := list()
	if err != nil {
		return fail(err)
	}
	out.Before = keys
	want := fp
	if shortFormat {
		want = short
	}
	res := module.Result{}
	switch p.State {
	case "present":
		if containsFold(keys, want) {
			break
		}
		res.Changed = true
		if req.Check {
			break
		}
		var c module.Cmd
		switch {
		case p.File != "":
			c = module.Cmd{Argv: aptKey("add", p.File)}
		case p.Keyserver != "":
			c = module.Cmd{Argv: aptKey("adv", "--no-tty", "--keyserver", p.Keyserver, "--recv", full), Env: []string{"LANG=C", "LC_ALL=C"}}
		case p.URL != "" && len(data) == 0:
			b, _, _, err := httpGet(ctx, urlParamsT{HTTPAgent: "ansible-httpget", UseProxy: true, ValidateCerts: p.ValidateCerts, Timeout: 10}, p.URL, nil)
			if err != nil {
				return fail(fmt.Errorf("Failed to download key at %s: %v", p.URL, err))
			}
			c = module.Cmd{Argv: aptKey("add", "-"), Stdin: b}
		case len(data) > 0:
			c = module.Cmd{Argv: aptKey("add", "-"), Stdin: data}
		default:
			return fail(errors.New("No key to add ... how did i get here?!?!"))
		}
		r, err := h.Exec(ctx, c)
		if err != nil {
			return fail(err)
		}
		if r.RC != 0 {
			return fail(fmt.Errorf("Unable to add a key from binary data: %s", strings.TrimSpace(toText(r.Stderr))))
		}
		after, err := list()
		if err != nil {
			return fail(err)
		}
		out.After = after
		if !containsFold(after, want) {
			return fail(errors.New("apt-key did not return an error, but failed to add the key (check that the id is correct and *not* a subkey)"))
		}
	case "absent":
		if keyID == "" {
			return fail(errors.New("key is required to remove a key"))
		}
		if !containsFold(keys, fp) && !containsFold(keys, want) {
			break
		}
		res.Changed = true
		if req.Check {
			break
		}
		r, err := h.Exec(ctx, module.Cmd{Argv: aptKey("del", short)})
		if err != nil {
			return fail(err)
		}
		if r.RC != 0 {
			return fail(fmt.Errorf("Unable to remove a key with id %s", short))
		}
		after, err := list()
		if err != nil {
			return fail(err)
		}
		out.After = after
		if containsFold(after, fp) {
			return fail(errors.New("apt-key did not return an error, but the key was not removed (check that the id is correct and *not* a subkey)"))
		}
	}
	res.Return = out
	return res, nil
}

var _ module.Module = aptKeyModule{}
