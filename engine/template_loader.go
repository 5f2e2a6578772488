package engine

import (
	"fmt"
	"os"
	"path/filepath"

	"gplay/jinja"
)

// dirLoader finds templates named by include, import and extends in a
// template file: the first of its directories holding the name.
type dirLoader []string

func (d dirLoader) Load(name string) (string, error) {
	for _, dir := range d {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("%w: %s", jinja.ErrTemplateNotFound, name)
}

// templateLoader is the template action's search path for the template at
// path: the role's and the task file's directories (ansible_search_path),
// the playbook's, then the template's own, each with templates/ first.
func (hr *hostRun) templateLoader(path string) jinja.Loader {
	var base []string
	for p := hr.t; p != nil; p = p.Parent {
		if p.Role != nil {
			base = append(base, p.Role.Path)
			break
		}
	}
	if hr.t.File != "" {
		base = append(base, filepath.Dir(hr.t.File))
	}
	base = append(base, hr.pr.play.Dir, filepath.Dir(path))
	var dirs dirLoader
	for _, b := range base {
		dirs = append(dirs, filepath.Join(b, "templates"), b)
	}
	return dirs
}
