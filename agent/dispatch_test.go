package agent

import (
	"context"
	"errors"
	"testing"

	"gplay/module"
	"gplay/pyval"
)

type echoModule struct{}

func (echoModule) Info() module.Info {
	return module.Info{ID: "test.echo", CheckMode: module.SupportFull, Spec: module.Spec{Params: []module.Param{{Name: "msg", Required: true}}}}
}
func (echoModule) Run(_ context.Context, req module.Request) (module.Result, error) {
	return module.Result{Msg: req.Args.Get("msg").(string), Changed: true}, nil
}

type panicModule struct{}

func (panicModule) Info() module.Info { return module.Info{ID: "test.panic"} }
func (panicModule) Run(context.Context, module.Request) (module.Result, error) {
	panic("boom")
}

func TestDispatch(t *testing.T) {
	reg := module.NewRegistry()
	reg.Register(echoModule{})
	reg.Register(panicModule{})
	ctx := context.Background()

	res, err := Dispatch(ctx, reg, Request{Module: "test.echo", Args: pyval.DictOf("msg", "hi")})
	if err != nil || res.Msg != "hi" || !res.Changed {
		t.Errorf("Dispatch(echo) = %+v, %v; want msg hi, changed", res, err)
	}
	_, err = Dispatch(ctx, reg, Request{Module: "test.echo", Args: pyval.NewDict(0)})
	if err == nil {
		t.Errorf("Dispatch(echo without msg) succeeded, want a validation error")
	}
	_, err = Dispatch(ctx, reg, Request{Module: "test.panic"})
	if !errors.Is(err, ErrBug) {
		t.Errorf("Dispatch(panic) error = %v, want ErrBug", err)
	}
	_, err = Dispatch(ctx, reg, Request{Module: "nope"})
	if !errors.Is(err, ErrUnknownModule) {
		t.Errorf("Dispatch(nope) error = %v, want ErrUnknownModule", err)
	}
}
