package output

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"gplay/engine"
	"gplay/module"
	"gplay/pyval"
)

// JSON writes one JSON object per event and line: {"event": "<Type>", ...}
// with the event's fields; results are written as their dicts.
type JSON struct{ w io.Writer }

// NewJSON returns a JSON reporter writing to w.
func NewJSON(w io.Writer) *JSON { return &JSON{w: w} }

// Report implements engine.Reporter.
func (j *JSON) Report(e engine.Event) {
	v := reflect.ValueOf(e)
	t := v.Type()
	out := map[string]any{"event": t.Name()}
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		name := t.Field(i).Name
		switch x := f.Interface().(type) {
		case engine.Status:
			out[name] = x.String()
		default:
			if f.Kind() == reflect.Pointer && f.IsNil() {
				continue
			}
			if d, ok := f.Interface().(interface{ Len() int }); ok && d != nil {
				if enc := module.EncodeJSON(f.Interface()); len(enc) > 0 && (enc[0] == '{' || enc[0] == '[') {
					out[name] = json.RawMessage(enc)
					continue
				}
			}
			out[name] = f.Interface()
		}
	}
	if ev, ok := e.(engine.HostResult); ok && ev.Result != nil {
		clean := pyval.NewDict(ev.Result.Len())
		ev.Result.Range(func(k, v any) bool {
			if ks, ok := k.(string); !ok || !strings.HasPrefix(ks, "_ansible_") {
				clean.Set(k, v)
			}
			return true
		})
		out["Result"] = json.RawMessage(module.EncodeJSON(clean))
	}
	if ev, ok := e.(engine.HostResult); ok {
		out["Item"] = json.RawMessage(module.EncodeJSON(ev.Item))
		out["Label"] = json.RawMessage(module.EncodeJSON(ev.Label))
	}
	b, err := json.Marshal(out)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"event": t.Name(), "error": err.Error()})
	}
	fmt.Fprintf(j.w, "%s\n", b)
}
