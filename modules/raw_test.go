package modules

import (
	"context"
	"os"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestRaw(t *testing.T) {
	res, err := moduletest.RunModule(t, rawModule{}, moduletest.Args("_raw_params", "echo a; echo b >&2"), false)
	if err != nil {
		t.Fatal(err)
	}
	d := res.ToDict()
	if get(d, "stdout") != "a\n" || get(d, "stderr") != "b\n" || get(d, "rc") != int64(0) || !res.Changed {
		t.Errorf("raw = %s", pyval.Repr(d))
	}
	res, err = moduletest.RunModule(t, rawModule{}, moduletest.Args("_raw_params", "exit 4"), false)
	if err == nil || err.Error() != "non-zero return code" || get(res.ToDict(), "rc") != int64(4) {
		t.Errorf("raw exit 4 = %v, %s", err, pyval.Repr(res.ToDict()))
	}
	res, _ = moduletest.RunModule(t, rawModule{}, moduletest.Args("_raw_params", "touch /tmp/x"), true)
	if !res.Skipped {
		t.Errorf("raw under check not skipped")
	}
}

func TestScript(t *testing.T) {
	dir := t.TempDir()
	content := map[string]*module.Content{"_raw_params": {Path: "files/s.sh", Files: []module.File{{Data: []byte("#!/bin/sh\necho \"args: $*\"; touch " + dir + "/ran\n"), Mode: 0o755}}}}
	call := func(args *pyval.Dict, check bool) (module.Result, error) {
		return module.Call(context.Background(), scriptModule{}, module.Invocation{Args: args, Check: check, Content: content})
	}
	res, err := call(moduletest.Args("_raw_params", "files/s.sh 'a b' c", "creates", dir+"/ran"), true)
	if err != nil || !res.Changed {
		t.Errorf("check with creates = %+v, %v", res, err)
	}
	if _, err := os.Stat(dir + "/ran"); err == nil {
		t.Fatalf("script ran under check")
	}
	res, err = call(moduletest.Args("_raw_params", "files/s.sh 'a b' c", "creates", dir+"/ran"), false)
	if err != nil || !res.Changed || get(res.ToDict(), "stdout") != "args: a b c\n" {
		t.Errorf("script = %s, %v", pyval.Repr(res.ToDict()), err)
	}
	res, err = call(moduletest.Args("_raw_params", "files/s.sh", "creates", dir+"/ran"), false)
	if err != nil || !res.Skipped || res.Msg != dir+"/ran exists, matching creates option" {
		t.Errorf("script rerun = %+v, %v", res, err)
	}
}
