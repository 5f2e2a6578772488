package lookup

import (
	"errors"

	"gplay/kvsplit"
	"gplay/pyval"
)

// parseKV is Ansible's parse_kv(args, check_raw=False) (parsing/splitter.py)
// as the sequence, password and csvfile lookups use it: key=value words
// become keys, the other words are joined into _raw_params.
func parseKV(args string) (*pyval.Dict, error) {
	kv, err := kvsplit.ParseKV(args, nil)
	switch {
	case errors.Is(err, kvsplit.ErrIndex):
		return nil, errf("Unable to parse argument string")
	case err != nil:
		return nil, errf("%v: %s", err, args)
	}
	out := pyval.NewDict(len(kv))
	for _, p := range kv {
		out.Set(p[0], p[1])
	}
	return out, nil
}
