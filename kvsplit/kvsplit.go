package kvsplit

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrSplit is returned by Split and ParseKV for argument strings Ansible
// cannot split either: unbalanced quotes or Jinja2 blocks.
var ErrSplit = errors.New("failed at splitting arguments, either an unbalanced jinja2 block or quotes")

// ErrIndex is returned where Python's split_args fails with an IndexError
// (whitespace or a line end before any word); parse_kv reports it as
// "Unable to parse argument string".
var ErrIndex = errors.New("unable to parse argument string")

// Split splits a free-form argument string on spaces and newlines as
// Ansible's split_args (parsing/splitter.py) does: quoted strings and Jinja2
// {{ }}, {% %}, {# #} blocks stay one token, with their inner whitespace,
// and newlines are kept at the end of the token before them.
func Split(args string) ([]string, error) {
	var params []string
	items := strings.Split(args, "\n")
	var quote byte
	printDepth, blockDepth, commentDepth := 0, 0, 0
	last := func() (*string, error) {
		if len(params) == 0 {
			return nil, ErrIndex
		}
		return &params[len(params)-1], nil
	}
	for itemIdx, item := range items {
		tokens := strings.Split(item, " ")
		cont := false
		for idx, tok := range tokens {
			if tok == "" && idx != 0 {
				p, err := last()
				if err != nil {
					return nil, err
				}
				*p += " "
				continue
			}
			inside := quote != 0
			if tok == `\` && !inside {
				cont = true
				continue
			}
			wasInside := inside
			quote = quoteState(tok, quote)
			inside = quote != 0
			jinja := printDepth > 0 || blockDepth > 0 || commentDepth > 0
			appended := false
			if inside && !wasInside && !jinja {
				params = append(params, tok)
				appended = true
			} else if jinja || inside || wasInside {
				p, err := last()
				if err != nil {
					return nil, err
				}
				switch {
				case idx == 0 && wasInside:
					*p += tok
				case len(tokens) > 1:
					if idx > 0 {
						*p += " "
					}
					*p += tok
				default:
					*p += "\n" + tok
				}
				appended = true
			}
			for _, d := range []struct {
				depth       *int
				open, close string
			}{{&printDepth, "{{", "}}"}, {&blockDepth, "{%", "%}"}, {&commentDepth, "{#", "#}"}} {
				prev := *d.depth
				*d.depth = countBlocks(tok, *d.depth, d.open, d.close)
				if *d.depth != prev && !appended {
					params = append(params, tok)
					appended = true
				}
			}
			if printDepth == 0 && blockDepth == 0 && commentDepth == 0 && !inside && !appended && tok != "" {
				params = append(params, tok)
			}
		}
		if len(items) > 1 && itemIdx != len(items)-1 && !cont {
			p, err := last()
			if err != nil {
				return nil, err
			}
			*p += "\n"
		}
	}
	if printDepth > 0 || blockDepth > 0 || commentDepth > 0 || quote != 0 {
		return nil, ErrSplit
	}
	return params, nil
}

// quoteState follows quotes through tok, as _get_quote_state: a quote
// preceded by a backslash does not count.
func quoteState(tok string, quote byte) byte {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if (c == '"' || c == '\'') && (i == 0 || tok[i-1] != '\\') {
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else {
				quote = c
			}
		}
	}
	return quote
}

func countBlocks(tok string, depth int, open, close string) int {
	o, c := strings.Count(tok, open), strings.Count(tok, close)
	if o != c {
		depth += o - c
		if depth < 0 {
			depth = 0
		}
	}
	return depth
}

// Join joins tokens from Split back, as join_args: a space between
// tokens unless the previous one ended a line.
func Join(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// Unquote removes matching outer quotes, as parsing/quoting.py unquote.
func Unquote(s string) string {
	if len(s) > 1 && s[0] == s[len(s)-1] && (s[0] == '"' || s[0] == '\'') && s[len(s)-2] != '\\' {
		return s[1 : len(s)-1]
	}
	return s
}

var escapeRE = regexp.MustCompile(`\\U[a-fA-F0-9]{8}|\\u[a-fA-F0-9]{4}|\\x[a-fA-F0-9]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]`)

// decodeEscapes decodes Python's backslash escapes, as _decode_escapes.
func decodeEscapes(s string) string {
	return escapeRE.ReplaceAllStringFunc(s, func(m string) string {
		switch m[1] {
		case 'U', 'u', 'x':
			n, err := strconv.ParseUint(m[2:], 16, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				return m
			}
			return string(rune(n))
		case 'N':
			return m // character names are not supported; keep the text
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

// RawParams is the key under which free-form words are kept.
const RawParams = "_raw_params"

// ParseKV splits a "k=v k2='v 2' words" string into options, as Ansible's
// parse_kv. Words that are not k=v go, joined, under "_raw_params". With
// rawKeys non-nil (modules that take a free-form command), only keys in
// rawKeys are options and every other word stays in the command.
func ParseKV(args string, rawKeys func(string) bool) ([][2]string, error) {
	vargs, err := Split(args)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	set := func(k, v string) {
		for i := range out {
			if out[i][0] == k {
				out[i][1] = v
				return
			}
		}
		out = append(out, [2]string{k, v})
	}
	var raw []string
	for _, orig := range vargs {
		x := decodeEscapes(orig)
		pos := -1
		for i := 1; i < len(x); i++ {
			if x[i] == '=' && x[i-1] != '\\' {
				pos = i
				break
			}
		}
		if !strings.Contains(x, "=") {
			raw = append(raw, orig)
			continue
		}
		if pos < 0 {
			raw = append(raw, strings.ReplaceAll(x, `\=`, "="))
			continue
		}
		k, v := x[:pos], x[pos+1:]
		if rawKeys != nil && !rawKeys(k) {
			raw = append(raw, orig)
			continue
		}
		set(strings.TrimSpace(k), Unquote(strings.TrimSpace(v)))
	}
	if len(raw) > 0 {
		set(RawParams, Join(raw))
	}
	return out, nil
}
