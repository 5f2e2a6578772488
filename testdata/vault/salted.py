#!/usr/bin/python3
# Prints, as JSON, vault texts that Ansible's own VaultLib produces with a
# fixed salt, so that vault/oracle_test.go can compare gplay's encryption
# byte for byte. Run by the test when ansible-core is installed; its output
# is checked in as salted.json for machines without Ansible.
import json
from ansible.parsing.vault import VaultLib, VaultSecret

cases = [
    ("v11-short", b"pw", None, b"s" * 32, b"hello"),
    ("v11-block", b"correct horse battery staple", "default", bytes(range(32)), b"0123456789abcdef"),
    ("v12-label", b"dev-secret", "dev", bytes(range(100, 132)), b"env: dev\n"),
    ("v12-long", "ünïcødé".encode(), "prod", b"\xff" * 32, b"x" * 333),
    ("v11-empty", b"pw", None, b"\x00" * 32, b""),
    ("v11-binary", b"pw", None, bytes(range(31, 63)), bytes(range(256))),
]
out = []
for name, pw, vid, salt, plain in cases:
    vt = VaultLib().encrypt(plain, secret=VaultSecret(pw), vault_id=vid, salt=salt)
    out.append({"name": name, "password": pw.hex(), "id": vid or "", "salt": salt.hex(),
                "plaintext": plain.hex(), "vaulttext": vt.decode()})
print(json.dumps(out, indent=1))
