package diag

import (
	"errors"
	"testing"
)

func TestPosString(t *testing.T) {
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{File: "site.yml", Line: 3, Col: 5}, "site.yml:3:5"},
		{Pos{File: "site.yml", Line: 3}, "site.yml:3"},
		{Pos{File: "site.yml"}, "site.yml"},
		{Pos{Line: 7, Col: 2}, "7:2"},
		{Pos{}, "-"},
	}
	for _, tc := range tests {
		if got := tc.pos.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.pos, got, tc.want)
		}
	}
}

func TestErrorFormatDrawsTheLineAndCaret(t *testing.T) {
	src := []byte("- hosts: all\n  tasks:\n\t- debug: msg=hi\n")
	e := &Error{Pos: Pos{File: "p.yml", Line: 3, Col: 2}, Msg: "found a tab character", Hint: "indent with spaces", Source: LineOf(src, 3)}
	want := "p.yml:3:2: found a tab character\n\n\t- debug: msg=hi\n\t^ here\n\nindent with spaces\n"
	if got := e.Format(); got != want {
		t.Errorf("Format() =\n%q\nwant\n%q", got, want)
	}
	if got := LineOf(src, 9); got != "" {
		t.Errorf("LineOf past the end = %q, want empty", got)
	}
}

func TestListErrKeepsErrorsDropsWarnings(t *testing.T) {
	var l List
	l.Add(&Error{Pos: Pos{File: "b.yml", Line: 2}, Msg: "second"})
	l.Add(&Error{Pos: Pos{File: "a.yml", Line: 9}, Msg: "a warning", Severity: SevWarning})
	l.Add(&Error{Pos: Pos{File: "a.yml", Line: 1}, Msg: "first"})
	l.Sort()
	if l[0].Msg != "first" || l[1].Msg != "a warning" || l[2].Msg != "second" {
		t.Fatalf("sorted = %v, %v, %v", l[0], l[1], l[2])
	}
	err := l.Err()
	var e *Error
	if !errors.As(err, &e) || err.Error() != "a.yml:1: first\nb.yml:2: second" {
		t.Fatalf("Err() = %v", err)
	}
	if (List{{Msg: "w", Severity: SevWarning}}).Err() != nil {
		t.Fatal("a list of warnings has no error")
	}
}
