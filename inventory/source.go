package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gplay/diag"
)

// Load builds the inventory from -i sources: paths of INI or YAML files,
// directories of them, or comma-separated host lists ("h1,h2,"). As
// Ansible, a source that cannot be parsed is a warning (with the parsers'
// errors, positioned) and loading goes on, unless opts.AnyUnparsedIsFailed.
// The returned error is for failures Ansible also stops on.
func Load(sources []string, opts Options) (*Inventory, error) {
	inv := newInventory(opts)
	parsed := false
	for _, s := range sources {
		if s == "" {
			continue
		}
		if !strings.Contains(s, ",") {
			s = unfrackPath(s)
		}
		inv.Sources = append(inv.Sources, s)
		ok, err := inv.parseSource(s)
		if err != nil {
			return nil, err
		}
		parsed = parsed || ok
	}
	if parsed {
		inv.reconcile()
	} else {
		inv.warn(diag.Pos{}, "No inventory was parsed, only implicit localhost is available")
	}
	inv.loaded = true
	return inv, nil
}

// unfrackPath is Ansible's unfrackpath(follow=False): ~ expanded, made
// absolute and clean, links not resolved.
func unfrackPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// ignoredInDir is manager.py's IGNORED for directory sources: hidden
// files, group_vars/host_vars/vars_plugins, and INVENTORY_IGNORE_EXTS
// (REJECT_EXTS + .orig .ini .cfg .retry).
var ignoredInDir = regexp.MustCompile(`^\.|^host_vars$|^group_vars$|^vars_plugins$|` +
	`(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$`)

func (inv *Inventory) parseSource(src string) (bool, error) {
	if fi, err := os.Stat(src); err == nil && fi.IsDir() {
		ents, err := os.ReadDir(src)
		if err != nil {
			return false, fmt.Errorf("read inventory directory: %w", err)
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		parsed := false
		for _, n := range names {
			if ignoredInDir.MatchString(n) {
				continue
			}
			ok, err := inv.parseSource(filepath.Join(src, n))
			if err != nil {
				return false, err
			}
			parsed = parsed || ok
		}
		return parsed, nil
	}
	inv.current = src
	defer func() { inv.current = "" }()
	type failure struct {
		plugin string
		err    error
	}
	var failures []failure
	for _, pl := range plugins {
		if !pl.wants(src) {
			continue
		}
		err := pl.parse(inv, src)
		if err == nil {
			return true, nil
		}
		failures = append(failures, failure{pl.name, err})
	}
	var errs []error
	for _, f := range failures {
		msg := fmt.Sprintf("Failed to parse %s with %s plugin: ", src, f.plugin)
		var de *diag.Error
		if errors.As(f.err, &de) {
			w := *de
			w.Severity = diag.SevWarning
			w.Msg = msg + de.Msg
			if inv.opts.Warnings != nil {
				inv.opts.Warnings.Add(&w)
			}
		} else {
			inv.warn(diag.Pos{File: src}, "%s%v", msg, f.err)
		}
		errs = append(errs, f.err)
	}
	if inv.opts.AnyUnparsedIsFailed {
		return false, &diag.Error{Pos: diag.Pos{File: src}, Msg: "Completely failed to parse inventory source " + src, Err: errors.Join(errs...)}
	}
	inv.warn(diag.Pos{File: src}, "Unable to parse %s as an inventory source", src)
	return false, nil
}

// plugin is one of Ansible's inventory plugins in INVENTORY_ENABLED order
// (host_list, script, auto, yaml, ini, toml); gplay has host_list, yaml and
// ini, and declines what script, auto and toml would take.
type plugin struct {
	name  string
	wants func(path string) bool
	parse func(inv *Inventory, path string) error
}

var plugins = []plugin{
	{"host_list", func(p string) bool {
		_, err := os.Stat(p)
		return err != nil && strings.Contains(p, ",")
	}, (*Inventory).parseHostList},
	{"yaml", func(p string) bool {
		if !readableFile(p) {
			return false
		}
		ext := filepath.Ext(p)
		return ext == "" || ext == ".yaml" || ext == ".yml" || ext == ".json"
	}, func(inv *Inventory, p string) error {
		src, err := inv.readFile(p)
		if err != nil {
			return err
		}
		return inv.parseYAML(p, src)
	}},
	{"ini", readableFile, func(inv *Inventory, p string) error {
		src, err := inv.readFile(p)
		if err != nil {
			return err
		}
		return inv.parseINI(p, src)
	}},
}

func readableFile(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	return err == nil && !fi.IsDir()
}

// parseHostList is the host_list plugin: "h1,h2:2222,[::1]:22," adds each
// host to ungrouped; ranges are not expanded here.
func (inv *Inventory) parseHostList(list string) error {
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		host, port, err := parseAddress(h, false)
		if err != nil {
			host, port = h, 0
		}
		if inv.hosts[host] == nil {
			if _, err := inv.AddHost(host, "ungrouped", port); err != nil {
				return err
			}
		}
	}
	return nil
}
