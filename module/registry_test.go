package module

import (
	"context"
	"strings"
	"testing"
)

type fakeModule struct{ info Info }

func (f fakeModule) Info() Info { return f.info }
func (f fakeModule) Run(context.Context, Request) (Result, error) {
	return Result{}, nil
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	r.Register(fakeModule{Info{ID: "ansible.builtin.ping", Aliases: StdAliases("ansible.builtin.ping")}})
	for _, n := range []string{"ping", "ansible.builtin.ping", "ansible.legacy.ping"} {
		if m, ok := r.Lookup(n); !ok || m.Info().ID != "ansible.builtin.ping" {
			t.Errorf("Lookup(%q) = %v, %v", n, m, ok)
		}
	}
	if _, ok := r.Lookup("pong"); ok {
		t.Errorf("Lookup(pong) found a module")
	}
	if got := strings.Join(r.Names(), " "); got != "ansible.builtin.ping ansible.legacy.ping ping" {
		t.Errorf("Names() = %s", got)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Register of a duplicate alias did not panic")
		}
	}()
	r.Register(fakeModule{Info{ID: "other.ping", Aliases: []string{"ping"}}})
}

func TestCallCheckModeSkipAndReadOnly(t *testing.T) {
	m := fakeModule{Info{ID: "x.y.nocheck"}}
	res, err := Call(context.Background(), m, Invocation{Check: true})
	if err != nil || !res.Skipped || res.Msg != "remote module (nocheck) does not support check mode" {
		t.Errorf("Call under check = %+v, %v", res, err)
	}
	h := ReadOnly(Local(nil))
	if err := h.Mkdir(t.TempDir()+"/x", 0o755); err == nil || !strings.Contains(err.Error(), ErrCheckMode.Error()) {
		t.Errorf("ReadOnly Mkdir = %v, want ErrCheckMode", err)
	}
}
