// Package factcache keeps hosts' facts between runs as Ansible's jsonfile
// cache plugin does (fact_caching = jsonfile): one JSON file per host,
// named after the host, in fact_caching_connection, expired after
// fact_caching_timeout seconds by the file's modification time. The files
// are the ones Ansible writes (sorted keys, four-space indent), so a cache
// can be shared with ansible-playbook.
//
// factcache imports pyval, yaml11 (to read JSON into Python values) and
// inventory (Python's json.dumps); the engine sees it through its
// FactCache interface.
package factcache
