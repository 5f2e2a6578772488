// Package pyyaml writes pyval values as PyYAML's yaml.dump does with
// Ansible's dumper: PyYAML's SafeRepresenter (sorted keys, YAML 1.1
// implicit types, anchors for shared collections) and libyaml's emitter
// (CSafeDumper: its choice of plain, single- or double-quoted scalars, line
// folding at the width, flow or block collections). jinja's to_yaml and
// to_nice_yaml and ansible-inventory's --yaml output both come from here.
//
// It imports pyval only; values it does not know reach the caller's
// Options.Represent hook.
package pyyaml
