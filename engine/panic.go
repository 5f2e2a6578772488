package engine

import (
	"fmt"
	"runtime/debug"
)

// InternalError is an unexpected failure inside gplay: a panic recovered
// anywhere in the run (the main goroutine or a host's). Main reports it as
// Ansible reports an unexpected exception, with exit code 250; Stack is for
// -vvv.
type InternalError struct {
	Value any
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("Unexpected Exception, this is probably a bug: %v", e.Value)
}

// recoverPanic, deferred in a goroutine of the run, turns a panic into
// the run's InternalError and stops the run, so one bad host goroutine
// ends the run cleanly instead of crashing the process.
func (r *run) recoverPanic() {
	if v := recover(); v != nil {
		r.internalError(&InternalError{Value: v, Stack: debug.Stack()})
	}
}

func (r *run) internalError(e *InternalError) {
	r.mu.Lock()
	if r.internal == nil {
		r.internal = e
	}
	r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

func (r *run) internalErr() *InternalError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.internal
}
