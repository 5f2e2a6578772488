package module

import (
	"context"
	"errors"
	"io/fs"
	"strings"
)

// Module is one built-in module. Info is called at registration and by the
// engine at load time; it must be cheap and free of side effects. Run is
// called by Call (never directly by the engine) with arguments already
// validated against Info().Spec; it may be called concurrently for different
// requests and must not keep state between calls.
//
// Run returns an error to fail the task: the error's text becomes msg, and
// the Result returned with it is still registered (rc, stdout survive). A
// module never prints, exits or panics.
type Module interface {
	Info() Info
	Run(ctx context.Context, req Request) (Result, error)
}

// ID is a module's fully qualified collection name, such as
// "ansible.builtin.file".
type ID string

// Name returns the short name, the part after the last dot ("file"). It is
// the name Ansible uses in validation messages ("Unsupported parameters for
// (file) module").
func (id ID) Name() string {
	s := string(id)
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Support says how far a module honours check or diff mode, as the
// attributes.check_mode.support of Ansible's module docs.
type Support int

const (
	// SupportNone: under check the module is not run and the task is
	// reported skipped; under diff no diff is produced.
	SupportNone Support = iota
	// SupportPartial: supported, with documented gaps.
	SupportPartial
	// SupportFull: check predicts exactly what a real run does.
	SupportFull
)

func (s Support) String() string {
	switch s {
	case SupportPartial:
		return "partial"
	case SupportFull:
		return "full"
	}
	return "none"
}

// Info describes a module.
type Info struct {
	ID ID
	// Aliases are other names the module answers to: the short name
	// ("file"), the ansible.legacy name, collection names it is known by
	// ("ansible.posix.mount"), and old names ("systemd").
	Aliases   []string
	Spec      Spec
	CheckMode Support
	DiffMode  Support
}

// Names returns the ID followed by the aliases.
func (i Info) Names() []string {
	return append([]string{string(i.ID)}, i.Aliases...)
}

// StdAliases returns the aliases every ansible.builtin module has: its short
// name and its ansible.legacy name, followed by extra.
func StdAliases(id ID, extra ...string) []string {
	return append([]string{id.Name(), "ansible.legacy." + id.Name()}, extra...)
}

// Request is one call of a module. New fields may be added; modules must
// not depend on a Request being built field by field.
type Request struct {
	// Args are the validated arguments, defaults applied and aliases resolved.
	Args Args
	// Check is true under --check or the task's check_mode: true.
	Check bool
	// Diff is true under --diff or the task's diff: true.
	Diff bool
	// Host is the target the module acts on. Under Check it refuses every
	// mutating call with ErrCheckMode.
	Host Host
	// Content holds what the engine read or rendered on the controller, by
	// param name, for params whose Source is not SourceRemote.
	Content map[string]*Content
	// Env is the task's environment: keyword, added to the process
	// environment of commands the module runs (as Ansible does).
	Env map[string]string
	// InventoryHostname is the host's name in the inventory (fetch uses it
	// to lay out files on the controller).
	InventoryHostname string
}

// Source says where a param's value is resolved.
type Source int

const (
	// SourceRemote: the value is used as is, on the target (the default).
	SourceRemote Source = iota
	// SourceControllerFile: the value is a path on the controller (searched
	// in the role's files/ then next to the playbook); the engine reads the
	// file, or a directory tree when the path is a directory, and ships it
	// in Request.Content. The value the module sees stays the path as written.
	SourceControllerFile
	// SourceControllerTemplate: as SourceControllerFile (role's templates/),
	// and the engine renders the file as a Jinja2 template with the host's
	// variables before shipping it.
	SourceControllerTemplate
	// SourceControllerScript: the value is a command line whose first word
	// is a controller file (the script module); the engine ships that file.
	SourceControllerScript
)

func (s Source) String() string {
	switch s {
	case SourceControllerFile:
		return "controller-file"
	case SourceControllerTemplate:
		return "controller-template"
	case SourceControllerScript:
		return "controller-script"
	}
	return "remote"
}

// Content is controller-side data shipped with a request.
type Content struct {
	// Path is the controller path the engine resolved (for messages and
	// for copy's "dest is a directory" rule, which uses its base name).
	Path string
	// Files is one entry with Rel "" for a file; for a directory, one entry
	// per file, directory and symlink below it, parents first, with Rel
	// slash-separated and relative to Path.
	Files []File
}

// File is one shipped file.
type File struct {
	Rel  string
	Mode fs.FileMode // permission and type bits as on the controller
	Data []byte
	Link string // symlink target, when Mode&fs.ModeSymlink != 0
}

// ErrCheckMode is returned by a Host's mutating methods under check mode.
// Seeing it means a module tried to change the host during check: a bug in
// the module, reported as a failed task.
var ErrCheckMode = errors.New("host change attempted in check mode")
