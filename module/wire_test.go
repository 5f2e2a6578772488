package module

import (
	"reflect"
	"testing"

	"gplay/pyval"
)

func TestEncodeDecodeResult(t *testing.T) {
	type ret struct {
		Stdout string `json:"stdout"`
	}
	r := Result{
		Changed: true, Msg: "done", Warnings: []string{"w"},
		Diff:            []Diff{{Prepared: "Inst hello"}, {Before: "a", After: "b", BeforeHeader: "f"}},
		Facts:           map[string]any{"x": pyval.DictOf("k", int64(1))},
		Return:          ret{Stdout: "the s3cret"},
		ControllerFiles: []ControllerFile{{Path: "out/h1/etc/x", Data: []byte{0, 1, 2}}},
	}.WithNoLog([]string{"s3cret"})
	got, err := DecodeResult(EncodeResult(r))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Changed || got.Msg != "done" || len(got.Diff) != 2 || got.Diff[0].Prepared != "Inst hello" || got.Diff[1].BeforeHeader != "f" {
		t.Errorf("decoded = %+v", got)
	}
	if !reflect.DeepEqual(got.ControllerFiles, r.ControllerFiles) {
		t.Errorf("controller files = %+v", got.ControllerFiles)
	}
	if a, b := pyval.Repr(got.ToDict()), pyval.Repr(r.ToDict()); a != b {
		t.Errorf("ToDict after the round trip =\n%s\nwant\n%s", a, b)
	}
	if s, _ := got.ToDict().Get("stdout"); s != "the ********" {
		t.Errorf("stdout = %v, want scrubbed", s)
	}
}
