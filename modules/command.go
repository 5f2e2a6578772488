package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gplay/module"
)

// commandModule is ansible.builtin.command, and with _uses_shell the
// engine of ansible.builtin.shell. Under check mode the command is not
// run: the result is skipped with "Command would have run if not in check
// mode", except that creates/removes are evaluated (and then the result is
// a predicted change).
type commandModule struct{}

func init() { module.Register(commandModule{}) }

func commandParams() []module.Param {
	return []module.Param{
		// cmd: as Ansible's task parser turns args.cmd into _raw_params
		{Name: "_raw_params", Aliases: []string{"cmd"}},
		{Name: "_uses_shell", Type: module.TypeBool, Default: false},
		{Name: "argv", Type: module.TypeList, Elements: module.TypeStr},
		{Name: "chdir", Type: module.TypePath},
		{Name: "executable"},
		{Name: "expand_argument_vars", Type: module.TypeBool, Default: true},
		{Name: "creates", Type: module.TypePath},
		{Name: "removes", Type: module.TypePath},
		{Name: "stdin"},
		{Name: "stdin_add_newline", Type: module.TypeBool, Default: true},
		{Name: "strip_empty_ends", Type: module.TypeBool, Default: true},
	}
}

func (commandModule) Info() module.Info {
	id := module.ID("ansible.builtin.command")
	return module.Info{
		ID:        id,
		Aliases:   module.StdAliases(id),
		Spec:      module.Spec{Params: commandParams()},
		CheckMode: module.SupportPartial,
		DiffMode:  module.SupportNone,
	}
}

type commandParamsT struct {
	Raw          *string  `arg:"_raw_params"`
	Shell        bool     `arg:"_uses_shell"`
	Argv         []string `arg:"argv"`
	Chdir        string   `arg:"chdir"`
	Executable   string   `arg:"executable"`
	ExpandVars   bool     `arg:"expand_argument_vars"`
	Creates      *string  `arg:"creates"`
	Removes      *string  `arg:"removes"`
	Stdin        *string  `arg:"stdin"`
	StdinNewline bool     `arg:"stdin_add_newline"`
	Strip        bool     `arg:"strip_empty_ends"`
}

func (commandModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p commandParamsT
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	return runCommand(ctx, req, p)
}

func runCommand(ctx context.Context, req module.Request, p commandParamsT) (module.Result, error) {
	var out module.Result
	r := cmdResult{Msg: strp("")}
	if !p.Shell && p.Executable != "" {
		out.Warnings = append(out.Warnings, fmt.Sprintf("As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '%s'.", p.Executable))
		p.Executable = ""
	}
	raw := ""
	if p.Raw != nil {
		raw = *p.Raw
	}
	fail := func(rc int, msg string) (module.Result, error) {
		r.RC = intp(rc)
		r.StdoutLines, r.StderrLines = []string{}, []string{}
		out.Return = r
		return out, errors.New(msg)
	}
	if strings.TrimSpace(raw) == "" && len(p.Argv) == 0 {
		return fail(256, "no command given")
	}
	if raw != "" && len(p.Argv) > 0 {
		return fail(256, "only command or argv can be given, not both")
	}
	var argv []string
	if p.Shell {
		exe := p.Executable
		if exe == "" {
			exe = "/bin/sh"
		}
		argv = []string{exe, "-c", raw}
		r.Cmd = raw
	} else {
		if raw != "" {
			words, err := shellSplit(raw)
			if err != nil {
				return fail(256, err.Error())
			}
			argv = words
		} else {
			argv = p.Argv
		}
		r.Cmd = argv
		if p.ExpandVars {
			// run_command's expand_user_and_vars, on every argument
			exp := make([]string, len(argv))
			for i, a := range argv {
				exp[i] = module.ExpandPath(a)
			}
			argv = exp
		}
	}
	if p.Chdir != "" {
		if fi, err := req.Host.Stat(p.Chdir); err != nil || !fi.IsDir() {
			msg := fmt.Sprintf("Unable to change directory before execution: [Errno 2] No such file or directory: '%s'", p.Chdir)
			if err == nil {
				msg = fmt.Sprintf("Unable to change directory before execution: [Errno 20] Not a directory: '%s'", p.Chdir)
			}
			r.StdoutLines, r.StderrLines = []string{}, []string{}
			out.Return = r
			return out, errors.New(msg)
		}
	}
	shoulda := "Did"
	if req.Check {
		shoulda = "Would"
	}
	inDir := func(pat string) string {
		if p.Chdir != "" && !strings.HasPrefix(pat, "/") {
			return p.Chdir + "/" + pat
		}
		return pat
	}
	skipMsg := ""
	if p.Creates != nil && globExists(inDir(*p.Creates)) {
		skipMsg = fmt.Sprintf("%s not run command since '%s' exists", shoulda, *p.Creates)
		r.Stdout = fmt.Sprintf("skipped, since %s exists", *p.Creates)
	} else if p.Removes != nil && !globExists(inDir(*p.Removes)) {
		skipMsg = fmt.Sprintf("%s not run command since '%s' does not exist", shoulda, *p.Removes)
		r.Stdout = fmt.Sprintf("skipped, since %s does not exist", *p.Removes)
	}
	if skipMsg != "" {
		r.RC = intp(0)
		r.Msg = &skipMsg
		r.StdoutLines, r.StderrLines = splitLines(r.Stdout), []string{}
		out.Return = r
		return out, nil
	}
	if req.Check {
		r.RC = intp(0)
		r.Msg = strp("Command would have run if not in check mode")
		r.StdoutLines, r.StderrLines = []string{}, []string{}
		out.Changed = true
		if p.Creates == nil && p.Removes == nil {
			out.Skipped = true
			out.Changed = false
		}
		out.Return = r
		return out, nil
	}
	c := module.Cmd{Argv: argv, Dir: p.Chdir}
	if p.Stdin != nil {
		data := *p.Stdin
		if p.StdinNewline {
			data += "\n"
		}
		c.Stdin = []byte(data)
	}
	out.Changed = true
	err := runTimed(ctx, req.Host, c, p.Strip, &r)
	var ef *errExecFailed
	if errors.As(err, &ef) {
		out.Changed = false
		out.Return = ef.res
		return out, err
	}
	if err == nil && r.RC != nil && *r.RC != 0 {
		err = errors.New("non-zero return code")
		r.Msg = strp("non-zero return code")
	}
	if r.StdoutLines == nil {
		r.StdoutLines, r.StderrLines = []string{}, []string{}
	}
	out.Return = r
	return out, err
}

var _ module.Module = commandModule{}
