package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"gplay/module"
)

// cmdResult is the registered result of command, shell, raw and script:
// Ansible's keys, with stdout_lines and stderr_lines (which Ansible's
// controller adds) filled here.
type cmdResult struct {
	Cmd         any      `json:"cmd,omitempty"`
	Stdout      string   `json:"stdout"`
	Stderr      string   `json:"stderr"`
	RC          *int     `json:"rc"`
	Start       *string  `json:"start"`
	End         *string  `json:"end"`
	Delta       *string  `json:"delta"`
	Msg         *string  `json:"msg,omitempty"`
	StdoutLines []string `json:"stdout_lines"`
	StderrLines []string `json:"stderr_lines"`
}

func intp(n int) *int       { return &n }
func strp(s string) *string { return &s }
func boolp(b bool) *bool    { return &b }

// pyTime formats a time as Python's str(datetime.datetime.now()).
func pyTime(t time.Time) string {
	s := t.Format("2006-01-02 15:04:05.000000")
	return s
}

// pyDelta formats a duration as Python's str(timedelta): "0:00:00.003510".
func pyDelta(d time.Duration) string {
	us := d.Microseconds()
	h := us / 3600e6
	us -= h * 3600e6
	m := us / 60e6
	us -= m * 60e6
	s := us / 1e6
	us -= s * 1e6
	if us == 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d:%02d.%06d", h, m, s, us)
}

// splitLines is Python's str.splitlines(): the lines without their
// endings; \r\n, \r, \n and the other Unicode line boundaries split.
func splitLines(s string) []string {
	out := []string{}
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, s[start:i])
			if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				size = 2
			}
			start = i + size
		}
		i += size
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// toText decodes command output as Ansible's to_text(errors=
// 'surrogate_or_replace') effectively does for display: invalid UTF-8
// becomes U+FFFD.
func toText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// execFailure is what run_command registers when the program cannot be
// started: no times, and cmd as one quoted string (its _clean_args).
type execFailure struct {
	Cmd         string   `json:"cmd"`
	Stdout      string   `json:"stdout"`
	Stderr      string   `json:"stderr"`
	RC          int      `json:"rc"`
	Msg         string   `json:"msg"`
	StdoutLines []string `json:"stdout_lines"`
	StderrLines []string `json:"stderr_lines"`
}

// errExecFailed marks a command that could not be started (the result is
// then an execFailure and the task is not changed).
type errExecFailed struct {
	msg string
	res execFailure
}

func (e *errExecFailed) Error() string { return e.msg }

func newExecFailure(argv []string, rc int, msg string) *errExecFailed {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuote(a)
	}
	return &errExecFailed{msg: msg, res: execFailure{Cmd: strings.Join(q, " "), RC: rc, Msg: msg, StdoutLines: []string{}, StderrLines: []string{}}}
}

// runTimed runs c on h (Exec: commands may change the host) and fills the
// timing and output fields of r. A command that cannot be started fails as
// Ansible's run_command does: rc is the errno, msg "[Errno 2] ...".
func runTimed(ctx context.Context, h module.Host, c module.Cmd, strip bool, r *cmdResult) error {
	start := time.Now()
	res, err := h.Exec(ctx, c)
	end := time.Now()
	r.Start, r.End, r.Delta = strp(pyTime(start)), strp(pyTime(end)), strp(pyDelta(end.Sub(start)))
	if err != nil && res.RC == 0 {
		var ee *exec.Error
		switch {
		case errors.As(err, &ee) || errors.Is(err, fs.ErrNotExist):
			return newExecFailure(c.Argv, 2, fmt.Sprintf("[Errno 2] No such file or directory: b'%s'", c.Argv[0]))
		case errors.Is(err, fs.ErrPermission):
			return newExecFailure(c.Argv, 13, fmt.Sprintf("[Errno 13] Permission denied: b'%s'", c.Argv[0]))
		}
		if errors.Is(err, module.ErrCheckMode) {
			return err
		}
		msg := err.Error()
		r.Msg = &msg
		return err
	}
	r.RC = intp(res.RC)
	r.Stdout, r.Stderr = toText(res.Stdout), toText(res.Stderr)
	if strip {
		r.Stdout = strings.TrimRight(r.Stdout, "\r\n")
		r.Stderr = strings.TrimRight(r.Stderr, "\r\n")
	}
	r.StdoutLines, r.StderrLines = splitLines(r.Stdout), splitLines(r.Stderr)
	if err != nil {
		return err // context cancelled
	}
	return nil
}

// globExists is Python's bool(glob.glob(pattern)) for creates/removes.
func globExists(pattern string) bool {
	if !strings.ContainsAny(pattern, "*?[") {
		_, err := filepath.Glob(pattern)
		if err != nil {
			return false
		}
	}
	m, err := filepath.Glob(pattern)
	return err == nil && len(m) > 0
}

// shellSplit is Python's shlex.split (POSIX mode): whitespace separates,
// quotes group, backslash escapes outside single quotes, # starts no
// comment (shlex.split disables comments).
func shellSplit(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("No closing quotation")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("No closing quotation")
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// shellQuote is Python's shlex.quote.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
