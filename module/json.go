package module

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"gplay/pyval"
)

// DecodeJSON parses JSON into pyval values, keeping object key order:
// objects become *pyval.Dict, arrays *pyval.List, integral numbers int64,
// other numbers float64. The agent uses it on the wire.
func DecodeJSON(b []byte) (any, error) {
	v, err := decodeJSONValue(b)
	if err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	return v, nil
}

func decodeJSONValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeJSONTok(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func decodeJSONTok(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			d := pyval.NewDict(4)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeJSONTok(dec)
				if err != nil {
					return nil, err
				}
				d.Set(kt.(string), v)
			}
			_, err := dec.Token()
			return d, err
		case '[':
			l := pyval.NewList()
			for dec.More() {
				v, err := decodeJSONTok(dec)
				if err != nil {
					return nil, err
				}
				l.Append(v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		return f, err
	}
	return tok, nil // string, bool, nil
}

// EncodeJSON writes a pyval value as compact JSON, keeping dict order.
// Non-string dict keys are written with Python's str(). Values pyval does
// not know are written with encoding/json.
func EncodeJSON(v any) []byte {
	var b bytes.Buffer
	encodeJSON(&b, v)
	return b.Bytes()
}

func encodeJSON(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case *pyval.Dict:
		b.WriteByte('{')
		i := 0
		t.Range(func(k, x any) bool {
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			ks, _ := json.Marshal(pyval.Str(k))
			b.Write(ks)
			b.WriteByte(':')
			encodeJSON(b, x)
			return true
		})
		b.WriteByte('}')
	case *pyval.List:
		encodeJSONSeq(b, t.Items)
	case pyval.Tuple:
		encodeJSONSeq(b, t)
	case pyval.Unsafe:
		s, _ := json.Marshal(string(t))
		b.Write(s)
	case float64:
		if t != t || t > 1.7976931348623157e308 || t < -1.7976931348623157e308 {
			// JSON has no NaN/Infinity; Python writes them bare
			b.WriteString(pyval.FloatRepr(t))
			return
		}
		s, _ := json.Marshal(t)
		b.Write(s)
	default:
		s, err := json.Marshal(t)
		if err != nil {
			s, _ = json.Marshal(pyval.Str(t))
		}
		b.Write(s)
	}
}

func encodeJSONSeq(b *bytes.Buffer, items []any) {
	b.WriteByte('[')
	for i, x := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		encodeJSON(b, x)
	}
	b.WriteByte(']')
}
