package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/term"
)

// ErrUsage marks errors in how a command was called (Ansible's
// AnsibleOptionsError, exit status 5); main maps it with errors.Is.
var ErrUsage = errors.New("usage error")

func usageError(format string, a ...any) error {
	return &Error{Msg: fmt.Sprintf(format, a...), Err: ErrUsage}
}

// CLIOptions are the flags of the `gplay vault` subcommands, as
// ansible-vault has them. The zero value works with the process's stdio,
// terminal and environment.
type CLIOptions struct {
	// Secrets holds --vault-id, --vault-password-file and --ask-vault-pass.
	// New and AutoPrompt are set by each command as ansible-vault sets them.
	Secrets SecretOptions
	// EncryptVaultID is --encrypt-vault-id; "" falls back to
	// $ANSIBLE_VAULT_ENCRYPT_IDENTITY.
	EncryptVaultID string
	// Output is --output for encrypt, decrypt and encrypt_string; "-" is
	// stdout. It allows one input file only.
	Output string
	// NewVaultID and NewVaultPasswordFile are rekey's --new-vault-id and
	// --new-vault-password-file.
	NewVaultID           string
	NewVaultPasswordFile string

	// Names are encrypt_string's -n/--name values, matched to the
	// arguments in order; StdinName is --stdin-name; PromptString is
	// -p/--prompt; ShowInput is --show-input.
	Names        []string
	StdinName    string
	PromptString bool
	ShowInput    bool

	// Editor is the command line create and edit run, with the temp file
	// appended; "" means $EDITOR, then vi.
	Editor string
	// Ask reads one answer after showing prompt, echoing it or not. Nil
	// means the controlling terminal. It also serves password prompts
	// unless Secrets.Prompt is set.
	Ask func(prompt string, echo bool) ([]byte, error)

	Stdin          io.Reader // nil: os.Stdin
	Stdout, Stderr io.Writer // nil: os.Stdout, os.Stderr
}

// cli is CLIOptions with the defaults filled in.
type cli struct {
	CLIOptions
	getenv func(string) string
}

func newCLI(o CLIOptions) *cli {
	c := &cli{CLIOptions: o, getenv: o.Secrets.Getenv}
	if c.getenv == nil {
		c.getenv = os.Getenv
	}
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	if c.Ask == nil {
		c.Ask = ttyAsk
	}
	if c.Secrets.Prompt == nil {
		c.Secrets.Prompt = func(p string) ([]byte, error) { return c.Ask(p, false) }
	}
	if c.Secrets.Stdin == nil {
		c.Secrets.Stdin = c.Stdin
	}
	if c.Secrets.Stderr == nil {
		c.Secrets.Stderr = c.Stderr
	}
	if c.Secrets.Warn == nil {
		c.Secrets.Warn = c.warn
	}
	return c
}

func (c *cli) warn(msg string) { fmt.Fprintf(c.Stderr, "[WARNING]: %s\n", msg) }

// say writes a status line to stderr.
func (c *cli) say(msg string) { fmt.Fprintln(c.Stderr, msg) }

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ttyAsk prompts on the controlling terminal.
func ttyAsk(prompt string, echo bool) ([]byte, error) {
	if !echo {
		return ttyPrompt(prompt)
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, &Error{Err: ErrNoTerminal, Msg: fmt.Sprintf("cannot prompt %q: no terminal (%v)", strings.TrimSpace(prompt), err)}
	}
	defer tty.Close()
	if _, err := io.WriteString(tty, prompt); err != nil {
		return nil, err
	}
	var line []byte
	buf := make([]byte, 1)
	for {
		n, err := tty.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return line, nil
			}
			line = append(line, buf[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				return line, nil
			}
			return nil, err
		}
	}
}

// readSecrets loads the secrets for decrypt, view, edit and rekey.
func (c *cli) readSecrets(ctx context.Context) ([]Secret, error) {
	o := c.Secrets
	o.New, o.AutoPrompt = false, true
	secrets, err := LoadSecrets(ctx, o)
	if err != nil {
		return nil, err
	}
	if len(secrets) == 0 {
		return nil, usageError("A vault password is required to use Ansible's Vault")
	}
	return secrets, nil
}

// encryptSecret loads the secrets for create, encrypt and encrypt_string
// and picks the one to encrypt with.
func (c *cli) encryptSecret(ctx context.Context) (Secret, error) {
	o := c.Secrets
	o.New, o.AutoPrompt = true, true
	secrets, err := LoadSecrets(ctx, o)
	if err != nil {
		return Secret{}, err
	}
	id := c.encryptVaultID()
	if len(secrets) > 1 && id == "" {
		return Secret{}, usageError("The vault-ids %s are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id", strings.Join(secretIDs(secrets), ","))
	}
	if len(secrets) == 0 {
		return Secret{}, usageError("A vault password is required to use Ansible's Vault")
	}
	return matchEncryptSecret(secrets, id)
}

// decrypt honours ANSIBLE_VAULT_ID_MATCH. Ansible gives that setting no
// type, so any non-empty value, even "false" or "0", turns matching on
// (config/base.yml DEFAULT_VAULT_ID_MATCH); we do the same so that a
// setup behaves alike under both.
func (c *cli) decrypt(data []byte, secrets []Secret, source string) ([]byte, Secret, *Envelope, error) {
	return decrypt(data, secrets, source, c.getenv(EnvIDMatch) != "")
}

func (c *cli) encryptVaultID() string {
	if c.EncryptVaultID != "" {
		return c.EncryptVaultID
	}
	return c.getenv(EnvEncryptIdentity)
}

func secretIDs(secrets []Secret) []string {
	ids := make([]string, len(secrets))
	for i, s := range secrets {
		ids[i] = s.ID
	}
	return ids
}

// matchEncryptSecret picks the first secret with id, or the first of all
// when id is "" (vault.py match_encrypt_secret); a named id that is absent
// is an error, never a silent fallback.
func matchEncryptSecret(secrets []Secret, id string) (Secret, error) {
	if id == "" {
		return secrets[0], nil
	}
	for _, s := range secrets {
		if s.ID == id {
			return s, nil
		}
	}
	quoted := make([]string, len(secrets))
	for i, s := range secrets {
		quoted[i] = "'" + s.ID + "'"
	}
	return Secret{}, &Error{Err: ErrUsage,
		Msg: fmt.Sprintf("Did not find a match for --encrypt-vault-id=%s in the known vault-ids [%s]", id, strings.Join(quoted, ", "))}
}

func (c *cli) read(name string) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if name == "-" {
		b, err = io.ReadAll(c.Stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, &Error{Source: name, Msg: fmt.Sprintf("Unable to read source file (%s): %v", name, unwrapPath(err)), Err: err}
	}
	return b, nil
}

// unwrapPath drops the "open name:" prefix of a *PathError whose name the
// message already shows.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (c *cli) write(name string, data []byte) error {
	if name == "-" {
		_, err := c.Stdout.Write(data)
		return err
	}
	if err := writeFileAtomic(name, data); err != nil {
		return &Error{Source: name, Msg: fmt.Sprintf("Unable to write %s: %v", name, unwrapPath(err)), Err: err}
	}
	return nil
}

func (c *cli) checkOutput(args []string) error {
	if c.Output != "" && len(args) > 1 {
		return usageError("At most one input file may be used with the --output option")
	}
	return nil
}

// EncryptFiles is `gplay vault encrypt [--output f] [file...]`: each file is
// replaced by its vault text (or written to --output); no file, or "-",
// reads stdin and writes stdout.
func EncryptFiles(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	if err := c.checkOutput(args); err != nil {
		return err
	}
	s, err := c.encryptSecret(ctx)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		if isTerminal(c.Stdin) {
			c.say("Reading plaintext input from stdin")
		}
		args = []string{"-"}
	}
	for _, f := range args {
		plain, err := c.read(f)
		if err != nil {
			return err
		}
		vt, err := Encrypt(plain, s)
		if err != nil {
			return withSource(err, f)
		}
		if err := c.write(outputFor(c.Output, f), vt); err != nil {
			return err
		}
	}
	if isTerminal(c.Stdout) {
		c.say("Encryption successful")
	}
	return nil
}

func outputFor(output, input string) string {
	if output != "" {
		return output
	}
	return input
}

// withSource adds "for file" to an error that does not name its input.
func withSource(err error, name string) error {
	var ve *Error
	if errors.As(err, &ve) && ve.Source == "" {
		return &Error{Source: name, Msg: ve.Msg + " for " + name, Err: ve.Err}
	}
	return err
}

// DecryptFiles is `gplay vault decrypt [--output f] [file...]`.
func DecryptFiles(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	if err := c.checkOutput(args); err != nil {
		return err
	}
	secrets, err := c.readSecrets(ctx)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		if isTerminal(c.Stdin) {
			c.say("Reading ciphertext input from stdin")
		}
		args = []string{"-"}
	}
	for _, f := range args {
		vt, err := c.read(f)
		if err != nil {
			return err
		}
		plain, _, _, err := c.decrypt(vt, secrets, f)
		if err != nil {
			return err
		}
		if err := c.write(outputFor(c.Output, f), plain); err != nil {
			return err
		}
	}
	if isTerminal(c.Stdout) {
		c.say("Decryption successful")
	}
	return nil
}

// ViewFiles is `gplay vault view file...`: the plaintext goes through
// $PAGER (or less) when stdout is a terminal, else straight to stdout with
// a final newline added, as ansible-vault prints it.
func ViewFiles(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	secrets, err := c.readSecrets(ctx)
	if err != nil {
		return err
	}
	for _, f := range args {
		vt, err := c.read(f)
		if err != nil {
			return err
		}
		plain, _, _, err := c.decrypt(vt, secrets, f)
		if err != nil {
			return err
		}
		if err := c.page(ctx, plain); err != nil {
			return err
		}
	}
	return nil
}

func (c *cli) page(ctx context.Context, text []byte) error {
	pager := c.getenv("PAGER")
	if pager == "" {
		if _, err := exec.LookPath("less"); err == nil {
			pager = "less"
		}
	}
	if !isTerminal(c.Stdout) || pager == "" {
		if !bytes.HasSuffix(text, []byte("\n")) {
			text = append(text, '\n')
		}
		_, err := c.Stdout.Write(text)
		return err
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", pager)
	cmd.Stdin = bytes.NewReader(text)
	cmd.Stdout, cmd.Stderr = c.Stdout, c.Stderr
	cmd.Env = os.Environ()
	if c.getenv("LESS") == "" {
		cmd.Env = append(cmd.Env, "LESS=-FRSX") // ansible's CLI.LESS_OPTS
	}
	// A pager quit early (q in less) is not a failure.
	if err := cmd.Run(); err != nil && !isExit(err) {
		return fmt.Errorf("run pager %q: %w", pager, err)
	}
	return nil
}

func isExit(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee)
}

// RekeyFiles is `gplay vault rekey [--new-vault-id id@src |
// --new-vault-password-file f] file...`: each file is decrypted with the
// current secrets and encrypted with the new one, keeping its mode.
func RekeyFiles(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	if o.NewVaultID != "" && o.NewVaultPasswordFile != "" {
		return usageError("--new-vault-id and --new-vault-password-file are mutually exclusive")
	}
	secrets, err := c.readSecrets(ctx)
	if err != nil {
		return err
	}
	// The new secret comes only from the --new-* flags (and
	// --ask-vault-pass, ANSIBLE_VAULT_PASSWORD_FILE, which Ansible adds
	// there too); the identity list joins only with --encrypt-vault-id.
	encID := c.encryptVaultID()
	no := c.Secrets
	no.VaultIDs, no.PasswordFiles = nil, nil
	if o.NewVaultID != "" {
		no.VaultIDs = []string{o.NewVaultID}
	}
	if o.NewVaultPasswordFile != "" {
		no.PasswordFiles = []string{o.NewVaultPasswordFile}
	}
	no.New, no.AutoPrompt = true, true
	no.Getenv = func(k string) string {
		if k == EnvIdentityList && encID == "" {
			return ""
		}
		return c.getenv(k)
	}
	newSecrets, err := LoadSecrets(ctx, no)
	if err != nil {
		return err
	}
	if len(newSecrets) == 0 {
		return usageError("A new vault password is required to use Ansible's Vault rekey")
	}
	ns, err := matchEncryptSecret(newSecrets, encID)
	if err != nil {
		return err
	}
	for _, f := range args {
		vt, err := c.read(f)
		if err != nil {
			return err
		}
		plain, _, _, err := c.decrypt(vt, secrets, f)
		if err != nil {
			return err
		}
		nvt, err := Encrypt(plain, ns)
		if err != nil {
			return withSource(err, f)
		}
		if err := c.write(f, nvt); err != nil {
			return err
		}
	}
	c.say("Rekey successful")
	return nil
}

// CreateFile is `gplay vault create file`: the editor opens an empty temp
// file, whose content is then encrypted into the new file (mode 0600).
func CreateFile(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	if len(args) != 1 {
		return usageError("ansible-vault create can take only one filename argument")
	}
	f := args[0]
	if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
		return &Error{Source: f, Msg: f + " exists, please use 'edit' instead", Err: ErrUsage}
	}
	s, err := c.encryptSecret(ctx)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(f); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			c.warn(dir + " does not exist, creating...")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
		}
	}
	return c.editLoop(ctx, f, nil, s, true)
}

// EditFiles is `gplay vault edit file...`: each file is decrypted into a
// 0600 temp file, the editor runs on it, and if the content changed it is
// encrypted again with the secret that opened it, under the same vault id.
// The temp file is overwritten and removed afterwards in every case.
func EditFiles(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	secrets, err := c.readSecrets(ctx)
	if err != nil {
		return err
	}
	for _, f := range args {
		vt, err := c.read(f)
		if err != nil {
			return err
		}
		plain, used, env, err := c.decrypt(vt, secrets, f)
		if err != nil {
			return err
		}
		// Keep the header's label: a 1.1 file stays 1.1 even when a
		// labelled secret opened it (vault.py edit_file).
		s := Secret{ID: env.TargetID(), Password: used.Password}
		if err := c.editLoop(ctx, f, plain, s, false); err != nil {
			return err
		}
	}
	return nil
}

// editLoop runs the editor on a temp copy of plain and saves the result
// encrypted to f when it changed (always, for a new file).
func (c *cli) editLoop(ctx context.Context, f string, plain []byte, s Secret, always bool) (err error) {
	target := f
	if r, err := filepath.EvalSymlinks(f); err == nil {
		target = r
	}
	tmp, err := os.CreateTemp("", "gplay-vault-*"+pyExt(target))
	if err != nil {
		return err
	}
	path := tmp.Name()
	defer func() {
		// Plaintext left on disk must not go unnoticed.
		if rerr := shredRemove(path); rerr != nil && err == nil {
			err = fmt.Errorf("remove the plaintext temp file %s: %w", path, rerr)
		}
	}()
	_, werr := tmp.Write(plain)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write temp file: %w", werr)
	}
	if err := c.runEditor(ctx, path); err != nil {
		return err
	}
	edited, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read edited temp file: %w", err)
	}
	if !always && bytes.Equal(edited, plain) {
		return nil
	}
	vt, err := Encrypt(edited, s)
	if err != nil {
		return withSource(err, f)
	}
	return c.write(target, vt)
}

// pyExt is Python's os.path.splitext extension: none for dot files.
func pyExt(name string) string {
	base := filepath.Base(name)
	i := strings.LastIndexByte(base, '.')
	if i <= 0 || strings.Trim(base[:i], ".") == "" {
		return ""
	}
	return base[i:]
}

func (c *cli) runEditor(ctx context.Context, path string) error {
	line := c.Editor
	if line == "" {
		line = c.getenv("EDITOR")
	}
	if line == "" {
		line = "vi"
	}
	argv, err := shellSplit(line)
	if err != nil || len(argv) == 0 {
		return usageError("cannot parse the editor command %q: %v", line, err)
	}
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], path)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Stdin, c.Stdout, c.Stderr
	if err := cmd.Run(); err != nil {
		// Unlike ansible-vault, which saves whatever the editor left, an
		// editor that fails (vim's :cq) leaves the vault file untouched.
		return fmt.Errorf("editor %q failed, file not changed: %w", line, err)
	}
	return nil
}

// shellSplit splits a command line as Python's shlex.split does in POSIX
// mode (quotes and backslashes; in double quotes a backslash escapes only
// " and \; no variables, no globbing).
func shellSplit(s string) ([]string, error) {
	var (
		args  []string
		cur   strings.Builder
		inArg bool
	)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case ch == '\\':
			inArg = true
			if i+1 >= len(s) {
				return nil, errors.New("No escaped character")
			}
			i++
			cur.WriteByte(s[i])
		case ch == '\'':
			inArg = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("No closing quotation")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			inArg = true
			i++
			for ; ; i++ {
				if i >= len(s) {
					return nil, errors.New("No closing quotation")
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '"') {
					i++
				}
				cur.WriteByte(s[i])
			}
		default:
			inArg = true
			cur.WriteByte(ch)
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// Where a string for encrypt_string came from, for its stderr comment.
const (
	fromStdin  = "stdin"
	fromArgs   = "the command line args"
	fromPrompt = "the interactive prompt"
)

// EncryptStrings is `gplay vault encrypt_string [-p] [--show-input]
// [-n name]... [--stdin-name name] [string...]`: each string (from the
// prompt, stdin, then the arguments) is printed as a `name: !vault |` YAML
// block, blocks separated by newlines, with no final newline.
func EncryptStrings(ctx context.Context, args []string, o CLIOptions) error {
	c := newCLI(o)
	// With -p and no arguments ansible-core 2.14 also wants stdin and so
	// refuses to run; later versions prompt, and so do we.
	readStdin := o.StdinName != "" || (len(args) == 0 && !o.PromptString)
	var rest []string
	for _, a := range args {
		if a == "-" {
			readStdin = true
			continue
		}
		rest = append(rest, a)
	}
	if o.PromptString && readStdin {
		return usageError("The --prompt option is not supported if also reading input from stdin")
	}
	s, err := c.encryptSecret(ctx)
	if err != nil {
		return err
	}
	type item struct {
		text      []byte
		src, name string
	}
	var items []item
	if o.PromptString {
		name, err := c.Ask("Variable name (enter for no name): ", true)
		if err != nil {
			return err
		}
		msg := "String to encrypt (hidden): "
		if o.ShowInput {
			msg = "String to encrypt:"
		}
		text, err := c.Ask(msg, o.ShowInput)
		if err != nil {
			return err
		}
		if len(text) == 0 {
			return usageError("The plaintext provided from the prompt was empty, not encrypting")
		}
		items = append(items, item{text, fromPrompt, string(name)})
	}
	if readStdin {
		if isTerminal(c.Stdout) {
			c.say("Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)")
		}
		text, err := io.ReadAll(c.Stdin)
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if len(text) == 0 {
			return usageError("stdin was empty, not encrypting")
		}
		if isTerminal(c.Stdout) && !bytes.HasSuffix(text, []byte("\n")) {
			c.say("")
		}
		items = append(items, item{text, fromStdin, o.StdinName})
	}
	if len(o.Names) > 0 && len(rest) > len(o.Names) {
		// Vague on purpose, as Ansible: never echo the plaintext.
		c.say("The number of --name options do not match the number of args.")
		c.say(fmt.Sprintf("The last named variable will be \"%s\". The rest will not have names.", o.Names[len(o.Names)-1]))
	}
	for i, a := range rest {
		if a == "" {
			return usageError("The plaintext provided from the command line args was empty, not encrypting")
		}
		name := ""
		if i < len(o.Names) {
			name = o.Names[i]
		}
		items = append(items, item{[]byte(a), fromArgs, name})
	}
	var outs [][]byte
	for i, it := range items {
		block, err := EncryptString(it.text, s, it.name)
		if err != nil {
			return err
		}
		if len(items) > 1 {
			if it.name != "" {
				fmt.Fprintf(c.Stderr, "# The encrypted version of variable (\"%s\", the string #%d from %s).\n", it.name, i+1, it.src)
			} else {
				fmt.Fprintf(c.Stderr, "# The encrypted version of the string #%d from %s.)\n", i+1, it.src)
			}
		}
		outs = append(outs, block)
	}
	if err := c.write(outputFor(c.Output, "-"), bytes.Join(outs, []byte("\n"))); err != nil {
		return err
	}
	if isTerminal(c.Stdout) {
		c.say("Encryption successful")
	}
	return nil
}
