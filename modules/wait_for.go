package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2"

	"gplay/module"
)

// waitForModule is ansible.builtin.wait_for: wait for a port to open or
// close or drain, or a file to appear (with content) or vanish. As in
// Ansible it does not run under check mode.
type waitForModule struct{}

func init() { module.Register(waitForModule{}) }

func (waitForModule) Info() module.Info {
	id := module.ID("ansible.builtin.wait_for")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "host", Default: "127.0.0.1"},
			{Name: "timeout", Type: module.TypeInt, Default: int64(300)},
			{Name: "connect_timeout", Type: module.TypeInt, Default: int64(5)},
			{Name: "delay", Type: module.TypeInt, Default: int64(0)},
			{Name: "port", Type: module.TypeInt},
			{Name: "active_connection_states", Type: module.TypeList, Elements: module.TypeStr,
				Default: []string{"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"}},
			{Name: "path", Type: module.TypePath},
			{Name: "search_regex"},
			{Name: "state", Default: "started", Choices: []any{"absent", "drained", "present", "started", "stopped"}},
			{Name: "exclude_hosts", Type: module.TypeList, Elements: module.TypeStr},
			{Name: "sleep", Type: module.TypeInt, Default: int64(1)},
			{Name: "msg"},
		}},
		CheckMode: module.SupportNone,
	}
}

type waitForResult struct {
	Elapsed        int64             `json:"elapsed"`
	State          string            `json:"state"`
	Port           *int              `json:"port"`
	Path           *string           `json:"path"`
	SearchRegex    *string           `json:"search_regex"`
	MatchGroups    []string          `json:"match_groups"`
	MatchGroupdict map[string]string `json:"match_groupdict"`
}

// tcpStates maps /proc/net/tcp state codes to Ansible's names.
var tcpStates = map[string]string{"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1",
	"05": "FIN_WAIT2", "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"}

// activeConnections counts connections on local port in the given states.
func activeConnections(h module.Host, port int, states []string) int {
	want := map[string]bool{}
	for _, s := range states {
		want[s] = true
	}
	n := 0
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, _ := h.ReadFile(f) // no IPv6: no connections there
		for i, line := range strings.Split(string(b), "\n") {
			fl := strings.Fields(line)
			if i == 0 || len(fl) < 4 {
				continue
			}
			_, lp, ok := strings.Cut(fl[1], ":")
			if !ok {
				continue
			}
			if p, err := strconv.ParseInt(lp, 16, 32); err == nil && int(p) == port && want[tcpStates[fl[3]]] {
				n++
			}
		}
	}
	return n
}

func (waitForModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Host           string   `arg:"host"`
		Timeout        int      `arg:"timeout"`
		ConnectTimeout int      `arg:"connect_timeout"`
		Delay          int      `arg:"delay"`
		Port           *int     `arg:"port"`
		States         []string `arg:"active_connection_states"`
		Path           *string  `arg:"path"`
		SearchRegex    *string  `arg:"search_regex"`
		State          string   `arg:"state"`
		ExcludeHosts   []string `arg:"exclude_hosts"`
		Sleep          int      `arg:"sleep"`
		Msg            string   `arg:"msg"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	out := waitForResult{State: p.State, Port: p.Port, Path: p.Path, SearchRegex: p.SearchRegex, MatchGroups: []string{}, MatchGroupdict: map[string]string{}}
	start := time.Now()
	fail := func(def string) (module.Result, error) {
		out.Elapsed = int64(time.Since(start).Seconds())
		if p.Msg != "" {
			def = p.Msg
		}
		return module.Result{Return: out}, errors.New(def)
	}
	switch {
	case p.Port != nil && p.Path != nil:
		return fail("port and path parameter can not both be passed to wait_for")
	case p.Path != nil && p.State == "stopped":
		return fail("state=stopped should only be used for checking a port in the wait_for module")
	case p.Path != nil && p.State == "drained":
		return fail("state=drained should only be used for checking a port in the wait_for module")
	case p.ExcludeHosts != nil && p.State != "drained":
		return fail("exclude_hosts should only be with state=drained")
	}
	var re *pyRegexp
	if p.SearchRegex != nil {
		var err error
		if re, err = compilePyOpts(*p.SearchRegex, regexp2.Multiline); err != nil {
			return fail("Invalid regular expression: " + err.Error())
		}
	}
	sleep := func(d time.Duration) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
			return nil
		}
	}
	if err := sleep(time.Duration(p.Delay) * time.Second); err != nil {
		return module.Result{}, err
	}
	deadline := start.Add(time.Duration(p.Timeout) * time.Second)
	interval := time.Duration(p.Sleep) * time.Second
	if interval <= 0 {
		interval = time.Second
	}
	addr := func() string { return net.JoinHostPort(p.Host, strconv.Itoa(*p.Port)) }
	dial := func() (net.Conn, error) {
		d := net.Dialer{Timeout: time.Duration(p.ConnectTimeout) * time.Second}
		return d.DialContext(ctx, "tcp", addr())
	}
	match := func(s string) bool {
		m := re.search(s)
		if m == nil {
			return false
		}
		for i := 1; i < m.m.GroupCount(); i++ {
			out.MatchGroups = append(out.MatchGroups, m.m.GroupByNumber(i).String())
		}
		for name, i := range re.names {
			out.MatchGroupdict[name] = m.m.GroupByNumber(i).String()
		}
		return true
	}
	for {
		done := false
		switch p.State {
		case "stopped", "absent":
			if p.Path != nil {
				_, err := h.Stat(*p.Path)
				done = errors.Is(err, fs.ErrNotExist)
			} else if p.Port != nil {
				c, err := dial()
				if err != nil {
					done = true
				} else {
					c.Close()
				}
			}
		case "started", "present":
			if p.Path != nil {
				b, err := h.ReadFile(*p.Path)
				done = err == nil && (re == nil || match(string(b)))
				if err == nil && isDir(h, *p.Path) {
					done = re == nil
				}
			} else if p.Port != nil {
				c, err := dial()
				if err == nil {
					if re == nil {
						done = true
					} else {
						c.SetReadDeadline(time.Now().Add(time.Until(deadline)))
						buf := make([]byte, 0, 4096)
						tmp := make([]byte, 4096)
						for !done {
							n, rerr := c.Read(tmp)
							buf = append(buf, tmp[:n]...)
							done = match(string(buf))
							if rerr != nil {
								break
							}
						}
					}
					c.Close()
				}
			} else {
				done = true // nothing to wait for but the delay
			}
		case "drained":
			done = activeConnections(h, *p.Port, p.States) == 0
		}
		if done {
			out.Elapsed = int64(time.Since(start).Seconds())
			return module.Result{Return: out}, nil
		}
		if time.Now().After(deadline) {
			switch {
			case p.State == "stopped":
				return fail(fmt.Sprintf("Timeout when waiting for %s:%d to stop.", p.Host, *p.Port))
			case p.State == "absent" && p.Path != nil:
				return fail(fmt.Sprintf("Timeout when waiting for %s to be absent.", *p.Path))
			case p.State == "drained":
				return fail(fmt.Sprintf("Timeout when waiting for %s:%d to drain", p.Host, *p.Port))
			case p.Port != nil && re != nil:
				return fail(fmt.Sprintf("Timeout when waiting for search string %s in %s:%d", *p.SearchRegex, p.Host, *p.Port))
			case p.Port != nil:
				return fail(fmt.Sprintf("Timeout when waiting for %s:%d", p.Host, *p.Port))
			case re != nil:
				return fail(fmt.Sprintf("Timeout when waiting for search string %s in %s", *p.SearchRegex, *p.Path))
			default:
				return fail(fmt.Sprintf("Timeout when waiting for file %s", *p.Path))
			}
		}
		if err := sleep(interval); err != nil {
			return module.Result{}, err
		}
	}
}

var _ module.Module = waitForModule{}
