# Regenerates diffs.json from Ansible's own CallbackBase._get_diff, plain and
# coloured: (cd /tmp && /usr/bin/python3 .../gen_diffs.py) > diffs.json
# (TestDiffMatchesAnsible).
import json, os, subprocess, sys
cases = [
    ("replace", {"before": "one\ntwo\n", "after": "one\nthree\n", "before_header": "/f", "after_header": "/f"}),
    ("no newline at end", {"before": "a\nb", "after": "a\nc", "before_header": "/f", "after_header": "/f"}),
    ("created", {"before": None, "after": "x\ny\n", "after_header": "/new"}),
    ("dict states", {"before": {"path": "/d", "state": "absent"}, "after": {"path": "/d", "state": "directory", "mode": "0755"}}),
    ("identical", {"before": "same\n", "after": "same\n"}),
    ("two hunks", {"before": "".join("l%d\n" % i for i in range(20)), "after": "".join(("L%d\n" if i in (2, 15) else "l%d\n") % i for i in range(20))}),
    ("crlf and cr", {"before": "a\r\nb\rc\n", "after": "a\r\nB\rc\n"}),
    ("prepared", {"prepared": "some text\n"}),
    ("binary and larger", {"dst_binary": 1, "src_larger": 100}),
    ("list", [{"before": "1\n", "after": "2\n"}, {"before": {"mode": "0644"}, "after": {"mode": "0644"}}]),
]
# one interpreter per colour mode: ansible.utils.color decides at import
code = """import json, sys
from ansible.plugins.callback import CallbackBase
cb = CallbackBase()
print(json.dumps([cb._get_diff(d) for d in json.loads(sys.stdin.read())]))
"""
rows = [{"name": n, "diff": d} for n, d in cases]
for color in (False, True):
    env = dict(os.environ, ANSIBLE_FORCE_COLOR="1" if color else "0", ANSIBLE_NOCOLOR="0" if color else "1")
    r = subprocess.run(["/usr/bin/python3", "-c", code], input=json.dumps([d for _, d in cases]).encode(), env=env, capture_output=True, check=True)
    for row, text in zip(rows, json.loads(r.stdout)):
        row["color" if color else "plain"] = text
json.dump(rows, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")
