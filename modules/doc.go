// Package modules holds gplay's built-in modules, one per file, each
// registering itself in module.Default from init. They run on the target
// (in-process for the local connection, inside the agent over SSH) and
// follow Ansible's arguments, return values, check mode and diff mode;
// where gplay differs on purpose the module's doc comment says so.
//
// Every change to the host goes through the request's module.Host, which is
// read-only under check mode. Shared logic lives in named files:
// fileattrs.go (mode, owner, group, attributes, file state for results),
// commands.go (running commands and Ansible's command result fields).
//
// modules imports only module and pyval (plus the standard library); it
// must not import engine, connection, jinja or inventory.
package modules
