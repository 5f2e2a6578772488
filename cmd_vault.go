package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"gplay/vault"
)

// vaultCommand is ansible-vault's command line: gplay vault ACTION [options] [files].
func vaultCommand() *cli.Command {
	actions := []struct {
		name, usage string
		run         func(context.Context, []string, vault.CLIOptions) error
	}{
		{"create", "create a new encrypted file in $EDITOR", vault.CreateFile},
		{"decrypt", "decrypt files in place (or to --output)", vault.DecryptFiles},
		{"edit", "edit an encrypted file in $EDITOR", vault.EditFiles},
		{"view", "show the plaintext of encrypted files", vault.ViewFiles},
		{"encrypt", "encrypt files in place (or to --output)", vault.EncryptFiles},
		{"encrypt_string", "encrypt a string for use as a !vault value in YAML", vault.EncryptStrings},
		{"rekey", "re-encrypt files with a new password", vault.RekeyFiles},
	}
	cmd := &cli.Command{
		Name:      "vault",
		Usage:     "encrypt and decrypt Ansible Vault files and strings (ansible-vault)",
		UsageText: "gplay vault create|decrypt|edit|view|encrypt|encrypt_string|rekey [options] [files]",
	}
	for _, a := range actions {
		o := vault.CLIOptions{}
		verbose := 0
		cmd.Commands = append(cmd.Commands, &cli.Command{
			Name:                      a.name,
			Usage:                     a.usage,
			DisableSliceFlagSeparator: true,
			UseShortOptionHandling:    true,
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "vault-id", Usage: "the vault identity to use: label@path, label@prompt, or a path", Destination: &o.Secrets.VaultIDs},
				&cli.BoolFlag{Name: "ask-vault-password", Aliases: []string{"ask-vault-pass", "J"}, Usage: "ask for the vault password", Destination: &o.Secrets.AskVaultPass},
				&cli.StringSliceFlag{Name: "vault-password-file", Aliases: []string{"vault-pass-file"}, Usage: "vault password file (an executable file is run)", Destination: &o.Secrets.PasswordFiles},
				&cli.StringFlag{Name: "encrypt-vault-id", Usage: "the vault id used to encrypt (required with several vault ids)", Destination: &o.EncryptVaultID},
				&cli.StringFlag{Name: "output", Usage: "output file for encrypt, decrypt or encrypt_string; - is stdout", Destination: &o.Output},
				&cli.StringSliceFlag{Name: "name", Aliases: []string{"n"}, Usage: "encrypt_string: the variable name", Destination: &o.Names},
				&cli.StringFlag{Name: "stdin-name", Usage: "encrypt_string: the variable name for stdin", Destination: &o.StdinName},
				&cli.BoolFlag{Name: "prompt", Aliases: []string{"p"}, Usage: "encrypt_string: prompt for the string to encrypt", Destination: &o.PromptString},
				&cli.BoolFlag{Name: "show-input", Usage: "encrypt_string: do not hide input when prompted", Destination: &o.ShowInput},
				&cli.StringFlag{Name: "new-vault-id", Usage: "rekey: the new vault identity", Destination: &o.NewVaultID},
				&cli.StringFlag{Name: "new-vault-password-file", Usage: "rekey: the new vault password file", Destination: &o.NewVaultPasswordFile},
				&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "more output", Config: cli.BoolConfig{Count: &verbose}},
			},
			Action: func(ctx context.Context, c *cli.Command) error {
				o.Secrets.Getenv = vaultGetenv(loadAnsibleCfgOnly())
				err := a.run(ctx, c.Args().Slice(), o)
				if errors.Is(err, vault.ErrUsage) {
					return withCode(exitBadOptions, err)
				}
				return err
			},
		})
	}
	return cmd
}
