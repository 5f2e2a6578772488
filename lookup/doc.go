// Package lookup implements Ansible's lookup plugins as ansible-core 2.14
// behaves (lib/ansible/plugins/lookup/*.py): file, template, env, vars,
// pipe, lines, fileglob, first_found, items, list, indexed_items, dict,
// sequence, together, nested, subelements, random_choice, password, ini,
// csvfile, unvault, varnames, inventory_hostnames and config, under their short,
// ansible.builtin.* and ansible.legacy.* names.
//
// # Place in the data flow
//
// The engine templates a task's arguments with jinja; lookup(), query() and
// q() in a template call jinja's Lookuper, which *Registry implements; the
// engine's with_<name> loops call Registry.Loop. The package reads
// controller files and runs controller commands; it knows nothing of hosts,
// modules or plays. It imports pyval and vault (and the standard library).
// It does not import jinja, so that it builds while jinja changes: its
// small interfaces (Vars, Renderer) are satisfied structurally by jinja's
// (a jinja.Vars is a lookup.Vars and the other way round). It must not
// import engine, play, inventory or module.
//
// # Wiring (engine side)
//
// One registry for the whole run, given to jinja:
//
//	reg := lookup.NewRegistry()
//	env := jinja.NewEnv(jinja.Options{Lookuper: reg})
//
// Per task and host, a *TaskContext in the context.Context used to template
// that task; nothing per task is stored in the registry:
//
//	tc := &lookup.TaskContext{
//		SearchPath:        lookup.SearchPath(roleChain, taskFile, playbookDir), // = ansible_search_path
//		Basedir:           playbookDir, // loader basedir: last search resort, pipe cwd, password paths
//		RolePath:          rolePath,    // "" outside roles
//		Action:            action,      // module name, for with_first_found's subdir
//		Vars:              hostVars,    // jinja.Vars of the task, templated on Get
//		Templater:         func(ctx context.Context, v any) (any, error) { return env.Template(ctx, v, hostVars) },
//		InventoryHostname: host,
//		Hosts:             inv.Match,   // patterns -> host names, for inventory_hostnames
//		Config:            cfg.Lookup,  // ansible.cfg / ANSIBLE_* settings, for config
//		Renderer:          renderer,    // renders template lookups (see Renderer)
//		Decrypter:         keyring,     // vault.Keyring
//		Check:             check,
//		Warn:              warn,        // engine.Reporter warning
//		Stderr:            stderrSink,  // stderr of pipe/lines commands
//	}
//	ctx = lookup.WithTask(ctx, tc)
//	v, err := env.Template(ctx, arg, hostVars)
//
// A Renderer built on jinja renders t.Source with t.Vars as a file is
// rendered (env.Render) and, when t.ConvertData, reads "[...]", "{...}",
// "True", "False" back as values as Templar does; includes are looked up
// in t.SearchPath; non-empty delimiter fields replace Jinja's.
//
// with_<name> loops: template the with_<name> value (for first_found
// leniently: items with an undefined variable may stay unrendered, Loop
// drops them), then
//
//	items, err := reg.Loop(ctx, name, value) // with_items flattens one level; loop: does not come here
//
// An error of Kind KindUndefined from Loop is Ansible's deferred loop
// error (a false when: still skips the task).
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
//     jinja must pass errors= through for this; if it handles errors=
//     itself it loses the never-swallowed kinds and the warning.
//   - results are wrapped: every string becomes a pyval.Unsafe (Ansible's
//     wrap_var), unless allow_unsafe=True is passed through.
//   - jinja joins for lookup() unless wantlist=True: Join is the rule
//     (strings comma-joined, Unsafe if they were; one non-string item
//     returned as is; else the list; an empty list stays []).
//   - an undefined variable (vars lookup, env default=Undefined) is an
//     *Error whose Undefined() method reports true; jinja should turn it
//     into its own undefined error so that default() and "is defined" see
//     it (errors.As with an interface{ Undefined() bool }).
//   - error texts are Ansible's: a plugin's AnsibleError reads "An unhandled
//     exception occurred while running the lookup plugin 'file'. Error was a
//     <class 'ansible.errors.AnsibleError'>, original message: X. X".
//
// # Differences from Ansible
//
// password: encrypt= supports sha512_crypt, sha256_crypt and md5_crypt,
// computed as Ansible does with passlib (implicit rounds written into the
// hash); bcrypt and passlib's other schemes are refused. fileglob sorts
// the matches of a pattern (Python returns directory order).
// template_mtime and template_run_date are strings, not datetimes.
// Terms are templated once more, as listify_lookup_plugin_terms does, only
// when the engine sets TaskContext.Templater. url runs with Go's HTTP
// client: use_gssapi is refused and ciphers is ignored.
package lookup
