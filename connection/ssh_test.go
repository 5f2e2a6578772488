package connection

import (
	"testing"

	"gplay/internal/sshdtest"
)

func TestKeyAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sshdtest.Options{})
	c := dial(t, e.dialer, e.target)
	if got := run(t, c, "echo hi; id -un"); got != "hi\n"+e.srv.TestUser+"\n" {
		t.Errorf("Exec = %q, want hi and the user", got)
	}
}
