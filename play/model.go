package play

import (
	"gplay/diag"
	"gplay/pyval"
)

// Playbook is one loaded playbook file with its import_playbook entries
// expanded in place.
type Playbook struct {
	Path  string // absolute path of the file given on the command line
	Dir   string // its directory: playbook_dir
	Plays []*Play
}

// Play is one play. Keywords not modelled as fields (become, serial,
// strategy, any_errors_fatal, environment, …) are in Kw, raw.
type Play struct {
	Pos        diag.Pos
	Name       string
	Hosts      any // a pattern string or a list of them, raw
	Vars       *pyval.Dict
	VarsFiles  []any
	VarsPrompt []*VarPrompt
	Roles      []*RoleRef
	PreTasks   []*Task
	Tasks      []*Task
	PostTasks  []*Task
	Handlers   []*Task
	// RoleTasks are the roles: section as implicit blocks, dependencies
	// first, each role once unless it allows duplicates.
	RoleTasks []*Task
	Kw        map[string]any
	KwPos     map[string]diag.Pos
	File      string // the playbook file that holds the play
	Dir       string // that file's directory (playbook_dir of the play)
}

// VarPrompt is one vars_prompt entry; without a terminal the engine takes
// Default (Python's None as text when there is none), as Ansible does.
type VarPrompt struct {
	Name    string
	Prompt  string
	Default any
	Private bool
	Pos     diag.Pos
	// Raw is the entry as written (confirm, encrypt, salt, salt_size, …),
	// templated by the engine with play variables before it asks.
	Raw *pyval.Dict
}

// Task is a task, a handler or a block. A block (IsBlock) has Block, Rescue
// and Always; imports expanded at load time are blocks too, carrying the
// import's keywords so that they reach every imported task.
type Task struct {
	Pos  diag.Pos
	Name any // raw, may be templated; nil when unnamed
	// Action is the action as written ("debug", "ansible.builtin.command").
	Action string
	Args   *pyval.Dict
	// Kw holds every other keyword set on this task or block, raw.
	Kw    map[string]any
	KwPos map[string]diag.Pos
	// LoopWith is the lookup of a with_<lookup> loop ("items", "dict"); the
	// loop value is Kw["loop"] for both forms.
	LoopWith string

	IsBlock               bool
	Block, Rescue, Always []*Task
	// Implicit marks a block made by the loader (an import, a role), not
	// written by the user.
	Implicit bool

	Parent *Task // the enclosing block, nil at the top of a section
	Role   *Role
	// RoleRef is set on the implicit block that holds a role's tasks or
	// handlers: the role's defaults, vars and params apply below it.
	RoleRef *RoleRef
	Handler bool
	Listen  []string
	// File is the file the task was loaded from (for relative includes).
	File string
}

// Role is a loaded role.
type Role struct {
	Name     string
	Path     string
	Tasks    []*Task
	Handlers []*Task
	Defaults *pyval.Dict
	Vars     *pyval.Dict
	// Deps are the meta/main.yml dependencies, loaded.
	Deps            []*RoleRef
	AllowDuplicates bool
}

// RoleRef is a use of a role: an entry of roles:, a dependency, or an
// import_role/include_role.
type RoleRef struct {
	Pos    diag.Pos
	Name   string
	Params *pyval.Dict       // role params (any key that is not a keyword)
	Kw     map[string]any    // when, tags, vars, become, …
	From   map[string]string // tasks_from, vars_from, defaults_from, handlers_from
	Role   *Role
}

// Keyword returns the raw value of keyword k set on t itself.
func (t *Task) Keyword(k string) (any, bool) {
	v, ok := t.Kw[k]
	return v, ok
}

// Walk calls f for every task and block under ts, depth first, in order.
func Walk(ts []*Task, f func(*Task)) {
	for _, t := range ts {
		f(t)
		if t.IsBlock {
			Walk(t.Block, f)
			Walk(t.Rescue, f)
			Walk(t.Always, f)
		}
	}
}
