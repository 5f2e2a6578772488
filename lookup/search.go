package lookup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// errFileNotFound is AnsibleFileNotFound from path_dwim_relative_stack.
var errFileNotFound = errors.New("file not found")

// searchRoots are the directories a relative file is looked up under, as
// LookupBase.find_file_in_search_path picks them: ansible_search_path, or
// the role path / loader basedir when the task has none.
func (tc *TaskContext) searchRoots() []string {
	if len(tc.SearchPath) > 0 {
		return tc.SearchPath
	}
	if tc.RolePath != "" {
		return []string{tc.RolePath}
	}
	return []string{tc.basedir()}
}

// findFile is LookupBase.find_file_in_search_path: the file needle in the
// task's search path, trying <dir>/<subdir>/<needle> and <dir>/<needle> of
// each entry, then the same under the loader basedir. A miss returns "" and
// warns unless ignoreMissing.
func (tc *TaskContext) findFile(subdir, needle string, ignoreMissing bool) string {
	p, err := tc.dwimRelativeStack(tc.searchRoots(), subdir, needle)
	if err != nil {
		if !ignoreMissing {
			tc.warn(fmt.Sprintf("Unable to find '%s' in expected paths (use -vvvvv to see paths)", needle))
		}
		return ""
	}
	return p
}

// dwimRelativeStack is DataLoader.path_dwim_relative_stack. Candidate paths
// are joined as Python's os.path.join does, without cleaning, so the
// returned path is the one Ansible returns.
func (tc *TaskContext) dwimRelativeStack(paths []string, subdir, source string) (string, error) {
	var search []string
	if strings.HasPrefix(source, "~") || strings.HasPrefix(source, "/") {
		p := unfrackPath(source, tc.basedir())
		if exists(p) {
			return p, nil
		}
		return "", errFileNotFound
	}
	for _, path := range paths {
		upath := unfrackPath(path, tc.basedir())
		base := filepath.Dir(upath)
		if isRole(path) && strings.HasSuffix(base, "/tasks") {
			search = append(search, pyJoin(filepath.Dir(base), subdir, source), pyJoin(base, source))
		} else {
			// Ansible compares bytes with str here ("don't add dirname if
			// the user already uses it"), which is never equal on Python
			// 3, so the subdir is always tried.
			search = append(search, pyJoin(upath, subdir, source), pyJoin(upath, source))
		}
	}
	bd := tc.basedir()
	search = append(search, pyJoin(bd, subdir, source), pyJoin(bd, source))
	for _, c := range search {
		if exists(c) {
			return c, nil
		}
	}
	return "", errFileNotFound
}

var tasksRE = regexp.MustCompile(`(?:^|/)+tasks/?$`)

// isRole is DataLoader._is_role: a guess from tasks/ and meta/ files.
func isRole(path string) bool {
	upath := unfrackPath(path, "")
	dir := filepath.Dir(path)
	if tasksRE.MatchString(path) {
		for _, f := range []string{"main.yml", "main.yaml", "main"} {
			if exists(pyJoin(path, f)) {
				return true
			}
		}
	}
	for _, base := range []string{upath, dir} {
		for _, f := range []string{"tasks/main.yml", "tasks/main.yaml", "tasks/main", "meta/main.yml", "meta/main.yaml", "meta/main"} {
			if exists(pyJoin(base, f)) {
				return true
			}
		}
	}
	return false
}

// pathDwim is DataLoader.path_dwim: an absolute or ~ path as is (expanded),
// anything else relative to the loader basedir.
func (tc *TaskContext) pathDwim(given string) string {
	given = unquote(given)
	if strings.HasPrefix(given, "/") || strings.HasPrefix(given, "~") {
		return unfrackPath(given, "")
	}
	return unfrackPath(pyJoin(tc.basedir(), given), "")
}

// unfrackPath is ansible.utils.path.unfrackpath(follow=False): variables
// and ~ expanded, made absolute against basedir (or the working directory)
// and normalised.
func unfrackPath(p, basedir string) string {
	p = expandUser(expandVars(p))
	if !filepath.IsAbs(p) {
		if basedir == "" {
			wd, err := os.Getwd()
			if err == nil {
				basedir = wd
			}
		} else if st, err := os.Stat(basedir); err == nil && st.Mode().IsRegular() {
			basedir = filepath.Dir(basedir)
		}
		p = pyJoin(basedir, p)
	}
	return normPath(p)
}

// normPath is os.path.normpath (which, unlike filepath.Clean, keeps a
// leading "//").
func normPath(p string) string {
	c := filepath.Clean(p)
	if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
		return "/" + c
	}
	return c
}

// pyJoin is os.path.join: an absolute part restarts the path; parts are
// not cleaned.
func pyJoin(parts ...string) string {
	out := ""
	for i, p := range parts {
		switch {
		case i == 0 || strings.HasPrefix(p, "/"):
			out = p
		case out == "" || strings.HasSuffix(out, "/"):
			out += p
		default:
			out += "/" + p
		}
	}
	return out
}

func expandUser(p string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	i := strings.IndexByte(p, '/')
	if i < 0 {
		i = len(p)
	}
	var home string
	if i == 1 {
		home = os.Getenv("HOME")
		if home == "" {
			if h, err := os.UserHomeDir(); err == nil {
				home = h
			}
		}
	} else {
		home = lookupHome(p[1:i])
		if home == "" {
			return p
		}
	}
	if home == "" {
		return p
	}
	return strings.TrimSuffix(home, "/") + p[i:]
}

// lookupHome reads a user's home from /etc/passwd (no cgo, no os/user
// dependency on NSS).
func lookupHome(user string) string {
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 6 && f[0] == user {
			return f[5]
		}
	}
	return ""
}

var varRE = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandVars is os.path.expandvars: $name and ${name} of set variables are
// replaced, anything else is left alone.
func expandVars(p string) string {
	if !strings.Contains(p, "$") {
		return p
	}
	return varRE.ReplaceAllStringFunc(p, func(m string) string {
		name := m[1:]
		if strings.HasPrefix(name, "{") {
			name = name[1 : len(name)-1]
		}
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return m
	})
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readFile is DataLoader._get_file_contents: the file's bytes, decrypted
// when they are vault data.
func (tc *TaskContext) readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("Unable to retrieve file contents: %w", err)
		}
		return nil, fmt.Errorf("an error occurred while trying to read the file '%s': %w", path, err)
	}
	return tc.decrypt(path, data)
}
