package inventory

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gplay/diag"
	"gplay/pyval"
	"gplay/yaml11"
)

// localhostNames are the names that give the implicit localhost (Ansible's C.LOCALHOST).
var localhostNames = []string{"127.0.0.1", "localhost", "::1"}

func isLocalhostName(s string) bool { return slices.Contains(localhostNames, s) }

// Host is one inventory host.
type Host struct {
	Name string
	// Vars are the variables set on the host by inventory sources (host
	// lines, YAML host entries, ansible_port from name:port), in order.
	Vars *pyval.Dict
	// Implicit is true for the localhost Ansible makes up when a pattern
	// names localhost and the inventory has none.
	Implicit bool
	// Source is the inventory source the host was first found in (for
	// inventory_file and inventory_dir); "" for the implicit localhost.
	Source string

	groups []*Group // every group the host is in, ancestors included
	merge  bool     // hash_behaviour=merge
}

// Group is one inventory group.
type Group struct {
	Name string
	// Vars are the group's variables from inventory sources ([g:vars],
	// YAML vars:), not group_vars files.
	Vars     *pyval.Dict
	Hosts    []*Host  // direct members, in the order they were added
	Children []*Group // child groups, in the order they were added
	Parents  []*Group
	// Depth is the longest distance from all, as Ansible computes it; it
	// orders group variables (deeper groups win).
	Depth int
	// Priority is ansible_group_priority (default 1); among groups of the
	// same depth a higher priority wins.
	Priority int

	hostSet   map[string]bool
	merge     bool // hash_behaviour=merge
	hostCache []*Host
}

// Options tune loading.
type Options struct {
	// Decrypter decrypts vault-encrypted files and !vault values.
	Decrypter yaml11.Decrypter
	// Warnings, when non-nil, collects warnings as Ansible prints them
	// ("Unable to parse ... as an inventory source", duplicate keys...).
	Warnings *diag.List
	// AnyUnparsedIsFailed makes a source no parser accepts an error instead
	// of a warning (Ansible's INVENTORY_ANY_UNPARSED_IS_FAILED).
	AnyUnparsedIsFailed bool
	// HashMerge is hash_behaviour=merge: a dict variable set again, or
	// set at several levels, is merged recursively instead of replaced.
	HashMerge bool
}

// Inventory is the loaded inventory.
type Inventory struct {
	// Sources are the -i arguments as given (paths made absolute).
	Sources []string

	groups     map[string]*Group
	groupOrder []*Group
	hosts      map[string]*Host
	hostOrder  []*Host
	localhost  *Host

	opts     Options
	playDirs []string
	baseDir  string   // see SetBaseDir
	invDirs  []string // directories whose group_vars/host_vars are the inventory's
	dirsMu   sync.Mutex
	current  string // the source being parsed
	loaded   bool   // Load finished: changes reconcile at once

	mu        sync.Mutex
	fileCache map[string]*pyval.Dict // parsed group_vars/host_vars files
	findCache map[string][]string    // dir+name -> vars files
	dirCache  map[string]dirListing
	hostVars  map[*Host]*pyval.Dict
}

func newInventory(opts Options) *Inventory {
	inv := &Inventory{
		groups:    map[string]*Group{},
		hosts:     map[string]*Host{},
		opts:      opts,
		fileCache: map[string]*pyval.Dict{},
		findCache: map[string][]string{},
		hostVars:  map[*Host]*pyval.Dict{},
	}
	all, ungrouped := inv.AddGroup("all"), inv.AddGroup("ungrouped")
	// cannot fail: two distinct new groups, no loop possible
	_ = all.addChildGroup(ungrouped)
	return inv
}

func (inv *Inventory) warn(pos diag.Pos, format string, args ...any) {
	if inv.opts.Warnings != nil {
		inv.opts.Warnings.Add(&diag.Error{Pos: pos, Severity: diag.SevWarning, Msg: fmt.Sprintf(format, args...)})
	}
}

// Group returns the group called name, or nil.
func (inv *Inventory) Group(name string) *Group { return inv.groups[name] }

// Groups returns every group in the order it was first seen (all and
// ungrouped first), as Ansible's inventory.groups.
func (inv *Inventory) Groups() []*Group { return inv.groupOrder }

// GroupNames returns the names of Groups(), sorted.
func (inv *Inventory) GroupNames() []string {
	names := make([]string, len(inv.groupOrder))
	for i, g := range inv.groupOrder {
		names[i] = g.Name
	}
	sort.Strings(names)
	return names
}

// Host returns the host called name; localhost, 127.0.0.1 and ::1 give the
// implicit localhost when the inventory does not define them.
func (inv *Inventory) Host(name string) *Host {
	if h := inv.hosts[name]; h != nil {
		return h
	}
	if isLocalhostName(name) {
		return inv.implicitLocalhost(name)
	}
	return nil
}

// HostList returns every host in inventory order: the order of the all
// group's members, which is how Ansible lists them.
func (inv *Inventory) HostList() []*Host { return inv.groups["all"].AllHosts() }

func (inv *Inventory) implicitLocalhost(name string) *Host {
	if inv.localhost != nil {
		return inv.localhost
	}
	// As InventoryData._create_implicit_localhost: in no group, with a
	// local connection. gplay needs no Python; the interpreter variable is
	// what Debian's Ansible sets (sys.executable), so hostvars look the same.
	h := &Host{Name: name, Vars: pyval.NewDict(2), Implicit: true}
	h.Vars.Set("ansible_python_interpreter", "/usr/bin/python3")
	h.Vars.Set("ansible_connection", "local")
	inv.localhost = h
	return h
}

// AddGroup adds a group if it is not there and returns it.
func (inv *Inventory) AddGroup(name string) *Group {
	if g := inv.groups[name]; g != nil {
		return g
	}
	g := &Group{Name: name, Vars: pyval.NewDict(0), Priority: 1, hostSet: map[string]bool{}, merge: inv.opts.HashMerge}
	inv.groups[name] = g
	inv.groupOrder = append(inv.groupOrder, g)
	inv.changed()
	return g
}

// AddHost adds a host if it is not there, puts it in group (when not
// empty), and returns it. port, when positive, sets ansible_port on a new
// host only, as Ansible's InventoryData.add_host. At run time prefer
// AddDynamicHost, which is what the add_host action does; variables set
// directly on Host.Vars afterwards are not seen by an already cached
// HostVars.
func (inv *Inventory) AddHost(name, group string, port int) (*Host, error) {
	if name == "" {
		return nil, fmt.Errorf("invalid empty host name provided")
	}
	var g *Group
	if group != "" {
		if g = inv.groups[group]; g == nil {
			return nil, fmt.Errorf("could not find group %s in inventory", group)
		}
	}
	h := inv.hosts[name]
	if h == nil {
		h = &Host{Name: name, Vars: pyval.NewDict(2), Source: inv.current, merge: inv.opts.HashMerge}
		if port > 0 {
			h.Vars.Set("ansible_port", int64(port))
		}
		inv.hosts[name] = h
		inv.hostOrder = append(inv.hostOrder, h)
		if isLocalhostName(name) {
			if inv.localhost == nil || inv.localhost.Implicit {
				inv.localhost = h
			} else {
				inv.warn(diag.Pos{}, "A duplicate localhost-like entry was found (%s). First found localhost was %s", name, inv.localhost.Name)
			}
		}
	}
	if g != nil {
		g.addHost(h)
	}
	inv.changed()
	return h, nil
}

// AddChild makes child (a group or a host) a member of group.
func (inv *Inventory) AddChild(group, child string) error {
	g := inv.groups[group]
	if g == nil {
		return fmt.Errorf("%s is not a known group", group)
	}
	if c := inv.groups[child]; c != nil {
		err := g.addChildGroup(c)
		inv.changed()
		return err
	}
	if h := inv.hosts[child]; h != nil {
		g.addHost(h)
		inv.changed()
		return nil
	}
	return fmt.Errorf("%s is not a known host nor group", child)
}

// SetVar sets a group variable as Ansible's Group.set_variable:
// ansible_group_priority sets the priority instead. It is meant for
// loading; HostVars already cached are not refreshed.
func (g *Group) SetVar(key, v any) error {
	if key == "ansible_group_priority" {
		n, err := toInt(v)
		if err != nil {
			return fmt.Errorf("invalid ansible_group_priority for group %s: %v", g.Name, err)
		}
		g.Priority = n
		return nil
	}
	pyval.SetVar(g.Vars, key, v, g.merge)
	return nil
}

// SetVar sets a host variable as Ansible's Host.set_variable (merging
// dicts under hash_behaviour=merge).
func (h *Host) SetVar(key, v any) { pyval.SetVar(h.Vars, key, v, h.merge) }

func toInt(v any) (int, error) {
	switch t := v.(type) {
	case int64:
		return int(t), nil
	case bool:
		if t {
			return 1, nil
		}
		return 0, nil
	case float64:
		return int(t), nil
	case string:
		// Python's int(str): surrounding space, a sign and _ separators.
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(t), "_", ""))
		if err != nil || strings.Contains(t, "__") || strings.HasPrefix(strings.TrimSpace(t), "_") {
			return 0, fmt.Errorf("invalid literal for int() with base 10: %s", pyval.QuoteStr(t))
		}
		return n, nil
	}
	return 0, fmt.Errorf("int() argument must be a string or a number, not '%s'", pyval.TypeName(v))
}

func (g *Group) addHost(h *Host) {
	if g.hostSet[h.Name] {
		return
	}
	g.Hosts = append(g.Hosts, h)
	g.hostSet[h.Name] = true
	h.addGroup(g)
	g.clearCache()
}

func (g *Group) removeHost(h *Host) {
	if !g.hostSet[h.Name] {
		return
	}
	delete(g.hostSet, h.Name)
	g.Hosts = slices.DeleteFunc(g.Hosts, func(x *Host) bool { return x == h })
	h.removeGroup(g)
	g.clearCache()
}

func (h *Host) addGroup(g *Group) {
	for _, a := range g.Ancestors() {
		if !slices.Contains(h.groups, a) {
			h.groups = append(h.groups, a)
		}
	}
	if !slices.Contains(h.groups, g) {
		h.groups = append(h.groups, g)
	}
}

func (h *Host) removeGroup(g *Group) {
	i := slices.Index(h.groups, g)
	if i < 0 {
		return
	}
	h.groups = slices.Delete(h.groups, i, i+1)
	// Drop ancestors no other group of the host still leads to, except all.
	for _, old := range g.Ancestors() {
		if old.Name == "all" {
			continue
		}
		needed := false
		for _, c := range h.groups {
			if slices.Contains(c.Ancestors(), old) {
				needed = true
				break
			}
		}
		if !needed {
			h.removeGroup(old)
		}
	}
}

// Groups returns every group the host belongs to, ancestors and all
// included.
func (h *Host) Groups() []*Group { return h.groups }

// GroupNames returns Ansible's group_names: the host's groups without
// all, sorted.
func (h *Host) GroupNames() []string {
	var names []string
	for _, g := range h.groups {
		if g.Name != "all" {
			names = append(names, g.Name)
		}
	}
	sort.Strings(names)
	return names
}

func (g *Group) clearCache() {
	g.hostCache = nil
	for _, a := range g.Ancestors() {
		a.hostCache = nil
	}
}

// Ancestors returns every group above g.
func (g *Group) Ancestors() []*Group {
	return walk(g, func(x *Group) []*Group { return x.Parents }, false)
}

// Descendants returns every group below g, breadth first in insertion
// order, with g itself first when self is true.
func (g *Group) Descendants(self bool) []*Group {
	return walk(g, func(x *Group) []*Group { return x.Children }, self)
}

func walk(g *Group, next func(*Group) []*Group, self bool) []*Group {
	var out []*Group
	seen := map[*Group]bool{}
	if self {
		out = append(out, g)
		seen[g] = true
	}
	level := []*Group{g}
	for len(level) > 0 {
		var nl []*Group
		for _, x := range level {
			for _, c := range next(x) {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
					nl = append(nl, c)
				}
			}
		}
		level = nl
	}
	return out
}

// AllHosts returns the hosts of g and of all its descendants, each once,
// in Ansible's order (Group.get_hosts): g's own hosts, then its children's.
// The implicit localhost is never a member of all.
func (g *Group) AllHosts() []*Host {
	if g.hostCache != nil {
		return g.hostCache
	}
	seen := map[*Host]bool{}
	out := []*Host{}
	for _, k := range g.Descendants(true) {
		for _, h := range k.Hosts {
			if !seen[h] {
				seen[h] = true
				if g.Name == "all" && h.Implicit {
					continue
				}
				out = append(out, h)
			}
		}
	}
	g.hostCache = out
	return out
}

func (g *Group) addChildGroup(c *Group) error {
	if g == c {
		return fmt.Errorf("can't add group to itself")
	}
	if slices.Contains(g.Children, c) {
		return nil
	}
	if slices.Contains(g.Ancestors(), c) {
		return fmt.Errorf("Adding group '%s' as child to '%s' creates a recursive dependency loop.", c.Name, g.Name)
	}
	newAnc := append(g.Ancestors(), g)
	startAnc := c.Ancestors()
	g.Children = append(g.Children, c)
	c.Depth = max(c.Depth, g.Depth+1)
	if err := c.checkChildrenDepth(); err != nil {
		return err
	}
	if !slices.ContainsFunc(c.Parents, func(p *Group) bool { return p.Name == g.Name }) {
		c.Parents = append(c.Parents, g)
		for _, h := range c.AllHosts() {
			for _, a := range newAnc {
				if !slices.Contains(startAnc, a) && !slices.Contains(h.groups, a) {
					h.groups = append(h.groups, a)
				}
			}
		}
	}
	g.clearCache()
	return nil
}

func (g *Group) checkChildrenDepth() error {
	depth := g.Depth
	start := g.Depth
	seen := map[*Group]bool{}
	level := slices.Clone(g.Children)
	for len(level) > 0 {
		for _, c := range level {
			seen[c] = true
		}
		depth++
		var next []*Group
		for _, c := range level {
			if c.Depth < depth {
				c.Depth = depth
				next = append(next, c.Children...)
			}
		}
		level = next
		if depth-start > len(seen) {
			return fmt.Errorf("The group named '%s' has a recursive dependency loop.", g.Name)
		}
	}
	return nil
}

// reconcile applies Ansible's rules after parsing (InventoryData.
// reconcile_inventory): every top group is a child of all, hosts with no
// group are in ungrouped and hosts in another group leave ungrouped.
func (inv *Inventory) reconcile() {
	all, ungrouped := inv.groups["all"], inv.groups["ungrouped"]
	for _, g := range inv.groupOrder {
		if g != all && len(g.Parents) == 0 {
			// cannot fail: all has no parents, so no loop
			_ = all.addChildGroup(g)
		}
	}
	for _, h := range inv.hostOrder {
		if slices.Contains(h.groups, ungrouped) {
			for _, g := range h.groups {
				if g != all && g != ungrouped {
					ungrouped.removeHost(h)
					break
				}
			}
		} else if !h.Implicit {
			if len(h.groups) == 0 || (len(h.groups) == 1 && h.groups[0] == all) {
				ungrouped.addHost(h)
			}
		}
	}
	for _, g := range inv.groupOrder {
		if inv.hosts[g.Name] != nil {
			inv.warn(diag.Pos{}, "Found both group and host with same name: %s", g.Name)
		}
	}
	inv.invalidate()
}

// changed is called after every change: while loading only caches are
// dropped; once loaded, Ansible's rules are applied again at once (as
// add_host and group_by do), so a host added to no group is in ungrouped.
func (inv *Inventory) changed() {
	if inv.loaded {
		inv.reconcile()
		return
	}
	inv.invalidate()
}

// invalidate drops cached merged variables after the inventory changed.
func (inv *Inventory) invalidate() {
	inv.mu.Lock()
	if len(inv.hostVars) > 0 {
		inv.hostVars = map[*Host]*pyval.Dict{}
	}
	inv.mu.Unlock()
}
