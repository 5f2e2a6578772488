package lookup

import "fmt"

// Kind classifies a lookup failure the way Templar._lookup treats it.
type Kind int

const (
	// KindOther is a plugin failure Ansible raises as AnsibleError (or an
	// unexpected exception): lookup() reports it as "An unhandled
	// exception occurred while running the lookup plugin …", and
	// errors=warn|ignore swallow it.
	KindOther Kind = iota
	// KindLookup is AnsibleLookupError: reported as is; warn|ignore
	// swallow it.
	KindLookup
	// KindOptions is AnsibleOptionsError (a bad option): never swallowed.
	KindOptions
	// KindUndefined is AnsibleUndefinedVariable: never swallowed; jinja
	// treats it as its own undefined error (see Error.Undefined).
	KindUndefined
	// KindNotFound is an unknown plugin name.
	KindNotFound
)

func (k Kind) String() string {
	switch k {
	case KindLookup:
		return "lookup"
	case KindOptions:
		return "options"
	case KindUndefined:
		return "undefined"
	case KindNotFound:
		return "not found"
	}
	return "other"
}

// Error is a lookup failure. Error() is the text Ansible shows for it when
// the lookup runs under errors=strict.
type Error struct {
	Plugin string
	Kind   Kind
	// Class is the Python exception class named in KindOther messages;
	// empty means ansible.errors.AnsibleError.
	Class string
	Msg   string // the plugin's own message
	Err   error
}

func (e *Error) Error() string {
	if e.Kind == KindOther {
		// AnsibleError(msg, orig_exc=e) appends ". <e>" to msg
		return fmt.Sprintf("%s. %s", e.unhandled(), e.Msg)
	}
	return e.Msg
}

func (e *Error) unhandled() string {
	class := e.Class
	if class == "" {
		class = "ansible.errors.AnsibleError"
	}
	return fmt.Sprintf("An unhandled exception occurred while running the lookup plugin '%s'. Error was a <class '%s'>, original message: %s", e.Plugin, class, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Undefined reports whether the failure is an undefined variable. jinja
// cannot import lookup; it finds this method with errors.As on an
// interface{ Undefined() bool } and treats the error as its own undefined
// error, so that default() and "is defined" see it.
func (e *Error) Undefined() bool { return e.Kind == KindUndefined }

func (e *Error) ignoredMsg() string {
	if e.Kind == KindOther {
		return e.unhandled()
	}
	return "Lookup failed but the error is being ignored: " + e.Msg
}

func errf(format string, args ...any) error {
	return &Error{Kind: KindOther, Msg: fmt.Sprintf(format, args...)}
}

func lookupErrf(format string, args ...any) error {
	return &Error{Kind: KindLookup, Msg: fmt.Sprintf(format, args...)}
}

func optionsErrf(format string, args ...any) error {
	return &Error{Kind: KindOptions, Msg: fmt.Sprintf(format, args...)}
}

func undefinedErrf(format string, args ...any) error {
	return &Error{Kind: KindUndefined, Msg: fmt.Sprintf(format, args...)}
}
