package jinja

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"math"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dlclark/regexp2"

	"gplay/pyval"
)

func ansibleFilters() map[string]filterFunc {
	return map[string]filterFunc{
		"b64decode":                    fB64decode,
		"b64encode":                    fB64encode,
		"basename":                     pathFilter(pyBasename),
		"bool":                         fBool,
		"checksum":                     hashFilter("sha1"),
		"combine":                      fCombine,
		"comment":                      fComment,
		"dict2items":                   fDict2items,
		"difference":                   setFilter("difference"),
		"dirname":                      pathFilter(pyDirname),
		"expanduser":                   pathFilter(expandUser),
		"expandvars":                   strFilter(os.ExpandEnv),
		"extract":                      fExtract,
		"flatten":                      fFlatten,
		"from_json":                    fFromJSON,
		"from_yaml":                    fFromYAML,
		"from_yaml_all":                fFromYAMLAll,
		"hash":                         fHash,
		"human_readable":               fHumanReadable,
		"human_to_bytes":               fHumanToBytes,
		"intersect":                    setFilter("intersect"),
		"items2dict":                   fItems2dict,
		"json_query":                   fJSONQuery,
		"community.general.json_query": fJSONQuery,
		"log":                          fLog,
		"mandatory":                    fMandatory,
		"md5":                          hashFilter("md5"),
		"password_hash":                fPasswordHash,
		"path_join":                    fPathJoin,
		"pow":                          fPow,
		"product":                      fProduct,
		"quote":                        fQuote,
		"random":                       fRandom,
		"realpath":                     pathFilter(realPath),
		"regex_escape":                 fRegexEscape,
		"regex_findall":                fRegexFindall,
		"regex_replace":                fRegexReplace,
		"regex_search":                 fRegexSearch,
		"relpath":                      fRelpath,
		"root":                         fRoot,
		"sha1":                         hashFilter("sha1"),
		"shuffle":                      fShuffle,
		"split":                        fSplit,
		"splitext":                     fSplitext,
		"strftime":                     fStrftime,
		"subelements":                  fSubelements,
		"symmetric_difference":         setFilter("symmetric_difference"),
		"ternary":                      fTernary,
		"to_datetime":                  fToDatetime,
		"to_json":                      fToJSON,
		"to_nice_json":                 fToNiceJSON,
		"to_nice_yaml":                 fToNiceYAML,
		"to_yaml":                      fToYAML,
		"type_debug":                   fTypeDebug,
		"union":                        setFilter("union"),
		"unique":                       fUnique,
		"urldecode":                    fURLDecode,
		"urlsplit":                     fURLSplit,
		"zip":                          fZip,
		"zip_longest":                  fZipLongest,
	}
}

func fB64encode(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(str)), nil
}

func fB64decode(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(str)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(str, "="))
		if err != nil {
			return nil, rtErr("Incorrect padding")
		}
	}
	return strings.ToValidUTF8(string(b), "\ufffd"), nil
}

// pathFilter wraps an os.path function, which accepts only strings.
func pathFilter(f func(string) string) filterFunc {
	return func(s *state, v any, args []any, kw *kwargs) (any, error) {
		str, ok := asStr(v)
		if !ok {
			return nil, typeErr("expected str, bytes or os.PathLike object, not %s", typeName(v))
		}
		return f(str), nil
	}
}

func pyBasename(p string) string {
	i := strings.LastIndexByte(p, '/')
	return p[i+1:]
}

func pyDirname(p string) string {
	i := strings.LastIndexByte(p, '/') + 1
	head := p[:i]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

func expandUser(p string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	i := strings.IndexByte(p, '/')
	if i < 0 {
		i = len(p)
	}
	if i == 1 {
		if h, err := os.UserHomeDir(); err == nil {
			return strings.TrimRight(h, "/") + p[1:]
		}
	}
	return p
}

func realPath(p string) string {
	if !filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			p = filepath.Join(wd, p)
		}
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

func fQuote(s *state, v any, args []any, kw *kwargs) (any, error) {
	if v == nil {
		v = "" // Ansible's quote: None quotes as ''
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	return shellQuote(str), nil
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func fBool(s *state, v any, args []any, kw *kwargs) (any, error) {
	switch t := v.(type) {
	case nil, bool:
		return t, nil
	}
	if str, ok := asStr(v); ok {
		switch strings.ToLower(str) {
		case "yes", "on", "1", "true":
			return true, nil
		}
		return false, nil
	}
	if f, ok := toFloat(v); ok && f == 1 {
		return true, nil
	}
	return false, nil
}

func fCombine(s *state, v any, args []any, kw *kwargs) (any, error) {
	recursive := false
	listMerge := "replace"
	if kw != nil {
		for i, n := range kw.names {
			switch n {
			case "recursive":
				recursive = pyval.Truth(kw.vals[i])
			case "list_merge":
				listMerge, _ = asStr(kw.vals[i])
			default:
				return nil, rtErr("'recursive' and 'list_merge' are the only valid keyword arguments")
			}
		}
	}
	// flatten(terms, levels=1), which also drops None, 'None' and 'null'
	dicts := flatten(append([]any{v}, args...), 1, true)
	for _, d := range dicts {
		if err := checkNoUndefined(d); err != nil {
			return nil, err
		}
	}
	if len(dicts) == 0 {
		return pyval.NewDict(0), nil
	}
	if len(dicts) == 1 {
		return dicts[0], nil
	}
	if !contains([]string{"replace", "keep", "append", "prepend", "append_rp", "prepend_rp"}, listMerge) {
		return nil, rtErr("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'")
	}
	result := dicts[len(dicts)-1]
	for i := len(dicts) - 2; i >= 0; i-- {
		xd, ok1 := asDict(dicts[i])
		yd, ok2 := asDict(result)
		if !ok1 || !ok2 {
			a, _ := jsonDumps(dicts[i], jsonOpts{})
			b, _ := jsonDumps(result, jsonOpts{})
			if !ok1 && a == "" {
				a = pyStr(dicts[i])
			}
			return nil, rtErr("failed to combine variables, expected dicts but got a '%s' and a '%s': \n%s\n%s", typeName(dicts[i]), typeName(result), a, b)
		}
		result = pyval.MergeHash(xd, yd, recursive, listMerge)
	}
	return result, nil
}

func fComment(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("comment", args, kw, []string{"style"}, "plain")
	if err != nil {
		return nil, err
	}
	text, ok := asStr(v)
	if !ok {
		return nil, typeErr("'%s' object has no attribute 'replace'", typeName(v))
	}
	type cstyle struct{ begin, decoration, end, prefix string }
	styles := map[string]cstyle{
		"plain":  {"", "# ", "", ""},
		"erlang": {"", "% ", "", ""},
		"c":      {"", "// ", "", ""},
		"cblock": {"/*", " * ", " */", ""},
		"xml":    {"<!--", " - ", "-->", ""},
	}
	name, _ := asStr(a[0])
	st, ok := styles[name]
	if !ok {
		st = styles["plain"]
	}
	if d, ok := kw.get("decoration"); ok {
		st.decoration, _ = asStr(d)
	}
	prefixCount := 1
	postfixCount := 1
	if v, ok := kw.get("prefix_count"); ok {
		n, _ := toInt(v)
		prefixCount = int(n)
	}
	if v, ok := kw.get("postfix_count"); ok {
		n, _ := toInt(v)
		postfixCount = int(n)
	}
	if err := sizeErr(int64(prefixCount) + int64(postfixCount)); err != nil {
		return nil, err
	}
	prefix := st.decoration
	if v, ok := kw.get("prefix"); ok {
		prefix, _ = asStr(v)
	}
	postfix := st.decoration
	if v, ok := kw.get("postfix"); ok {
		postfix, _ = asStr(v)
	}
	newline := "\n"
	var b strings.Builder
	if st.begin != "" {
		b.WriteString(st.begin + newline)
	}
	pfx := strings.TrimRight(prefix, " ")
	for i := 0; i < prefixCount; i++ {
		b.WriteString(pfx + newline)
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString(newline)
		}
		if line == "" {
			b.WriteString(strings.TrimRight(st.decoration, " "))
		} else {
			b.WriteString(st.decoration + line)
		}
	}
	b.WriteString(newline)
	pst := strings.TrimRight(postfix, " ")
	for i := 0; i < postfixCount; i++ {
		b.WriteString(pst + newline)
	}
	if st.end != "" {
		b.WriteString(st.end + newline)
	}
	return strings.TrimSuffix(b.String(), newline), nil
}

func fDict2items(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("dict2items", args, kw, []string{"key_name", "value_name"}, "key", "value")
	if err != nil {
		return nil, err
	}
	d, ok := asDict(v)
	if !ok {
		return nil, rtErr("dict2items requires a dictionary, got <class '%s'> instead.", typeName(v))
	}
	out := make([]any, 0, d.Len())
	d.Range(func(k, x any) bool {
		out = append(out, pyval.DictOf(a[0], k, a[1], x))
		return true
	})
	return pyval.NewList(out...), nil
}

func fItems2dict(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("items2dict", args, kw, []string{"key_name", "value_name"}, "key", "value")
	if err != nil {
		return nil, err
	}
	l, ok := v.(*pyval.List)
	if !ok {
		return nil, rtErr("items2dict requires a list, got <class '%s'> instead.", typeName(v))
	}
	items := l.Items
	d := pyval.NewDict(len(items))
	for _, it := range items {
		m, ok := asDict(it)
		if !ok {
			return nil, rtErr("items2dict requires a list of dictionaries, got %s instead.", pyRepr(v))
		}
		k, ok1 := m.Get(a[0])
		x, ok2 := m.Get(a[1])
		if !ok1 || !ok2 {
			return nil, rtErr("items2dict requires each dictionary in the list to contain the keys '%s' and '%s', got %s instead.", pyStr(a[0]), pyStr(a[1]), pyRepr(v))
		}
		d.Set(k, x)
	}
	return d, nil
}

func seqItems(v any) ([]any, bool) {
	switch t := v.(type) {
	case *pyval.List:
		return t.Items, true
	case pyval.Tuple:
		return t, true
	}
	return nil, false
}

func setFilter(op string) filterFunc {
	return func(s *state, v any, args []any, kw *kwargs) (any, error) {
		if len(args) != 1 {
			return nil, typeErr("%s() takes exactly 2 arguments", op)
		}
		if op == "union" {
			if _, err := binaryOp("+", v, args[0]); err != nil {
				return nil, err
			}
		}
		a, err := iterate(v)
		if err != nil {
			return nil, err
		}
		b, err := iterate(args[0])
		if err != nil {
			return nil, err
		}
		in := func(x any, l []any) bool {
			for _, y := range l {
				if equal(x, y) {
					return true
				}
			}
			return false
		}
		uniq := func(l []any) []any {
			out := []any{}
			for _, x := range l {
				if !in(x, out) {
					out = append(out, x)
				}
			}
			return out
		}
		var out []any
		switch op {
		case "union":
			sum, err := binaryOp("+", v, args[0]) // unique(a + b)
			if err != nil {
				return nil, err
			}
			items, err := iterate(sum)
			if err != nil {
				return nil, err
			}
			out = uniq(items)
		case "intersect":
			for _, x := range a {
				if in(x, b) {
					out = append(out, x)
				}
			}
			out = uniq(out)
		case "difference":
			for _, x := range a {
				if !in(x, b) {
					out = append(out, x)
				}
			}
			out = uniq(out)
		case "symmetric_difference":
			var isect []any
			for _, x := range a {
				if in(x, b) {
					isect = append(isect, x)
				}
			}
			for _, x := range uniq(append(append([]any{}, a...), b...)) {
				if !in(x, isect) {
					out = append(out, x)
				}
			}
		}
		if out == nil {
			out = []any{}
		}
		return pyval.NewList(out...), nil
	}
}

func fExtract(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("extract", args, kw, []string{"container", "morekeys"}, nil)
	if err != nil {
		return nil, err
	}
	r, err := getItem(a[0], v)
	if err != nil {
		return nil, err
	}
	if a[1] != nil {
		keys, ok := seqItems(a[1])
		if !ok {
			keys = []any{a[1]}
		}
		for _, k := range keys {
			if r, err = getItem(r, k); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

func flatten(items []any, levels int, skipNulls bool) []any {
	out := []any{}
	for _, e := range items {
		if skipNulls {
			if e == nil {
				continue
			}
			if str, ok := asStr(e); ok && (str == "None" || str == "null") {
				continue
			}
		}
		if sub, ok := seqItems(e); ok {
			switch {
			case levels < 0:
				out = append(out, flatten(sub, -1, skipNulls)...)
			case levels >= 1:
				out = append(out, flatten(sub, levels-1, skipNulls)...)
			default:
				out = append(out, e)
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

func fFlatten(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("flatten", args, kw, []string{"levels", "skip_nulls"}, nil, true)
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	lv := -1
	if a[0] != nil {
		if lv, err = intArg(a[0]); err != nil {
			return nil, err
		}
	}
	return pyval.NewList(flatten(items, lv, pyval.Truth(a[1]))...), nil
}

func fHash(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("hash", args, kw, []string{"hashtype"}, "sha1")
	if err != nil {
		return nil, err
	}
	name, _ := asStr(a[0])
	return hashFilter(name)(s, v, nil, nil)
}

func hashFilter(name string) filterFunc {
	return func(s *state, v any, args []any, kw *kwargs) (any, error) {
		str, err := toText(v)
		if err != nil {
			return nil, err
		}
		var h hash.Hash
		switch name {
		case "md5":
			h = md5.New()
		case "sha1":
			h = sha1.New()
		case "sha224":
			h = sha256.New224()
		case "sha256":
			h = sha256.New()
		case "sha384":
			h = sha512.New384()
		case "sha512":
			h = sha512.New()
		default:
			return nil, nil
		}
		h.Write([]byte(str))
		return hex.EncodeToString(h.Sum(nil)), nil
	}
}

func fHumanReadable(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("human_readable", args, kw, []string{"isbits", "unit"}, false, nil)
	if err != nil {
		return nil, err
	}
	f, ok := toFloat(v)
	if !ok {
		str, _ := asStr(v)
		if f, ok = pyFloat(str); !ok {
			return nil, rtErr("human_readable() failed on bad input: %s", pyStr(v))
		}
	}
	bits := pyval.Truth(a[0])
	suffix := "B"
	base := "Bytes"
	if bits {
		suffix, base = "b", "bits"
	}
	units := []string{"Y", "Z", "E", "P", "T", "G", "M", "K", ""}
	limits := []float64{1 << 80, 1 << 70, 1 << 60, 1 << 50, 1 << 40, 1 << 30, 1 << 20, 1 << 10, 1}
	unit, _ := asStr(a[1])
	for i, u := range units {
		if unit != "" && !strings.HasPrefix(strings.ToUpper(unit), u) && u != "" {
			continue
		}
		if unit != "" || f >= limits[i] || u == "" {
			r := f / limits[i]
			if u == "" {
				return formatFloat(r, 'f', 2, false) + " " + base, nil
			}
			return formatFloat(r, 'f', 2, false) + " " + u + suffix, nil
		}
	}
	return formatFloat(f, 'f', 2, false) + " " + base, nil
}

func fHumanToBytes(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	str = strings.TrimSpace(str)
	i := 0
	for i < len(str) && (str[i] >= '0' && str[i] <= '9' || str[i] == '.') {
		i++
	}
	num, ok := pyFloat(str[:i])
	if !ok {
		return nil, rtErr("human_to_bytes() can't interpret following string: %s", str)
	}
	unit := strings.TrimSpace(str[i:])
	mult := map[byte]float64{'B': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40, 'P': 1 << 50, 'E': 1 << 60, 'Z': 1 << 70, 'Y': 1 << 80}
	m := 1.0
	if unit != "" {
		mm, ok := mult[strings.ToUpper(unit)[0]]
		if !ok {
			return nil, rtErr("human_to_bytes() failed to convert %s. Value is not a valid string (%s)", str, unit)
		}
		m = mm
	}
	return int64(math.Ceil(num * m)), nil
}

func fLog(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("log", args, kw, []string{"base"}, math.E)
	if err != nil {
		return nil, err
	}
	f, ok := toFloat(v)
	b, ok2 := toFloat(a[0])
	if !ok || !ok2 {
		return nil, rtErr("log() can only be used on numbers")
	}
	if b == 10 {
		return math.Log10(f), nil
	}
	return math.Log(f) / math.Log(b), nil
}

func fPow(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("pow", args, kw, []string{"y"})
	if err != nil {
		return nil, err
	}
	x, ok := toFloat(v)
	y, ok2 := toFloat(a[0])
	if !ok || !ok2 {
		return nil, rtErr("pow() can only be used on numbers")
	}
	return math.Pow(x, y), nil
}

func fRoot(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("root", args, kw, []string{"base"}, int64(2))
	if err != nil {
		return nil, err
	}
	x, ok := toFloat(v)
	b, ok2 := toFloat(a[0])
	if !ok || !ok2 {
		return nil, rtErr("root() can only be used on numbers")
	}
	if b == 2 {
		return math.Sqrt(x), nil
	}
	return math.Pow(x, 1/b), nil
}

func fMandatory(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("mandatory", args, kw, []string{"msg"}, nil)
	if err != nil {
		return nil, err
	}
	if u, ok := v.(pyval.Undefined); ok {
		if a[0] != nil {
			return nil, rtErr("%s", pyStr(a[0]))
		}
		name := ""
		if u.Name != "" {
			name = "'" + u.Name + "' "
		}
		return nil, rtErr("Mandatory variable %s not defined.", name)
	}
	return v, nil
}

func fPathJoin(s *state, v any, args []any, kw *kwargs) (any, error) {
	var parts []string
	if items, ok := seqItems(v); ok {
		for _, it := range items {
			str, err := toText(it)
			if err != nil {
				return nil, err
			}
			parts = append(parts, str)
		}
	} else {
		str, err := toText(v)
		if err != nil {
			return nil, err
		}
		parts = []string{str}
	}
	out := ""
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, "/"):
			out = p
		case i == 0 || out == "" || strings.HasSuffix(out, "/"):
			out += p
		default:
			out += "/" + p
		}
	}
	return out, nil
}

func fProduct(s *state, v any, args []any, kw *kwargs) (any, error) {
	lists := [][]any{}
	for _, x := range append([]any{v}, args...) {
		items, err := iterate(x)
		if err != nil {
			return nil, err
		}
		lists = append(lists, items)
	}
	repeat := 1
	if r, ok := kw.get("repeat"); ok {
		n, err := intArg(r)
		if err != nil {
			return nil, err
		}
		repeat = n
	}
	var pools [][]any
	for i := 0; i < repeat; i++ {
		pools = append(pools, lists...)
	}
	result := []pyval.Tuple{{}}
	for _, pool := range pools {
		var next []pyval.Tuple
		for _, r := range result {
			for _, x := range pool {
				t := append(append(pyval.Tuple{}, r...), x)
				next = append(next, t)
			}
		}
		result = next
		if len(result) > 1<<20 {
			return nil, rtErr("product too large")
		}
	}
	out := make([]any, len(result))
	for i, r := range result {
		out[i] = r
	}
	return pyval.NewList(out...), nil
}

func fRandom(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("random", args, kw, []string{"start", "step", "seed"}, nil, int64(1), nil)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewSource(rand.Int63()))
	if a[2] != nil {
		h := sha1.Sum([]byte(pyStr(a[2])))
		var seed int64
		for _, b := range h[:8] {
			seed = seed<<8 | int64(b)
		}
		r = rand.New(rand.NewSource(seed))
	}
	if end, ok := toInt(v); ok {
		start := int64(0)
		if a[0] != nil {
			start, _ = toInt(a[0])
		}
		step, _ := toInt(a[1])
		if step <= 0 || end <= start {
			return nil, rtErr("empty range for randrange()")
		}
		n := (end - start + step - 1) / step
		return start + r.Int63n(n)*step, nil
	}
	items, err := iterate(v)
	if err != nil {
		return nil, rtErr("random can only be used on sequences and integers")
	}
	if len(items) == 0 {
		return nil, rtErr("Cannot choose from an empty sequence")
	}
	return items[r.Intn(len(items))], nil
}

func fShuffle(s *state, v any, args []any, kw *kwargs) (any, error) {
	items, err := iterate(v)
	if err != nil {
		return v, nil // randomize_list returns what it cannot shuffle
	}
	out := append([]any(nil), items...)
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return pyval.NewList(out...), nil
}

// pyRe is a Python regular expression compiled with regexp2. Python
// numbers groups by their opening parenthesis, named or not, while .NET
// numbers named groups after the unnamed ones; pyRegex therefore gives
// every group its Python number explicitly and keeps the names aside.
type pyRe struct {
	*regexp2.Regexp
	names   map[string]int
	ngroups int
}

// pyPattern rewrites Python syntax for regexp2: numbered groups,
// (?P<name>) and (?P=name), and \Z (end of string).
func pyPattern(p string) (string, map[string]int, int, error) {
	var b strings.Builder
	names := map[string]int{}
	n := 0
	var open []int // positions of unclosed parentheses
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '(':
			open = append(open, utf8.RuneCountInString(p[:i]))
		case ')':
			if len(open) == 0 {
				return "", nil, 0, rtErr("unbalanced parenthesis at position %d", utf8.RuneCountInString(p[:i]))
			}
			open = open[:len(open)-1]
		}
		switch {
		case c == '\\':
			if i+1 < len(p) {
				if p[i+1] == 'Z' {
					b.WriteString(`\z`)
				} else {
					b.WriteString(p[i : i+2])
				}
				i++
				continue
			}
			b.WriteByte(c)
		case c == '[':
			// copy a character class whole: ( and [ inside are literal
			j := i + 1
			if j < len(p) && p[j] == '^' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				if p[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(p) {
				return "", nil, 0, rtErr("unterminated character set at position %d", i)
			}
			b.WriteString(p[i : j+1])
			i = j
		case c == '(' && strings.HasPrefix(p[i:], "(?P<"):
			end := strings.IndexByte(p[i:], '>')
			if end < 0 {
				return "", nil, 0, rtErr("missing >, unterminated name at position %d", i+4)
			}
			name := p[i+4 : i+end]
			if _, dup := names[name]; dup {
				return "", nil, 0, rtErr("redefinition of group name %s as group %d; was group %d at position %d", pyQuote(name), n+1, names[name], i+4)
			}
			n++
			names[name] = n
			b.WriteString("(?<" + strconv.Itoa(n) + ">")
			i += end
		case c == '(' && strings.HasPrefix(p[i:], "(?P="):
			end := strings.IndexByte(p[i:], ')')
			if end < 0 {
				return "", nil, 0, rtErr("missing ), unterminated name at position %d", i+4)
			}
			name := p[i+4 : i+end]
			idx, ok := names[name]
			if !ok {
				return "", nil, 0, rtErr("unknown group name %s at position %d", pyQuote(name), i+4)
			}
			b.WriteString(`\k<` + strconv.Itoa(idx) + ">")
			i += end
			open = open[:len(open)-1] // the group closed at once
		case c == '(' && !strings.HasPrefix(p[i:], "(?") && !strings.HasPrefix(p[i:], "(*"):
			n++
			b.WriteString("(?<" + strconv.Itoa(n) + ">")
		default:
			b.WriteByte(c)
		}
	}
	if len(open) > 0 {
		return "", nil, 0, rtErr("missing ), unterminated subpattern at position %d", open[len(open)-1])
	}
	return b.String(), names, n, nil
}

// pyRegex compiles a Python regular expression with regexp2.
func pyRegex(pattern string, ignorecase, multiline bool) (*pyRe, error) {
	p, names, n, err := pyPattern(pattern)
	if err != nil {
		return nil, err
	}
	opts := regexp2.RegexOptions(0)
	if ignorecase {
		opts |= regexp2.IgnoreCase
	}
	if multiline {
		opts |= regexp2.Multiline
	}
	re, err := regexp2.Compile(p, opts)
	if err != nil {
		return nil, rtErr("%s", err.Error())
	}
	re.MatchTimeout = 2e9 // catastrophic backtracking fails instead of hanging
	return &pyRe{Regexp: re, names: names, ngroups: n}, nil
}

type pyMatch struct {
	start, end int   // rune offsets
	groups     []any // group texts; nil for a group that did not take part
	names      map[string]int
}

func findAll(re *pyRe, s string, limit int) ([]pyMatch, error) {
	var out []pyMatch
	m, err := re.FindStringMatch(s)
	for m != nil && err == nil {
		pm := pyMatch{start: m.Index, end: m.Index + m.Length, names: re.names}
		for i := 0; i <= re.ngroups; i++ {
			g := m.GroupByNumber(i)
			if g == nil || len(g.Captures) == 0 {
				pm.groups = append(pm.groups, nil)
			} else {
				pm.groups = append(pm.groups, g.String())
			}
		}
		out = append(out, pm)
		if limit > 0 && len(out) >= limit {
			break
		}
		m, err = re.FindNextMatch(m)
	}
	if err != nil {
		return nil, rtErr("%s", err.Error())
	}
	return out, nil
}

func expandRepl(repl string, m pyMatch) (string, error) {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 >= len(repl) {
			b.WriteByte(c)
			continue
		}
		i++
		c = repl[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(repl) && j < i+2 && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(repl[i:j])
			if n >= len(m.groups) {
				return "", rtErr("invalid group reference %d at position %d", n, i)
			}
			if g, ok := m.groups[n].(string); ok {
				b.WriteString(g)
			}
			i = j - 1
		case c == 'g' && i+1 < len(repl) && repl[i+1] == '<':
			j := strings.IndexByte(repl[i:], '>')
			if j < 0 {
				return "", rtErr("missing >, unterminated name at position %d", i)
			}
			name := repl[i+2 : i+j]
			n, err := strconv.Atoi(name)
			if err != nil {
				idx, ok := m.names[name]
				if !ok {
					return "", rtErr("unknown group name '%s'", name)
				}
				n = idx
			}
			if n >= len(m.groups) {
				return "", rtErr("invalid group reference %d", n)
			}
			if g, ok := m.groups[n].(string); ok {
				b.WriteString(g)
			}
			i += j
		case c == 'n':
			b.WriteByte('\n')
		case c == 't':
			b.WriteByte('\t')
		case c == 'r':
			b.WriteByte('\r')
		case c == '\\':
			b.WriteByte('\\')
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			return "", rtErr("bad escape \\%c at position %d", c, i-1)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func fRegexReplace(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("regex_replace", args, kw, []string{"pattern", "replacement", "ignorecase", "multiline"}, "", "", false, false)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	pat, _ := toText(a[0])
	repl, _ := toText(a[1])
	re, err := pyRegex(pat, pyval.Truth(a[2]), pyval.Truth(a[3]))
	if err != nil {
		return nil, err
	}
	ms, err := findAll(re, str, 0)
	if err != nil {
		return nil, err
	}
	rs := []rune(str)
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(string(rs[last:m.start]))
		r, err := expandRepl(repl, m)
		if err != nil {
			return nil, err
		}
		b.WriteString(r)
		last = m.end
	}
	b.WriteString(string(rs[last:]))
	return b.String(), nil
}

func fRegexFindall(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("regex_findall", args, kw, []string{"regex", "multiline", "ignorecase"}, false, false)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	pat, _ := toText(a[0])
	re, err := pyRegex(pat, pyval.Truth(a[2]), pyval.Truth(a[1]))
	if err != nil {
		return nil, err
	}
	ms, err := findAll(re, str, 0)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, m := range ms {
		g := func(i int) any {
			if x, ok := m.groups[i].(string); ok {
				return x
			}
			return ""
		}
		switch len(m.groups) {
		case 1:
			out = append(out, g(0))
		case 2:
			out = append(out, g(1))
		default:
			t := make(pyval.Tuple, len(m.groups)-1)
			for i := range t {
				t[i] = g(i + 1)
			}
			out = append(out, t)
		}
	}
	return pyval.NewList(out...), nil
}

func fRegexSearch(s *state, v any, args []any, kw *kwargs) (any, error) {
	if len(args) < 1 {
		return nil, typeErr("regex_search() missing 1 required positional argument: 'regex'")
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	pat, _ := toText(args[0])
	var groups []any
	for _, g := range args[1:] {
		gs, _ := asStr(g)
		switch {
		case strings.HasPrefix(gs, `\g`):
			name := strings.TrimSuffix(strings.TrimPrefix(gs, `\g<`), ">")
			groups = append(groups, name)
		case strings.HasPrefix(gs, `\`):
			n, err := strconv.Atoi(strings.TrimPrefix(gs, `\`))
			if err != nil {
				return nil, rtErr("Unknown argument")
			}
			groups = append(groups, n)
		default:
			return nil, rtErr("Unknown argument")
		}
	}
	ic, _ := kw.get("ignorecase")
	ml, _ := kw.get("multiline")
	re, err := pyRegex(pat, pyval.Truth(ic), pyval.Truth(ml))
	if err != nil {
		return nil, err
	}
	ms, err := findAll(re, str, 1)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	m := ms[0]
	if len(groups) == 0 {
		return m.groups[0], nil
	}
	out := []any{}
	for _, g := range groups {
		idx := 0
		switch t := g.(type) {
		case int:
			idx = t
		case string:
			i, ok := m.names[t]
			if !ok {
				if n, err := strconv.Atoi(t); err == nil {
					i = n
				} else {
					return nil, rtErr("no such group")
				}
			}
			idx = i
		}
		if idx >= len(m.groups) {
			return nil, rtErr("no such group")
		}
		out = append(out, m.groups[idx])
	}
	return pyval.NewList(out...), nil
}

func fRegexEscape(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("regex_escape", args, kw, []string{"re_type"}, "python")
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	rt, _ := asStr(a[0])
	var b strings.Builder
	switch rt {
	case "python":
		for _, r := range str {
			if r < 128 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') && strings.ContainsRune("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	case "posix_basic":
		for _, r := range str {
			if strings.ContainsRune(`.[]\*^$`, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	default:
		return nil, rtErr("Invalid regex type (%s)", rt)
	}
	return b.String(), nil
}

func fRelpath(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("relpath", args, kw, []string{"start"}, nil)
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	start := "."
	if a[0] != nil {
		start, _ = toText(a[0])
	}
	r, err := filepath.Rel(start, str)
	if err != nil {
		return nil, rtErr("%s", err.Error())
	}
	return r, nil
}

func fSplit(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, ok := asStr(v)
	if !ok {
		return nil, typeErr("descriptor 'split' for 'str' objects doesn't apply to a '%s' object", typeName(v))
	}
	return strMethod(s, str, "split", args, kw)
}

func fSplitext(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	base := path.Base(str)
	if i := strings.LastIndexByte(str, '/'); i >= 0 {
		base = str[i+1:]
	} else {
		base = str
	}
	trimmed := strings.TrimLeft(base, ".")
	dot := strings.LastIndexByte(trimmed, '.')
	if dot < 0 {
		return pyval.Tuple{str, ""}, nil
	}
	cut := len(str) - (len(trimmed) - dot)
	return pyval.Tuple{str[:cut], str[cut:]}, nil
}

func fSubelements(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("subelements", args, kw, []string{"subelements", "skip_missing"}, false)
	if err != nil {
		return nil, err
	}
	var objs []any
	if d, ok := asDict(v); ok {
		objs = d.Values()
	} else if items, ok := seqItems(v); ok {
		objs = items
	} else {
		return nil, rtErr("obj must be a list of dicts or a nested dict")
	}
	var path []string
	if str, ok := asStr(a[0]); ok {
		path = strings.Split(str, ".")
	} else {
		return nil, rtErr("subelements must be a list or a string")
	}
	skip := pyval.Truth(a[1])
	out := []any{}
	for _, o := range objs {
		cur := o
		missing := false
		for _, p := range path {
			d, ok := asDict(cur)
			if !ok {
				return nil, rtErr("the key %s should point to a dictionary, got '%s'", p, pyStr(cur))
			}
			x, ok := d.Get(p)
			if !ok {
				if skip {
					missing = true
					break
				}
				return nil, rtErr("could not find %s key in iterated item %s", pyRepr(p), pyRepr(cur))
			}
			cur = x
		}
		if missing {
			continue
		}
		l, ok := cur.(*pyval.List)
		if !ok {
			return nil, rtErr("the key %s should point to a list, got %s", pyRepr(path[len(path)-1]), pyRepr(cur))
		}
		for _, it := range l.Items {
			out = append(out, pyval.Tuple{o, it})
		}
	}
	return pyval.NewList(out...), nil
}

func fTernary(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("ternary", args, kw, []string{"true_val", "false_val", "none_val"}, nil)
	if err != nil {
		return nil, err
	}
	if v == nil && a[2] != nil {
		return a[2], nil
	}
	if pyval.Truth(v) {
		return a[0], nil
	}
	return a[1], nil
}

func fTypeDebug(s *state, v any, args []any, kw *kwargs) (any, error) {
	return typeName(v), nil
}

func fURLDecode(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	var b []byte
	for i := 0; i < len(str); i++ {
		if str[i] == '%' && i+2 < len(str) && isHex(str[i+1]) && isHex(str[i+2]) {
			b = append(b, byte(hexVal(str[i+1])<<4|hexVal(str[i+2])))
			i += 2
			continue
		}
		if str[i] == '+' {
			b = append(b, ' ')
			continue
		}
		b = append(b, str[i])
	}
	return strings.ToValidUTF8(string(b), "\ufffd"), nil
}

func fZip(s *state, v any, args []any, kw *kwargs) (any, error) {
	lists := [][]any{}
	for _, x := range append([]any{v}, args...) {
		items, err := iterate(x)
		if err != nil {
			return nil, err
		}
		lists = append(lists, items)
	}
	n := len(lists[0])
	for _, l := range lists {
		n = min(n, len(l))
	}
	out := make([]any, n)
	for i := 0; i < n; i++ {
		t := make(pyval.Tuple, len(lists))
		for j, l := range lists {
			t[j] = l[i]
		}
		out[i] = t
	}
	return pyval.NewList(out...), nil
}

func fZipLongest(s *state, v any, args []any, kw *kwargs) (any, error) {
	fill, _ := kw.get("fillvalue")
	lists := [][]any{}
	for _, x := range append([]any{v}, args...) {
		items, err := iterate(x)
		if err != nil {
			return nil, err
		}
		lists = append(lists, items)
	}
	n := 0
	for _, l := range lists {
		n = max(n, len(l))
	}
	out := make([]any, n)
	for i := 0; i < n; i++ {
		t := make(pyval.Tuple, len(lists))
		for j, l := range lists {
			if i < len(l) {
				t[j] = l[i]
			} else {
				t[j] = fill
			}
		}
		out[i] = t
	}
	return pyval.NewList(out...), nil
}

func fToJSON(s *state, v any, args []any, kw *kwargs) (any, error) {
	o := jsonOpts{}
	if x, ok := kw.get("indent"); ok && x != nil {
		n, _ := toInt(x)
		if n > 1<<10 {
			return nil, sizeErr(maxSize + 1)
		}
		o.indent = int(n)
		o.pretty = true
	}
	if x, ok := kw.get("sort_keys"); ok {
		o.sortKeys = pyval.Truth(x)
	}
	if x, ok := kw.get("ensure_ascii"); ok {
		o.noASCII = !pyval.Truth(x)
	}
	return jsonDumps(v, o)
}

func fToNiceJSON(s *state, v any, args []any, kw *kwargs) (any, error) {
	o := jsonOpts{indent: 4, pretty: true, sortKeys: true}
	if x, ok := kw.get("indent"); ok {
		n, _ := toInt(x)
		if n > 1<<10 {
			return nil, sizeErr(maxSize + 1)
		}
		o.indent = int(n)
	}
	if x, ok := kw.get("sort_keys"); ok {
		o.sortKeys = pyval.Truth(x)
	}
	if x, ok := kw.get("ensure_ascii"); ok {
		o.noASCII = !pyval.Truth(x)
	}
	return jsonDumps(v, o)
}

func fTojson(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("tojson", args, kw, []string{"indent"}, nil)
	if err != nil {
		return nil, err
	}
	o := jsonOpts{sortKeys: true}
	if a[0] != nil {
		n, _ := toInt(a[0])
		if n > 1<<10 {
			return nil, sizeErr(maxSize + 1)
		}
		o.indent, o.pretty = int(n), true
	}
	str, err := jsonDumps(v, o)
	if err != nil {
		return nil, err
	}
	return strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, "'", `\u0027`).Replace(str), nil
}

func fFromJSON(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, ok := asStr(v)
	if !ok {
		return nil, typeErr("the JSON object must be str, bytes or bytearray, not %s", typeName(v))
	}
	return jsonLoads(str)
}

func fToYAML(s *state, v any, args []any, kw *kwargs) (any, error) {
	o := yamlOpts{indent: 2, flow: flowAuto, width: 80}
	if x, ok := kw.get("indent"); ok {
		n, _ := toInt(x)
		o.indent = int(n)
	}
	if x, ok := kw.get("default_flow_style"); ok {
		switch {
		case x == nil:
			o.flow = flowAuto
		case pyval.Truth(x):
			o.flow = flowAlways
		default:
			o.flow = flowNever
		}
	}
	if x, ok := kw.get("width"); ok {
		n, _ := toInt(x)
		o.width = int(n)
	}
	return yamlDump(v, o)
}

func fToNiceYAML(s *state, v any, args []any, kw *kwargs) (any, error) {
	o := yamlOpts{indent: 4, flow: flowNever, width: 80}
	if len(args) > 0 {
		n, _ := toInt(args[0])
		o.indent = int(n)
	}
	if x, ok := kw.get("indent"); ok {
		n, _ := toInt(x)
		o.indent = int(n)
	}
	if x, ok := kw.get("width"); ok {
		n, _ := toInt(x)
		o.width = int(n)
	}
	return yamlDump(v, o)
}

func fFromYAML(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, ok := asStr(v)
	if !ok {
		return v, nil
	}
	return yamlLoad(str, false)
}

func fFromYAMLAll(s *state, v any, args []any, kw *kwargs) (any, error) {
	str, ok := asStr(v)
	if !ok {
		return v, nil
	}
	return yamlLoad(str, true)
}

func fJSONQuery(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("json_query", args, kw, []string{"expr"})
	if err != nil {
		return nil, err
	}
	q, err := toText(a[0])
	if err != nil {
		return nil, err
	}
	return jmesSearch(q, v)
}

func utf8Len(s string) int { return utf8.RuneCountInString(s) }
