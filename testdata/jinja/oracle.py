#!/usr/bin/python3
"""Render gplay's Jinja2 differential corpus through Ansible's own Templar.

Usage: /usr/bin/python3 testdata/jinja/oracle.py [--out DIR] [corpus.yaml ...]

Each corpus file (testdata/jinja/*.yaml) holds shared `vars`, optional
`files` (templates reachable by include/import) and `cases`; each case has a
name `n`, optional `vars`/`files` of its own and exactly one of:

  t: a value templated as Ansible templates a variable or module argument
     (Templar.template: native-result rules, backslash escaping)
  r: a template file rendered as the template module does (do_template with
     convert_data=False, escape_backslashes=False); `trim`/`lstrip` override
     trim_blocks (default true) / lstrip_blocks (default false)
  e: a bare conditional, evaluated as `when:` is (Conditional)

`ext` lists Jinja2 extensions to enable (loopcontrols, do), as Ansible's
DEFAULT_JINJA2_EXTENSIONS setting would.

For each corpus file it writes <name>.golden: one line per case,
`name<TAB>result`, where result is `<type> <repr>` of the value (Ansible's
wrapper types shown as the builtins they extend), `error <kind>: <msg>` for
a template error (kind undefined, syntax or other; msg the innermost
exception's message, as gplay's *jinja.Error carries it), or `error cond:
<msg>` with the whole message of a failed conditional. The Go test
(jinja/corpus_test.go) renders the same cases and compares line by line.
"""
import datetime
import os
import sys
import tempfile

import yaml
from jinja2 import FileSystemLoader
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from ansible.errors import AnsibleError, AnsibleUndefinedVariable
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.conditional import Conditional
from ansible.template import Templar


def plain(v):
    """Strip Ansible's wrapper types so repr() prints builtins only."""
    if isinstance(v, dict):
        return {plain(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list,)):
        return [plain(x) for x in v]
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v.encode('utf-8', 'surrogatepass'), 'utf-8', 'surrogatepass')
    if isinstance(v, (set, frozenset)):
        return sorted(plain(x) for x in v)
    if hasattr(v, '__iter__') and not isinstance(v, (bytes,)):
        return [plain(x) for x in v]
    return v


def describe(v):
    v = plain(v)
    return '%s %r' % (type(v).__name__, v)


def root_cause(e):
    seen = set()
    while id(e) not in seen:
        seen.add(id(e))
        nxt = getattr(e, 'orig_exc', None)
        if nxt is None:
            break
        e = nxt
    return e


def one_line(s):
    return s.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')


def describe_error(e):
    """Normalize an exception to `error <kind>: <message>`.

    kind is undefined, syntax (a template syntax error) or other; the Go
    test compares the whole line.
    """
    root = root_cause(e)
    if isinstance(root, TemplateSyntaxError):
        return 'error syntax: ' + one_line(str(root.message))
    if isinstance(root, UndefinedError) or isinstance(e, AnsibleUndefinedVariable):
        msg = str(getattr(root, 'message', None) or root)
        if isinstance(root, AnsibleError):
            msg = root._message
        # The conditional wrapper repeats the cause; keep the last sentence.
        msg = msg.split('): ')[-1] if 'error while evaluating conditional' in msg else msg
        return 'error undefined: ' + one_line(msg)
    if isinstance(root, AnsibleError):
        return 'error other: ' + one_line(root._message)
    if isinstance(root, KeyError) and root.args:
        return 'error other: ' + one_line(repr(root.args[0]))
    return 'error other: ' + one_line(str(root))


def run_case(loader, base_vars, base_files, case):
    vars_ = dict(base_vars)
    vars_.update(case.get('vars') or {})
    files = dict(base_files)
    files.update(case.get('files') or {})
    templar = Templar(loader=loader, variables=vars_)
    for ext in case.get('ext') or []:
        templar.environment.add_extension('jinja2.ext.' + ext)
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in files.items():
            path = os.path.join(tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(body)
        try:
            if 't' in case:
                templar.environment.loader = FileSystemLoader([tmp])
                return describe(templar.template(case['t']))
            if 'r' in case:
                t2 = templar.copy_with_new_env(searchpath=[tmp],
                                               trim_blocks=case.get('trim', True),
                                               lstrip_blocks=case.get('lstrip', False))
                t2.available_variables = vars_
                for ext in case.get('ext') or []:
                    t2.environment.add_extension('jinja2.ext.' + ext)
                return describe(t2.do_template(case['r'], preserve_trailing_newlines=True,
                                               escape_backslashes=False))
            if 'e' in case:
                c = Conditional(loader=loader)
                c.when = [case['e']]
                templar.environment.loader = FileSystemLoader([tmp])
                try:
                    return describe(c.evaluate_conditional(templar, vars_))
                except AnsibleError as e:
                    return 'error cond: ' + one_line(str(e))
            raise SystemExit('case %s has no t, r or e' % case.get('n'))
        except Exception as e:  # every failure is part of the expected output
            return describe_error(e)


def main(args):
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = None
    if args[:1] == ['--out']:
        out_dir, args = args[1], args[2:]
    paths = args
    if not paths:
        paths = sorted(os.path.join(here, p) for p in os.listdir(here) if p.endswith('.yaml'))
    loader = DataLoader()
    for path in paths:
        with open(path) as f:
            doc = yaml.safe_load(f)
        lines = []
        names = set()
        for case in doc.get('cases') or []:
            name = case['n']
            if name in names:
                raise SystemExit('%s: duplicate case %s' % (path, name))
            names.add(name)
            lines.append('%s\t%s\n' % (name, run_case(loader, doc.get('vars') or {}, doc.get('files') or {}, case)))
        golden = path[:-len('.yaml')] + '.golden'
        if out_dir:
            golden = os.path.join(out_dir, os.path.basename(golden))
        with open(golden, 'w') as f:
            f.writelines(lines)


if __name__ == '__main__':
    main(sys.argv[1:])
