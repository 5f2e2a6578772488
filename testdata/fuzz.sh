#!/bin/bash
# Runs every fuzz target of the module for the given time each (default 60s)
# and fails at the end if any target failed. New failing inputs are written by
# go test under <pkg>/testdata/fuzz/ and kept: they then run in `make test`.
set -uo pipefail
time=${1:-60s}
cd "$(dirname "$0")/.."
found=0 failed=()
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    found=1
    echo "== $pkg $f ($time)"
    go test -run '^$' -fuzz "^$f\$" -fuzztime "$time" "$pkg" || failed+=("$pkg $f")
  done
done
[[ $found == 1 ]] || { echo "fuzz: no fuzz targets found" >&2; exit 1; }
if [[ ${#failed[@]} -gt 0 ]]; then
  printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "fuzz: every target ran $time without a failure"
