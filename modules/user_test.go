package modules

import (
	"strings"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

// prefixRoot makes a tree that useradd --prefix can work in: /etc/passwd,
// group, shadow, gshadow and login.defs copied from the host's minimal set.
func prefixRoot(t *testing.T, r string) {
	moduletest.WriteFile(t, r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o644)
	moduletest.WriteFile(t, r, "etc/group", "root:x:0:\nusers:x:100:\ndocker:x:999:\n", 0o644)
	moduletest.WriteFile(t, r, "etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640)
	moduletest.WriteFile(t, r, "etc/gshadow", "root:*::\nusers:*::\ndocker:!::\n", 0o640)
	moduletest.WriteFile(t, r, "etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nUSERGROUPS_ENAB yes\n", 0o644)
	moduletest.WriteFile(t, r, "home/.keep", "", 0o644)
}

func TestUserAndGroup(t *testing.T) {
	moduletest.RequireRoot(t)
	userIn := func(r string) module.Module { return userModule{root: r} }
	groupIn := func(r string) module.Module { return groupModule{root: r} }
	cases := []struct {
		m module.Module
		c moduletest.Case
	}{
		{groupModule{}, moduletest.Case{
			Name: "group created with gid", Setup: prefixRoot, Module: groupIn, WantChanged: true,
			Args: func(string) *pyval.Dict { return moduletest.Args("name", "etcd", "gid", 2001) },
			Verify: func(t *testing.T, r string, res module.Result) {
				if !strings.Contains(readFile(t, r+"/etc/group"), "etcd:x:2001:") {
					t.Errorf("group file = %s", readFile(t, r+"/etc/group"))
				}
			},
		}},
		{groupModule{}, moduletest.Case{
			Name: "group absent", Setup: prefixRoot, Module: groupIn, WantChanged: true,
			Args: func(string) *pyval.Dict { return moduletest.Args("name", "docker", "state", "absent") },
		}},
		{userModule{}, moduletest.Case{
			Name: "user created", Setup: prefixRoot, Module: userIn, WantChanged: true,
			Args: func(string) *pyval.Dict {
				return moduletest.Args("name", "kube", "uid", 1500, "groups", []string{"docker"}, "shell", "/bin/sh",
					"comment", "Kube User", "create_home", false, "password", "$6$salt$hashhashhash")
			},
			Verify: func(t *testing.T, r string, res module.Result) {
				if !strings.Contains(readFile(t, r+"/etc/passwd"), "kube:x:1500:") {
					t.Errorf("passwd = %s", readFile(t, r+"/etc/passwd"))
				}
				if !strings.Contains(readFile(t, r+"/etc/group"), "docker:x:999:kube") {
					t.Errorf("group = %s", readFile(t, r+"/etc/group"))
				}
				d := res.ToDict()
				if get(d, "uid") != int64(1500) || get(d, "shell") != "/bin/sh" || get(d, "password") != "NOT_LOGGING_PASSWORD" {
					t.Errorf("result = %s", pyval.Repr(d))
				}
			},
		}},
		{userModule{}, moduletest.Case{
			Name: "user modified", Module: userIn, WantChanged: true,
			Setup: func(t *testing.T, r string) {
				prefixRoot(t, r)
				moduletest.WriteFile(t, r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nkube:x:1500:100:old:/home/kube:/bin/sh\n", 0o644)
				moduletest.WriteFile(t, r, "etc/shadow", "root:*:19000:0:99999:7:::\nkube:!:19000:0:99999:7:::\n", 0o640)
				moduletest.WriteFile(t, r, "home/kube/.keep", "", 0o644)
			},
			Args: func(string) *pyval.Dict {
				return moduletest.Args("name", "kube", "shell", "/bin/bash", "groups", "docker", "append", true)
			},
			Verify: func(t *testing.T, r string, res module.Result) {
				if !strings.Contains(readFile(t, r+"/etc/passwd"), "kube:x:1500:100:old:/home/kube:/bin/bash") {
					t.Errorf("passwd = %s", readFile(t, r+"/etc/passwd"))
				}
			},
		}},
		{userModule{}, moduletest.Case{
			Name: "user absent", Module: userIn, WantChanged: true,
			Setup: func(t *testing.T, r string) {
				prefixRoot(t, r)
				moduletest.WriteFile(t, r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nkube:x:1500:100::/home/kube:/bin/sh\n", 0o644)
				moduletest.WriteFile(t, r, "etc/shadow", "root:*:19000:0:99999:7:::\nkube:!:19000:0:99999:7:::\n", 0o640)
			},
			Args: func(string) *pyval.Dict { return moduletest.Args("name", "kube", "state", "absent") },
		}},
	}
	for _, c := range cases {
		moduletest.Run(t, c.m, c.c)
	}
}
