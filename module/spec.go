package module

import (
	"strings"

	"gplay/pyval"
)

// Type is an argument_spec type. The empty Type means "str" for Param.Type
// and "no element check" for Param.Elements, as in Ansible.
type Type string

const (
	TypeStr   Type = "str"
	TypeList  Type = "list"
	TypeDict  Type = "dict"
	TypeBool  Type = "bool"
	TypeInt   Type = "int"
	TypeFloat Type = "float"
	TypePath  Type = "path"
	TypeRaw   Type = "raw"
	TypeJSON  Type = "jsonarg" // Ansible also spells it "json"
	TypeBytes Type = "bytes"
	TypeBits  Type = "bits"
)

// Param is one entry of an argument_spec.
type Param struct {
	Name     string
	Type     Type // "" is str
	Elements Type // for lists: each element is coerced to this type
	Required bool
	// Default is used when the param is absent: a pyval value (string,
	// int64, bool, *pyval.List...). Nil means no default (the param is None).
	Default any
	// Choices are the allowed values (pyval values, compared after coercion).
	Choices []any
	Aliases []string
	// NoLog marks a secret: its value is scrubbed from results and logs.
	NoLog bool
	// Options is a sub-spec for Type dict, or list with Elements dict.
	Options []Param
	// Rules are the cross-field rules of Options.
	Rules Rules
	// ApplyDefaults fills Options' defaults even when the param is absent.
	ApplyDefaults bool
	// Fallback is an environment variable read when the param is absent
	// (Ansible's fallback=(env_fallback, [...])).
	Fallback []string
	// Source says whether the engine resolves the value on the controller.
	Source Source
	// RemoteIf names bool params that, when true, make a controller Source
	// param a plain remote value (copy's and unarchive's remote_src).
	RemoteIf []string
}

// Rules are Ansible's cross-field constraints.
type Rules struct {
	MutuallyExclusive [][]string
	RequiredTogether  [][]string
	RequiredOneOf     [][]string
	RequiredIf        []RequiredIf
	RequiredBy        []RequiredBy
}

// RequiredIf: when Key equals Value, Requires must be set (all of them, or
// at least one when AnyOf).
type RequiredIf struct {
	Key      string
	Value    any
	Requires []string
	AnyOf    bool
}

// RequiredBy: when Key is set, Requires must be set too.
type RequiredBy struct {
	Key      string
	Requires []string
}

// Spec is a module's argument_spec.
type Spec struct {
	Params []Param
	Rules
	// FileCommon adds Ansible's file-common arguments (mode, owner, group,
	// seuser, serole, selevel, setype, attributes, unsafe_writes), as
	// add_file_common_args=True does.
	FileCommon bool
}

// FileCommonParams are Ansible's FILE_COMMON_ARGUMENTS
// (module_utils/basic.py).
func FileCommonParams() []Param {
	return []Param{
		{Name: "mode", Type: TypeRaw},
		{Name: "owner"},
		{Name: "group"},
		{Name: "seuser"},
		{Name: "serole"},
		{Name: "selevel"},
		{Name: "setype"},
		{Name: "attributes", Aliases: []string{"attr"}},
		{Name: "unsafe_writes", Type: TypeBool, Default: false, Fallback: []string{"ANSIBLE_UNSAFE_WRITES"}},
	}
}

// AllParams returns the params including the file-common ones.
func (s Spec) AllParams() []Param {
	if !s.FileCommon {
		return s.Params
	}
	out := append([]Param(nil), s.Params...)
	have := map[string]bool{}
	for _, p := range out {
		have[p.Name] = true
	}
	for _, p := range FileCommonParams() {
		if !have[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// Param returns the param named name (not an alias), searching the
// file-common ones too.
func (s Spec) Param(name string) (Param, bool) {
	for _, p := range s.AllParams() {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// ControllerSource is a param value the engine must read (and maybe
// render) on the controller before the call.
type ControllerSource struct {
	Param Param
	// Path is the controller path to look up: the value, or its first
	// shell word for SourceControllerScript.
	Path string
}

// ControllerSources lists the params of raw (unvalidated, templated) args
// that the engine must resolve on the controller, applying the rules in
// one place: aliases, RemoteIf flags (lenient booleans), and values that
// are URLs ("scheme://"), which stay remote.
func (s Spec) ControllerSources(raw *pyval.Dict) []ControllerSource {
	if raw == nil {
		return nil
	}
	var out []ControllerSource
	for _, p := range s.AllParams() {
		if p.Source == SourceRemote {
			continue
		}
		var v any
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if x, ok := raw.Get(n); ok && x != nil {
				v = x
			}
		}
		if v == nil {
			continue
		}
		remote := false
		for _, flag := range p.RemoteIf {
			if fv, ok := raw.Get(flag); ok {
				if b, err := CoerceBool(fv); err == nil && b {
					remote = true
				}
			}
		}
		path := pyval.Str(v)
		if remote || strings.Contains(path, "://") {
			continue
		}
		if p.Source == SourceControllerScript {
			f := strings.Fields(path)
			if len(f) == 0 {
				continue
			}
			path = f[0]
		}
		out = append(out, ControllerSource{Param: p, Path: path})
	}
	return out
}
