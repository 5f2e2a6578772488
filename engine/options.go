package engine

import (
	"context"
	"errors"

	"gplay/agent"
	"gplay/module"
	"gplay/pyval"
	"gplay/yaml11"
)

// Options configure a run. Main builds them from the command line,
// ansible.cfg and ANSIBLE_* variables.
type Options struct {
	Playbooks []string
	Inventory Inventory
	Registry  *module.Registry
	// Connector opens connections for hosts that do not use the local
	// connection; nil makes such hosts unreachable.
	Connector Connector
	Reporter  Reporter
	// ExtraVars are -e values as given: k=v pairs, YAML/JSON, or @file.
	ExtraVars []string
	// HashMerge is hash_behaviour=merge: dict variables defined at several
	// levels are merged recursively instead of the higher one replacing.
	HashMerge bool
	Limit     string
	// LimitText is --limit as the user gave it (with @file), which
	// ansible_limit shows; empty means Limit.
	LimitText string
	Tags      []string
	SkipTags  []string
	Check     bool
	Diff      bool
	Forks     int
	Verbosity int
	// Connection is -c: "local" runs every host in-process.
	Connection    string
	RemoteUser    string
	Timeout       int
	Become        bool
	BecomeMethod  string
	BecomeUser    string
	ForceHandlers bool
	StartAtTask   string
	RolesPath     []string
	Decrypter     yaml11.Decrypter
	// FactsModules run for gather_facts (Ansible's FACTS_MODULES, "smart"
	// meaning setup); default ansible.builtin.setup.
	FactsModules []string
	// InventoryPaths are the -i sources, for inventory_dir/inventory_file.
	InventoryPaths []string
	// FactCache keeps facts between runs (fact_caching); nil keeps them
	// for this run only, as Ansible's memory cache.
	FactCache FactCache
	// Gathering is Ansible's gathering setting: implicit (default: plays
	// gather unless gather_facts: false), explicit (only with gather_facts:
	// true) or smart (gather only hosts whose facts are not known yet).
	Gathering string
	// FlushCache is --flush-cache: forget every inventory host's cached
	// facts before running.
	FlushCache bool
	// Step is --step: confirm each task at the Prompter before it runs.
	Step bool
	// Prompter asks the user (--step, pause, vars_prompt). Nil when stdin
	// is not a terminal: prompts then take their defaults, as in Ansible.
	Prompter Prompter
}

// FactCache stores a host's facts (gathered, and set_fact cacheable) as
// Ansible's fact cache holds them: gathered facts under ansible_ names.
type FactCache interface {
	Load(host string) (*pyval.Dict, bool)
	Store(host string, facts *pyval.Dict) error
	Flush(host string) error
}

// Prompter reads an answer from the user's terminal; echo false hides it.
type Prompter interface {
	Prompt(ctx context.Context, prompt string, echo bool) (string, error)
}

// Inventory is what the engine needs of an inventory. Main adapts the
// inventory package to it; NewHostList is a small one for host lists.
type Inventory interface {
	// Select returns the hosts matching an Ansible pattern, in inventory
	// order, plus warnings for parts that matched nothing.
	Select(pattern string) (hosts []string, warnings []string)
	// Vars returns the host's inventory variables (group and host vars,
	// group_vars and host_vars files), before templating.
	Vars(host string) *pyval.Dict
	// GroupNames returns the host's groups, sorted, without all.
	GroupNames(host string) []string
	// Groups returns every group name with its hosts (all and ungrouped
	// included).
	Groups() *pyval.Dict
	// AddHost adds (or updates) a host in groups with variables, for
	// add_host and group_by.
	AddHost(name string, groups []string, vars *pyval.Dict)
	// AddPlaybookDir adds the playbook directory's group_vars/host_vars.
	AddPlaybookDir(dir string)
}

// Target is a host as the connector needs it: its name and its resolved
// connection variables (ansible_host, ansible_port, ansible_user, …).
type Target struct {
	Host string
	Vars *pyval.Dict
}

// Connector opens a connection to a host.
type Connector interface {
	Connect(ctx context.Context, t Target) (Conn, error)
}

// Request is one module call sent through a Conn.
type Request struct {
	agent.Request
	Become       bool
	BecomeUser   string
	BecomeMethod string
}

// Conn runs module requests on one host. The engine calls RunModule from
// one goroutine per host at a time, and Close once at the end of the run.
// An error wrapping ErrUnreachable makes the host unreachable; any other
// error fails the task with the error's text as msg, the Result being
// registered as well.
type Conn interface {
	RunModule(ctx context.Context, req Request) (module.Result, error)
	Close() error
}

// ErrUnreachable marks connection failures (Connectors and Conns wrap it).
var ErrUnreachable = errors.New("host unreachable")

// ErrHostsFailed is returned by Run when a host failed (exit code 2), and
// ErrHostsUnreachable when a host was unreachable (exit code 4, wins).
var (
	ErrHostsFailed      = errors.New("one or more hosts failed")
	ErrHostsUnreachable = errors.New("one or more hosts were unreachable")
)

// LocalConnector runs modules in this process through agent.Dispatch.
type LocalConnector struct{ Registry *module.Registry }

// Connect implements Connector.
func (l LocalConnector) Connect(context.Context, Target) (Conn, error) {
	return localConn{reg: l.Registry}, nil
}

type localConn struct{ reg *module.Registry }

func (c localConn) RunModule(ctx context.Context, req Request) (module.Result, error) {
	// become is not applied in-process: the local connection runs as the
	// user gplay runs as (documented in docs/compat.md).
	return agent.Dispatch(ctx, c.reg, req.Request)
}

func (localConn) Close() error { return nil }
