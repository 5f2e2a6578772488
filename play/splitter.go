package play

import "gplay/kvsplit"

// RawParams is the key under which free-form words are kept.
const RawParams = kvsplit.RawParams

// SplitArgs is Ansible's split_args (package kvsplit).
func SplitArgs(args string) ([]string, error) { return kvsplit.Split(args) }

// ParseKV is Ansible's parse_kv (package kvsplit): "k=v k2='v 2' words"
// into options, free-form words joined under RawParams; with rawKeys
// non-nil only keys in rawKeys are options.
func ParseKV(args string, rawKeys func(string) bool) ([][2]string, error) {
	return kvsplit.ParseKV(args, rawKeys)
}
