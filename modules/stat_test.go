package modules

import (
	"os"
	"sort"
	"strings"
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

// The key sets below are what ansible-core 2.14's stat registers on
// Debian 12 (ansible localhost -m stat -a path=...), for a regular file
// and for a symlink.
const (
	statFileKeys = "atime attr_flags attributes block_size blocks charset checksum ctime dev device_type executable exists gid gr_name inode isblk ischr isdir isfifo isgid islnk isreg issock isuid mimetype mode mtime nlink path pw_name readable rgrp roth rusr size uid version wgrp woth writeable wusr xgrp xoth xusr"
	statLinkKeys = "atime attr_flags attributes block_size blocks charset ctime dev device_type executable exists gid gr_name inode isblk ischr isdir isfifo isgid islnk isreg issock isuid lnk_source lnk_target mimetype mode mtime nlink path pw_name readable rgrp roth rusr size uid version wgrp woth writeable wusr xgrp xoth xusr"
)

func statOf(t *testing.T, args *pyval.Dict) *pyval.Dict {
	t.Helper()
	res, err := moduletest.RunModule(t, statModule{}, args, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed {
		t.Errorf("stat changed")
	}
	st, _ := res.ToDict().Get("stat")
	return st.(*pyval.Dict)
}

func keysOf(d *pyval.Dict) string {
	var ks []string
	for _, k := range d.Keys() {
		ks = append(ks, k.(string))
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

func TestStat(t *testing.T) {
	dir := t.TempDir()
	f := moduletest.WriteFile(t, dir, "f", "hello\n", 0o640)
	os.Symlink("f", dir+"/l")

	st := statOf(t, moduletest.Args("path", f))
	if got := keysOf(st); got != statFileKeys {
		t.Errorf("stat keys =\n%s\nwant\n%s", got, statFileKeys)
	}
	want := map[string]any{"exists": true, "mode": "0640", "isreg": true, "size": int64(6), "rgrp": true, "wgrp": false,
		"checksum": "f572d396fae9206628714fb2ce00f72e94f2258f", "mimetype": "text/plain", "charset": "us-ascii", "path": f}
	for k, v := range want {
		if got := get(st, k); !pyval.Equal(got, v) {
			t.Errorf("stat[%s] = %s, want %s", k, pyval.Repr(got), pyval.Repr(v))
		}
	}

	st = statOf(t, moduletest.Args("path", dir+"/l", "get_checksum", false))
	if got := keysOf(st); got != statLinkKeys {
		t.Errorf("link stat keys =\n%s\nwant\n%s", got, statLinkKeys)
	}
	if get(st, "lnk_target") != "f" || get(st, "lnk_source") != f || get(st, "islnk") != true {
		t.Errorf("link stat = %s", pyval.Repr(st))
	}

	st = statOf(t, moduletest.Args("path", dir+"/l", "follow", true, "get_mime", false, "checksum_algorithm", "sha256", "get_attributes", false))
	if get(st, "checksum") != "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" || st.Has("mimetype") || st.Has("version") {
		t.Errorf("followed stat = %s", pyval.Repr(st))
	}

	st = statOf(t, moduletest.Args("path", dir+"/missing"))
	if got := pyval.Repr(st); got != "{'exists': False}" {
		t.Errorf("missing stat = %s", got)
	}
}
