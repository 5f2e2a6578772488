package output

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// terminfoDirs are ncurses' default search places, after $TERMINFO,
// ~/.terminfo and $TERMINFO_DIRS.
var terminfoDirs = []string{"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"}

// termColors returns the terminfo "colors" number of term, as Python's
// curses.setupterm + tigetnum("colors") do for Ansible: -1 when the entry
// has none (vt100, dumb) or is not found. On a system with no terminfo
// database at all (a minimal container) it guesses from the name instead
// of taking colours away everywhere.
func termColors(term string, env func(string) (string, bool)) int {
	if term == "" {
		return -1
	}
	var dirs []string
	if d, ok := env("TERMINFO"); ok && d != "" {
		dirs = append(dirs, d)
	}
	if h, ok := env("HOME"); ok && h != "" {
		dirs = append(dirs, filepath.Join(h, ".terminfo"))
	}
	if l, ok := env("TERMINFO_DIRS"); ok {
		for _, d := range strings.Split(l, ":") {
			if d == "" {
				dirs = append(dirs, terminfoDirs...)
			} else {
				dirs = append(dirs, d)
			}
		}
	}
	dirs = append(dirs, terminfoDirs...)
	anyDB := false
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		anyDB = true
		for _, sub := range []string{term[:1], fmt.Sprintf("%02x", term[0])} {
			b, err := os.ReadFile(filepath.Join(d, sub, term))
			if err != nil {
				continue
			}
			if n, ok := terminfoColors(b); ok {
				return n
			}
		}
	}
	if !anyDB && term != "dumb" {
		return 8
	}
	return -1
}

// terminfoColors reads the max_colors number (index 13) of a compiled
// terminfo entry, legacy (16-bit numbers) or extended (32-bit) format.
func terminfoColors(b []byte) (int, bool) {
	const maxColors = 13
	if len(b) < 12 {
		return 0, false
	}
	h := func(i int) int { return int(int16(binary.LittleEndian.Uint16(b[2*i:]))) }
	width := 0
	switch h(0) {
	case 0o432:
		width = 2
	case 0o1036:
		width = 4
	default:
		return 0, false
	}
	names, bools, nums := h(1), h(2), h(3)
	off := 12 + names + bools
	if off%2 == 1 {
		off++
	}
	if maxColors >= nums {
		return -1, true
	}
	off += maxColors * width
	if off+width > len(b) || names < 0 || bools < 0 {
		return 0, false
	}
	if width == 2 {
		return int(int16(binary.LittleEndian.Uint16(b[off:]))), true
	}
	return int(int32(binary.LittleEndian.Uint32(b[off:]))), true
}
