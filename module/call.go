package module

import (
	"context"
	"fmt"

	"gplay/pyval"
)

// Invocation is one request to run a module, as the engine or the agent
// has it: raw (templated but unvalidated) arguments and the run's modes.
type Invocation struct {
	Args  *pyval.Dict
	Check bool
	Diff  bool
	// Host defaults to Local(Env).
	Host              Host
	Content           map[string]*Content
	Env               map[string]string
	InventoryHostname string
}

// Call validates inv.Args against m's spec and runs m, holding the rules
// that are the same for every module:
//
//   - a validation failure fails the task, even under check, with
//     Ansible's message (and the module is not run);
//   - under check a module with CheckMode SupportNone is not run: the
//     result is skipped with "remote module (x) does not support check mode";
//   - under check the module gets a read-only Host;
//   - validation warnings join the result's warnings and no_log values are
//     scrubbed by Result.ToDict.
//
// The error is Run's (or the *ValidationError); the Result is returned
// with it, unmarked: the caller applies Result.Fail(err) when registering.
func Call(ctx context.Context, m Module, inv Invocation) (Result, error) {
	info := m.Info()
	args, err := info.Validate(inv.Args)
	if err != nil {
		return Result{}.WithNoLog(args.NoLogValues()), err
	}
	if inv.Check && info.CheckMode == SupportNone {
		return Result{Skipped: true, Msg: fmt.Sprintf("remote module (%s) does not support check mode", info.ID.Name())}, nil
	}
	host := inv.Host
	if host == nil {
		host = Local(inv.Env)
	}
	if inv.Check {
		host = ReadOnly(host)
	}
	req := Request{
		Args:              args,
		Check:             inv.Check,
		Diff:              inv.Diff && info.DiffMode != SupportNone,
		Host:              host,
		Content:           inv.Content,
		Env:               inv.Env,
		InventoryHostname: inv.InventoryHostname,
	}
	res, err := m.Run(ctx, req)
	res.Warnings = append(append([]string(nil), args.Warnings()...), res.Warnings...)
	if !req.Diff {
		res.Diff = nil
	}
	return res.WithNoLog(args.NoLogValues()), err
}
