package pyval

import (
	"math"
	"testing"
)

// The wanted strings are what CPython 3.11 prints for the same values.
func TestRepr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "None"},
		{true, "True"},
		{int64(-7), "-7"},
		{1.0, "1.0"},
		{0.1, "0.1"},
		{1e16, "1e+16"},
		{1e15, "1000000000000000.0"},
		{123456789012345678.0, "1.2345678901234568e+17"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1.5e-10, "1.5e-10"},
		{1e22, "1e+22"},
		{math.Inf(1), "inf"},
		{math.Copysign(0, -1), "-0.0"},
		{"it's", `"it's"`},
		{`a"b'c`, `'a"b\'c'`},
		{"tab\there\n", `'tab\there\n'`},
		{"\x01é\u2028\u00a0", `'\x01é\u2028\xa0'`},
		{Unsafe("u"), "'u'"},
		{DictOf("a", NewList(int64(1), Tuple{int64(2)}, nil, true)), "{'a': [1, (2,), None, True]}"},
		{Tuple{}, "()"},
		{Tuple{int64(1), "x"}, "(1, 'x')"},
		{NewList(), "[]"},
		{DictOf(int64(1), "one", Tuple{int64(1), int64(2)}, 2.5), "{1: 'one', (1, 2): 2.5}"},
	}
	for _, tc := range tests {
		if got := Repr(tc.in); got != tc.want {
			t.Errorf("Repr(%#v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestStr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"plain", "plain"},
		{nil, "None"},
		{false, "False"},
		{2.0, "2.0"},
		{NewList("a", "b"), "['a', 'b']"},
		{Undefined{Name: "x"}, ""},
	}
	for _, tc := range tests {
		if got := Str(tc.in); got != tc.want {
			t.Errorf("Str(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDictKeepsOrderAndPythonKeyEquality(t *testing.T) {
	d := NewDict(0)
	d.Set("b", int64(1))
	d.Set("a", int64(2))
	d.Set(int64(1), "int")
	d.Set(true, "bool") // True == 1 in Python: same key, first key kept
	d.Set(1.0, "float")
	d.Set("b", int64(3)) // existing key keeps its place
	if got, want := Repr(d), "{'b': 3, 'a': 2, 1: 'float'}"; got != want {
		t.Fatalf("dict = %s, want %s", got, want)
	}
	if !d.Delete("b") || d.Has("b") || d.Len() != 2 {
		t.Fatalf("delete b: %s", Repr(d))
	}
	if v, ok := d.Get(int64(1)); !ok || v != "float" {
		t.Fatalf("Get(1) after delete = %v, %v", v, ok)
	}
	c := d.Copy()
	c.Set("new", nil)
	if d.Has("new") {
		t.Fatal("Copy shares entries with the original")
	}
}

func TestTruthEqualCompare(t *testing.T) {
	truth := []struct {
		in   any
		want bool
	}{
		{nil, false}, {"", false}, {"0", true}, {int64(0), false}, {0.0, false},
		{NewList(), false}, {NewList(nil), true}, {NewDict(0), false}, {Tuple{}, false},
		{Undefined{}, false}, {"False", true},
	}
	for _, tc := range truth {
		if got := Truth(tc.in); got != tc.want {
			t.Errorf("Truth(%#v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	equal := []struct {
		a, b any
		want bool
	}{
		{int64(1), 1.0, true}, {true, int64(1), true}, {"a", Unsafe("a"), true},
		{NewList(int64(1)), Tuple{int64(1)}, false}, {nil, Undefined{}, false},
		{DictOf("a", int64(1), "b", int64(2)), DictOf("b", int64(2), "a", 1.0), true},
		{"1", int64(1), false},
	}
	for _, tc := range equal {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", Repr(tc.a), Repr(tc.b), got, tc.want)
		}
	}
	cmp := []struct {
		a, b any
		want int
		err  string
	}{
		{int64(1), 2.5, -1, ""},
		{"b", "a", 1, ""},
		{NewList(int64(1), int64(2)), NewList(int64(1)), 1, ""},
		{Tuple{int64(1)}, Tuple{int64(1)}, 0, ""},
		{"a", int64(1), 0, "'<' not supported between instances of 'str' and 'int'"},
	}
	for _, tc := range cmp {
		got, err := Compare(tc.a, tc.b)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Compare(%s, %s) err = %v, want %s", Repr(tc.a), Repr(tc.b), err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Compare(%s, %s) = %d, %v; want %d", Repr(tc.a), Repr(tc.b), got, err, tc.want)
		}
	}
}

type quoted string

func (q quoted) PyRepr() string { return QuoteStr(string(q)) }
func (q quoted) String() string { return string(q) }

func TestReprUsesPyRepr(t *testing.T) {
	if got, want := Repr(DictOf("pw", quoted("s3cret"))), "{'pw': 's3cret'}"; got != want {
		t.Errorf("Repr = %s, want %s", got, want)
	}
	if got, want := Str(quoted("s3cret")), "s3cret"; got != want {
		t.Errorf("Str = %s, want %s", got, want)
	}
}
