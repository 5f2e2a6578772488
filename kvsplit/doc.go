// Package kvsplit is Ansible's key=value splitter (parsing/splitter.py):
// split_args, join_args and parse_kv, and parsing/quoting.py's unquote.
// play uses it for free-form module arguments ("file: path=/x state=touch"),
// lookup for the sequence, password and csvfile terms. It imports nothing of
// gplay.
package kvsplit
