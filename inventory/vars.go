package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gplay/diag"
	"gplay/pyval"
	"gplay/yaml11"
)

// update lays b's entries over a in place: Ansible's combine_vars.
func (inv *Inventory) update(a, b *pyval.Dict) { pyval.CombineVars(a, b, inv.opts.HashMerge) }

// sortGroups orders groups as Ansible's sort_groups: by depth, then
// priority, then name; later groups' variables win.
func sortGroups(gs []*Group) []*Group {
	out := slices.Clone(gs)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Depth != b.Depth {
			return a.Depth < b.Depth
		}
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		return a.Name < b.Name
	})
	return out
}

// AddPlaybookDir adds dir's group_vars/ and host_vars/ as the playbook's
// vars (precedence levels 5, 7 and 10: above the inventory's of the same
// kind). The engine calls it once per playbook directory, before running.
func (inv *Inventory) AddPlaybookDir(dir string) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		dir = abs
	}
	if slices.Contains(inv.playDirs, dir) {
		return
	}
	inv.playDirs = append(inv.playDirs, dir)
	inv.invalidate()
}

// SetBaseDir names the directory ansible-inventory takes as its base when
// --playbook-dir is not given (the working directory): its group_vars/ and
// host_vars/ count for host variables (VariableManager uses the loader's
// base directory) but, unlike AddPlaybookDir's, not for the group and
// --export views, which ask the vars plugins for an explicit
// --playbook-dir only (cli/inventory.py _get_group_variables).
func (inv *Inventory) SetBaseDir(dir string) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	inv.baseDir = dir
	inv.invalidate()
}

// varsDirs returns the directories whose group_vars/host_vars belong to
// the inventory: each source's directory (a directory source itself), in
// source order; host lists have none (get_vars_from_inventory_sources).
func (inv *Inventory) varsDirs() []string {
	// HostVars runs this from many goroutines at once.
	inv.dirsMu.Lock()
	defer inv.dirsMu.Unlock()
	if inv.invDirs != nil {
		return inv.invDirs
	}
	dirs := []string{}
	for _, s := range inv.Sources {
		fi, err := os.Stat(s)
		if err != nil {
			continue // a host list, or a source that failed to load
		}
		if !fi.IsDir() {
			s = filepath.Dir(s)
		}
		dirs = append(dirs, s)
	}
	inv.invDirs = dirs
	return dirs
}

// HostVars returns the host's variables from the inventory as Ansible
// merges them (VariableManager.get_vars, host part): all's vars, the other
// groups' vars by depth/priority/name, group_vars/all (inventory, then
// playbook), group_vars/<group> (inventory, then playbook), the host's own
// vars, host_vars/<host> (inventory, then playbook). The merge is cached;
// each call returns a shallow copy the caller may change (the values
// inside are shared). Magic variables are not included. HostVars is
// safe for concurrent use while the inventory is not being changed
// (AddDynamicHost, AddDynamicGroup and AddPlaybookDir must not run at the
// same time).
func (inv *Inventory) HostVars(h *Host) (*pyval.Dict, error) {
	inv.mu.Lock()
	if v, ok := inv.hostVars[h]; ok {
		inv.mu.Unlock()
		return v.Copy(), nil
	}
	inv.mu.Unlock()
	v, err := inv.computeHostVars(h)
	if err != nil {
		return nil, err
	}
	inv.mu.Lock()
	inv.hostVars[h] = v
	inv.mu.Unlock()
	return v.Copy(), nil
}

func (inv *Inventory) computeHostVars(h *Host) (*pyval.Dict, error) {
	all := inv.groups["all"]
	var groups []*Group
	for _, g := range h.groups {
		if g != all {
			groups = append(groups, g)
		}
	}
	groups = sortGroups(groups)
	out := pyval.NewDict(all.Vars.Len() + h.Vars.Len())
	inv.update(out, all.Vars)
	for _, g := range groups {
		inv.update(out, g.Vars)
	}
	invDirs := inv.varsDirs()
	playDirs := inv.playDirs
	if inv.baseDir != "" && !slices.Contains(playDirs, inv.baseDir) {
		playDirs = append(slices.Clip(playDirs), inv.baseDir)
	}
	layers := []struct {
		dirs   []string
		groups []*Group
	}{
		{invDirs, []*Group{all}},
		{playDirs, []*Group{all}},
		{invDirs, groups},
		{playDirs, groups},
	}
	for _, l := range layers {
		for _, d := range l.dirs {
			for _, g := range l.groups {
				if err := inv.mergeVarsFiles(out, d, "group_vars", g.Name); err != nil {
					return nil, err
				}
			}
		}
	}
	inv.update(out, h.Vars)
	for _, dirs := range [][]string{invDirs, playDirs} {
		for _, d := range dirs {
			if err := inv.mergeVarsFiles(out, d, "host_vars", h.Name); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// GroupVars returns the group's variables as ansible-inventory shows them
// for a group: its inventory vars, its group_vars files from the inventory
// directories (and playbook dirs), and ansible_group_priority when not 1.
func (inv *Inventory) GroupVars(g *Group) (*pyval.Dict, error) {
	out := g.Vars.Copy()
	for _, dirs := range [][]string{inv.varsDirs(), inv.playDirs} {
		for _, d := range dirs {
			if err := inv.mergeVarsFiles(out, d, "group_vars", g.Name); err != nil {
				return nil, err
			}
		}
	}
	if g.Priority != 1 {
		out.Set("ansible_group_priority", int64(g.Priority))
	}
	return out, nil
}

// mergeVarsFiles merges the vars files for name under dir/sub into out, as
// the host_group_vars plugin does.
func (inv *Inventory) mergeVarsFiles(out *pyval.Dict, dir, sub, name string) error {
	// Entities named like absolute paths (chroot connections) are skipped.
	if strings.HasPrefix(name, string(os.PathSeparator)) {
		return nil
	}
	files, err := inv.findVarsFiles(filepath.Join(dir, sub), name)
	if err != nil {
		return err
	}
	for _, f := range files {
		d, err := inv.loadVarsFile(f)
		if err != nil {
			return err
		}
		if d != nil {
			inv.update(out, d)
		}
	}
	return nil
}

var varsExts = []string{".yml", ".yaml", ".json"}

// findVarsFiles is DataLoader.find_vars_files: the first of name, name.yml,
// name.yaml, name.json that exists; a directory gives all its files
// (sorted, recursively, hidden and backup files skipped).
func (inv *Inventory) findVarsFiles(dir, name string) ([]string, error) {
	key := dir + "\x00" + name
	inv.mu.Lock()
	if f, ok := inv.findCache[key]; ok {
		inv.mu.Unlock()
		return f, nil
	}
	inv.mu.Unlock()
	var found []string
	// One directory listing instead of five stats per host: with
	// thousands of hosts the stats dominate.
	if names, isDir := inv.listDir(dir); names != nil || isDir {
		if !isDir {
			inv.warn(diag.Pos{File: dir}, "Found %s that is not a directory, skipping: %s", filepath.Base(dir), dir)
		} else {
			base := filepath.Join(dir, name)
			for _, ext := range append([]string{""}, varsExts...) {
				if !names[name+ext] {
					continue
				}
				p := base + ext
				fi, err := os.Stat(p)
				if err != nil {
					continue
				}
				if fi.IsDir() {
					sub, err := dirVarsFiles(p)
					if err != nil {
						return nil, err
					}
					found = append(found, sub...)
				} else {
					found = append(found, p)
				}
				break
			}
		}
	}
	inv.mu.Lock()
	inv.findCache[key] = found
	inv.mu.Unlock()
	return found, nil
}

// listDir returns the names in dir and whether dir is a directory, cached.
// For a path that exists but is not a directory names is empty, not nil;
// for a missing one it is nil.
func (inv *Inventory) listDir(dir string) (map[string]bool, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if l, ok := inv.dirCache[dir]; ok {
		return l.names, l.isDir
	}
	var l dirListing
	if fi, err := os.Stat(dir); err == nil {
		l.names = map[string]bool{}
		if l.isDir = fi.IsDir(); l.isDir {
			if ents, err := os.ReadDir(dir); err == nil {
				for _, e := range ents {
					l.names[e.Name()] = true
				}
			}
		}
	}
	if inv.dirCache == nil {
		inv.dirCache = map[string]dirListing{}
	}
	inv.dirCache[dir] = l
	return l.names, l.isDir
}

type dirListing struct {
	names map[string]bool
	isDir bool
}

func dirVarsFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read vars directory: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") {
			continue
		}
		p := filepath.Join(dir, n)
		ext := filepath.Ext(n)
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if fi.IsDir() && ext == "" {
			sub, err := dirVarsFiles(p)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		} else if fi.Mode().IsRegular() && (ext == "" || slices.Contains(varsExts, ext)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// loadVarsFile parses a group_vars/host_vars file (YAML or JSON, possibly
// vault-encrypted as a whole). An empty file gives nil.
func (inv *Inventory) loadVarsFile(path string) (*pyval.Dict, error) {
	inv.mu.Lock()
	if d, ok := inv.fileCache[path]; ok {
		inv.mu.Unlock()
		return d, nil
	}
	inv.mu.Unlock()
	src, err := inv.readFile(path)
	if err != nil {
		return nil, err
	}
	v, err := yaml11.DecodeData(path, src, yaml11.Options{Decrypter: inv.opts.Decrypter, Warnings: inv.opts.Warnings})
	if err != nil {
		return nil, err
	}
	var d *pyval.Dict
	if dd, ok := v.(*pyval.Dict); ok {
		if dd.Len() > 0 {
			d = dd
		}
	} else if pyval.Truth(v) {
		// Empty files and empty values are skipped as "if new_data:" does.
		return nil, &diag.Error{Pos: diag.Pos{File: path, Line: 1, Col: 1},
			Msg:  fmt.Sprintf("failed to combine variables, expected dicts but got a 'dict' and a '%s'", pyval.TypeName(v)),
			Hint: "a group_vars or host_vars file must hold a mapping of variable names to values"}
	}
	inv.mu.Lock()
	inv.fileCache[path] = d
	inv.mu.Unlock()
	return d, nil
}

// readFile reads path and decrypts it when it is a vault file.
func (inv *Inventory) readFile(path string) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if yaml11.IsVaultFile(src) {
		if inv.opts.Decrypter == nil {
			return nil, &diag.Error{Pos: diag.Pos{File: path, Line: 1, Col: 1}, Msg: "cannot decrypt vault-encrypted file", Err: yaml11.ErrNoVaultSecrets,
				Hint: "give the vault password with --vault-id, --vault-password-file or --ask-vault-pass"}
		}
		plain, err := inv.opts.Decrypter.Decrypt(src)
		if err != nil {
			return nil, &diag.Error{Pos: diag.Pos{File: path, Line: 1, Col: 1}, Msg: "cannot decrypt vault-encrypted file", Err: err}
		}
		return plain, nil
	}
	return src, nil
}
