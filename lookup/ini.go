package lookup

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gplay/pyval"
)

var iniOptions = []option{
	{name: "type", def: "ini", choices: []string{"ini", "properties"}},
	{name: "file", def: "ansible.ini"},
	{name: "section", def: "global"},
	{name: "re", typ: "bool", def: false},
	{name: "encoding", def: "utf-8"},
	{name: "default", def: ""},
	{name: "case_sensitive", def: false},
	{name: "allow_no_value", typ: "bool", def: false, aliases: []string{"allow_none"}},
}

// iniLookup is ansible.builtin.ini: values from INI or Java properties
// files, read the way Python's configparser reads them (sections, the
// DEFAULT section, continuation lines, %(name)s interpolation).
func iniLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), iniOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	// Ansible keeps one parser for all terms and lets inline options of a
	// term stick for the following terms; so do we
	cp := newIniParser(pyval.Truth(opts["case_sensitive"]), opts.bool("allow_no_value"))
	var out []any
	for _, t := range c.Terms {
		term := pyval.Str(t)
		key := term
		if strings.Contains(term, "=") || strings.Contains(strings.TrimSpace(term), " ") {
			params := iniParams(term)
			updated := false
			for _, p := range params {
				if strings.Contains(p, "=") {
					kv := strings.Split(p, "=")
					if len(kv) != 2 {
						return nil, lookupErrf("Could not use '%s' from '%s': too many values to unpack (expected 2)", p, pyval.Repr(strList(params)))
					}
					if _, ok := opts[kv[0]]; !ok {
						return nil, lookupErrf("%s is not a valid option.", kv[0])
					}
					opts[kv[0]] = kv[1]
				} else if key == term {
					key, updated = p, true
				}
			}
			if !updated {
				return nil, optionsErrf("No key to lookup was provided as first term with in string inline options: %s", term)
			}
		}
		fileName := opts.str("file")
		path := c.Task.findFile("files", fileName, false)
		if path == "" {
			return nil, &Error{Kind: KindOther, Class: "ansible.errors.AnsibleParserError", Msg: "Invalid filename: 'None'"}
		}
		b, err := c.Task.readFile(path)
		if err != nil {
			return nil, &Error{Kind: KindOther, Class: "ansible.errors.AnsibleParserError", Msg: err.Error()}
		}
		content, err := decodeText(b, opts.str("encoding"))
		if err != nil {
			return nil, err
		}
		if opts.str("type") == "properties" {
			content = "[java_properties]\n" + content
			opts["section"] = "java_properties"
		}
		if err := cp.read(content); err != nil {
			if dup, ok := err.(*iniDupError); ok {
				return nil, lookupErrf("Duplicate option in '%s': %s", fileName, dup.msg)
			}
			return nil, err
		}
		section := opts.str("section")
		if !cp.hasSection(section) {
			return nil, lookupErrf("No section '%s' in %s", section, fileName)
		}
		if pyval.Truth(opts["re"]) {
			re, err := regexp.Compile(`^(?:` + key + `)`)
			if err != nil {
				return nil, &Error{Kind: KindOther, Class: "re.error", Msg: err.Error()}
			}
			items, err := cp.items(section)
			if err != nil {
				return nil, err
			}
			for _, kv := range items {
				if re.MatchString(kv[0].(string)) {
					out = append(out, kv[1])
				}
			}
			continue
		}
		v, found, err := cp.get(section, key)
		if err != nil {
			return nil, err
		}
		if !found {
			v = opts["default"]
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func strList(ss []string) *pyval.List {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return pyval.NewList(out...)
}

// iniParams is the ini lookup's _parse_params: words of the term grouped
// by the option they belong to, so values may contain spaces.
func iniParams(term string) []string {
	valid := []string{}
	for _, o := range iniOptions {
		valid = append(valid, o.name)
		valid = append(valid, o.aliases...)
	}
	params := map[string]string{}
	var keys []string
	this := "key"
	for i, phrase := range strings.Fields(term) {
		if strings.Contains(phrase, "=") {
			for _, k := range valid {
				if strings.Contains(phrase, k+"=") {
					this = k
				}
			}
		}
		if i == 0 || params[this] == "" {
			params[this] = phrase
			keys = append(keys, this)
		} else {
			params[this] += " " + phrase
		}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = params[k]
	}
	return out
}

// decodeText decodes file bytes in the encodings people use for INI and
// CSV files.
func decodeText(b []byte, enc string) (string, error) {
	switch strings.ReplaceAll(strings.ToLower(enc), "_", "-") {
	case "utf-8", "utf8", "":
		return text(b), nil
	case "utf-8-sig":
		return text([]byte(strings.TrimPrefix(string(b), "\ufeff"))), nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1":
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), nil
	case "ascii", "us-ascii":
		for i, c := range b {
			if c >= 0x80 {
				return "", &Error{Kind: KindOther, Class: "UnicodeDecodeError", Msg: fmt.Sprintf("'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", c, i)}
			}
		}
		return string(b), nil
	}
	return "", &Error{Kind: KindOther, Class: "LookupError", Msg: "unknown encoding: " + enc}
}

// iniSection is an ordered option map; a nil value is an option without
// a value (allow_no_value).
type iniSection struct {
	keys []string
	vals map[string]*string
	// lines gathers continuation lines while reading
	lines map[string][]string
}

func newIniSection() *iniSection {
	return &iniSection{vals: map[string]*string{}, lines: map[string][]string{}}
}

func (s *iniSection) set(k string, v *string) {
	if _, ok := s.vals[k]; !ok {
		s.keys = append(s.keys, k)
	}
	s.vals[k] = v
}

// iniParser is the part of Python's ConfigParser the ini lookup uses.
type iniParser struct {
	caseSensitive, allowNoValue bool
	defaults                    *iniSection
	order                       []string
	sections                    map[string]*iniSection
}

func newIniParser(caseSensitive, allowNoValue bool) *iniParser {
	return &iniParser{caseSensitive: caseSensitive, allowNoValue: allowNoValue, defaults: newIniSection(), sections: map[string]*iniSection{}}
}

func (p *iniParser) xform(k string) string {
	if p.caseSensitive {
		return k
	}
	return strings.ToLower(k)
}

type iniDupError struct{ msg string }

func (e *iniDupError) Error() string { return e.msg }

var (
	sectRE   = regexp.MustCompile(`^\[(.+)\]`)
	optRE    = regexp.MustCompile(`^(.*?)\s*([=:])\s*(.*)$`)
	optNVRE  = regexp.MustCompile(`^(.*?)\s*(?:([=:])\s*(.*))?$`)
	iniSpace = " \t\n\r\x0b\x0c"
)

func (p *iniParser) read(content string) error {
	var cur *iniSection
	var sectName, optName string
	indent := 0
	added := map[string]bool{}
	var parseErrs []string
	lines := strings.SplitAfter(content, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		lineno := i + 1
		stripped := strings.Trim(line, iniSpace)
		comment := strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";")
		value := stripped
		if comment {
			value = ""
		}
		if value == "" {
			if !comment && cur != nil && optName != "" && cur.vals[optName] != nil {
				cur.lines[optName] = append(cur.lines[optName], "")
			}
			continue
		}
		curIndent := len(line) - len(strings.TrimLeft(line, iniSpace))
		if strings.Trim(line, iniSpace) == "" {
			curIndent = 0
		}
		if cur != nil && optName != "" && curIndent > indent {
			cur.lines[optName] = append(cur.lines[optName], value)
			continue
		}
		indent = curIndent
		if m := sectRE.FindStringSubmatch(value); m != nil {
			sectName = m[1]
			switch {
			case p.sections[sectName] != nil:
				if added["s:"+sectName] {
					return &Error{Kind: KindOther, Class: "configparser.DuplicateSectionError", Msg: fmt.Sprintf("While reading from '<???>' [line %2d]: section %s already exists", lineno, pyval.Repr(sectName))}
				}
				cur = p.sections[sectName]
				added["s:"+sectName] = true
			case sectName == "DEFAULT":
				cur = p.defaults
			default:
				cur = newIniSection()
				p.sections[sectName] = cur
				p.order = append(p.order, sectName)
				added["s:"+sectName] = true
			}
			optName = ""
			continue
		}
		if cur == nil {
			return &Error{Kind: KindOther, Class: "configparser.MissingSectionHeaderError", Msg: fmt.Sprintf("File contains no section headers.\nfile: '<???>', line: %d\n%s", lineno, pyval.Repr(line))}
		}
		re := optRE
		if p.allowNoValue {
			re = optNVRE
		}
		m := re.FindStringSubmatch(value)
		if m == nil || m[1] == "" {
			parseErrs = append(parseErrs, fmt.Sprintf("\n\t[line %2d]: %s", lineno, pyval.Repr(line)))
			continue
		}
		optName = p.xform(strings.TrimRight(m[1], iniSpace))
		if added["o:"+sectName+"\x00"+optName] {
			return &iniDupError{msg: fmt.Sprintf("While reading from '<???>' [line %2d]: option %s in section %s already exists", lineno, pyval.Repr(optName), pyval.Repr(sectName))}
		}
		added["o:"+sectName+"\x00"+optName] = true
		if m[2] != "" {
			v := strings.Trim(m[3], iniSpace)
			cur.set(optName, &v)
			cur.lines[optName] = []string{v}
		} else {
			cur.set(optName, nil)
			delete(cur.lines, optName)
		}
	}
	// join continuation lines
	for _, s := range append([]*iniSection{p.defaults}, p.sectionList()...) {
		for k, ls := range s.lines {
			if s.vals[k] == nil {
				continue
			}
			v := strings.TrimRight(strings.Join(ls, "\n"), iniSpace)
			s.vals[k] = &v
		}
		s.lines = map[string][]string{}
	}
	if len(parseErrs) > 0 {
		return &Error{Kind: KindOther, Class: "configparser.ParsingError", Msg: "Source contains parsing errors: '<???>'" + strings.Join(parseErrs, "")}
	}
	return nil
}

func (p *iniParser) sectionList() []*iniSection {
	out := make([]*iniSection, 0, len(p.order))
	for _, n := range p.order {
		out = append(out, p.sections[n])
	}
	return out
}

func (p *iniParser) hasSection(name string) bool {
	return name == "DEFAULT" || p.sections[name] != nil
}

// lookup finds an option in the section, then in DEFAULT.
func (p *iniParser) lookup(section, key string) (*string, bool) {
	if s := p.sections[section]; s != nil {
		if v, ok := s.vals[key]; ok {
			return v, true
		}
	}
	v, ok := p.defaults.vals[key]
	return v, ok
}

// get is ConfigParser.get with interpolation; found is false for a
// missing option (NoOptionError).
func (p *iniParser) get(section, key string) (any, bool, error) {
	key = p.xform(key)
	v, ok := p.lookup(section, key)
	if !ok {
		return nil, false, nil
	}
	if v == nil {
		return nil, true, nil
	}
	s, err := p.interpolate(section, key, *v, *v, 1)
	if err != nil {
		return nil, true, err
	}
	return s, true, nil
}

// items is ConfigParser.items(section): DEFAULT's options, then the
// section's, values interpolated.
func (p *iniParser) items(section string) ([][2]any, error) {
	var keys []string
	seen := map[string]bool{}
	for _, k := range p.defaults.keys {
		keys, seen[k] = append(keys, k), true
	}
	if s := p.sections[section]; s != nil {
		for _, k := range s.keys {
			if !seen[k] {
				keys, seen[k] = append(keys, k), true
			}
		}
	}
	var out [][2]any
	for _, k := range keys {
		v, _ := p.lookup(section, k)
		if v == nil {
			out = append(out, [2]any{k, nil})
			continue
		}
		s, err := p.interpolate(section, k, *v, *v, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]any{k, s})
	}
	return out, nil
}

var interpKeyRE = regexp.MustCompile(`^%\(([^)]+)\)s`)

// interpolate is BasicInterpolation: %% is %, %(name)s is another option
// of the section or DEFAULT, up to 10 levels deep.
func (p *iniParser) interpolate(section, option, rawval, rest string, depth int) (string, error) {
	if depth > 10 {
		return "", &Error{Kind: KindOther, Class: "configparser.InterpolationDepthError", Msg: fmt.Sprintf("Recursion limit exceeded in value substitution: option %s in section %s contains an interpolation key which cannot be substituted in 10 steps. Raw value: %s", pyval.Repr(option), pyval.Repr(section), pyval.Repr(rawval))}
	}
	var b strings.Builder
	for rest != "" {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "%%"):
			b.WriteByte('%')
			rest = rest[2:]
		case strings.HasPrefix(rest, "%("):
			m := interpKeyRE.FindStringSubmatch(rest)
			if m == nil {
				return "", &Error{Kind: KindOther, Class: "configparser.InterpolationSyntaxError", Msg: "bad interpolation variable reference " + pyval.Repr(rest)}
			}
			name := p.xform(m[1])
			rest = rest[len(m[0]):]
			v, ok := p.lookup(section, name)
			if !ok || v == nil {
				return "", &Error{Kind: KindOther, Class: "configparser.InterpolationMissingOptionError", Msg: fmt.Sprintf("Bad value substitution: option %s in section %s contains an interpolation key %s which is not a valid option name. Raw value: %s", pyval.Repr(option), pyval.Repr(section), pyval.Repr(name), pyval.Repr(rawval))}
			}
			if strings.Contains(*v, "%") {
				s, err := p.interpolate(section, option, rawval, *v, depth+1)
				if err != nil {
					return "", err
				}
				b.WriteString(s)
			} else {
				b.WriteString(*v)
			}
		default:
			return "", &Error{Kind: KindOther, Class: "configparser.InterpolationSyntaxError", Msg: "'%' must be followed by '%' or '(', found: " + pyval.Repr(rest)}
		}
	}
	return b.String(), nil
}
