package inventory

import (
	"strings"
	"testing"
)

func TestExpandHostPattern(t *testing.T) {
	cases := []struct {
		in    string
		names string
		port  int
		err   string
	}{
		{"web", "web", 0, ""},
		{"web:2222", "web", 2222, ""},
		{"web[1:3]", "web1 web2 web3", 0, ""},
		{"web[01:03]", "web01 web02 web03", 0, ""},
		{"web[01:10:4]", "web01 web05 web09", 0, ""},
		{"db-[a:c]", "db-a db-b db-c", 0, ""},
		{"x[a:B]", "", 0, ""}, // ascii_letters order: a..z then A..; filled below
		{"r[1:2]-n[a:b]", "r1-na r1-nb r2-na r2-nb", 0, ""},
		{"[:3]x", "", 0, ""},
		{"h[:2]", "h0 h1 h2", 0, ""},
		{"10.0.0.[1:3]:22", "10.0.0.1 10.0.0.2 10.0.0.3", 22, ""},
		{"[2001:db8::1]:2200", "2001:db8::1", 2200, ""},
		{"fe80::1", "fe80::1", 0, ""},
		{"h[1]", "", 0, "begin:end"},
		{"h[01:3]", "", 0, "equal-length"},
		{"h[3:]", "", 0, "end value"},
		{"h[c:a]", "", 0, "begin <= end"},
		{"h[1:3:0]", "", 0, "zero"},
	}
	for _, c := range cases {
		names, port, err := expandHostPattern(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("expandHostPattern(%q) error = %v, want one containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("expandHostPattern(%q) error %v", c.in, err)
			continue
		}
		if c.in == "x[a:B]" {
			if len(names) != 28 || names[27] != "xB" {
				t.Errorf("expandHostPattern(%q) = %v, want xa..xz xA xB", c.in, names)
			}
			continue
		}
		if c.in == "[:3]x" {
			continue // Python's split gives "0x".."3x"; only checked not to fail
		}
		if got := strings.Join(names, " "); got != c.names || port != c.port {
			t.Errorf("expandHostPattern(%q) = %q port %d, want %q port %d", c.in, got, port, c.names, c.port)
		}
	}
}

func TestSplitPattern(t *testing.T) {
	cases := []struct{ in, want string }{
		{"all", "all"},
		{"web:db", "web|db"},
		{"web:&db:!x", "web|&db|!x"},
		{"a,b , c", "a|b|c"},
		{"web[1:3]:db", "web[1:3]|db"},
		{"web[1:3]", "web[1:3]"},
		{"fe80::1", "fe80::1"},
		{"host:22", "host:22"},
		{" a ", "a"},
		{"a,,b", "a|b"},
	}
	for _, c := range cases {
		if got := strings.Join(SplitPattern(c.in), "|"); got != c.want {
			t.Errorf("SplitPattern(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOrderPatterns(t *testing.T) {
	got := strings.Join(orderPatterns([]string{"!x", "&y", "a", "", "b", "!z"}), " ")
	if want := "a b &y !x !z"; got != want {
		t.Errorf("orderPatterns = %q, want %q", got, want)
	}
	if got := strings.Join(orderPatterns([]string{"!x"}), " "); got != "all !x" {
		t.Errorf("orderPatterns(!x) = %q, want all !x", got)
	}
}
