// Package engine runs playbooks: it loads them (through play), resolves
// variables with Ansible's precedence, templates with jinja, runs plays
// batch by batch with the linear or free strategy, and reports through a
// Reporter. It never prints.
//
// Data flow: main builds Options (inventory, module registry, connector,
// reporter, flags) and calls Run. For every play the engine selects hosts,
// gathers facts, runs pre_tasks, roles, tasks and post_tasks with handler
// flushes between them, and returns the recap (Stats). Each task is
// evaluated per host: when, loop, templated args, then either an
// engine-side action (debug, set_fact, assert, fail, meta, include_*,
// include_vars, add_host, group_by, pause: one file each, action_*.go) or
// a module call through the host's Conn. The engine knows no module: it
// looks actions up in the registry, and controller-side arguments (a
// template to render, a file to ship) are found from the module's Spec.
//
// The engine talks to hosts only through Conn (conn.go), which it defines;
// the local connection (LocalConnector) runs modules in-process through
// agent.Dispatch, so the engine is testable without SSH.
//
// Differences from Ansible, on purpose or not yet done: the local
// connection does not apply become (it runs as gplay's user); hosts that
// are not local need a Connector (main's SSH connector); debugger and
// collections are accepted and ignored; async jobs on the local
// connection run in a goroutine, so they end with gplay; prompts (--step,
// pause, vars_prompt) need Options.Prompter, without one they take their
// defaults as Ansible does without a terminal; Ctrl-C (a cancelled
// context) still prints the recap, which Ansible 2.14 does not.
//
// engine must not import modules, output or main.
package engine
