#!/usr/bin/python3
"""Run the lookup cases of cases.json through ansible-core's own lookup
plugins (Templar._lookup with a DataLoader) and print the results as JSON.

Each case gets a fresh directory ($ROOT) holding its files; absolute paths
in results are written with $ROOT so that they compare across runs.
Usage: oracle.py cases.json > expected.json
"""
import json
import os
import shutil
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.loader import lookup_loader
from ansible.utils.listify import listify_lookup_plugin_terms
from ansible.utils.unsafe_proxy import wrap_var
from ansible.template import Templar
from ansible.utils.display import Display

Display().verbosity = 0
WARNINGS = []
Display.warning = lambda self, msg, formatted=False: WARNINGS.append(msg)
VAULT_PASSWORD = b"lookup-test"


def build(root, case):
    secret = VaultSecret(VAULT_PASSWORD)
    for d in case.get("dirs", []):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for rel, content in case.get("files", {}).items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        data = content.encode()
        if rel.endswith(".vault"):
            data = VaultLib([("default", secret)]).encrypt(data, secret)
        with open(p, "wb") as f:
            f.write(data)


def norm(v, root):
    if isinstance(v, str):
        return v.replace(root, "$ROOT")
    if isinstance(v, (list, tuple)):
        return [norm(x, root) for x in v]
    if isinstance(v, dict):
        return {norm(k, root): norm(x, root) for k, x in v.items()}
    return v


def subst(v, root):
    if isinstance(v, str):
        return v.replace("$ROOT", root)
    if isinstance(v, list):
        return [subst(x, root) for x in v]
    if isinstance(v, dict):
        return {k: subst(x, root) for k, x in v.items()}
    return v


def run_loop(case, templar, loader, variables, root):
    """What TaskExecutor._get_loop_items does for with_<name>."""
    name = case["lookup"]
    fail = name != "first_found"
    try:
        terms = listify_lookup_plugin_terms(terms=subst(case["loop"], root), templar=templar,
                                            fail_on_undefined=fail, convert_bare=False)
        if not fail:
            terms = [t for t in terms if not templar.is_template(t)]
        plugin = lookup_loader.get(name, loader=loader, templar=templar)
        for subdir in ["template", "var", "file"]:
            if subdir in case.get("action", "debug"):
                break
        setattr(plugin, "_subdir", subdir + "s")
        out = {"result": norm(wrap_var(plugin.run(terms=terms, variables=variables, wantlist=True)), root)}
    except Exception as e:
        out = {"error": norm(str(e), root), "class": type(e).__name__}
    if WARNINGS:
        out["warnings"] = norm(list(WARNINGS), root)
    return out


def run(case, form, root):
    wantlist = form == "query"
    del WARNINGS[:]
    loader = DataLoader()
    # loader_vault: the password the loader knows ("" = none), when a case
    # wants it to differ from the one its .vault files are encrypted with
    pw = case.get("loader_vault", VAULT_PASSWORD.decode())
    if pw:
        loader.set_vault_secrets([("default", VaultSecret(pw.encode()))])
    loader.set_basedir(os.path.join(root, case.get("basedir", "")))
    variables = dict(case.get("vars", {}))
    if "search" in case:
        variables["ansible_search_path"] = [os.path.join(root, p) for p in case["search"]]
    if "role_path" in case:
        variables["role_path"] = os.path.join(root, case["role_path"])
    templar = Templar(loader=loader, variables=variables)
    kwargs = subst(dict(case.get("kwargs", {})), root)
    if wantlist:
        kwargs["wantlist"] = True
    old_env = dict(os.environ)
    os.environ.update(case.get("env", {}))
    try:
        if form == "loop":
            return run_loop(case, templar, loader, variables, root)
        res = templar._lookup(case["lookup"], *subst(case.get("terms", []), root), **kwargs)
        out = {"result": norm(res, root)}
    except Exception as e:
        out = {"error": norm(str(e), root), "class": type(e).__name__}
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    if WARNINGS:
        out["warnings"] = norm(list(WARNINGS), root)
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    out = []
    for case in cases:
        root = os.path.realpath(tempfile.mkdtemp(prefix="gplay-lookup-"))
        try:
            build(root, case)
            r = {"name": case["name"]}
            forms = case.get("forms", ["query", "lookup"])
            for form in forms:
                r[form] = run(case, form, root)
            if case.get("read"):
                r["files"] = {}
                for rel in case["read"]:
                    p = os.path.join(root, rel)
                    r["files"][rel] = open(p).read() if os.path.exists(p) else None
            out.append(r)
        finally:
            shutil.rmtree(root)
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


main()
