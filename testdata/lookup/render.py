#!/usr/bin/python3
"""A stand-in for the engine's template renderer in lookup tests: renders
one lookup.Template request (JSON on stdin) with python3-jinja2 the way
Ansible's templar renders a template lookup (trim_blocks, trailing newlines
kept, includes from the search path, "[...]", "{...}", True/False read back
as values when convert_data is on). Prints {"result": ...} or {"error": ...}.
"""
import ast
import json
import sys

from jinja2 import Environment, FileSystemLoader, StrictUndefined

req = json.load(sys.stdin)
opts = dict(trim_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
            finalize=lambda v: "" if v is None else v,
            loader=FileSystemLoader(req["searchpath"]))
for k in ("variable_start_string", "variable_end_string", "comment_start_string", "comment_end_string"):
    if req.get(k):
        opts[k] = req[k]
try:
    out = Environment(**opts).from_string(req["source"]).render(req["vars"])
    # Templar.do_template's preserve_trailing_newlines
    def trailing(x):
        return len(x) - len(x.rstrip("\n"))
    if trailing(req["source"]) > trailing(out):
        out += "\n" * (trailing(req["source"]) - trailing(out))
    if req["convert_data"] and (out.startswith(("{", "[")) or out in ("True", "False")):
        try:
            out = ast.literal_eval(out)
        except Exception:
            pass
    print(json.dumps({"result": out}))
except Exception as e:
    print(json.dumps({"error": str(e)}))
