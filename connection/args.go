package connection

import (
	"fmt"
	"strings"
)

// sshOption is one OpenSSH configuration keyword with its value, as given
// with -o on the command line. Keys are lower-case, as ssh -G prints them.
type sshOption struct {
	Key, Value string
}

// sshArgs is what gplay understands of an ssh command line.
type sshArgs struct {
	Options    []sshOption // in command-line order; for most keys the first wins
	ConfigFile string      // -F
}

// splitShell splits s into words as a POSIX shell would, without
// expansions: single quotes, double quotes with backslash escapes, and
// backslash escapes outside quotes. Ansible splits ssh args with
// shlex.split (plugins/connection/ssh.py), which follows the same rules.
func splitShell(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				if s[i] != '\n' {
					cur.WriteByte(s[i])
				}
			}
		case c == '\'':
			inWord = true
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated single quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			inWord = true
			closed := false
			for i++; i < len(s); i++ {
				if s[i] == '"' {
					closed = true
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
					if s[i] == '\n' {
						continue
					}
				}
				cur.WriteByte(s[i])
			}
			if !closed {
				return nil, fmt.Errorf("unterminated double quote in %q", s)
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// sshFlagsWithValue are the ssh(1) flags that take an argument; unknown
// ones are skipped together with their argument.
const sshFlagsWithValue = "BbcDEeFIiJLlmOopQRSWw"

// parseSSHArgs reads the OpenSSH options out of ssh command-line words.
// Flags gplay has no use for (-C, -q, -v, -4, -L ...) are ignored, as they
// change nothing about how the connection is made or authenticated.
func parseSSHArgs(words []string) (sshArgs, error) {
	var a sshArgs
	for i := 0; i < len(words); i++ {
		w := words[i]
		if len(w) < 2 || w[0] != '-' {
			return a, fmt.Errorf("unexpected ssh argument %q (only options are allowed)", w)
		}
		// Boolean flags may be grouped (-Cq); a flag with a value ends the
		// group and takes the rest of the word or the next word.
		for j := 1; j < len(w); j++ {
			f := w[j]
			if strings.IndexByte(sshFlagsWithValue, f) < 0 {
				continue
			}
			val := w[j+1:]
			if val == "" {
				if i+1 >= len(words) {
					return a, fmt.Errorf("ssh option -%c needs a value", f)
				}
				i++
				val = words[i]
			}
			switch f {
			case 'o':
				opt, err := parseOption(val)
				if err != nil {
					return a, err
				}
				a.Options = append(a.Options, opt)
			case 'J':
				a.Options = append(a.Options, sshOption{"proxyjump", val})
			case 'i':
				a.Options = append(a.Options, sshOption{"identityfile", val})
			case 'p':
				a.Options = append(a.Options, sshOption{"port", val})
			case 'l':
				a.Options = append(a.Options, sshOption{"user", val})
			case 'F':
				if a.ConfigFile == "" {
					a.ConfigFile = val
				}
			}
			break
		}
	}
	return a, nil
}

// parseOption parses an -o argument: "Key=Value", "Key Value" or
// "Key = Value", as OpenSSH's readconf accepts.
func parseOption(s string) (sshOption, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "= \t")
	if i <= 0 {
		return sshOption{}, fmt.Errorf("bad ssh option %q (want -o Key=Value)", s)
	}
	key := strings.ToLower(s[:i])
	val := strings.TrimSpace(s[i:])
	val = strings.TrimSpace(strings.TrimPrefix(val, "="))
	if val == "" {
		return sshOption{}, fmt.Errorf("ssh option %q has no value", s)
	}
	return sshOption{key, val}, nil
}
