package yaml11

import (
	"errors"
	"strings"
	"testing"

	"gplay/diag"
)

func TestErrors(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg, hint string
	}{
		{"missing space after colon", "a:\n  b:1\n  c: 2\n", 2, 5, "mapping values are not allowed", "space missing after the colon"},
		{"missing space top level", "a:b\nc:\n  d: 1\n", 1, 3, "mapping values", "space missing after the colon"},
		{"tab indentation", "a:\n\tb: 1\n", 2, 1, "cannot start any token", "tab character"},
		{"tab after spaces", "a:\n  b: 1\n\tc: 2\n", 3, 1, "tab", "tab character"},
		{"unquoted braces", "- name: x\n  with_items: {{ foo }}\n", 2, 15, "starting with {{", "missing quotes"},
		{"unquoted braces nested", "- debug:\n    msg: {{ foo }}\n", 2, 10, "starting with {{", "missing quotes"},
		{"unquoted braces in list", "items:\n  - {{ foo }}\n", 2, 5, "starting with {{", "missing quotes"},
		{"unclosed double quote", "a: \"abc\n", 1, 4, "quoted scalar", "quote"},
		{"unclosed single quote", "a: 'abc\nb: 2\n", 1, 4, "quoted scalar", "quote"},
		{"text after quote", "a: \"abc\" def\n", 1, 10, "did not find expected key", "text after a closing quote"},
		{"bad indentation deeper", "a:\n  b: 1\n   c: 2\n", 3, 5, "mapping values", "indentation"},
		{"mapping after list", "a:\n  - b\n  c: 2\n", 3, 3, "'-' indicator", "indentation"},
		{"colon in value", "msg: hello: world\n", 1, 11, "mapping values", "quote the whole value"},
		{"unclosed flow", "a: [1, 2\n", 1, 9, "flow sequence", "not closed"},
		{"unknown alias", "a: *nope\n", 1, 4, "nope", ""},
		{"recursive alias", "a: &x [*x]\n", 1, 8, "recursive alias", "own value"},
		{"unknown tag", "a: !foo 1\n", 1, 4, "constructor for the tag '!foo'", "!vault"},
		{"list key", "? [1]\n: 2\n", 1, 3, "unhashable type: 'list'", ""},
		{"two documents", "a: 1\n---\nb: 2\n", 3, 1, "single document", ""},
		{"merge of scalar", "a:\n  <<: 1\n", 2, 7, "for merging", "merge"},
		{"merge list of scalars", "a:\n  <<: [1]\n", 2, 8, "for merging", "merge"},
		{"bad int", "a: 0x_\n", 1, 4, "invalid integer", ""},
		{"merge tag as value", "a: <<\n", 1, 4, "tag:yaml.org,2002:merge", "quote it"},
		{"value tag as item", "- =\n", 1, 3, "tag:yaml.org,2002:value", "quote it"},
		{"single quote inside single quotes", "a: 'it's'\n", 1, 8, "did not find expected key", "written twice"},
		{"extra closing bracket", "a: [1, 2]]\n", 1, 10, "did not find expected key", "no matching"},
		{"braces after key in when", "- when: {{ x }} == 1\n", 1, 17, "did not find expected key", "missing quotes"},
		{"sequence item misindented", "- name: a\n  become: yes\n - name: b\n", 3, 2, "'-' indicator", "indentation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("f.yml", []byte(c.src), Options{})
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("Load(%q) error = %v, want *diag.Error", c.src, err)
			}
			if de.Pos.File != "f.yml" || de.Pos.Line != c.line || de.Pos.Col != c.col {
				t.Errorf("Load(%q) pos = %s, want f.yml:%d:%d (%s)", c.src, de.Pos, c.line, c.col, de.Msg)
			}
			if !strings.Contains(de.Msg, c.msg) {
				t.Errorf("Load(%q) msg = %q, want it to contain %q", c.src, de.Msg, c.msg)
			}
			if !strings.Contains(de.Hint, c.hint) {
				t.Errorf("Load(%q) hint = %q, want it to contain %q", c.src, de.Hint, c.hint)
			}
			if want := diag.LineOf([]byte(c.src), c.line); de.Source != want {
				t.Errorf("Load(%q) source = %q, want %q", c.src, de.Source, want)
			}
		})
	}
}
