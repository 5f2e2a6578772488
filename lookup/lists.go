package lookup

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"gplay/pyval"
)

// flatten is LookupBase._flatten: list and tuple items are spliced in one
// level deep.
func flatten(terms []any) []any {
	out := []any{}
	for _, t := range terms {
		switch l := t.(type) {
		case *pyval.List:
			out = append(out, l.Items...)
		case pyval.Tuple:
			out = append(out, l...)
		default:
			out = append(out, t)
		}
	}
	return out
}

// iterate is Python's list(x) for the values _flatten may be handed: a
// string gives its characters, a dict its keys.
func iterate(v any) ([]any, error) {
	switch t := v.(type) {
	case *pyval.List:
		return t.Items, nil
	case pyval.Tuple:
		return t, nil
	case *pyval.Dict:
		return t.Keys(), nil
	}
	if s, ok := str(v); ok {
		var out []any
		for _, r := range s {
			out = append(out, string(r))
		}
		return out, nil
	}
	return nil, &Error{Kind: KindOther, Class: "TypeError", Msg: "'" + pyval.TypeName(v) + "' object is not iterable"}
}

func itemsLookup(ctx context.Context, c *Call) ([]any, error) { return flatten(c.Terms), nil }

// flattenedLookup is community.general.flattened, which playbooks call by
// its short name: the terms with nested lists flattened at every depth.
func flattenedLookup(ctx context.Context, c *Call) ([]any, error) {
	var out []any
	var walk func(items []any)
	walk = func(items []any) {
		for _, it := range items {
			switch t := it.(type) {
			case *pyval.List:
				walk(t.Items)
			case pyval.Tuple:
				walk(t)
			case nil:
				// Ansible's flattened drops None items
			default:
				out = append(out, it)
			}
		}
	}
	walk(c.Terms)
	if out == nil {
		out = []any{}
	}
	return out, nil
}

func listLookup(ctx context.Context, c *Call) ([]any, error) {
	return append([]any{}, c.Terms...), nil
}

func indexedItemsLookup(ctx context.Context, c *Call) ([]any, error) {
	items := flatten(c.Terms)
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = pyval.Tuple{int64(i), it}
	}
	return out, nil
}

func dictLookup(ctx context.Context, c *Call) ([]any, error) {
	out := []any{}
	for _, t := range c.Terms {
		d, ok := t.(*pyval.Dict)
		if !ok {
			return nil, errf("with_dict expects a dict")
		}
		d.Range(func(k, v any) bool {
			out = append(out, pyval.DictOf("key", k, "value", v))
			return true
		})
	}
	return out, nil
}

func togetherLookup(ctx context.Context, c *Call) ([]any, error) {
	if len(c.Terms) == 0 {
		return nil, errf("with_together requires at least one element in each list")
	}
	lists := make([][]any, len(c.Terms))
	longest := 0
	for i, t := range c.Terms {
		lists[i] = listify(t)
		longest = max(longest, len(lists[i]))
	}
	out := make([]any, 0, longest)
	for j := 0; j < longest; j++ {
		row := make([]any, len(lists))
		for i, l := range lists {
			if j < len(l) {
				row[i] = l[j]
			}
		}
		out = append(out, pyval.NewList(flatten(row)...))
	}
	return out, nil
}

func nestedLookup(ctx context.Context, c *Call) ([]any, error) {
	if len(c.Terms) == 0 {
		return nil, errf("with_nested requires at least one element in the nested list")
	}
	result := listify(c.Terms[0])
	for _, t := range c.Terms[1:] {
		var next []any
		for _, x := range result {
			for _, y := range listify(t) {
				next = append(next, pyval.NewList(flatten([]any{x, y})...))
			}
		}
		result = next
	}
	out := make([]any, 0, len(result))
	for _, x := range result {
		items, err := iterate(x)
		if err != nil {
			return nil, err
		}
		out = append(out, pyval.NewList(flatten(items)...))
	}
	return out, nil
}

func subelementsLookup(ctx context.Context, c *Call) ([]any, error) {
	termsErr := func(msg string) error {
		return errf("subelements lookup expects a list of two or three items, %s", msg)
	}
	if len(c.Terms) == 0 {
		return nil, &Error{Kind: KindOther, Class: "IndexError", Msg: "list index out of range"}
	}
	terms := append([]any{}, c.Terms...)
	first := terms[0]
	if _, isStr := str(first); isStr {
		first = pyval.NewList(first)
	}
	if len(terms) < 2 || len(terms) > 3 {
		return nil, termsErr("")
	}
	key, keyIsStr := str(terms[1])
	var elements []any
	switch t := first.(type) {
	case *pyval.List:
		elements = t.Items
	case pyval.Tuple:
		elements = t
	case *pyval.Dict:
		if sk, ok := t.Get("skipped"); ok && !pyval.Equal(sk, false) {
			return []any{}, nil
		}
		elements = t.Values()
	default:
		return nil, termsErr("first a dict or a list, second a string pointing to the subkey")
	}
	if !keyIsStr {
		return nil, termsErr("first a dict or a list, second a string pointing to the subkey")
	}
	if d, ok := first.(*pyval.Dict); ok {
		elements = d.Values()
	}
	subkeys := strings.Split(key, ".")
	flags := pyval.NewDict(0)
	if len(terms) == 3 {
		f, ok := terms[2].(*pyval.Dict)
		if !ok {
			// Ansible's check lets through anything whose items are all
			// flag names, then fails calling .get on it
			items, err := iterate(terms[2])
			allFlags := err == nil
			for _, it := range items {
				if s, _ := str(it); s != "skip_missing" {
					allFlags = false
				}
			}
			if allFlags {
				return nil, &Error{Kind: KindOther, Class: "AttributeError", Msg: fmt.Sprintf("'%s' object has no attribute 'get'", pyval.TypeName(terms[2]))}
			}
			return nil, termsErr("the optional third item must be a dict with flags skip_missing")
		}
		flags = f
	}
	skipMissing := false
	if v, ok := flags.Get("skip_missing"); ok {
		skipMissing = boolean(v)
	}
	out := []any{}
	for _, e := range elements {
		item0, ok := e.(*pyval.Dict)
		if !ok {
			return nil, errf("subelements lookup expects a dictionary, got '%s'", pyval.Str(e))
		}
		if sk, ok := item0.Get("skipped"); ok && !pyval.Equal(sk, false) {
			continue
		}
		// Ansible pops the list out of (its templated copy of) the item,
		// so item.0 lacks it; copy the path we change
		item0 = item0.Copy()
		sub := item0
		var sublist []any
		for i, k := range subkeys {
			last := i == len(subkeys)-1
			v, ok := sub.Get(k)
			if !ok {
				if skipMissing {
					continue
				}
				return nil, errf("could not find '%s' key in iterated item '%s'", k, pyval.Str(sub))
			}
			if !last {
				d, isDict := v.(*pyval.Dict)
				if !isDict {
					if skipMissing {
						continue
					}
					return nil, errf("the key %s should point to a dictionary, got '%s'", k, pyval.Str(v))
				}
				d = d.Copy()
				sub.Set(k, d)
				sub = d
				continue
			}
			l, isList := v.(*pyval.List)
			if !isList {
				return nil, errf("the key %s should point to a list, got '%s'", k, pyval.Str(v))
			}
			sublist = l.Items
			sub.Delete(k)
		}
		for _, it := range sublist {
			out = append(out, pyval.Tuple{item0, it})
		}
	}
	return out, nil
}

func randomChoiceLookup(ctx context.Context, c *Call) ([]any, error) {
	if len(c.Terms) == 0 {
		return []any{}, nil
	}
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(c.Terms))))
	if err != nil {
		return nil, errf("Unable to choose random term: %s", err)
	}
	return []any{c.Terms[n.Int64()]}, nil
}

// sequenceShortcut is the [start-]end[/stride][:format] form.
var sequenceShortcut = regexp.MustCompile(`(?is)^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(/(0?x?[0-9a-f]+))?(:(.+))?$`)

type sequence struct {
	start, end, count, stride int64
	hasEnd, hasCount          bool
	format                    string
}

func sequenceLookup(ctx context.Context, c *Call) ([]any, error) {
	out := []any{}
	for _, t := range c.Terms {
		term, ok := str(t)
		if !ok {
			return nil, errf("unknown error parsing with_sequence arguments: %s. Error was: expected string or bytes-like object, got '%s'", pyval.Repr(t), pyval.TypeName(t))
		}
		sq := sequence{start: 1, stride: 1, format: "%d"}
		if !sq.parseShortcut(term) {
			kv, err := parseKV(term)
			if err != nil {
				return nil, errf("unknown error parsing with_sequence arguments: %s. Error was: %s", pyval.Repr(term), err)
			}
			if err := sq.parseKV(kv); err != nil {
				return nil, err
			}
		}
		if err := sq.sanity(); err != nil {
			return nil, err
		}
		if sq.stride == 0 {
			continue
		}
		items, err := sq.generate()
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

func (sq *sequence) parseShortcut(term string) bool {
	m := sequenceShortcut.FindStringSubmatch(term)
	if m == nil {
		return false
	}
	if m[2] != "" {
		n, err := parsePyInt(m[2], 0)
		if err != nil {
			return false
		}
		sq.start = n
	}
	n, err := parsePyInt(m[3], 0)
	if err != nil {
		return false
	}
	sq.end, sq.hasEnd = n, true
	if m[5] != "" {
		n, err := parsePyInt(m[5], 0)
		if err != nil {
			return false
		}
		sq.stride = n
	}
	if m[6] != "" {
		sq.format = m[7]
	}
	return true
}

func (sq *sequence) parseKV(kv *pyval.Dict) error {
	for _, name := range []string{"start", "end", "count", "stride"} {
		v, ok := kv.Get(name)
		if !ok {
			continue
		}
		kv.Delete(name)
		n, err := parsePyInt(pyval.Str(v), 0)
		if err != nil {
			return errf("can't parse %s=%s as integer", name, pyval.Str(v))
		}
		switch name {
		case "start":
			sq.start = n
		case "end":
			sq.end, sq.hasEnd = n, true
		case "count":
			sq.count, sq.hasCount = n, true
		case "stride":
			sq.stride = n
		}
	}
	if v, ok := kv.Get("format"); ok {
		kv.Delete("format")
		sq.format = pyval.Str(v)
	}
	if kv.Len() > 0 {
		keys := make([]any, 0, kv.Len())
		keys = append(keys, kv.Keys()...)
		return errf("unrecognized arguments to with_sequence: %s", pyval.Repr(pyval.NewList(keys...)))
	}
	return nil
}

func (sq *sequence) sanity() error {
	switch {
	case !sq.hasCount && !sq.hasEnd:
		return errf("must specify count or end in with_sequence")
	case sq.hasCount && sq.hasEnd:
		return errf("can't specify both count and end in with_sequence")
	case sq.hasCount:
		if sq.count != 0 {
			sq.end = sq.start + sq.count*sq.stride - 1
		} else {
			sq.start, sq.end, sq.stride = 0, 0, 0
		}
	}
	if sq.stride > 0 && sq.end < sq.start {
		return errf("to count backwards make stride negative")
	}
	if sq.stride < 0 && sq.end > sq.start {
		return errf("to count forward don't make stride negative")
	}
	if strings.Count(sq.format, "%") != 1 {
		return errf("bad formatting string: %s", sq.format)
	}
	return nil
}

func (sq *sequence) generate() ([]any, error) {
	adjust := int64(1)
	if sq.stride < 0 {
		adjust = -1
	}
	stop := sq.end + adjust
	var out []any
	for i := sq.start; (sq.stride > 0 && i < stop) || (sq.stride < 0 && i > stop); i += sq.stride {
		s, err := percentInt(sq.format, i)
		if err != nil {
			return nil, errf("problem formatting %d with %s", i, pyval.Repr(sq.format))
		}
		out = append(out, s)
	}
	return out, nil
}

var percentRE = regexp.MustCompile(`%([#0\- +]*)(\d*)(?:\.(\d+))?([diouxXeEfFgGcrsa%])`)

// percentInt is Python's format % i for a format with one conversion.
func percentInt(format string, i int64) (string, error) {
	loc := percentRE.FindStringSubmatchIndex(format)
	if loc == nil {
		return "", errf("bad format")
	}
	m := func(k int) string {
		if loc[2*k] < 0 {
			return ""
		}
		return format[loc[2*k]:loc[2*k+1]]
	}
	flags, width, prec, conv := m(1), m(2), m(3), m(4)
	var body string
	switch conv {
	case "d", "i", "u":
		body = strconv.FormatInt(i, 10)
	case "o":
		body = strconv.FormatInt(i, 8)
		if strings.Contains(flags, "#") {
			body = "0o" + body
		}
	case "x":
		body = strconv.FormatInt(i, 16)
		if strings.Contains(flags, "#") {
			body = "0x" + body
		}
	case "X":
		body = strings.ToUpper(strconv.FormatInt(i, 16))
		if strings.Contains(flags, "#") {
			body = "0X" + body
		}
	case "e", "E", "f", "F", "g", "G":
		p := 6
		if prec != "" {
			p, _ = strconv.Atoi(prec)
		}
		c := conv[0]
		if c == 'F' {
			c = 'f'
		}
		body = strconv.FormatFloat(float64(i), c, p, 64)
		if (conv == "g" || conv == "G") && prec == "" {
			body = strconv.FormatFloat(float64(i), c, -1, 64)
		}
		prec = ""
	case "s", "r", "a":
		body = strconv.FormatInt(i, 10)
	case "c":
		body = string(rune(i))
	default:
		return "", errf("bad format")
	}
	if prec != "" && strings.ContainsAny(conv, "diuoxX") {
		p, _ := strconv.Atoi(prec)
		neg := strings.HasPrefix(body, "-")
		digits := strings.TrimPrefix(body, "-")
		for len(digits) < p {
			digits = "0" + digits
		}
		body = digits
		if neg {
			body = "-" + body
		}
	}
	if i >= 0 && strings.ContainsAny(conv, "diueEfFgG") {
		if strings.Contains(flags, "+") {
			body = "+" + body
		} else if strings.Contains(flags, " ") {
			body = " " + body
		}
	}
	if w, _ := strconv.Atoi(width); len(body) < w {
		pad := w - len(body)
		switch {
		case strings.Contains(flags, "-"):
			body += strings.Repeat(" ", pad)
		case strings.Contains(flags, "0") && conv != "s" && conv != "r" && conv != "c":
			sign := ""
			if strings.HasPrefix(body, "-") || strings.HasPrefix(body, "+") || strings.HasPrefix(body, " ") {
				sign, body = body[:1], body[1:]
			}
			body = sign + strings.Repeat("0", pad) + body
		default:
			body = strings.Repeat(" ", pad) + body
		}
	}
	return format[:loc[0]] + body + format[loc[1]:], nil
}
