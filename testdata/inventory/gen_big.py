#!/usr/bin/python3
"""Generates the big inventory cases (big-*). Rerun after changing it, then
`go test ./inventory -run Against -update` to refresh the oracle output."""
import os, json, random

here = os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(42)

def write(path, text):
    full = os.path.join(here, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)

# big-ini-ranges: 2,000 hosts from ranges, children, vars at every level.
ini = ["[web]", "web[0001:0800].dc1.example.com http_port=8080", "[api]", "api[0001:0600]",
       "[db]", "db-[a:z]-[01:20]", "[cache]", "cache[001:140]:6379",
       "[frontend:children]", "web", "api", "[backend:children]", "db", "cache",
       "[dc1:children]", "frontend", "backend",
       "[web:vars]", "tier=web", "max_conn=512", "[api:vars]", "tier=api",
       "[frontend:vars]", "tier=front", "lb=true", "[dc1:vars]", "dc=dc1", "ntp=['a', 'b']",
       "[all:vars]", "ansible_user=deploy"]
write("big-ini-ranges/hosts.ini", "\n".join(ini) + "\n")
write("big-ini-ranges/case.txt", "-i hosts.ini\n--list\n--graph\n--graph --vars\n--host web0400.dc1.example.com\n"
      "--host db-q-07\npattern frontend:&web[100:110]\npattern ~db-[a-c]-0[1-2]\npattern backend:!cache[5:]\n")

# big-yaml-hosts: 2,000 explicit hosts with per-host variables.
inv = {"all": {"children": {}, "vars": {"site": "big"}}}
for g in range(10):
    hosts = {}
    for i in range(200):
        n = g * 200 + i
        hosts["host%04d" % n] = {"ansible_host": "10.%d.%d.%d" % (g, i // 250, i % 250 + 1),
                                 "idx": n, "even": n % 2 == 0, "weight": round(rnd.random(), 3),
                                 "tags": ["g%d" % g, "n%d" % (n % 7)]}
    inv["all"]["children"]["group%02d" % g] = {"hosts": hosts, "vars": {"group_id": g}}
out = ["all:", "  vars: {site: big}", "  children:"]
for g, gd in inv["all"]["children"].items():
    out += ["    %s:" % g, "      vars: {group_id: %d}" % gd["vars"]["group_id"], "      hosts:"]
    for h, hv in gd["hosts"].items():
        out.append("        %s: {ansible_host: %s, idx: %d, even: %s, weight: %s, tags: [%s]}" % (
            h, hv["ansible_host"], hv["idx"], "yes" if hv["even"] else "no", hv["weight"], ", ".join(hv["tags"])))
write("big-yaml-hosts/hosts.yml", "\n".join(out) + "\n")
write("big-yaml-hosts/case.txt", "-i hosts.yml\n--list\n--graph\n--host host1234\npattern group0[1-3]\npattern ~host1[0-9]{3}:&group05\n")

# big-vars-tree: 300 hosts with group_vars and host_vars trees.
lines = []
for g in range(15):
    lines.append("[g%02d]" % g)
    for i in range(20):
        lines.append("h%03d" % (g * 20 + i))
lines += ["[even:children]"] + ["g%02d" % g for g in range(0, 15, 2)]
lines += ["[odd:children]"] + ["g%02d" % g for g in range(1, 15, 2)]
write("big-vars-tree/hosts", "\n".join(lines) + "\n")
write("big-vars-tree/group_vars/all.yml", "level: all\nsite: tree\n")
write("big-vars-tree/group_vars/even.yml", "level: even\nparity: even\n")
write("big-vars-tree/group_vars/odd/main.yml", "level: odd\nparity: odd\n")
for g in range(15):
    write("big-vars-tree/group_vars/g%02d.yml" % g, "level: g%02d\ngroup_num: %d\n" % (g, g))
for n in range(0, 300, 3):
    write("big-vars-tree/host_vars/h%03d.yml" % n, "level: host\nhost_num: %d\n" % n)
write("big-vars-tree/case.txt", "-i hosts\n--list\n--graph --vars\n--host h000\n--host h151\npattern even:&g02\n")
