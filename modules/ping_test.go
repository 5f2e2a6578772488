package modules

import (
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestPing(t *testing.T) {
	res, err := moduletest.RunModule(t, pingModule{}, moduletest.Args(), true)
	if err != nil || pyval.Repr(res.ToDict()) != "{'ping': 'pong', 'changed': False}" {
		t.Errorf("ping = %s, %v", pyval.Repr(res.ToDict()), err)
	}
	if _, err := moduletest.RunModule(t, pingModule{}, moduletest.Args("data", "crash"), false); err == nil {
		t.Errorf("ping data=crash did not fail")
	}
}
