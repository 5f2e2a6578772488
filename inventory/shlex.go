package inventory

import "errors"

// shlexSplit is Python's shlex.split(s, comments=true) in POSIX mode, which
// Ansible's INI plugin uses for host lines: whitespace separates words,
// quotes group, a backslash escapes (inside double quotes only before " and
// \), and # outside quotes starts a comment.
func shlexSplit(s string) ([]string, error) {
	var out []string
	var tok []rune
	inTok := false // a word was started (possibly an empty quoted one)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if inTok {
				out = append(out, string(tok))
				tok, inTok = tok[:0], false
			}
		case c == '#':
			// comment till the end of the line
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			if inTok {
				out = append(out, string(tok))
				tok, inTok = tok[:0], false
			}
		case c == '\\':
			if i+1 >= len(rs) {
				return nil, errors.New("No escaped character")
			}
			i++
			tok = append(tok, rs[i])
			inTok = true
		case c == '\'' || c == '"':
			inTok = true
			q := c
			i++
			for ; ; i++ {
				if i >= len(rs) {
					return nil, errors.New("No closing quotation")
				}
				d := rs[i]
				if d == q {
					break
				}
				if q == '"' && d == '\\' {
					if i+1 >= len(rs) {
						return nil, errors.New("No closing quotation")
					}
					n := rs[i+1]
					if n != '"' && n != '\\' {
						tok = append(tok, '\\')
					}
					tok = append(tok, n)
					i++
					continue
				}
				tok = append(tok, d)
			}
		default:
			tok = append(tok, c)
			inTok = true
		}
	}
	if inTok {
		out = append(out, string(tok))
	}
	return out, nil
}
