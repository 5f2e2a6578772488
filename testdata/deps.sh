#!/bin/bash
# Installs what `make test` needs on a Debian 12 machine when it is missing:
# a real sshd and ssh client for the integration tests, systemd-nspawn,
# debootstrap, nftables and iproute2 for the test hosts, and the oracles of
# the differential tests (ansible-core, python3-jinja2). Needs root to install.
set -euo pipefail
pkgs=(openssh-server openssh-client systemd-container debootstrap nftables iproute2 ansible-core python3-jinja2 sudo)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) != 0 ]]; then
  echo "deps: missing ${missing[*]} and not root: tests that need them will skip" >&2
  exit 0
fi
echo "deps: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
