// Package module is the contract between gplay's engine and its modules.
//
// A module is Go code that runs on the target host: in-process for the local
// connection, inside the gplay agent over SSH. It declares what it accepts
// (Info.Spec, with Ansible's argument_spec semantics) and how far it supports
// check and diff mode. The engine and the agent never name a module: they look
// a task's action up in a Registry and call it through Call, which
//
//   - validates and coerces the raw arguments against the Spec exactly as
//     Ansible's ArgumentSpecValidator does (same order of checks, same error
//     texts, lenient coercion such as "yes" → true),
//   - skips modules without check-mode support under check, as Ansible does,
//   - hands the module a Host that refuses every mutation under check
//     (ErrCheckMode), so a module bug fails the task instead of changing the host.
//
// A module observes the current state, plans (Changed, Diff), and applies the
// plan only when Request.Check is false; check and real runs share the code up
// to the apply step, so they cannot disagree.
//
// Results are typed (Result, with a module-specific Return struct carrying
// JSON tags); Result.ToDict turns one into the pyval dict Ansible would
// register, the only place where results become maps.
//
// Params whose Source is ControllerFile, ControllerTemplate or ControllerScript
// are resolved by the engine on the controller (a file read, a template
// rendered) and shipped in Request.Content: modules never touch the
// controller. Spec.ControllerSources tells the engine which values of a
// task need that (aliases, remote_src and URLs handled). Files a module
// wants written on the controller (fetch) come back in
// Result.ControllerFiles.
//
// For load-time checks the engine wraps templated values in Deferred and
// calls Info.Validate: presence rules apply, type and choice checks wait
// for the run.
//
// module imports only pyval (and the standard library). It must not import
// engine, connection, agent, jinja or modules.
package module
