package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gplay/connection"
	"gplay/diag"
	"gplay/engine"
	"gplay/factcache"
	"gplay/inventory"
	"gplay/module"
	"gplay/output"
	"gplay/play"
	"gplay/pyval"
	"gplay/vault"
	"gplay/yaml11"

	"github.com/urfave/cli/v3"
	"golang.org/x/term"
)

// playbookOptions are ansible-playbook's options (lib/ansible/cli/playbook.py
// and cli/arguments/option_helpers.py).
type playbookOptions struct {
	Playbooks         []string
	Inventories       []string
	Limit             string
	ExtraVars         []string
	Tags, SkipTags    []string
	Check, Diff       bool
	Forks             int
	Become            bool
	BecomeMethod      string
	BecomeUser        string
	AskBecomePass     bool
	BecomePassFile    string
	User              string
	AskPass           bool
	ConnPassFile      string
	PrivateKey        string
	Connection        string
	Timeout           int
	SSHCommonArgs     string
	SSHExtraArgs      string
	VaultIDs          []string
	AskVaultPass      bool
	VaultPassFiles    []string
	SyntaxCheck       bool
	ListHosts         bool
	ListTasks         bool
	ListTags          bool
	StartAtTask       string
	Step              bool
	ForceHandlers     bool
	FlushCache        bool
	Verbosity         int
	ModulePaths       []string
	Output            string
	JUnit             string
	ForceColor, NoCol bool
	// flagSet says whether a flag was given on the command line, so an
	// explicit default (-f 5) still beats ansible.cfg; nil in tests.
	flagSet func(name string) bool

	// connPassword and becomePassword are what -k/-K and the password
	// files gave, read once before the inventory (passwordsRead). Secrets:
	// never logged or shown.
	connPassword, becomePassword string
	passwordsRead                bool
}

func playbookCommand(runPlaybook func(context.Context, *playbookOptions) error) *cli.Command {
	o := &playbookOptions{}
	verbose := 0
	return &cli.Command{
		Usage:     "run Ansible playbooks",
		UsageText: "gplay [options] playbook.yml [playbook2.yml ...]",
		// ansible-playbook takes -e a=1,b=2 and --tags a,b as single values; the
		// commas are split (or not) by our own code, never by the flag parser.
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "inventory", Aliases: []string{"i"}, Usage: "inventory path or comma-separated host list (repeatable)", Destination: &o.Inventories},
			&cli.StringFlag{Name: "limit", Aliases: []string{"l"}, Usage: "further limit hosts to a pattern (@file reads patterns from a file)", Destination: &o.Limit},
			&cli.StringSliceFlag{Name: "extra-vars", Aliases: []string{"e"}, Usage: "k=v pairs, YAML/JSON, or @file (repeatable)", Destination: &o.ExtraVars},
			&cli.StringSliceFlag{Name: "tags", Aliases: []string{"t"}, Usage: "only run plays and tasks tagged with these values", Destination: &o.Tags},
			&cli.StringSliceFlag{Name: "skip-tags", Usage: "only run plays and tasks whose tags do not match these values", Destination: &o.SkipTags},
			&cli.BoolFlag{Name: "check", Aliases: []string{"C"}, Usage: "don't make any changes; predict what would change", Destination: &o.Check},
			&cli.BoolFlag{Name: "diff", Aliases: []string{"D"}, Usage: "show the differences in changed files and templates", Destination: &o.Diff},
			&cli.IntFlag{Name: "forks", Aliases: []string{"f"}, Value: 5, Usage: "number of parallel hosts", Destination: &o.Forks},
			&cli.BoolFlag{Name: "become", Aliases: []string{"b"}, Usage: "run operations with become", Destination: &o.Become},
			&cli.StringFlag{Name: "become-method", Value: "sudo", Usage: "privilege escalation method (sudo, su)", Destination: &o.BecomeMethod},
			&cli.StringFlag{Name: "become-user", Value: "root", Usage: "run operations as this user", Destination: &o.BecomeUser},
			&cli.BoolFlag{Name: "ask-become-pass", Aliases: []string{"K"}, Usage: "ask for the privilege escalation password", Destination: &o.AskBecomePass},
			&cli.StringFlag{Name: "become-password-file", Usage: "become password file", Destination: &o.BecomePassFile},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "connect as this user", Destination: &o.User},
			&cli.BoolFlag{Name: "ask-pass", Aliases: []string{"k"}, Usage: "ask for the connection password", Destination: &o.AskPass},
			&cli.StringFlag{Name: "connection-password-file", Usage: "connection password file", Destination: &o.ConnPassFile},
			&cli.StringFlag{Name: "private-key", Aliases: []string{"key-file"}, Usage: "use this file to authenticate the connection", Destination: &o.PrivateKey},
			&cli.StringFlag{Name: "connection", Aliases: []string{"c"}, Value: "ssh", Usage: "connection type (ssh, local)", Destination: &o.Connection},
			&cli.IntFlag{Name: "timeout", Aliases: []string{"T"}, Value: 10, Usage: "connection timeout in seconds", Destination: &o.Timeout},
			&cli.StringFlag{Name: "ssh-common-args", Usage: "common arguments for ssh (e.g. ProxyJump)", Destination: &o.SSHCommonArgs},
			&cli.StringFlag{Name: "ssh-extra-args", Usage: "extra arguments for ssh only", Destination: &o.SSHExtraArgs},
			&cli.StringSliceFlag{Name: "vault-id", Usage: "the vault identity to use (repeatable)", Destination: &o.VaultIDs},
			&cli.BoolFlag{Name: "ask-vault-password", Aliases: []string{"J", "ask-vault-pass"}, Usage: "ask for the vault password", Destination: &o.AskVaultPass},
			&cli.StringSliceFlag{Name: "vault-password-file", Aliases: []string{"vault-pass-file"}, Usage: "vault password file (repeatable)", Destination: &o.VaultPassFiles},
			&cli.BoolFlag{Name: "syntax-check", Usage: "perform a syntax check on the playbook, but do not execute it", Destination: &o.SyntaxCheck},
			&cli.BoolFlag{Name: "list-hosts", Usage: "outputs a list of matching hosts; does not execute anything else", Destination: &o.ListHosts},
			&cli.BoolFlag{Name: "list-tasks", Usage: "list all tasks that would be executed", Destination: &o.ListTasks},
			&cli.BoolFlag{Name: "list-tags", Usage: "list all available tags", Destination: &o.ListTags},
			&cli.StringFlag{Name: "start-at-task", Usage: "start the playbook at the task matching this name", Destination: &o.StartAtTask},
			&cli.BoolFlag{Name: "step", Usage: "one-step-at-a-time: confirm each task before running", Destination: &o.Step},
			&cli.BoolFlag{Name: "force-handlers", Usage: "run handlers even if a task fails", Destination: &o.ForceHandlers},
			&cli.BoolFlag{Name: "flush-cache", Usage: "clear the fact cache for every host in inventory", Destination: &o.FlushCache},
			&cli.StringSliceFlag{Name: "module-path", Aliases: []string{"M"}, Usage: "accepted for compatibility; gplay's modules are built in", Destination: &o.ModulePaths},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "more output (-vvv for connection details)", Config: cli.BoolConfig{Count: &verbose}},
			&cli.StringFlag{Name: "output", Value: "text", Usage: "output format: text or json (one event per line)", Destination: &o.Output},
			&cli.StringFlag{Name: "junit", Usage: "also write a JUnit XML report to this file", Destination: &o.JUnit},
		},
		UseShortOptionHandling: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			o.Playbooks = cmd.Args().Slice()
			o.Verbosity = verbose
			o.flagSet = cmd.IsSet
			return runPlaybook(ctx, o)
		},
	}
}

func runPlaybook(ctx context.Context, o *playbookOptions) error {
	if err := checkUsage(o); err != nil {
		return err
	}
	cfg, cfgPath := loadAnsibleCfg()
	applyConfig(o, cfg)
	for _, p := range o.Playbooks {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return withCode(exitError, fmt.Errorf("the playbook: %s could not be found", p))
		}
	}
	if !(o.ListHosts || o.ListTasks || o.ListTags || o.SyntaxCheck) {
		// ask_passwords: after the playbooks are found, before the
		// inventory; a password file that cannot be read is one error here
		var p connection.Prompter
		if tp, err := connection.NewTerminalPrompter(); err == nil {
			p = tp
		}
		conn, become, err := readPasswords(o, p)
		if err != nil {
			return withCode(exitError, err)
		}
		o.connPassword, o.becomePassword, o.passwordsRead = conn, become, true
	}
	var warnings diag.List
	secrets, err := vault.LoadSecrets(ctx, vault.SecretOptions{
		VaultIDs:      o.VaultIDs,
		PasswordFiles: o.VaultPassFiles,
		AskVaultPass:  o.AskVaultPass,
		Getenv:        vaultGetenv(cfg),
		Warn: func(msg string) {
			warnings = append(warnings, &diag.Error{Severity: diag.SevWarning, Msg: msg})
		},
	})
	if err != nil {
		return withCode(exitError, err)
	}
	var dec yaml11.Decrypter
	if len(secrets) > 0 {
		dec = vault.Keyring(secrets)
	}
	sources := o.Inventories
	if len(sources) == 1 && sources[0] == defaultInventory {
		// Ansible's default inventory may be absent without a warning
		if _, err := os.Stat(defaultInventory); err != nil {
			sources = nil
		}
	}
	inv, err := inventory.Load(sources, inventory.Options{Warnings: &warnings, Decrypter: dec, HashMerge: hashMerge(cfg)})
	if err != nil {
		return withCode(exitError, err)
	}
	limit, err := resolveLimit(o.Limit)
	if err != nil {
		return withCode(exitError, err)
	}
	if len(inv.HostList()) == 0 {
		warnings = append(warnings, &diag.Error{Severity: diag.SevWarning, Msg: "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"})
	} else if o.Limit != "" {
		// CLI.get_host_list: a limit that leaves no host fails before any
		// play, list modes included (not when only the implicit localhost
		// exists, as Ansible cannot tell there)
		pats, _ := inventory.ParseLimit(limit)
		if hosts, _ := inv.Select("all", pats); len(hosts) == 0 {
			for _, w := range warnings {
				fmt.Fprintf(os.Stderr, "[WARNING]: %s\n", w.Msg)
			}
			return withCode(exitError, errors.New("Specified inventory, host pattern and/or --limit leaves us with no hosts to target."))
		}
	}
	stdout, stderr := os.Stdout, os.Stderr
	var rep engine.Reporter
	text := output.NewText(stdout, stderr, output.TextOptions{Verbosity: o.Verbosity, Color: colorWanted(o, cfg), Diff: o.Diff})
	// clears the live status line when a run ends without a recap
	defer text.Close()
	switch o.Output {
	case "json":
		rep = output.NewJSON(stdout)
	case "text", "":
		rep = text
	default:
		return withCode(exitBadOptions, fmt.Errorf("unknown --output format %q (text or json)", o.Output))
	}
	if o.JUnit != "" {
		f, err := os.Create(o.JUnit)
		if err != nil {
			return withCode(exitError, fmt.Errorf("junit report: %w", err))
		}
		defer f.Close()
		rep = output.NewJUnit(f, rep)
	}
	if o.Verbosity > 0 && o.Output != "json" {
		if cfgPath != "" {
			fmt.Fprintf(stdout, "Using %s as config file\n", cfgPath)
		} else {
			fmt.Fprintln(stdout, "No config file found; using defaults")
		}
	}
	for _, w := range warnings {
		rep.Report(engine.Warning{Msg: w.Msg, Pos: w.Pos})
	}
	opts := engine.Options{
		Playbooks:      o.Playbooks,
		Inventory:      &invAdapter{inv: inv, warnings: &warnings},
		Registry:       module.Default,
		Connector:      newSSHConnector(o, cfg),
		Reporter:       rep,
		ExtraVars:      o.ExtraVars,
		HashMerge:      hashMerge(cfg),
		Limit:          limit,
		LimitText:      o.Limit,
		Tags:           o.Tags,
		SkipTags:       o.SkipTags,
		Check:          o.Check,
		Diff:           o.Diff,
		Forks:          o.Forks,
		Verbosity:      o.Verbosity,
		Connection:     o.Connection,
		RemoteUser:     o.User,
		Timeout:        o.Timeout,
		Become:         o.Become,
		BecomeMethod:   o.BecomeMethod,
		BecomeUser:     o.BecomeUser,
		ForceHandlers:  o.ForceHandlers,
		StartAtTask:    o.StartAtTask,
		RolesPath:      rolesPath(cfg),
		InventoryPaths: o.Inventories,
		Decrypter:      dec,
		FactCache:      factCache(cfg),
		Gathering:      gathering(cfg),
		FlushCache:     o.FlushCache,
		Step:           o.Step,
		Prompter:       stdinPrompter(),
	}
	if o.SyntaxCheck || o.ListHosts || o.ListTasks || o.ListTags {
		books, err := engine.Load(ctx, opts)
		if err != nil {
			return playbookError(err)
		}
		if o.SyntaxCheck && !o.ListHosts && !o.ListTasks && !o.ListTags {
			for _, p := range o.Playbooks {
				fmt.Fprintf(stdout, "\nplaybook: %s\n", p)
			}
			return nil
		}
		return output.List(stdout, books, o.Playbooks, opts, output.ListOptions{Hosts: o.ListHosts, Tasks: o.ListTasks, Tags: o.ListTags})
	}
	err = engine.Run(ctx, opts)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrHostsUnreachable):
		return withCode(exitUnreachable, nil)
	case errors.Is(err, engine.ErrHostsFailed):
		return withCode(exitHostFailed, nil)
	case errors.As(err, new(*engine.InternalError)):
		return withCode(exitUnexpected, err)
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "ERROR! User interrupted execution")
		return withCode(exitInterrupted, nil)
	}
	return playbookError(err)
}

// playbookError prints a load or run error as ansible-playbook does and
// picks its exit code: 4 for playbook parse errors, 1 otherwise.
func playbookError(err error) error {
	fmt.Fprintf(os.Stderr, "ERROR! %s\n", strings.TrimRight(output.FormatError(err), "\n"))
	var de *diag.Error
	if errors.As(err, &de) && !errors.Is(err, play.ErrNotFound) {
		return withCode(exitUnreachable, nil)
	}
	return withCode(exitError, nil)
}

// colorWanted decides colours as Ansible: ANSIBLE_FORCE_COLOR or
// [defaults] force_color, then NO_COLOR / ANSIBLE_NOCOLOR / nocolor (as
// booleans), then whether stdout is a colour terminal.
// exitUsage is argparse's exit code for a bad command line (parser.error):
// ansible-playbook exits 2 for an unknown flag, a missing playbook or
// mutually exclusive flags; its exit code 5 (AnsibleOptionsError) is not
// raised by ansible-playbook's own options.
const exitUsage = 2

// usageError reports a bad command line as argparse does: the error on
// stderr (no "ERROR!" prefix), exit 2.
func usageError(format string, args ...any) error {
	fmt.Fprintf(os.Stderr, "gplay: error: "+format+"\n", args...)
	return withCode(exitUsage, nil)
}

// checkUsage is what ansible-playbook's argument parser refuses beyond
// single flags: no playbook, mutually exclusive password options, forks < 1.
func checkUsage(o *playbookOptions) error {
	switch {
	case len(o.Playbooks) == 0:
		return usageError("the following arguments are required: playbook")
	case o.AskPass && o.ConnPassFile != "":
		return usageError("argument --connection-password-file/--conn-pass-file: not allowed with argument -k/--ask-pass")
	case o.AskBecomePass && o.BecomePassFile != "":
		return usageError("argument --become-password-file/--become-pass-file: not allowed with argument -K/--ask-become-pass")
	case o.Forks < 1:
		return usageError("The number of processes (--forks) must be >= 1")
	}
	return nil
}

// resolveLimit replaces @file entries of a --limit value by the file's
// lines (Ansible's retry files), as InventoryManager.subset does, and
// returns what the engine selects with: a comma-separated pattern list.
// A limit without @file is returned unchanged, so ansible_limit keeps the
// text given.
func resolveLimit(limit string) (string, error) {
	if !strings.Contains(limit, "@") {
		return limit, nil
	}
	pats, err := inventory.ParseLimit(limit)
	if err != nil {
		// Ansible 2.14 names the file as Python bytes: b'path'
		msg := err.Error()
		for _, pre := range []string{"Unable to find limit file ", "Limit starting with \"@\" must be a file, not a directory: "} {
			if path, ok := strings.CutPrefix(msg, pre); ok {
				msg = pre + "b'" + path + "'"
			}
		}
		return "", errors.New(msg)
	}
	var keep []string
	for _, p := range pats {
		if p != "" {
			keep = append(keep, p)
		}
	}
	// a file's line is one pattern, never split on ':' (a trailing comma
	// keeps a single pattern out of SplitPattern's colon splitting)
	return strings.Join(keep, ",") + ",", nil
}

func colorWanted(o *playbookOptions, cfg ansibleCfg) bool {
	if o.ForceColor {
		return true
	}
	if o.NoCol {
		return false
	}
	force, _ := cfg.get("defaults", "force_color")
	nocol, _ := cfg.get("defaults", "nocolor")
	return output.ColorWantedCfg(os.Stdout, output.ColorConfig{ForceColor: force, NoColor: nocol})
}

// defaultInventory is Ansible's DEFAULT_HOST_LIST.
const defaultInventory = "/etc/ansible/hosts"

// ansibleCfg is the parsed ansible.cfg: section → key → value.
type ansibleCfg map[string]map[string]string

func (c ansibleCfg) get(section, key string) (string, bool) {
	v, ok := c[section][key]
	return v, ok
}

// loadAnsibleCfg reads the first of $ANSIBLE_CONFIG, ./ansible.cfg,
// ~/.ansible.cfg and /etc/ansible/ansible.cfg, as Ansible does.
func loadAnsibleCfg() (ansibleCfg, string) {
	var cands []string
	if p := os.Getenv("ANSIBLE_CONFIG"); p != "" {
		cands = append(cands, p)
	}
	cands = append(cands, "ansible.cfg")
	if home, err := os.UserHomeDir(); err == nil {
		cands = append(cands, filepath.Join(home, ".ansible.cfg"))
	}
	cands = append(cands, "/etc/ansible/ansible.cfg")
	for _, p := range cands {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		cfg := ansibleCfg{}
		section := ""
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
			if line[0] == '[' && strings.HasSuffix(line, "]") {
				section = strings.TrimSpace(line[1 : len(line)-1])
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			if cfg[section] == nil {
				cfg[section] = map[string]string{}
			}
			cfg[section][strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		abs, _ := filepath.Abs(p)
		cfg[cfgDirSection] = map[string]string{"dir": filepath.Dir(abs)}
		return cfg, abs
	}
	return ansibleCfg{}, ""
}

// cfgDirSection holds the config file's directory under a section name no
// ini file can have, for settingPath.
const cfgDirSection = "\x00"

// settingPath is setting for path-typed settings: ~ expanded, and a
// relative path from ansible.cfg taken from the file's directory, as
// Ansible resolves config paths (from the environment, from the cwd).
func settingPath(cfg ansibleCfg, env, section, key string) (string, bool) {
	if v, ok := os.LookupEnv(env); ok {
		return expandHome(v), true
	}
	v, ok := cfg.get(section, key)
	if !ok {
		return "", false
	}
	return cfgPath(cfg, v), true
}

// settingPaths is settingPath for a list of paths joined by sep.
func settingPaths(cfg ansibleCfg, env, section, key, sep string) ([]string, bool) {
	v, fromEnv := os.LookupEnv(env)
	if !fromEnv {
		var ok bool
		if v, ok = cfg.get(section, key); !ok {
			return nil, false
		}
	}
	var out []string
	for _, p := range strings.Split(v, sep) {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if fromEnv {
			out = append(out, expandHome(p))
		} else {
			out = append(out, cfgPath(cfg, p))
		}
	}
	return out, true
}

// vaultGetenv gives package vault the vault settings: the ANSIBLE_*
// variable, else ansible.cfg's [defaults] key (password files resolved
// from the config's directory).
func vaultGetenv(cfg ansibleCfg) func(string) string {
	keys := map[string]string{
		vault.EnvIdentityList: "vault_identity_list", vault.EnvPasswordFile: "vault_password_file",
		vault.EnvEncryptIdentity: "vault_encrypt_identity", vault.EnvIDMatch: "vault_id_match",
	}
	return func(env string) string {
		if v, ok := os.LookupEnv(env); ok {
			return v
		}
		key, ok := keys[env]
		if !ok {
			return ""
		}
		v, _ := cfg.get("defaults", key)
		if env == vault.EnvPasswordFile && v != "" {
			return cfgPath(cfg, v)
		}
		return v
	}
}

// cfgPath resolves one path read from ansible.cfg.
func cfgPath(cfg ansibleCfg, p string) string {
	p = expandHome(p)
	if dir, ok := cfg.get(cfgDirSection, "dir"); ok && p != "" && !filepath.IsAbs(p) {
		return filepath.Join(dir, p)
	}
	return p
}

// setting returns an ANSIBLE_* environment value, else the ansible.cfg
// value: the order Ansible's config manager uses below the command line.
func setting(cfg ansibleCfg, env, section, key string) (string, bool) {
	if v, ok := os.LookupEnv(env); ok {
		return v, true
	}
	return cfg.get(section, key)
}

// expandHome is the ~ expansion Ansible's path-typed settings get.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return home + p[1:]
		}
	}
	return p
}

func cfgBool(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on", "y", "t":
		return true
	}
	return false
}

func (o *playbookOptions) given(flag string) bool { return o.flagSet != nil && o.flagSet(flag) }

// applyConfig fills options left at their defaults from ANSIBLE_* and
// ansible.cfg; explicit flags win.
func applyConfig(o *playbookOptions, cfg ansibleCfg) {
	if len(o.Inventories) == 0 {
		if ps, ok := settingPaths(cfg, "ANSIBLE_INVENTORY", "defaults", "inventory", ","); ok {
			o.Inventories = append(o.Inventories, ps...)
		} else {
			o.Inventories = []string{defaultInventory}
		}
	}
	if o.Forks == 5 && !o.given("forks") {
		if v, ok := setting(cfg, "ANSIBLE_FORKS", "defaults", "forks"); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				o.Forks = n
			}
		}
	}
	if o.User == "" {
		if v, ok := setting(cfg, "ANSIBLE_REMOTE_USER", "defaults", "remote_user"); ok {
			o.User = v
		}
	}
	if o.PrivateKey == "" {
		if v, ok := settingPath(cfg, "ANSIBLE_PRIVATE_KEY_FILE", "defaults", "private_key_file"); ok {
			o.PrivateKey = v
		}
	}
	if o.Timeout == 10 && !o.given("timeout") {
		if v, ok := setting(cfg, "ANSIBLE_TIMEOUT", "defaults", "timeout"); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				o.Timeout = n
			}
		}
	}
	if !o.Become {
		if v, ok := setting(cfg, "ANSIBLE_BECOME", "privilege_escalation", "become"); ok {
			o.Become = cfgBool(v)
		}
	}
	if o.BecomeUser == "root" && !o.given("become-user") {
		if v, ok := setting(cfg, "ANSIBLE_BECOME_USER", "privilege_escalation", "become_user"); ok {
			o.BecomeUser = v
		}
	}
	if o.BecomeMethod == "sudo" && !o.given("become-method") {
		if v, ok := setting(cfg, "ANSIBLE_BECOME_METHOD", "privilege_escalation", "become_method"); ok {
			o.BecomeMethod = v
		}
	}
	if !o.AskBecomePass && o.BecomePassFile == "" {
		if v, ok := setting(cfg, "ANSIBLE_BECOME_ASK_PASS", "privilege_escalation", "become_ask_pass"); ok {
			o.AskBecomePass = cfgBool(v)
		}
	}
	if !o.AskPass && o.ConnPassFile == "" {
		if v, ok := setting(cfg, "ANSIBLE_ASK_PASS", "defaults", "ask_pass"); ok {
			o.AskPass = cfgBool(v)
		}
	}
	if o.BecomePassFile == "" && !o.AskBecomePass {
		if v, ok := settingPath(cfg, "ANSIBLE_BECOME_PASSWORD_FILE", "defaults", "become_password_file"); ok && v != "" {
			o.BecomePassFile = v
		}
	}
	if o.ConnPassFile == "" && !o.AskPass {
		if v, ok := settingPath(cfg, "ANSIBLE_CONNECTION_PASSWORD_FILE", "defaults", "connection_password_file"); ok && v != "" {
			o.ConnPassFile = v
		}
	}
	if !o.ForceHandlers {
		if v, ok := setting(cfg, "ANSIBLE_FORCE_HANDLERS", "defaults", "force_handlers"); ok {
			o.ForceHandlers = cfgBool(v)
		}
	}
}

// stdinPrompter is the terminal prompter when stdin is a terminal: Ansible
// prompts (pause, vars_prompt, --step) only when stdin is interactive.
func stdinPrompter() engine.Prompter {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil
	}
	p, err := connection.NewTerminalPrompter()
	if err != nil {
		return nil
	}
	return p
}

// factCache is the fact_caching setting's cache: jsonfile in
// fact_caching_connection; memory (Ansible's default) is nil.
func factCache(cfg ansibleCfg) engine.FactCache {
	plugin, _ := setting(cfg, "ANSIBLE_CACHE_PLUGIN", "defaults", "fact_caching")
	switch strings.TrimPrefix(strings.TrimSpace(plugin), "ansible.builtin.") {
	case "jsonfile":
	default:
		return nil
	}
	dir, ok := settingPath(cfg, "ANSIBLE_CACHE_PLUGIN_CONNECTION", "defaults", "fact_caching_connection")
	if !ok || dir == "" {
		return nil
	}
	timeout := 86400
	if v, ok := setting(cfg, "ANSIBLE_CACHE_PLUGIN_TIMEOUT", "defaults", "fact_caching_timeout"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			timeout = n
		}
	}
	return factcache.JSONFile{Dir: dir, Timeout: time.Duration(timeout) * time.Second}
}

// gathering is the gathering setting: implicit, explicit or smart.
func gathering(cfg ansibleCfg) string {
	v, _ := setting(cfg, "ANSIBLE_GATHERING", "defaults", "gathering")
	return strings.TrimSpace(v)
}

// hashMerge says whether hash_behaviour (ANSIBLE_HASH_BEHAVIOUR or
// [defaults] hash_behaviour) is merge; Ansible's default is replace.
func hashMerge(cfg ansibleCfg) bool {
	v, _ := setting(cfg, "ANSIBLE_HASH_BEHAVIOUR", "defaults", "hash_behaviour")
	return strings.TrimSpace(v) == "merge"
}

func loadAnsibleCfgOnly() ansibleCfg {
	cfg, _ := loadAnsibleCfg()
	return cfg
}

// rolesPath is ANSIBLE_ROLES_PATH or [defaults] roles_path, then
// Ansible's default directories.
func rolesPath(cfg ansibleCfg) []string {
	var out []string
	if ps, ok := settingPaths(cfg, "ANSIBLE_ROLES_PATH", "defaults", "roles_path", ":"); ok {
		out = append(out, ps...)
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, ".ansible", "roles"))
	}
	return append(out, "/usr/share/ansible/roles", "/etc/ansible/roles")
}

// invAdapter gives the engine the inventory package's inventory.
type invAdapter struct {
	inv      *inventory.Inventory
	warnings *diag.List

	mu     sync.Mutex
	groups *pyval.Dict // the groups magic variable, shared as Ansible's cached get_groups_dict; nil after AddHost
}

func (a *invAdapter) Select(pattern string) ([]string, []string) {
	*a.warnings = (*a.warnings)[:0]
	hosts, err := a.inv.Select(pattern, nil)
	var warns []string
	for _, w := range *a.warnings {
		warns = append(warns, w.Msg)
	}
	*a.warnings = (*a.warnings)[:0]
	if err != nil {
		warns = append(warns, err.Error())
	}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	return names, warns
}

func (a *invAdapter) Vars(host string) *pyval.Dict {
	h := a.inv.Host(host)
	if h == nil {
		return pyval.NewDict(0)
	}
	v, err := a.inv.HostVars(h)
	if err != nil || v == nil {
		return pyval.NewDict(0)
	}
	return v
}

func (a *invAdapter) GroupNames(host string) []string {
	h := a.inv.Host(host)
	if h == nil {
		return nil
	}
	return h.GroupNames()
}

func (a *invAdapter) Groups() *pyval.Dict {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.groups == nil {
		a.groups = a.buildGroups()
	}
	return a.groups
}

func (a *invAdapter) buildGroups() *pyval.Dict {
	d := pyval.NewDict(len(a.inv.Groups()))
	for _, g := range a.inv.Groups() {
		var hs []any
		for _, h := range g.AllHosts() {
			hs = append(hs, h.Name)
		}
		d.Set(g.Name, pyval.NewList(hs...))
	}
	return d
}

func (a *invAdapter) AddHost(name string, groups []string, vars *pyval.Dict) {
	a.mu.Lock()
	a.groups = nil
	a.mu.Unlock()
	for _, g := range groups {
		if a.inv.Group(g) == nil {
			a.inv.AddGroup(g)
			a.inv.AddChild("all", g)
		}
	}
	var h *inventory.Host
	if len(groups) == 0 {
		h, _ = a.inv.AddHost(name, "", 0)
	}
	for _, g := range groups {
		h, _ = a.inv.AddHost(name, g, 0)
	}
	if h != nil && vars != nil {
		vars.Range(func(k, v any) bool { h.Vars.Set(k, v); return true })
	}
}

func (a *invAdapter) AddPlaybookDir(dir string) { a.inv.AddPlaybookDir(dir) }
