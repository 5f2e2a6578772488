package modules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gplay/module"
)

// scriptModule is ansible.builtin.script: the engine ships the controller
// file named by the first word of the command line (Source
// ControllerScript); the module writes it to a private temporary file,
// runs "[executable] <tmp> args" through /bin/sh -c in chdir, and removes
// it. Under check it runs only to evaluate creates/removes, as Ansible.
type scriptModule struct{}

func init() { module.Register(scriptModule{}) }

func (scriptModule) Info() module.Info {
	id := module.ID("ansible.builtin.script")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "_raw_params", Aliases: []string{"cmd"}, Source: module.SourceControllerScript},
			{Name: "creates"},
			{Name: "removes"},
			{Name: "chdir"},
			{Name: "executable"},
			{Name: "decrypt", Type: module.TypeBool, Default: true},
		}},
		CheckMode: module.SupportPartial,
	}
}

func (scriptModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Raw        string `arg:"_raw_params"`
		Creates    string `arg:"creates"`
		Removes    string `arg:"removes"`
		Chdir      string `arg:"chdir"`
		Executable string `arg:"executable"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	if p.Creates != "" && lexists(req.Host, p.Creates) {
		return module.Result{Skipped: true, Msg: fmt.Sprintf("%s exists, matching creates option", p.Creates)}, nil
	}
	if p.Removes != "" && !lexists(req.Host, p.Removes) {
		return module.Result{Skipped: true, Msg: fmt.Sprintf("%s does not exist, matching removes option", p.Removes)}, nil
	}
	if p.Chdir != "" && !strings.HasPrefix(p.Chdir, "/") {
		return module.Result{}, fmt.Errorf("chdir %s must be an absolute path for a Unix-aware remote node", p.Chdir)
	}
	words, err := shellSplit(strings.TrimSpace(p.Raw))
	if err != nil || len(words) == 0 {
		return module.Result{}, errors.New("script: no script given")
	}
	if req.Check {
		if p.Creates != "" || p.Removes != "" {
			return module.Result{Changed: true}, nil
		}
		return module.Result{Skipped: true, Msg: "Check mode is not supported for this task."}, nil
	}
	content := req.Content["_raw_params"]
	if content == nil || len(content.Files) != 1 {
		return module.Result{}, fmt.Errorf("script %s: the engine shipped no content", words[0])
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gplay-script-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := req.Host.Mkdir(dir, 0o700); err != nil {
		return module.Result{}, err
	}
	defer req.Host.RemoveAll(dir) // our own temporary directory; a leftover is harmless
	tmp := filepath.Join(dir, filepath.Base(words[0]))
	if err := req.Host.WriteFile(tmp, content.Files[0].Data, 0o700); err != nil {
		return module.Result{}, err
	}
	if err := req.Host.Chmod(tmp, 0o700); err != nil {
		return module.Result{}, err
	}
	// keep the user's quoting of the arguments: replace only the script word
	line := strings.Replace(strings.TrimSpace(p.Raw), words[0], shellQuote(tmp), 1)
	if p.Executable != "" {
		line = p.Executable + " " + line
	}
	var r cmdResult
	err = runTimed(ctx, req.Host, module.Cmd{Argv: []string{"/bin/sh", "-c", line}, Dir: p.Chdir}, false, &r)
	if err != nil {
		return module.Result{}, err
	}
	res := module.Result{Changed: true, Return: rawResult{RC: *r.RC, Stdout: r.Stdout, StdoutLines: r.StdoutLines, Stderr: r.Stderr, StderrLines: r.StderrLines}}
	if *r.RC != 0 {
		return res, errors.New("non-zero return code")
	}
	return res, nil
}

var _ module.Module = scriptModule{}
