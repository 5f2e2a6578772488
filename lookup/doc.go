// Package lookup implements Ansible's lookup plugins as ansible-core 2.14
// behaves (lib/ansible/plugins/lookup/*.py): file, template, env, vars,
// pipe, lines, fileglob, first_found, items, list, indexed_items, dict,
// sequence, together, nested, subelements, random_choice, password, ini,
// csvfile, unvault and varnames, under their short and ansible.builtin.*
// names.
//
// # Place in the data flow
//
// The engine templates a task's arguments with jinja; lookup(), query() and
// q() in a template call jinja's Lookuper, which *Registry implements; the
// engine's with_<name> loops call Registry.Loop. The package reads
// controller files and runs controller commands; it knows nothing of hosts,
// modules or plays. It imports pyval and vault (and the standard library);
// it does not import jinja, so that it builds while jinja changes: its
// small interfaces (Vars, Renderer) are satisfied structurally by jinja's.
// It must not import engine, play, inventory or module.
//
// # Wiring (engine side)
//
// One registry for the whole run, given to jinja:
//
//	reg := lookup.NewRegistry()
//	env := jinja.NewEnv(jinja.Options{Lookuper: reg})
//
// Per task and host, a *TaskContext in the context.Context used for
// templating that task (nothing per task is stored in the registry):
//
//	tc := &lookup.TaskContext{
//		SearchPath: lookup.SearchPath(roleChain, taskFile, playbookDir), // ansible_search_path
//		Basedir:    playbookDir,      // loader basedir: pipe cwd, password paths
//		RolePath:   rolePath,         // "" outside roles
//		Action:     task.Action,      // for with_first_found's subdir
//		Vars:       hostVars,         // jinja.Vars of the task, templated on Get
//		InventoryHostname: host,
//		Renderer:   renderer,         // renders template lookups with env
//		Decrypter:  keyring,          // vault.Keyring
//		Check:      check,
//		Warn:       func(m string) { reporter.Warn(m) },
//	}
//	ctx = lookup.WithTask(ctx, tc)
//	v, err := env.Template(ctx, arg, hostVars)
//
// with_<name> loops: template the with_<name> value (for first_found
// leniently: undefined items may stay unrendered; they are dropped), then
//
//	items, err := reg.Loop(ctx, name, value) // with_items flattens one level; loop: does not call this
//
// # What jinja does and what Lookup does
//
// Lookup(ctx, name, terms, kwargs) takes wantlist, errors and allow_unsafe
// out of (a copy of) kwargs, so jinja may pass them through or not:
//   - errors=strict (default) returns the error; under warn (a warning
//     through TaskContext.Warn) or ignore a plugin failure gives
//     (nil, nil): lookup() must then give None and query() [], as
//     Templar._lookup does. Undefined-variable and option errors are never
//     swallowed. A plugin that found nothing gives a non-nil empty slice.
//   - results are wrapped: every string becomes a pyval.Unsafe (Ansible's
//     wrap_var), unless allow_unsafe=True.
//   - jinja joins for lookup() unless wantlist=True: Join is the rule
//     (strings comma-joined, one non-string item returned as is, else the
//     list; an empty list stays []).
//   - an undefined variable (vars lookup, env default=Undefined) is an
//     *Error whose Undefined() method reports true; jinja should treat it
//     as its own undefined error so that default() and "is defined" work.
//   - error texts are Ansible's: a plugin's AnsibleError reads "An unhandled
//     exception occurred while running the lookup plugin 'file'. Error was a
//     <class 'ansible.errors.AnsibleError'>, original message: …".
//
// # Differences from Ansible
//
// password: encrypt= supports sha512_crypt, sha256_crypt and md5_crypt,
// computed as Ansible does without passlib (crypt(3), 5000 rounds); bcrypt
// is refused. fileglob sorts matches (Python returns directory order).
// template_mtime and template_run_date are strings, not datetimes.
// url, config, inventory_hostnames are not implemented.
package lookup
