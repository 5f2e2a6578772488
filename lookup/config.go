package lookup

import (
	"context"
	"fmt"

	"gplay/pyval"
)

var configOptions = []option{
	{name: "on_missing", typ: "str", def: "error", choices: []string{"error", "skip", "warn"}},
	{name: "plugin_type", typ: "str", choices: []string{"become", "cache", "callback", "cliconf", "connection", "httpapi", "inventory", "lookup", "netconf", "shell", "vars"}},
	{name: "plugin_name", typ: "str"},
}

// configLookup is ansible.builtin.config: Ansible settings by name,
// answered by the engine through TaskContext.Config.
func configLookup(ctx context.Context, c *Call) ([]any, error) {
	opts, err := resolveOptions(c.loadName(), configOptions, c.Kw)
	if err != nil {
		return nil, err
	}
	missing, ptype, pname := opts.str("on_missing"), opts.str("plugin_type"), opts.str("plugin_name")
	if (ptype != "" || pname != "") && (ptype == "" || pname == "") {
		return nil, optionsErrf("Both plugin_type and plugin_name are required, cannot use one without the other")
	}
	out := []any{}
	for _, t := range c.Terms {
		term, ok := str(t)
		if !ok {
			return nil, optionsErrf("Invalid setting identifier, \"%s\" is not a string, its a <class '%s'>", pyval.Str(t), pyval.TypeName(t))
		}
		var v any
		found := false
		if c.Task.Config != nil {
			v, found = c.Task.Config(term, ptype, pname)
		}
		if found {
			out = append(out, v)
			continue
		}
		switch missing {
		case "error":
			orig := fmt.Sprintf("module 'ansible.constants' has no attribute '%s'", term)
			if pname != "" {
				orig = fmt.Sprintf("Requested entry (plugin_type: %s plugin: %s setting: %s ) was not defined in configuration.", ptype, pname, term)
			}
			// MissingSetting(msg, orig_exc=e) inside AnsibleLookupError(orig_exc=…)
			return nil, lookupErrf("Unable to find setting %s. %s. %s", term, orig, orig)
		case "warn":
			c.Task.warn("Skipping, did not find setting " + term)
		}
	}
	return out, nil
}
