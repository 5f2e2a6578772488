package modules

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gplay/module"
	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestDeb822Repository(t *testing.T) {
	const key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n-----END PGP PUBLIC KEY BLOCK-----\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(key)) }))
	defer srv.Close()
	in := func(r string) module.Module { return deb822RepositoryModule{root: r} }
	moduletest.Run(t, deb822RepositoryModule{}, moduletest.Case{
		Name:   "present with a key URL",
		Module: in,
		Args: func(string) *pyval.Dict {
			return moduletest.Args("name", "Kubernetes Repo", "uris", "https://pkgs.k8s.io/core:/stable:/v1.30/deb/",
				"suites", "/", "signed_by", srv.URL+"/Release.key")
		},
		WantChanged: true,
		Verify: func(t *testing.T, r string, res module.Result) {
			// fields in the order of Ansible's sorted param names
			want := "X-Repolib-Name: Kubernetes Repo\nSigned-By: /etc/apt/keyrings/kubernetes-repo.asc\nSuites: /\nTypes: deb\nURIs: https://pkgs.k8s.io/core:/stable:/v1.30/deb/\n"
			if got := readFile(t, r+"/etc/apt/sources.list.d/kubernetes-repo.sources"); got != want {
				t.Errorf("sources =\n%s\nwant\n%s", got, want)
			}
			if readFile(t, r+"/etc/apt/keyrings/kubernetes-repo.asc") != key {
				t.Errorf("key not written")
			}
			mustMode(t, r+"/etc/apt/sources.list.d/kubernetes-repo.sources", 0o644)
		},
	})
	moduletest.Run(t, deb822RepositoryModule{}, moduletest.Case{
		Name:   "absent",
		Module: in,
		Setup: func(t *testing.T, r string) {
			moduletest.WriteFile(t, r, "etc/apt/sources.list.d/docker.sources", "Types: deb\n", 0o644)
		},
		Args:        func(string) *pyval.Dict { return moduletest.Args("name", "docker", "state", "absent") },
		WantChanged: true,
	})
}
