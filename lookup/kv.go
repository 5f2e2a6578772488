package lookup

import (
	"regexp"
	"strconv"
	"strings"

	"gplay/pyval"
)

// parseKV is Ansible's parse_kv(args, check_raw=False) (parsing/splitter.py)
// as the sequence, password and csvfile lookups use it: key=value words
// become keys, the other words are joined into _raw_params.
func parseKV(args string) (*pyval.Dict, error) {
	out := pyval.NewDict(0)
	words, err := splitArgs(args)
	if err != nil {
		return nil, err
	}
	var raw []string
	for _, orig := range words {
		x := decodeEscapes(orig)
		if !strings.Contains(x, "=") {
			raw = append(raw, orig)
			continue
		}
		// the first '=' after position 0 not preceded by a backslash
		pos := -1
		for i := 1; i < len(x); i++ {
			if x[i] == '=' && x[i-1] != '\\' {
				pos = i
				break
			}
		}
		if pos < 0 {
			raw = append(raw, strings.ReplaceAll(x, `\=`, "="))
			continue
		}
		out.Set(strings.TrimSpace(x[:pos]), unquote(strings.TrimSpace(x[pos+1:])))
	}
	if len(raw) > 0 {
		j := ""
		for _, p := range raw {
			if j == "" || strings.HasSuffix(j, "\n") {
				j += p
			} else {
				j += " " + p
			}
		}
		out.Set("_raw_params", j)
	}
	return out, nil
}

// splitArgs is Ansible's split_args: words split on spaces, kept together
// inside quotes and Jinja2 blocks, newlines preserved.
func splitArgs(args string) ([]string, error) {
	var params []string
	lines := strings.Split(args, "\n")
	var quote byte
	inQuotes := false
	printDepth, blockDepth, commentDepth := 0, 0, 0
	for li, line := range lines {
		tokens := strings.Split(line, " ")
		cont := false
		for idx, tok := range tokens {
			if tok == "" && idx != 0 {
				if len(params) > 0 {
					params[len(params)-1] += " "
				}
				continue
			}
			if tok == `\` && !inQuotes {
				cont = true
				continue
			}
			wasInQuotes := inQuotes
			quote = quoteState(tok, quote)
			inQuotes = quote != 0
			appended := false
			nested := printDepth > 0 || blockDepth > 0 || commentDepth > 0
			switch {
			case inQuotes && !wasInQuotes && !nested:
				params = append(params, tok)
				appended = true
			case nested || inQuotes || wasInQuotes:
				last := len(params) - 1
				if last < 0 {
					params = append(params, "")
					last = 0
				}
				switch {
				case idx == 0 && wasInQuotes:
					params[last] += tok
				case len(tokens) > 1:
					sp := ""
					if idx > 0 {
						sp = " "
					}
					params[last] += sp + tok
				default:
					params[last] += "\n" + tok
				}
				appended = true
			}
			for _, d := range []struct {
				depth       *int
				open, close string
			}{{&printDepth, "{{", "}}"}, {&blockDepth, "{%", "%}"}, {&commentDepth, "{#", "#}"}} {
				prev := *d.depth
				*d.depth = jinjaDepth(tok, prev, d.open, d.close)
				if *d.depth != prev && !appended {
					params = append(params, tok)
					appended = true
				}
			}
			if printDepth == 0 && blockDepth == 0 && commentDepth == 0 && !inQuotes && !appended && tok != "" {
				params = append(params, tok)
			}
		}
		if len(lines) > 1 && li != len(lines)-1 && !cont && len(params) > 0 {
			params[len(params)-1] += "\n"
		}
	}
	if printDepth > 0 || blockDepth > 0 || commentDepth > 0 || inQuotes {
		return nil, errf("failed at splitting arguments, either an unbalanced jinja2 block or quotes: %s", args)
	}
	return params, nil
}

func quoteState(tok string, q byte) byte {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if (c == '"' || c == '\'') && (i == 0 || tok[i-1] != '\\') {
			if q != 0 {
				if c == q {
					q = 0
				}
			} else {
				q = c
			}
		}
	}
	return q
}

func jinjaDepth(tok string, depth int, open, close string) int {
	o, c := strings.Count(tok, open), strings.Count(tok, close)
	if o != c {
		depth += o - c
		if depth < 0 {
			depth = 0
		}
	}
	return depth
}

var escapeRE = regexp.MustCompile(`\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]`)

// decodeEscapes is splitter._decode_escapes (without \N{name}).
func decodeEscapes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return escapeRE.ReplaceAllStringFunc(s, func(m string) string {
		switch m[1] {
		case 'U', 'u', 'x':
			n, err := strconv.ParseUint(m[2:], 16, 32)
			if err != nil {
				return m
			}
			return string(rune(n))
		case 'a':
			return "\a"
		case 'b':
			return "\b"
		case 'f':
			return "\f"
		case 'n':
			return "\n"
		case 'r':
			return "\r"
		case 't':
			return "\t"
		case 'v':
			return "\v"
		}
		return m[1:]
	})
}
