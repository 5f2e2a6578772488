package modules

import (
	"os/user"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestAuthorizedKey(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Skip("SKIPPED: no current user")
	}
	const k1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVvlKTBnxD1ZQ2ljAPVaPCUosQOuBlbIdb9RE8ySNcc alice@h"
	const k2 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC bob@h"
	tests := []struct {
		name    string
		initial string
		args    []any
		want    string
		changed bool
	}{
		{"add to new file", "", []any{"key", k1}, k1 + "\n", true},
		{"already there with other comment", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVvlKTBnxD1ZQ2ljAPVaPCUosQOuBlbIdb9RE8ySNcc old\n",
			[]any{"key", k1}, k1 + "\n", true},
		{"key options", k2 + "\n", []any{"key", k1, "key_options", `from="10.0.0.1",no-pty`},
			k2 + "\n" + `from="10.0.0.1",no-pty ` + k1 + "\n", true},
		{"exclusive", k2 + "\n" + k1 + "\n", []any{"key", k1, "exclusive", true}, k1 + "\n", true},
		{"absent", "# keys\n" + k2 + "\n" + k1 + "\n", []any{"key", k2, "state", "absent"}, "# keys\n" + k1 + "\n", true},
		{"present unchanged", k1 + "\n", []any{"key", k1}, k1 + "\n", false},
	}
	for _, tt := range tests {
		moduletest.Run(t, authorizedKeyModule{}, moduletest.Case{
			Name: tt.name,
			Setup: func(t *testing.T, r string) {
				if tt.initial != "" {
					moduletest.WriteFile(t, r, "ssh/authorized_keys", tt.initial, 0o600)
				}
			},
			Args: func(r string) *pyval.Dict {
				return moduletest.Args(append([]any{"user", me.Username, "path", r + "/ssh/authorized_keys"}, tt.args...)...)
			},
			WantChanged: tt.changed,
			Verify: func(t *testing.T, r string, res module.Result) {
				if got := readFile(t, r+"/ssh/authorized_keys"); got != tt.want {
					t.Errorf("authorized_keys =\n%s\nwant\n%s", got, tt.want)
				}
			},
		})
	}
}
