package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"gplay/diag"
	"gplay/inventory"
	"gplay/vault"
)

// inventoryOptions are ansible-inventory's options (lib/ansible/cli/inventory.py).
type inventoryOptions struct {
	Inventories        []string
	List, Graph        bool
	Host               string
	Vars               bool
	YAML, TOML, Export bool
	Output             string
	PlaybookDir        string
	VaultIDs           []string
	VaultPassFiles     []string
	AskVaultPass       bool
	Group              string // --graph's optional pattern
}

func inventoryCommand() *cli.Command {
	o := &inventoryOptions{}
	verbose := 0
	return &cli.Command{
		Name:                      "inventory",
		Usage:                     "show the inventory as Ansible sees it (ansible-inventory)",
		UsageText:                 "gplay inventory -i INVENTORY (--list | --graph [GROUP] [--vars] | --host HOST)",
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "inventory", Aliases: []string{"i", "inventory-file"}, Usage: "inventory path or comma-separated host list (repeatable)", Destination: &o.Inventories},
			&cli.BoolFlag{Name: "list", Usage: "all hosts and groups as JSON", Destination: &o.List},
			&cli.BoolFlag{Name: "graph", Usage: "the group tree (from GROUP, default all)", Destination: &o.Graph},
			&cli.StringFlag{Name: "host", Usage: "one host's variables as JSON", Destination: &o.Host},
			&cli.BoolFlag{Name: "vars", Usage: "with --graph: show variables", Destination: &o.Vars},
			&cli.BoolFlag{Name: "yaml", Aliases: []string{"y"}, Usage: "YAML instead of JSON (not for --graph)", Destination: &o.YAML},
			&cli.BoolFlag{Name: "toml", Usage: "TOML instead of JSON (not for --graph)", Destination: &o.TOML},
			&cli.BoolFlag{Name: "export", Usage: "with --list: group variables in the groups, as for export, not merged into hosts", Destination: &o.Export},
			&cli.StringFlag{Name: "output", Usage: "with --list: write to this file", Destination: &o.Output},
			&cli.StringFlag{Name: "playbook-dir", Usage: "also load group_vars/ and host_vars/ from this directory", Destination: &o.PlaybookDir},
			&cli.StringSliceFlag{Name: "vault-id", Usage: "the vault identity to use", Destination: &o.VaultIDs},
			&cli.StringSliceFlag{Name: "vault-password-file", Aliases: []string{"vault-pass-file"}, Usage: "vault password file", Destination: &o.VaultPassFiles},
			&cli.BoolFlag{Name: "ask-vault-password", Aliases: []string{"ask-vault-pass", "J"}, Usage: "ask for the vault password", Destination: &o.AskVaultPass},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "more output", Config: cli.BoolConfig{Count: &verbose}},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			o.Group = cmd.Args().First()
			return runInventory(ctx, o, cmd.Root().Writer)
		},
	}
}

func runInventory(ctx context.Context, o *inventoryOptions, stdout io.Writer) error {
	modes := 0
	for _, on := range []bool{o.List, o.Graph, o.Host != ""} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return withCode(exitBadOptions, errors.New("no action selected, at least one of --host, --graph or --list needs to be specified"))
	}
	secrets, err := vault.LoadSecrets(ctx, vault.SecretOptions{
		VaultIDs: o.VaultIDs, PasswordFiles: o.VaultPassFiles, AskVaultPass: o.AskVaultPass,
		Getenv: vaultGetenv(loadAnsibleCfgOnly()),
		Warn:   func(msg string) { fmt.Fprintf(os.Stderr, "[WARNING]: %s\n", msg) },
	})
	if err != nil {
		return err
	}
	var warnings diag.List
	inv, err := inventory.Load(inventorySources(o.Inventories), inventory.Options{
		Decrypter: vault.Keyring(secrets), Warnings: &warnings, HashMerge: hashMerge(loadAnsibleCfgOnly()),
	})
	printWarnings(warnings)
	if err != nil {
		return err
	}
	// ansible-inventory takes the working directory as its base unless
	// --playbook-dir names one; the two count in different places.
	if o.PlaybookDir != "" {
		inv.AddPlaybookDir(o.PlaybookDir)
	} else if wd, err := os.Getwd(); err == nil {
		inv.SetBaseDir(wd)
	}
	var out string
	switch {
	case o.List && o.YAML:
		out, err = inv.ListYAML(o.Export)
	case o.List && o.TOML:
		out, err = inv.ListTOML(o.Export)
		out = tomlDisplay(out)
	case o.List && o.Export:
		out, err = inv.ExportJSON()
	case o.List:
		out, err = inv.ListJSON()
	case o.Graph:
		out, err = inv.Graph(o.Group, o.Vars)
	case o.YAML:
		out, err = inv.HostYAML(o.Host)
	case o.TOML:
		out, err = inv.HostTOML(o.Host)
		out = tomlDisplay(out)
	default:
		out, err = inv.HostJSON(o.Host)
	}
	if errors.Is(err, inventory.ErrEmptyTOML) {
		return withCode(exitError, nil)
	}
	if err != nil {
		return err
	}
	if o.List && o.Output != "" {
		return os.WriteFile(o.Output, []byte(out), 0o644)
	}
	_, err = io.WriteString(stdout, out)
	return err
}

// tomlDisplay is what display.display prints of a TOML dump: the text
// ending in a newline, nothing when the dump is empty.
func tomlDisplay(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// inventorySources applies Ansible's default when no -i is given:
// ANSIBLE_INVENTORY (comma-separated), else /etc/ansible/hosts.
func inventorySources(given []string) []string {
	if len(given) > 0 {
		return given
	}
	if env := os.Getenv("ANSIBLE_INVENTORY"); env != "" {
		return strings.Split(env, ",")
	}
	return []string{"/etc/ansible/hosts"}
}

func printWarnings(l diag.List) {
	for _, w := range l {
		fmt.Fprintf(os.Stderr, "[WARNING]: %s\n", w.Msg)
	}
}
