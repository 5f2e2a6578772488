package module

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gplay/pyval"
)

// Result is what a module reports. Return carries the module's own fields
// as a struct with json tags (rc, stdout, dest, ...) and fixes their layout;
// ToDict merges everything into the dict Ansible registers.
type Result struct {
	Changed bool
	// Failed is set by Fail (from Run's error); modules return an error
	// instead of setting it.
	Failed bool
	// Skipped: the module did not run (check mode unsupported, or it chose
	// to skip, as command does under check).
	Skipped  bool
	Msg      string
	Warnings []string
	// Diff is produced when the request asked for it (Request.Diff).
	Diff []Diff
	// Facts are merged into the host's ansible_facts by the engine; keys
	// have no ansible_ prefix (hostname, default_ipv4, ...).
	Facts map[string]any
	// Return is the module-specific part: a struct (or pointer to one) with
	// json tags, or a map. It must survive encoding/json.
	Return any
	// ControllerFiles are files the engine writes on the controller (the
	// fetch module); they are not part of the registered result, so a
	// transport must carry them beside ToDict's dict.
	ControllerFiles []ControllerFile

	noLog []string
}

// Diff is one before/after pair. Before and After are either strings
// (file contents, rendered as a unified diff) or maps of state (rendered
// as JSON, as Ansible does for file attributes); nil when not part of this
// diff. Prepared is a ready-made text shown as is (Ansible's "prepared"
// key: apt's list of package changes) and then Before/After are nil.
type Diff struct {
	Before       any    `json:"before,omitempty"`
	After        any    `json:"after,omitempty"`
	BeforeHeader string `json:"before_header,omitempty"`
	AfterHeader  string `json:"after_header,omitempty"`
	Prepared     string `json:"prepared,omitempty"`
}

// ControllerFile is a file to write on the controller. Path is relative
// to the playbook directory unless absolute. The engine writes it
// atomically, creating parent directories, only when its content differs
// from what is there, and then marks the task changed (Ansible's fetch).
type ControllerFile struct {
	Path string `json:"path"`
	Data []byte `json:"data"`
}

// Fail marks the result failed with err's text as msg (unless err is nil).
func (r Result) Fail(err error) Result {
	if err != nil {
		r.Failed = true
		r.Msg = err.Error()
	}
	return r
}

// WithNoLog returns r with values to scrub in ToDict added (Call does this
// with the args' no_log values).
func (r Result) WithNoLog(values []string) Result {
	r.noLog = append(append([]string(nil), r.noLog...), values...)
	return r
}

// ToDict returns the dict Ansible would register: the Return fields in
// their declared order, then changed, failed (only when true), skipped
// (only when true), msg (when set; it overrides a Return msg), warnings
// (when any), diff (one dict, or a list when several) and ansible_facts.
// no_log values are scrubbed, except in the diff, as in Ansible. The engine adds what is not the module's
// (failed: false, item, ...).
func (r Result) ToDict() *pyval.Dict {
	d := pyval.NewDict(8)
	if r.Return != nil {
		v, err := ToPy(r.Return)
		if rd, ok := v.(*pyval.Dict); ok && err == nil {
			d = rd.Copy() // Return may be a dict the caller keeps (the agent's wire result)
		} else if err != nil {
			d.Set("module_result_error", err.Error())
		}
	}
	d.Set("changed", r.Changed)
	if r.Failed {
		d.Set("failed", true)
	}
	if r.Skipped {
		d.Set("skipped", true)
	}
	if r.Msg != "" {
		d.Set("msg", r.Msg)
	}
	if len(r.Warnings) > 0 {
		items := make([]any, len(r.Warnings))
		for i, w := range r.Warnings {
			items[i] = w
		}
		d.Set("warnings", pyval.NewList(items...))
	}
	if len(r.Diff) > 0 {
		var dv any
		if len(r.Diff) == 1 {
			dv, _ = ToPy(r.Diff[0])
		} else {
			dv, _ = ToPy(r.Diff)
		}
		d.Set("diff", dv)
	}
	if len(r.Facts) > 0 {
		fv, err := ToPy(r.Facts)
		if err == nil {
			d.Set("ansible_facts", fv)
		}
	}
	if len(r.noLog) > 0 {
		// the diff is left as is: Ansible computes copy's and template's
		// diffs on the controller, outside no_log scrubbing, and shows the
		// new content (a task's no_log: true hides everything instead)
		diff, hasDiff := d.Get("diff")
		d = Scrub(d, r.noLog).(*pyval.Dict)
		if hasDiff {
			d.Set("diff", diff)
		}
	}
	return d
}

// ToPy converts a Go value to pyval values: pyval values pass through;
// maps with string keys become dicts with sorted keys (as encoding/json
// writes them); slices become lists; pointers are followed; other ints and
// floats become int64 and float64; structs (and json.Marshaler values) go
// through encoding/json, keeping their field order. Facts and Return may
// therefore mix plain Go and pyval values, except inside structs.
func ToPy(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool, int64, float64, string, pyval.Unsafe, *pyval.List, *pyval.Dict, pyval.Tuple:
		return v, nil
	case int:
		return int64(t), nil
	case json.Marshaler:
		return viaJSON(v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return ToPy(rv.Elem().Interface())
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil, nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return viaJSON(v) // []byte is base64 in JSON, as Go writes it
		}
		items := make([]any, rv.Len())
		for i := range items {
			x, err := ToPy(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			items[i] = x
		}
		return pyval.NewList(items...), nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return viaJSON(v)
		}
		if rv.IsNil() {
			return nil, nil
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		d := pyval.NewDict(len(keys))
		for _, k := range keys {
			x, err := ToPy(rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface())
			if err != nil {
				return nil, err
			}
			d.Set(k, x)
		}
		return d, nil
	}
	return viaJSON(v)
}

func viaJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("module result is not JSON-serialisable: %w", err)
	}
	return DecodeJSON(b)
}

const noLogMask = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

// Scrub replaces no_log values in v, as Ansible's remove_values does: a
// string equal to a secret becomes VALUE_SPECIFIED_IN_NO_LOG_PARAMETER, a
// secret inside a longer string becomes ********. Containers are copied.
func Scrub(v any, secrets []string) any {
	if len(secrets) == 0 {
		return v
	}
	switch t := v.(type) {
	case *pyval.Dict:
		d := pyval.NewDict(t.Len())
		t.Range(func(k, x any) bool { d.Set(k, Scrub(x, secrets)); return true })
		return d
	case *pyval.List:
		items := make([]any, len(t.Items))
		for i, x := range t.Items {
			items[i] = Scrub(x, secrets)
		}
		return pyval.NewList(items...)
	case pyval.Tuple:
		items := make(pyval.Tuple, len(t))
		for i, x := range t {
			items[i] = Scrub(x, secrets)
		}
		return items
	case string:
		for _, s := range secrets {
			if t == s {
				return noLogMask
			}
		}
		for _, s := range secrets {
			t = strings.ReplaceAll(t, s, "********")
		}
		return t
	case pyval.Unsafe:
		return pyval.Unsafe(Scrub(string(t), secrets).(string))
	case nil:
		return nil
	case bool, int64, float64:
		str := pyval.Str(t)
		for _, s := range secrets {
			if strings.Contains(str, s) {
				return noLogMask
			}
		}
	}
	return v
}
