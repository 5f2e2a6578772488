package module

import (
	"encoding/json"
	"fmt"

	"gplay/pyval"
)

// ResultFromDict rebuilds a Result from a dict made by ToDict (on the
// other side of a transport): Return holds the whole dict, and Changed,
// Failed, Skipped, Msg, Warnings, Diff and Facts are read back, so that
// ToDict of the result gives the same dict again.
func ResultFromDict(d *pyval.Dict) Result {
	r := Result{Return: d}
	if d == nil {
		return r
	}
	if v, ok := d.Get("changed"); ok {
		r.Changed = pyval.Truth(v)
	}
	if v, ok := d.Get("failed"); ok {
		r.Failed = pyval.Truth(v)
	}
	if v, ok := d.Get("skipped"); ok {
		r.Skipped = pyval.Truth(v)
	}
	if v, ok := d.Get("msg"); ok {
		if s, ok := v.(string); ok {
			r.Msg = s
		}
	}
	if v, ok := d.Get("warnings"); ok {
		if l, ok := v.(*pyval.List); ok {
			for _, w := range l.Items {
				r.Warnings = append(r.Warnings, pyval.Str(w))
			}
		}
	}
	if v, ok := d.Get("diff"); ok {
		var items []any
		switch t := v.(type) {
		case *pyval.Dict:
			items = []any{t}
		case *pyval.List:
			items = t.Items
		}
		for _, it := range items {
			dd, ok := it.(*pyval.Dict)
			if !ok {
				continue
			}
			var df Diff
			df.Before, _ = dd.Get("before")
			df.After, _ = dd.Get("after")
			if h, ok := dd.Get("before_header"); ok {
				df.BeforeHeader = pyval.Str(h)
			}
			if h, ok := dd.Get("after_header"); ok {
				df.AfterHeader = pyval.Str(h)
			}
			if p, ok := dd.Get("prepared"); ok {
				df.Prepared = pyval.Str(p)
			}
			r.Diff = append(r.Diff, df)
		}
	}
	if v, ok := d.Get("ansible_facts"); ok {
		if fd, ok := v.(*pyval.Dict); ok {
			r.Facts = make(map[string]any, fd.Len())
			fd.Range(func(k, x any) bool { r.Facts[pyval.Str(k)] = x; return true })
		}
	}
	return r
}

// wireResult is EncodeResult's JSON form.
type wireResult struct {
	Result          json.RawMessage  `json:"result"`
	ControllerFiles []ControllerFile `json:"controller_files,omitempty"`
}

// EncodeResult serialises a result for a transport (the agent's wire): the
// registered dict (ToDict, no_log values scrubbed) and the controller
// files, which are not part of the dict.
func EncodeResult(r Result) []byte {
	b, _ := json.Marshal(wireResult{Result: EncodeJSON(r.ToDict()), ControllerFiles: r.ControllerFiles}) // both parts are plain JSON
	return b
}

// DecodeResult is the inverse of EncodeResult.
func DecodeResult(b []byte) (Result, error) {
	var w wireResult
	if err := json.Unmarshal(b, &w); err != nil {
		return Result{}, fmt.Errorf("decode result: %w", err)
	}
	v, err := DecodeJSON(w.Result)
	if err != nil {
		return Result{}, err
	}
	d, ok := v.(*pyval.Dict)
	if !ok {
		return Result{}, fmt.Errorf("decode result: not a dict")
	}
	r := ResultFromDict(d)
	r.ControllerFiles = w.ControllerFiles
	return r, nil
}
