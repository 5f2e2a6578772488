package lookup

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"gplay/pyval"
)

var csvOptions = []option{
	{name: "col", def: "1"},
	{name: "default"},
	{name: "delimiter", def: "TAB"},
	{name: "file", def: "ansible.csv"},
	{name: "encoding", def: "utf-8"},
}

// csvfileLookup is ansible.builtin.csvfile: the col-th field of the first
// row whose first field is the search key (tab-separated by default).
func csvfileLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), csvOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, t := range c.Terms {
		kv, err := parseKV(pyval.Str(t))
		if err != nil {
			return nil, err
		}
		raw, ok := kv.Get("_raw_params")
		if !ok {
			return nil, errf("Search key is required but was not found")
		}
		key := pyval.Str(raw)
		for _, k := range kv.Keys() {
			name := pyval.Str(k)
			if name == "_raw_params" {
				continue
			}
			if _, ok := opts[name]; !ok {
				return nil, errf("%s is not a valid option", name)
			}
			v, _ := kv.Get(k)
			opts[name] = v
		}
		if opts.str("delimiter") == "TAB" {
			opts["delimiter"] = "\t"
		}
		path := c.Task.findFile("files", opts.str("file"), false)
		v, err := readCSV(path, key, opts.str("delimiter"), opts.str("encoding"), opts["default"], opts["col"])
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func readCSV(path, key, delim, encoding string, def, col any) (any, error) {
	fail := func(format string, args ...any) error {
		return errf("csvfile: "+format, args...)
	}
	if path == "" {
		// Ansible opens to_bytes(None), the file "None"
		path = "None"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fail("[Errno 2] No such file or directory: b'%s'", path)
		}
		return nil, fail("%s", pyOSError(err))
	}
	content, err := decodeText(b, encoding)
	if err != nil {
		var le *Error
		if errors.As(err, &le) {
			return nil, fail("%s", le.Msg)
		}
		return nil, fail("%s", err)
	}
	if utf8.RuneCountInString(delim) != 1 {
		return nil, fail("\"delimiter\" must be a 1-character string")
	}
	r := csv.NewReader(strings.NewReader(content))
	r.Comma, _ = utf8.DecodeRuneInString(delim)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fail("%s", err)
		}
		if len(row) > 0 && row[0] == key {
			n, err := pyInt(col)
			if err != nil {
				return nil, fail("%s", err)
			}
			i := int(n.(int64))
			if i < 0 {
				i += len(row)
			}
			if i < 0 || i >= len(row) {
				return nil, fail("list index out of range")
			}
			return row[i], nil
		}
	}
	return def, nil
}
