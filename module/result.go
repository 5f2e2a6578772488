package module

import (
	"encoding/json"
	"fmt"
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
// no_log values are scrubbed. The engine adds what is not the module's
// (failed: false, item, ...).
func (r Result) ToDict() *pyval.Dict {
	d := pyval.NewDict(8)
	if r.Return != nil {
		v, err := ToPy(r.Return)
		if rd, ok := v.(*pyval.Dict); ok && err == nil {
			d = rd
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
		return Scrub(d, r.noLog).(*pyval.Dict)
	}
	return d
}

// ToPy converts a JSON-serialisable Go value (structs with json tags,
// maps, slices) to pyval values, keeping struct field order; map keys come
// out sorted, as encoding/json writes them. pyval values pass through.
func ToPy(v any) (any, error) {
	switch v.(type) {
	case nil, bool, int64, float64, string, *pyval.List, *pyval.Dict:
		return v, nil
	}
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		return nil, fmt.Errorf("module result is not JSON-serialisable: %w", err)
	}
	return DecodeJSON(b)
}

// jsonable wraps pyval containers found at the top so encoding/json can
// write them; nested ones inside structs must implement json.Marshaler
// through EncodeJSON (they do not, so modules keep Return plain Go).
func jsonable(v any) any {
	switch t := v.(type) {
	case *pyval.Dict, *pyval.List, pyval.Tuple:
		return rawJSON(EncodeJSON(t))
	}
	return v
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

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
