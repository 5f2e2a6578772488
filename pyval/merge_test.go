package pyval

import "testing"

func TestMergeHash(t *testing.T) {
	x := DictOf("a", int64(1), "d", DictOf("p", int64(1), "q", DictOf("r", int64(1))), "l", NewList(int64(1), int64(2)))
	y := DictOf("b", int64(2), "d", DictOf("q", DictOf("s", int64(2))), "l", NewList(int64(2), int64(3)))
	tests := []struct {
		recursive bool
		list      string
		want      string
	}{
		{false, "replace", "{'a': 1, 'd': {'q': {'s': 2}}, 'l': [2, 3], 'b': 2}"},
		{true, "replace", "{'a': 1, 'd': {'p': 1, 'q': {'r': 1, 's': 2}}, 'l': [2, 3], 'b': 2}"},
		{true, "keep", "{'a': 1, 'd': {'p': 1, 'q': {'r': 1, 's': 2}}, 'l': [1, 2], 'b': 2}"},
		{true, "append", "{'a': 1, 'd': {'p': 1, 'q': {'r': 1, 's': 2}}, 'l': [1, 2, 2, 3], 'b': 2}"},
		{true, "prepend", "{'a': 1, 'd': {'p': 1, 'q': {'r': 1, 's': 2}}, 'l': [2, 3, 1, 2], 'b': 2}"},
		{true, "append_rp", "{'a': 1, 'd': {'p': 1, 'q': {'r': 1, 's': 2}}, 'l': [1, 2, 3], 'b': 2}"},
		{true, "prepend_rp", "{'a': 1, 'd': {'p': 1, 'q': {'r': 1, 's': 2}}, 'l': [2, 3, 1], 'b': 2}"},
	}
	for _, tc := range tests {
		got := Repr(MergeHash(x, y, tc.recursive, tc.list))
		if got != tc.want {
			t.Errorf("recursive=%v list=%s: got %s, want %s", tc.recursive, tc.list, got, tc.want)
		}
	}
	// the inputs are never modified
	if Repr(x) != "{'a': 1, 'd': {'p': 1, 'q': {'r': 1}}, 'l': [1, 2]}" {
		t.Errorf("x modified: %s", Repr(x))
	}
}

func TestCombineVars(t *testing.T) {
	for _, merge := range []bool{false, true} {
		a := DictOf("k", DictOf("x", int64(1)), "s", "old")
		CombineVars(a, DictOf("k", DictOf("y", int64(2)), "s", DictOf("now", true)), merge)
		want := "{'k': {'y': 2}, 's': {'now': True}}"
		if merge {
			want = "{'k': {'x': 1, 'y': 2}, 's': {'now': True}}"
		}
		if got := Repr(a); got != want {
			t.Errorf("merge=%v: got %s, want %s", merge, got, want)
		}
	}
}
