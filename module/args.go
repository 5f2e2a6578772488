package module

import (
	"fmt"
	"reflect"
	"strconv"

	"gplay/pyval"
)

// Args are a module's validated arguments: every param of the spec is
// present (None when absent without a default), aliases are resolved and
// values are coerced to their declared types.
type Args struct {
	d        *pyval.Dict
	noLog    []string
	warnings []string
}

// NewArgs wraps an already validated dict (for tests of a single module
// function; Call and Spec.Validate build Args otherwise).
func NewArgs(d *pyval.Dict) Args {
	if d == nil {
		d = pyval.NewDict(0)
	}
	return Args{d: d}
}

// Dict returns the arguments as a dict. It must not be modified.
func (a Args) Dict() *pyval.Dict {
	if a.d == nil {
		return pyval.NewDict(0)
	}
	return a.d
}

// Get returns the value of a param (nil for None).
func (a Args) Get(name string) any {
	if a.d == nil {
		return nil
	}
	v, _ := a.d.Get(name)
	return v
}

// IsSet reports whether a param has a value other than None.
func (a Args) IsSet(name string) bool { return a.Get(name) != nil }

// NoLogValues are the string forms of every value of a no_log param; they
// must be scrubbed from results and logs (Scrub does it).
func (a Args) NoLogValues() []string { return a.noLog }

// Warnings are validation warnings (an option and its alias both set).
func (a Args) Warnings() []string { return a.warnings }

// Invocation returns Ansible's invocation.module_args: the arguments with
// no_log values replaced by VALUE_SPECIFIED_IN_NO_LOG_PARAMETER.
func (a Args) Invocation() *pyval.Dict {
	return Scrub(a.Dict(), a.noLog).(*pyval.Dict)
}

// Decode fills the struct pointed to by out from the arguments. Fields are
// matched by the tag `arg:"name"` (fields without a tag are left alone).
// Supported field types: string, bool, int, int64, float64, []string, []int,
// []any, any, *pyval.Dict, *pyval.List, map[string]string, map[string]any,
// pointers to these (nil when the param is None), structs and slices of
// structs for nested options. A None value leaves the field at its zero
// value. Untagged embedded structs are filled from the same params.
// Decode fails on a value that does not fit its field: a spec and
// struct that disagree, which the registry test catches.
func (a Args) Decode(out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("decode args: need a pointer to a struct, got %T", out)
	}
	return decodeStruct(a.Dict(), rv.Elem())
}

func decodeStruct(d *pyval.Dict, sv reflect.Value) error {
	st := sv.Type()
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		name, ok := f.Tag.Lookup("arg")
		if !ok && f.Anonymous && f.Type.Kind() == reflect.Struct {
			// an embedded struct shares the params (fileArgs in file, copy...)
			if err := decodeStruct(d, sv.Field(i)); err != nil {
				return err
			}
			continue
		}
		if !ok || name == "-" {
			continue
		}
		v, _ := d.Get(name)
		if v == nil {
			continue
		}
		if err := decodeValue(v, sv.Field(i)); err != nil {
			return fmt.Errorf("decode args: %s: %w", name, err)
		}
	}
	return nil
}

var (
	dictType = reflect.TypeOf((*pyval.Dict)(nil))
	listType = reflect.TypeOf((*pyval.List)(nil))
)

func decodeValue(v any, fv reflect.Value) error {
	ft := fv.Type()
	switch ft {
	case dictType, listType:
		if reflect.TypeOf(v) != ft {
			return fmt.Errorf("got %s", pyval.TypeName(v))
		}
		fv.Set(reflect.ValueOf(v))
		return nil
	}
	switch ft.Kind() {
	case reflect.Pointer:
		p := reflect.New(ft.Elem())
		if err := decodeValue(v, p.Elem()); err != nil {
			return err
		}
		fv.Set(p)
		return nil
	case reflect.Interface:
		fv.Set(reflect.ValueOf(v))
		return nil
	case reflect.String:
		fv.SetString(pyval.Str(v))
		return nil
	case reflect.Bool:
		b, err := CoerceBool(v)
		if err != nil {
			return err
		}
		fv.SetBool(b)
		return nil
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint32, reflect.Uint64:
		var n int64
		switch t := v.(type) {
		case int64:
			n = t
		case float64:
			n = int64(t)
		case bool:
			if t {
				n = 1
			}
		default:
			x, err := strconv.ParseInt(pyval.Str(v), 10, 64)
			if err != nil {
				return fmt.Errorf("got %s", pyval.TypeName(v))
			}
			n = x
		}
		if ft.Kind() == reflect.Uint32 || ft.Kind() == reflect.Uint64 {
			fv.SetUint(uint64(n))
		} else {
			fv.SetInt(n)
		}
		return nil
	case reflect.Float64:
		switch t := v.(type) {
		case float64:
			fv.SetFloat(t)
		case int64:
			fv.SetFloat(float64(t))
		default:
			return fmt.Errorf("got %s", pyval.TypeName(v))
		}
		return nil
	case reflect.Slice:
		var items []any
		switch t := v.(type) {
		case *pyval.List:
			items = t.Items
		case pyval.Tuple:
			items = t
		default:
			items = []any{v}
		}
		s := reflect.MakeSlice(ft, len(items), len(items))
		for i, it := range items {
			if err := decodeValue(it, s.Index(i)); err != nil {
				return err
			}
		}
		fv.Set(s)
		return nil
	case reflect.Map:
		d, ok := v.(*pyval.Dict)
		if !ok || ft.Key().Kind() != reflect.String {
			return fmt.Errorf("got %s", pyval.TypeName(v))
		}
		m := reflect.MakeMapWithSize(ft, d.Len())
		var err error
		d.Range(func(k, x any) bool {
			ev := reflect.New(ft.Elem()).Elem()
			if x != nil {
				if err = decodeValue(x, ev); err != nil {
					return false
				}
			}
			m.SetMapIndex(reflect.ValueOf(pyval.Str(k)), ev)
			return true
		})
		if err != nil {
			return err
		}
		fv.Set(m)
		return nil
	case reflect.Struct:
		d, ok := v.(*pyval.Dict)
		if !ok {
			return fmt.Errorf("got %s", pyval.TypeName(v))
		}
		return decodeStruct(d, fv)
	}
	return fmt.Errorf("unsupported field type %s", ft)
}
