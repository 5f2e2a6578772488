// Package agent is the host side of gplay: it receives module requests and
// runs them through a module.Registry.
//
// For now it holds the in-process dispatch the local connection uses
// (Dispatch): look the module up, validate and run it through module.Call,
// and turn a module panic into a failed result marked as a gplay bug, so
// one bad module never takes the run down. The framed request loop that
// `gplay agent` serves over SSH will sit on the same Dispatch.
//
// agent imports module and pyval; it must not import engine, connection or
// modules (the registry is passed in).
//
// Async jobs (async.go): a request with AsyncJID answers at once and runs
// as a job writing ~/.ansible_async/<jid> as Ansible's async_wrapper does;
// Dispatch runs it in a goroutine (the local connection), Serve in a
// detached `gplay agent` process of its own session that outlives the
// agent and the controller.
package agent
