package module

import (
	"fmt"
	"sort"
	"sync"
)

// Registry maps module names (IDs and aliases) to modules. The engine and
// the agent take one in their options; tests build their own with test
// modules. It is safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]Module
	ids    []ID
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]Module{}}
}

// Default is the registry the built-in modules add themselves to from
// init. It is written only during init and read-only afterwards.
var Default = NewRegistry()

// Register adds m under its ID and aliases. It panics on an empty ID or a
// name that is already taken: both are programmer errors found at init.
func (r *Registry) Register(m Module) {
	info := m.Info()
	if info.ID == "" {
		panic(fmt.Sprintf("module: Register of %T with an empty ID", m))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	names := info.Names()
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			panic(fmt.Sprintf("module: %s lists the name %q twice", info.ID, n))
		}
		seen[n] = true
		if prev, ok := r.byName[n]; ok {
			panic(fmt.Sprintf("module: name %q of %s is already taken by %s", n, info.ID, prev.Info().ID))
		}
	}
	for _, n := range names {
		r.byName[n] = m
	}
	r.ids = append(r.ids, info.ID)
}

// Lookup returns the module registered under name: an FQCN
// ("ansible.builtin.file"), a short name ("file") or another alias.
func (r *Registry) Lookup(name string) (Module, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	m, ok := r.byName[name]
	return m, ok
}

// Names returns every registered name, IDs and aliases, sorted; for "did
// you mean" suggestions.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.byName))
	for n := range r.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Modules returns every registered module once, sorted by ID.
func (r *Registry) Modules() []Module {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := append([]ID(nil), r.ids...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]Module, len(ids))
	for i, id := range ids {
		out[i] = r.byName[string(id)]
	}
	return out
}

// Register adds m to Default; built-in modules call it from init.
func Register(m Module) { Default.Register(m) }
