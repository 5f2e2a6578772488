package modules

import (
	"net"
	"strconv"
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestWaitFor(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n"))
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	f := moduletest.WriteFile(t, dir, "ready", "status: ok 42\n", 0o644)
	tests := []struct {
		args []any
		err  string
	}{
		{[]any{"port", port}, ""},
		{[]any{"port", port, "search_regex", "OpenSSH"}, ""},
		{[]any{"path", f, "search_regex", `ok (\d+)`}, ""},
		{[]any{"path", dir + "/nope", "state", "absent"}, ""},
		{[]any{"path", dir + "/nope", "timeout", 1}, "Timeout when waiting for file " + dir + "/nope"},
		{[]any{"port", port, "state", "stopped", "timeout", 1, "msg", "still up"}, "still up"},
		{[]any{"port", port, "path", f}, "port and path parameter can not both be passed to wait_for"},
	}
	for _, tt := range tests {
		_, err := moduletest.RunModule(t, waitForModule{}, moduletest.Args(tt.args...), false)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || err.Error() != tt.err) {
			t.Errorf("wait_for %v: error = %v, want %q", tt.args, err, tt.err)
		}
	}
	res, _ := moduletest.RunModule(t, waitForModule{}, moduletest.Args("path", f, "search_regex", `ok (?P<n>\d+)`), false)
	if got := pyval.Repr(get(res.ToDict(), "match_groupdict")); got != "{'n': '42'}" {
		t.Errorf("match_groupdict = %s", got)
	}
	res, _ = moduletest.RunModule(t, waitForModule{}, moduletest.Args("port", strconv.Itoa(port)), true)
	if !res.Skipped {
		t.Errorf("wait_for ran under check mode")
	}
}
