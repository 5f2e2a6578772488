package modules

import (
	"reflect"
	"strings"
	"testing"

	"gplay/module"
	"gplay/pyval"
)

// paramStructs maps each module to the structs its Run decodes, so that
// every arg tag can be checked against the spec.
var paramStructs = map[module.ID][]any{
	"ansible.builtin.file":            {fileParams{}},
	"ansible.builtin.command":         {commandParamsT{}},
	"ansible.builtin.copy":            {copyParams{}},
	"ansible.builtin.lineinfile":      {lineinfileParams{}},
	"ansible.builtin.apt":             {aptParams{}},
	"ansible.builtin.systemd_service": {systemdParams{}},
	"ansible.builtin.service":         {serviceParams{}},
	"ansible.builtin.user":            {userParams{}},
	"ansible.posix.mount":             {mountParams{}},
	"ansible.posix.sysctl":            {sysctlParams{}},
}

func argTags(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if tag, ok := f.Tag.Lookup("arg"); ok && tag != "-" {
			out = append(out, tag)
		} else if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, argTags(f.Type)...)
		}
	}
	return out
}

// TestRegistry checks every built-in module: its names, its spec (no
// required param with a default, defaults of the declared type and among
// the choices, file-common params only through FileCommon), and that its
// parameter structs name only params of the spec.
func TestRegistry(t *testing.T) {
	mods := module.Default.Modules()
	if len(mods) < 33 {
		t.Errorf("only %d modules registered", len(mods))
	}
	for _, m := range mods {
		info := m.Info()
		id := info.ID
		if !strings.Contains(string(id), ".") {
			t.Errorf("%s: ID is not a FQCN", id)
		}
		if got, ok := module.Default.Lookup(id.Name()); !ok || got.Info().ID != id {
			t.Errorf("%s: short name %s does not resolve to it", id, id.Name())
		}
		names := map[string]bool{}
		for _, p := range info.Spec.AllParams() {
			for _, n := range append([]string{p.Name}, p.Aliases...) {
				if names[n] {
					t.Errorf("%s: name %s used twice in the spec", id, n)
				}
				names[n] = true
			}
			if p.Required && p.Default != nil {
				t.Errorf("%s: %s is required and has a default", id, p.Name)
			}
			if p.Default == nil {
				continue
			}
			// the default goes through type coercion and the choices check
			spec := module.Spec{Params: []module.Param{p}}
			if _, err := spec.Validate(pyval.NewDict(0)); err != nil {
				t.Errorf("%s: default of %s does not validate: %v", id, p.Name, err)
			}
		}
		for _, s := range paramStructs[id] {
			for _, tag := range argTags(reflect.TypeOf(s)) {
				if _, ok := info.Spec.Param(tag); !ok {
					t.Errorf("%s: struct %T has arg tag %q that is not a param", id, s, tag)
				}
			}
		}
	}
	for id := range paramStructs {
		if _, ok := module.Default.Lookup(string(id)); !ok {
			t.Errorf("%s is not registered", id)
		}
	}
}
