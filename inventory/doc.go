// Package inventory builds Ansible's inventory: hosts, groups and their
// variables from INI and YAML inventory files, comma-separated host lists
// and directories of those, plus group_vars/ and host_vars/ trees; it
// evaluates host patterns (hosts:, --limit) and renders what
// ansible-inventory prints: --list (JSON, or YAML with --yaml, either with
// --export), --graph [GROUP] [--vars] and --host (JSON or YAML). The JSON
// and YAML writers (PythonJSON, PythonYAML) reproduce Python's json.dumps
// and PyYAML's CSafeDumper byte for byte.
//
// ansible-core 2.14 is the spec and /usr/bin/ansible-inventory the oracle:
// testdata/inventory holds cases whose expected output was produced by it.
// The model follows lib/ansible/inventory (data.py, group.py, host.py,
// manager.py), plugins/inventory (ini.py, yaml.py, host_list.py) and
// plugins/vars/host_group_vars.py, so that host order, group depth and
// variable precedence come out the same.
//
// Deliberate differences from Ansible 2.14:
//   - inventory scripts, inventory plugins (plugin: files, auto), toml
//     inventories and vars plugins other than host_group_vars are not
//     supported; such sources are reported as unparsable;
//   - Python literals in INI values that pyval cannot hold: sets become
//     lists, complex numbers stay text, ints beyond 64 bits stay text;
//   - one host pattern expands to at most 100,000 hosts;
//   - where Ansible orders grandchild groups by iterating a Python set
//     (Group.get_descendants), we use insertion order, breadth first;
//   - an explicit key overriding a merge key (<<) is not a duplicate-key
//     warning (yaml11);
//   - YAML timestamps are text (yaml11), so --yaml and --toml quote
//     '2001-12-14' where PyYAML and the toml library write the date plain;
//   - --toml writes a string the toml library would crash on (one starting
//     with a control character) instead of failing.
//
// Note for callers: ansible-inventory treats its working directory (or
// --playbook-dir) as the playbook directory, so its group_vars/host_vars
// apply; the CLI reproduces that with AddPlaybookDir.
//
// Data flow: main (gplay inventory) and engine call Load with the -i
// sources; engine adds the playbook directory's group_vars/host_vars with
// AddPlaybookDir and asks for HostVars, Select and the magic-variable
// views. Variables are merged lazily per host and cached.
//
// inventory imports diag, pyval and yaml11; it must not import jinja,
// play, engine or anything below them. Vault decryption comes in through
// yaml11.Decrypter.
package inventory
