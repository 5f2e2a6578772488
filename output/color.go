package output

import (
	"os"
	"strconv"
	"strings"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// ColorConfig carries ansible.cfg's [defaults] force_color and nocolor,
// "" when unset; the environment overrides them, as in Ansible.
type ColorConfig struct {
	ForceColor, NoColor string
}

// ColorWanted decides colours for f as Ansible 2.14 does with no
// ansible.cfg settings; see ColorWantedCfg.
func ColorWanted(f *os.File) bool { return ColorWantedCfg(f, ColorConfig{}) }

// ColorWantedCfg decides colours for f as ansible/utils/color.py does:
// force_color wins; else nocolor (NO_COLOR, then ANSIBLE_NOCOLOR, then the
// cfg; all booleans, so NO_COLOR=0 keeps colours) turns them off; else only
// a terminal whose terminfo entry has colours gets them.
func ColorWantedCfg(f *os.File, cfg ColorConfig) bool {
	tty := f != nil && isatty.IsTerminal(f.Fd())
	return decideColor(os.LookupEnv, tty, cfg)
}

func decideColor(env func(string) (string, bool), tty bool, cfg ColorConfig) bool {
	if setting(env, cfg.ForceColor, "ANSIBLE_FORCE_COLOR") {
		return true
	}
	// NO_COLOR is listed after ANSIBLE_NOCOLOR in base.yml, and the
	// last variable set wins
	if setting(env, cfg.NoColor, "ANSIBLE_NOCOLOR", "NO_COLOR") {
		return false
	}
	if !tty {
		return false
	}
	term, _ := env("TERM")
	return termColors(term, env) >= 0
}

// setting reads a boolean setting: the last of the variables that is set,
// else the cfg value. A value that is not a boolean counts as false, as
// Ansible's non-strict conversion does.
func setting(env func(string) (string, bool), cfgVal string, vars ...string) bool {
	v := cfgVal
	for _, name := range vars {
		if x, ok := env(name); ok {
			v = x
		}
	}
	return truthyEnv(v)
}

func truthyEnv(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on", "y", "t":
		return true
	}
	return false
}

type colorName int

// Ansible 2.14's default colours (config/base.yml COLOR_*).
const (
	colNone         colorName = iota
	colGreen                  // COLOR_OK, COLOR_DIFF_ADD
	colYellow                 // COLOR_CHANGED
	colCyan                   // COLOR_SKIP, COLOR_DIFF_LINES
	colRed                    // COLOR_ERROR, COLOR_DIFF_REMOVE
	colBrightRed              // COLOR_UNREACHABLE
	colPurple                 // COLOR_DEPRECATE
	colBrightPurple           // COLOR_WARN
	colBlue                   // COLOR_VERBOSE
	colDarkGray               // COLOR_DEBUG
)

// colorCodes are the SGR parameters of constants.COLOR_CODES: "0;32" for
// green, "1;31" for bright red.
var colorCodes = map[colorName]string{
	colGreen:        sgr(color.Reset, color.FgGreen),
	colYellow:       sgr(color.Reset, color.FgYellow),
	colCyan:         sgr(color.Reset, color.FgCyan),
	colRed:          sgr(color.Reset, color.FgRed),
	colBrightRed:    sgr(color.Bold, color.FgRed),
	colPurple:       sgr(color.Reset, color.FgMagenta),
	colBrightPurple: sgr(color.Bold, color.FgMagenta),
	colBlue:         sgr(color.Reset, color.FgBlue),
	colDarkGray:     sgr(color.Bold, color.FgBlack),
}

func sgr(attrs ...color.Attribute) string {
	s := make([]string, len(attrs))
	for i, a := range attrs {
		s[i] = strconv.Itoa(int(a))
	}
	return strings.Join(s, ";")
}

// stringc is Ansible's stringc: every piece between newlines, empty ones
// included, wrapped in its own colour and reset ("\x1b[0;32m…\x1b[0m").
// fatih/color's own reset sequence differs ("\x1b[0;0m"), so the bytes are
// written here to match ansible-playbook's.
func stringc(on bool, col colorName, s string) string {
	code, ok := colorCodes[col]
	if !on || !ok {
		return s
	}
	pieces := strings.Split(s, "\n")
	for i, p := range pieces {
		pieces[i] = "\x1b[" + code + "m" + p + "\x1b[0m"
	}
	return strings.Join(pieces, "\n")
}

// displayText is what Display.display writes for msg: one trailing newline
// is kept out of the colour, and the line always ends with one.
func displayText(on bool, col colorName, msg string) string {
	msg = strings.TrimSuffix(msg, "\n")
	return stringc(on, col, msg) + "\n"
}
