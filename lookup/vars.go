package lookup

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"syscall"

	"gplay/pyval"
)

var envOptions = []option{{name: "default", typ: "raw", def: ""}}

// envLookup is ansible.builtin.env: controller environment variables; the
// first word of each term is the name.
func envLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), envOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, t := range c.Terms {
		f := strings.Fields(pyval.Str(t))
		if len(f) == 0 {
			return nil, &Error{Kind: KindOther, Class: "IndexError", Msg: "list index out of range"}
		}
		if v, ok := c.Task.getenv(f[0]); ok {
			out = append(out, v)
			continue
		}
		d := opts["default"]
		if _, undef := d.(pyval.Undefined); undef {
			return nil, undefinedErrf("The \"env\" lookup, found an undefined variable: %s", f[0])
		}
		out = append(out, d)
	}
	return out, nil
}

// varsLookup is ansible.builtin.vars: variables by name, templated, with
// hostvars[inventory_hostname] as a fallback and default for missing ones.
func varsLookup(ctx context.Context, c *Call) ([]any, error) {
	def, hasDef := c.Kw.Get("default")
	if hasDef {
		if s, ok := str(def); ok {
			def = unquote(s)
		}
	}
	var out []any
	for _, t := range c.Terms {
		name, ok := str(t)
		if !ok {
			return nil, errf("Invalid setting identifier, \"%s\" is not a string, its a <class '%s'>", pyval.Str(t), pyval.TypeName(t))
		}
		v, found := c.Task.getVar(name)
		if !found {
			v, found = c.Task.hostVar(name)
		}
		var uerr error
		switch u := v.(type) {
		case pyval.Undefined:
			msg := u.Hint
			if msg == "" {
				msg = fmt.Sprintf("'%s' is undefined", u.Name)
			}
			uerr = undefinedErrf("%s", msg)
		}
		if !found {
			uerr = undefinedErrf("No variable found with this name: %s", name)
		}
		if uerr != nil {
			if hasDef && def != nil {
				out = append(out, def)
				continue
			}
			return nil, uerr
		}
		out = append(out, v)
	}
	return out, nil
}

// hostVar is hostvars[inventory_hostname][name].
func (tc *TaskContext) hostVar(name string) (any, bool) {
	hv, ok := tc.getVar("hostvars")
	name0 := tc.InventoryHostname
	if name0 == "" {
		v, _ := tc.getVar("inventory_hostname")
		name0, _ = str(v)
	}
	if !ok || name0 == "" {
		return nil, false
	}
	var host any
	switch h := hv.(type) {
	case *pyval.Dict:
		host, ok = h.Get(name0)
	case Vars:
		host, ok = h.Get(name0)
	default:
		return nil, false
	}
	if !ok {
		return nil, false
	}
	switch h := host.(type) {
	case *pyval.Dict:
		return h.Get(name)
	case Vars:
		return h.Get(name)
	}
	return nil, false
}

// varnamesLookup is ansible.builtin.varnames: the names of the task's
// variables that match each regular expression (re.search).
func varnamesLookup(ctx context.Context, c *Call) ([]any, error) {
	vn, ok := c.Task.Vars.(VarNamer)
	if c.Task.Vars == nil || !ok {
		return nil, errf("No variables available to search")
	}
	names := vn.Names()
	var out []any
	for _, t := range c.Terms {
		term, ok := str(t)
		if !ok {
			return nil, errf("Invalid setting identifier, \"%s\" is not a string, it is a <class '%s'>", pyval.Str(t), pyval.TypeName(t))
		}
		re, err := regexp.Compile(term)
		if err != nil {
			return nil, errf("Unable to use \"%s\" as a search parameter: %s", term, err)
		}
		for _, n := range names {
			if re.MatchString(n) {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// run runs a shell command as the pipe and lines lookups do: /bin/sh -c in
// the loader basedir, stdin empty, stdout captured, stderr passed on.
func run(ctx context.Context, tc *TaskContext, cmd string) ([]byte, int, error) {
	sh := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	sh.Dir = tc.basedir()
	var stdout bytes.Buffer
	sh.Stdout = &stdout
	sh.Stderr = tc.Stderr
	err := sh.Run()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			rc := ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				// Python's returncode for a killed child is -signal
				rc = -int(ws.Signal())
			}
			return stdout.Bytes(), rc, nil
		}
		return nil, 0, err
	}
	return stdout.Bytes(), 0, nil
}

func pipeLookup(ctx context.Context, c *Call) ([]any, error) {
	var out []any
	for _, t := range c.Terms {
		term := pyval.Str(t)
		b, rc, err := run(ctx, c.Task, term)
		if err != nil {
			return nil, errf("%s", err)
		}
		if rc != 0 {
			return nil, errf("lookup_plugin.pipe(%s) returned %d", term, rc)
		}
		out = append(out, strings.TrimRightFunc(text(b), pyIsSpace))
	}
	return out, nil
}

func linesLookup(ctx context.Context, c *Call) ([]any, error) {
	out := []any{}
	for _, t := range c.Terms {
		term := pyval.Str(t)
		b, rc, err := run(ctx, c.Task, term)
		if err != nil {
			return nil, errf("%s", err)
		}
		if rc != 0 {
			return nil, errf("lookup_plugin.lines(%s) returned %d", term, rc)
		}
		for _, l := range splitLinesBytes(text(b)) {
			out = append(out, l)
		}
	}
	return out, nil
}

// splitLinesBytes is bytes.splitlines: \n, \r\n and \r end lines.
func splitLinesBytes(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			out = append(out, s[start:i])
			start = i + 1
		case '\r':
			out = append(out, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
