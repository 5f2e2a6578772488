package module

import (
	"strings"
	"testing"

	"gplay/pyval"
)

// fileSpec is the argument_spec of ansible.builtin.file (2.14), the
// module the expected messages below were taken from with the real
// ansible (ansible localhost -m file -a ...).
var fileSpec = Spec{
	Params: []Param{
		{Name: "state", Choices: []any{"absent", "directory", "file", "hard", "link", "touch"}},
		{Name: "path", Type: TypePath, Required: true, Aliases: []string{"dest", "name"}},
		{Name: "_original_basename"},
		{Name: "recurse", Type: TypeBool, Default: false},
		{Name: "force", Type: TypeBool, Default: false},
		{Name: "follow", Type: TypeBool, Default: true},
		{Name: "modification_time"},
		{Name: "modification_time_format", Default: "%Y%m%d%H%M.%S"},
		{Name: "access_time"},
		{Name: "access_time_format", Default: "%Y%m%d%H%M.%S"},
		{Name: "src", Type: TypePath},
		{Name: "_diff_peek", Type: TypeBool},
	},
	FileCommon: true,
}

func TestValidateAnsibleMessages(t *testing.T) {
	info := Info{ID: "ansible.builtin.file", Spec: fileSpec}
	tests := []struct {
		name string
		args *pyval.Dict
		want string
	}{
		{"unsupported", pyval.DictOf("path", "/tmp/x", "mod", int64(1)),
			"Unsupported parameters for (file) module: mod. Supported parameters include: _diff_peek, _original_basename, access_time, access_time_format, attributes, follow, force, group, mode, modification_time, modification_time_format, owner, path, recurse, selevel, serole, setype, seuser, src, state, unsafe_writes (attr, dest, name)."},
		{"choices", pyval.DictOf("state", "foo", "path", "/x"),
			"value of state must be one of: absent, directory, file, hard, link, touch, got: foo"},
		{"required", pyval.DictOf("state", "file"), "missing required arguments: path"},
		{"bool", pyval.DictOf("path", "/x", "recurse", "maybe"),
			"argument 'recurse' is of type <class 'str'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean.  Valid booleans include: 0, 1, 'y', 'yes', 'on', '1', 'true', 't', 'n', 'no', 'off', '0', 'false', 'f'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := info.Validate(tt.args)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Validate(%s) = %v,\nwant %s", pyval.Repr(tt.args), err, tt.want)
			}
		})
	}
}

func TestValidateCoercionAndDefaults(t *testing.T) {
	a, err := fileSpec.Validate(pyval.DictOf("dest", "/x", "recurse", "yes", "mode", int64(0o644)))
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]any{
		"path": "/x", "recurse": true, "force": false, "follow": true, "mode": int64(0o644),
		"state": nil, "unsafe_writes": false, "modification_time_format": "%Y%m%d%H%M.%S",
	}
	for k, want := range checks {
		if got := a.Get(k); !pyval.Equal(got, want) {
			t.Errorf("Get(%q) = %s, want %s", k, pyval.Repr(got), pyval.Repr(want))
		}
	}
	if a.Dict().Has("dest") {
		t.Errorf("alias dest left in args")
	}
	var s struct {
		Path    string  `arg:"path"`
		Recurse bool    `arg:"recurse"`
		Mode    any     `arg:"mode"`
		State   *string `arg:"state"`
	}
	if err := a.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.Path != "/x" || !s.Recurse || s.Mode != int64(0o644) || s.State != nil {
		t.Errorf("Decode = %+v", s)
	}
}

func TestCoerce(t *testing.T) {
	tests := []struct {
		typ  Type
		in   any
		want any
		err  string
	}{
		{TypeStr, int64(5), "5", ""},
		{TypeStr, true, "True", ""},
		{TypeStr, pyval.NewList("a"), "['a']", ""},
		{TypeList, "a,b", pyval.NewList("a", "b"), ""},
		{TypeList, int64(3), pyval.NewList("3"), ""},
		{TypeList, pyval.NewDict(0), nil, "<class 'dict'> cannot be converted to a list"},
		{TypeDict, "a=1 b='x y'", pyval.DictOf("a", "1", "b", "x y"), ""},
		{TypeDict, `{"a": 1}`, pyval.DictOf("a", int64(1)), ""},
		{TypeDict, "nope", nil, "dictionary requested, could not parse JSON or key=value"},
		{TypeBool, "On", true, ""},
		{TypeBool, int64(0), false, ""},
		{TypeInt, " 42 ", int64(42), ""},
		{TypeInt, 4.5, nil, "<class 'float'> cannot be converted to an int"},
		{TypeFloat, "1e3", 1000.0, ""},
		{TypeFloat, int64(2), 2.0, ""},
		{TypeJSON, pyval.DictOf("a", pyval.NewList(int64(1), "x")), `{"a": [1, "x"]}`, ""},
		{TypeBytes, "10M", int64(10 << 20), ""},
		{TypeBytes, "1KB", int64(1024), ""},
		{TypeBits, "1Mb", int64(1 << 20), ""},
	}
	for _, tt := range tests {
		got, err := coerce(tt.typ, tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("coerce(%s, %s) error = %v, want %s", tt.typ, pyval.Repr(tt.in), err, tt.err)
			}
			continue
		}
		if err != nil || !pyval.Equal(got, tt.want) {
			t.Errorf("coerce(%s, %s) = %s, %v, want %s", tt.typ, pyval.Repr(tt.in), pyval.Repr(got), err, pyval.Repr(tt.want))
		}
	}
}

func TestRules(t *testing.T) {
	spec := Spec{
		Params: []Param{{Name: "a"}, {Name: "b"}, {Name: "state", Default: "present"}, {Name: "c", Type: TypeDict,
			Options: []Param{{Name: "x", Required: true}}}},
		Rules: Rules{
			RequiredIf: []RequiredIf{{Key: "state", Value: "absent", Requires: []string{"a", "b"}, AnyOf: true}},
			RequiredBy: []RequiredBy{{Key: "a", Requires: []string{"b"}}},
		},
	}
	tests := []struct {
		args *pyval.Dict
		want string
	}{
		{pyval.DictOf("state", "absent"), "state is absent but any of the following are missing: a, b"},
		{pyval.DictOf("a", "1"), "missing parameter(s) required by 'a': b"},
		{pyval.DictOf("c", pyval.DictOf("y", "1")), "missing required arguments: x found in c"},
		{pyval.DictOf("c", pyval.DictOf("x", "1", "y", "1")), "c.y. Supported parameters include: x."},
	}
	for _, tt := range tests {
		_, err := spec.Validate(tt.args)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Validate(%s) = %v, want %s", pyval.Repr(tt.args), err, tt.want)
		}
	}
}

func TestResultToDictScrubs(t *testing.T) {
	type ret struct {
		RC     int    `json:"rc"`
		Stdout string `json:"stdout"`
	}
	r := Result{Changed: true, Return: ret{RC: 0, Stdout: "the s3cret is here"}}.WithNoLog([]string{"s3cret"})
	d := r.ToDict()
	if got := string(EncodeJSON(d)); got != `{"rc":0,"stdout":"the ******** is here","changed":true}` {
		t.Errorf("ToDict = %s", got)
	}
}

func TestToPyMixed(t *testing.T) {
	type ret struct {
		A int      `json:"a"`
		B []string `json:"b,omitempty"`
	}
	v, err := ToPy(map[string]any{"z": pyval.DictOf("k", "v"), "a": []any{1, "x"}, "r": ret{A: 1}, "n": (*int)(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got := pyval.Repr(v); got != "{'a': [1, 'x'], 'n': None, 'r': {'a': 1}, 'z': {'k': 'v'}}" {
		t.Errorf("ToPy = %s", got)
	}
	ret2 := pyval.DictOf("rc", int64(0))
	r := Result{Changed: true, Return: ret2}
	r.ToDict()
	if ret2.Has("changed") {
		t.Errorf("ToDict modified the Return dict")
	}
}

func TestControllerSources(t *testing.T) {
	spec := Spec{Params: []Param{
		{Name: "src", Source: SourceControllerFile, RemoteIf: []string{"remote_src"}},
		{Name: "remote_src", Type: TypeBool},
		{Name: "_raw_params", Aliases: []string{"cmd"}, Source: SourceControllerScript},
	}}
	tests := []struct {
		args *pyval.Dict
		want string
	}{
		{pyval.DictOf("src", "files/a.conf"), "src=files/a.conf"},
		{pyval.DictOf("src", "/etc/x", "remote_src", "yes"), ""},
		{pyval.DictOf("src", "https://example.org/x.tgz"), ""},
		{pyval.DictOf("cmd", "scripts/run.sh --flag"), "_raw_params=scripts/run.sh"},
	}
	for _, tt := range tests {
		var got []string
		for _, cs := range spec.ControllerSources(tt.args) {
			got = append(got, cs.Param.Name+"="+cs.Path)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("ControllerSources(%s) = %v, want %s", pyval.Repr(tt.args), got, tt.want)
		}
	}
}

func TestValidateDeferred(t *testing.T) {
	info := Info{ID: "ansible.builtin.file", Spec: fileSpec}
	if _, err := info.Validate(pyval.DictOf("path", "/x", "recurse", Deferred{"{{ r }}"}, "state", Deferred{"{{ s }}"})); err != nil {
		t.Errorf("Validate with deferred values = %v", err)
	}
	if _, err := info.Validate(pyval.DictOf("state", Deferred{"{{ s }}"})); err == nil || err.Error() != "missing required arguments: path" {
		t.Errorf("Validate without path = %v", err)
	}
}
