package modules

import (
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestMountFstab(t *testing.T) {
	const initial = "# static\nUUID=abc / ext4 errors=remount-ro 0 1\n/dev/sdb1 /data ext4 defaults 0 2\n"
	tests := []struct {
		name    string
		args    []any
		want    string
		changed bool
		err     string
	}{
		{"present adds", []any{"path", "/mnt/nfs dir", "src", "srv:/export", "fstype", "nfs", "opts", "ro", "state", "present"},
			initial + "srv:/export /mnt/nfs\\040dir nfs ro 0 0\n", true, ""},
		{"present unchanged", []any{"path", "/data", "src", "/dev/sdb1", "fstype", "ext4", "passno", "2", "state", "present"},
			initial, false, ""},
		{"present replaces", []any{"path", "/data", "src", "/dev/sdc1", "fstype", "xfs", "state", "present", "boot", false},
			"# static\nUUID=abc / ext4 errors=remount-ro 0 1\n/dev/sdc1 /data xfs noauto 0 0\n", true, ""},
		{"absent_from_fstab removes", []any{"path", "/data", "state", "absent_from_fstab"},
			"# static\nUUID=abc / ext4 errors=remount-ro 0 1\n", true, ""},
		{"absent of a missing entry", []any{"name", "swap", "fstype", "swap", "state", "absent_from_fstab"}, initial, false, ""},
		{"present needs src", []any{"path", "/x", "fstype", "ext4", "state", "present"}, initial, false,
			"state is present but all of the following are missing: src"},
	}
	for _, tt := range tests {
		moduletest.Run(t, mountModule{}, moduletest.Case{
			Name:  tt.name,
			Setup: func(t *testing.T, r string) { moduletest.WriteFile(t, r, "fstab", initial, 0o644) },
			Args: func(r string) *pyval.Dict {
				return moduletest.Args(append([]any{"fstab", r + "/fstab"}, tt.args...)...)
			},
			WantChanged: tt.changed,
			WantErr:     tt.err,
			Verify: func(t *testing.T, r string, res module.Result) {
				if got := readFile(t, r+"/fstab"); got != tt.want {
					t.Errorf("fstab =\n%s\nwant\n%s", got, tt.want)
				}
			},
		})
	}
}
