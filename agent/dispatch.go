package agent

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"gplay/module"
	"gplay/pyval"
)

// Request is one module call as the engine sends it.
type Request struct {
	Module            string
	Args              *pyval.Dict
	Check, Diff       bool
	Content           map[string]*module.Content
	Env               map[string]string
	InventoryHostname string
	// Host is where the module acts; nil means this machine.
	Host module.Host
	// AsyncJID, when set, starts the module as an async job with this id
	// and a limit of AsyncTimeout seconds, answering at once (async.go).
	AsyncJID     string
	AsyncTimeout int
}

// ErrUnknownModule is returned for a module the registry does not have.
var ErrUnknownModule = errors.New("unknown module")

// ErrBug marks a failure that is a defect in gplay (a module panicked).
var ErrBug = errors.New("gplay bug")

// Dispatch validates and runs the requested module. The error, when set,
// fails the task (its text becomes msg); the Result is still meaningful
// (rc, stdout survive). A panicking module gives a failed result whose
// error wraps ErrBug and says so.
func Dispatch(ctx context.Context, reg *module.Registry, req Request) (res module.Result, err error) {
	m, ok := reg.Lookup(req.Module)
	if !ok {
		return module.Result{}, fmt.Errorf("%w: %s", ErrUnknownModule, req.Module)
	}
	if req.AsyncJID != "" {
		return startLocalJob(reg, req)
	}
	defer func() {
		if r := recover(); r != nil {
			res = module.Result{}
			err = fmt.Errorf("%w: module %s panicked: %v (please report this, with the task that caused it)\n%s", ErrBug, req.Module, r, debug.Stack())
		}
	}()
	args := req.Args
	if args == nil {
		args = pyval.NewDict(0)
	}
	return module.Call(ctx, m, module.Invocation{
		Args:              args,
		Check:             req.Check,
		Diff:              req.Diff,
		Host:              req.Host,
		Content:           req.Content,
		Env:               req.Env,
		InventoryHostname: req.InventoryHostname,
	})
}
