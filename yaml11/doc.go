// Package yaml11 loads YAML as Ansible does: PyYAML's YAML 1.1 implicit
// scalar rules (yes/no/on/off booleans, 0644 octal, 1:30 sexagesimal, floats
// that need a dot), Ansible's !vault and !unsafe tags, merge keys (<<) and
// duplicate keys that warn and keep the last value.
//
// Parsing is done by go.yaml.in/yaml/v4's node API; this package turns its
// nodes into our own tree (Node) that keeps a diag.Pos for every node, with
// merge keys applied and duplicates resolved, and converts that tree into
// pyval values (Node.Value). Syntax errors come back as *diag.Error naming
// file:line:column, with the offending source line and, where we can guess
// it, a hint in plain words (missing space after a colon, tab indentation,
// an unquoted "{{", an unclosed quote).
//
// Deliberate differences from Ansible, all documented at the code:
//   - timestamps (2001-12-14) stay strings; PyYAML makes datetime.date but
//     pyval has no date kind, and Ansible renders them as the same text;
//   - integers that do not fit in 64 bits stay strings;
//   - !!binary gives the decoded text (PyYAML: bytes) and !!set a list of
//     the members (PyYAML: set), since pyval has neither kind;
//   - an explicit key overriding a merged (<<) one is not reported as a
//     duplicate key (Ansible 2.14 warns);
//   - go-yaml's scanner differs from libyaml in a few malformed corners: a
//     comment glued to a closing quote ("y"# c) or a "|#" block header is
//     an error here, while a tab after "- " or an empty flow key ({k:,0})
//     is accepted here and refused by Ansible. On randomly mutated
//     documents 99.5% still load identically (random_test.go).
//
// docs_test.go holds a corpus of documents checked against Ansible's
// AnsibleLoader when /usr/bin/python3 has it; knownDiffs lists the above.
//
// Data flow: play and inventory call Load/Decode on file contents; jinja and
// engine see only pyval values (plus *Vault, decrypted on first use).
//
// yaml11 imports diag and pyval only; it must not import vault (decryption is
// injected through Decrypter), jinja, inventory, play or engine.
package yaml11
