// Package play is the playbook model: playbooks, plays, roles, blocks and
// tasks loaded from Ansible's YAML with a diag.Pos on every node.
//
// Loading resolves what Ansible resolves at parse time: import_playbook,
// import_tasks and import_role are expanded (static), roles are found on
// Ansible's search path with their meta dependencies, and each task's
// module call form (module: {k: v}, free-form "module: words k=v",
// action:, local_action:, args:) is normalised into Action and Args with
// Ansible's k=v splitter (ParseKV, SplitArgs). Keyword values stay raw
// (pyval values, templated later by the engine); include_tasks and
// include_role stay tasks for the engine to expand when reached, through
// Loader.
//
// play knows no module: which names are actions comes from the Actions the
// caller passes (the engine builds it from its module.Registry and its own
// engine-side actions), so an unknown action is a load error at file:line
// with the nearest known names.
//
// play imports diag, pyval and yaml11; it must not import engine,
// connection, modules or output.
package play
