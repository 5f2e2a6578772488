package yaml11

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gplay/diag"
	"gplay/pyval"
)

// DecodeData loads a data file the way Ansible's DataLoader does
// (parsing/utils/yaml.py from_yaml): as JSON first, and as YAML only when
// that fails. The difference shows in values: JSON's 1e3 is a float,
// YAML 1.1's a string. It is what vars files, group_vars/host_vars and
// YAML inventories go through.
func DecodeData(file string, src []byte, opts Options) (any, error) {
	if v, err := decodeJSON(src, opts); err == nil {
		return v, nil
	}
	return Decode(file, src, opts)
}

// decodeJSON parses src as Python's json.loads with Ansible's decoder:
// objects keep key order, integers are ints, NaN/Infinity are accepted,
// {"__ansible_vault": …} and {"__ansible_unsafe": …} become *Vault and
// pyval.Unsafe.
func decodeJSON(src []byte, opts Options) (any, error) {
	t := bytes.TrimSpace(src)
	if len(t) == 0 {
		return nil, errors.New("empty")
	}
	// Python accepts these bare words; encoding/json does not.
	fixed := rePyJSONWords(t)
	dec := json.NewDecoder(bytes.NewReader(fixed))
	dec.UseNumber()
	v, err := jsonValue(dec, opts)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("extra data")
	}
	return v, nil
}

// rePyJSONWords quotes NaN, Infinity and -Infinity outside strings with a
// marker so encoding/json accepts them; jsonValue turns them back.
func rePyJSONWords(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	var out bytes.Buffer
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out.WriteByte(c)
			if c == '\\' && i+1 < len(b) {
				i++
				out.WriteByte(b[i])
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
			out.WriteByte(c)
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out.WriteString(`"\u0000NaN"`)
			i += 2
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out.WriteString(`"\u0000-Infinity"`)
			i += 8
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out.WriteString(`"\u0000Infinity"`)
			i += 7
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

func jsonValue(dec *json.Decoder, opts Options) (any, error) {
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
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				v, err := jsonValue(dec, opts)
				if err != nil {
					return nil, err
				}
				d.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if d.Len() == 1 {
				if s, ok := d.Get("__ansible_vault"); ok {
					if str, ok := s.(string); ok {
						return NewVault([]byte(str), diag.Pos{}, opts.Decrypter), nil
					}
				}
				if s, ok := d.Get("__ansible_unsafe"); ok {
					if str, ok := s.(string); ok {
						return pyval.Unsafe(str), nil
					}
				}
			}
			return d, nil
		case '[':
			l := &pyval.List{}
			for dec.More() {
				v, err := jsonValue(dec, opts)
				if err != nil {
					return nil, err
				}
				l.Items = append(l.Items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return l, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		if strings.HasPrefix(t, "\x00") {
			switch t[1:] {
			case "NaN":
				return math.NaN(), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
		}
		return t, nil
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, nil
			}
			return s, nil // beyond int64: kept as text, as in YAML (doc.go)
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			var ne *strconv.NumError
			if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
				return nil, err
			}
		}
		return f, nil
	case bool:
		return t, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}
