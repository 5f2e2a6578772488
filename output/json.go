package output

import (
	"bytes"
	"encoding/json"
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
					out[name] = json.RawMessage(unescapeHTML(enc))
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
		out["Result"] = json.RawMessage(unescapeHTML(module.EncodeJSON(clean)))
	}
	if ev, ok := e.(engine.HostResult); ok {
		out["Item"] = json.RawMessage(unescapeHTML(module.EncodeJSON(ev.Item)))
		out["Label"] = json.RawMessage(unescapeHTML(module.EncodeJSON(ev.Label)))
	}
	// one event per line; <, > and & stay as they are (no HTML here)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		b.Reset()
		enc.Encode(map[string]any{"event": t.Name(), "error": err.Error()})
	}
	j.w.Write(b.Bytes())
}

// unescapeHTML turns encoding/json's \u003c, \u003e and \u0026 back into
// <, > and &: the stream is read by programs, not embedded in HTML.
// Escape pairs are consumed whole, so an escaped backslash followed by
// "u003c" stays as it is.
func unescapeHTML(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u00`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "003c":
				out, i = append(out, '<'), i+5
				continue
			case "003e":
				out, i = append(out, '>'), i+5
				continue
			case "0026":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		out, i = append(out, b[i], b[i+1]), i+1
	}
	return out
}
