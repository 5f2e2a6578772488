package modules

import (
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestSuggestFilename(t *testing.T) {
	tests := map[string]string{
		"deb http://apt.kubernetes.io/ kubernetes-xenial main":        "apt_kubernetes_io.list",
		"deb [arch=amd64] https://download.docker.com/linux/debian x": "download_docker_com_linux_debian.list",
		"deb https://user:pw@example.org/repo stable main":            "example_org_repo.list",
	}
	for in, want := range tests {
		if got := suggestFilename(in, ""); got != want {
			t.Errorf("suggestFilename(%q) = %q, want %q", in, got, want)
		}
	}
	if got := suggestFilename("deb x y", "ceph.list"); got != "ceph.list.list" {
		t.Errorf("filename=ceph.list gives %q (Ansible appends .list)", got)
	}
}

func TestAptRepository(t *testing.T) {
	const base = "deb http://deb.debian.org/debian bookworm main\n# deb http://old.example/debian bookworm main\n"
	setup := func(t *testing.T, r string) { moduletest.WriteFile(t, r, "etc/apt/sources.list", base, 0o644) }
	tests := []struct {
		name    string
		args    []any
		changed bool
		check   func(t *testing.T, r string)
	}{
		{"add new", []any{"repo", "deb https://download.ceph.com/debian-mimic/ stretch  main", "filename", "ceph"}, true,
			func(t *testing.T, r string) {
				if got := readFile(t, r+"/etc/apt/sources.list.d/ceph.list"); got != "deb https://download.ceph.com/debian-mimic/ stretch main\n" {
					t.Errorf("ceph.list = %q", got)
				}
				mustMode(t, r+"/etc/apt/sources.list.d/ceph.list", 0o644)
			}},
		{"already present", []any{"repo", "deb http://deb.debian.org/debian  bookworm main"}, false, nil},
		{"re-enable commented", []any{"repo", "deb http://old.example/debian bookworm main"}, true,
			func(t *testing.T, r string) {
				if got := readFile(t, r+"/etc/apt/sources.list"); got != "deb http://deb.debian.org/debian bookworm main\ndeb http://old.example/debian bookworm main\n" {
					t.Errorf("sources.list = %q", got)
				}
			}},
		{"absent", []any{"repo", "deb http://deb.debian.org/debian bookworm main", "state", "absent"}, true,
			func(t *testing.T, r string) {
				if got := readFile(t, r+"/etc/apt/sources.list"); got != "# deb http://old.example/debian bookworm main\n" {
					t.Errorf("sources.list = %q", got)
				}
			}},
	}
	for _, tt := range tests {
		moduletest.Run(t, aptRepositoryModule{}, moduletest.Case{
			Name:   tt.name,
			Module: func(r string) module.Module { return aptRepositoryModule{root: r} },
			Setup:  setup,
			Args: func(r string) *pyval.Dict {
				return moduletest.Args(append([]any{"update_cache", false}, tt.args...)...)
			},
			WantChanged: tt.changed,
			Verify: func(t *testing.T, r string, res module.Result) {
				if tt.check != nil {
					tt.check(t, r)
				}
			},
		})
	}
}
