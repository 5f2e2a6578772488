package modules

import (
	"os"
	"sort"
	"strings"
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestFind(t *testing.T) {
	dir := t.TempDir()
	moduletest.WriteFile(t, dir, "a.conf", "port=80\n", 0o644)
	moduletest.WriteFile(t, dir, "b.log", strings.Repeat("x", 2000), 0o644)
	moduletest.WriteFile(t, dir, ".hidden.conf", "", 0o644)
	moduletest.WriteFile(t, dir, "sub/c.conf", "port=81\n", 0o644)
	moduletest.WriteFile(t, dir, "sub/deep/d.conf", "", 0o644)
	os.Symlink("a.conf", dir+"/ln.conf")
	paths := func(args ...any) []string {
		t.Helper()
		res, err := moduletest.RunModule(t, findModule{}, moduletest.Args(append([]any{"paths", dir}, args...)...), true)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := res.ToDict().Get("files")
		var out []string
		for _, f := range files.(*pyval.List).Items {
			p, _ := f.(*pyval.Dict).Get("path")
			out = append(out, strings.TrimPrefix(p.(string), dir+"/"))
		}
		sort.Strings(out)
		return out
	}
	tests := []struct {
		args []any
		want string
	}{
		{[]any{"patterns", "*.conf"}, "a.conf"},
		{[]any{"patterns", "*.conf", "recurse", true}, "a.conf sub/c.conf sub/deep/d.conf"},
		{[]any{"patterns", "*.conf", "recurse", true, "depth", 2}, "a.conf sub/c.conf"},
		{[]any{"patterns", "*.conf", "hidden", true}, ".hidden.conf a.conf"},
		{[]any{"patterns", "*.conf", "file_type", "link"}, "ln.conf"},
		{[]any{"file_type", "directory", "recurse", true}, "sub sub/deep"},
		{[]any{"size", "1k"}, "b.log"},
		{[]any{"contains", "port=8", "recurse", true}, "a.conf sub/c.conf"},
		{[]any{"patterns", `^[ab]\..*$`, "use_regex", true, "excludes", "b.*"}, "a.conf"},
		{[]any{"age", "1d"}, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(paths(tt.args...), " "); got != tt.want {
			t.Errorf("find %v = %q, want %q", tt.args, got, tt.want)
		}
	}
}
