#!/usr/bin/env bash
# Build the release (sdist and wheel) and check it as a user would get it:
#   scripts/check-release.sh OUT_DIR
# builds into OUT_DIR with `build` in a virtualenv of its own (its packaging pins differ
# from checkov's), checks the metadata with `twine check`, installs the wheel into a
# clean virtualenv and runs that `gate` on the examples: the insecure one must fail
# (exit 1) and the secure one pass (exit 0), offline. The release workflow runs it
# before it publishes anything.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?OUT_DIR: where the sdist and wheel go}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m venv "$scratch/build"
"$scratch/build/bin/python" -m pip install --quiet build twine
"$scratch/build/bin/python" -m build --outdir "$out" .
"$scratch/build/bin/python" -m twine check --strict "$out"/*

python3 -m venv "$scratch/user"
"$scratch/user/bin/python" -m pip install --quiet "$out"/*.whl
export GATE_OFFLINE=1 GATE_CACHE_DIR="$scratch/cache"
status=0
"$scratch/user/bin/gate" check examples/orders-api-insecure --quiet || status=$?
if [ "$status" -ne 1 ]; then
  echo "check-release: the insecure example exited $status, not 1" >&2
  exit 1
fi
"$scratch/user/bin/gate" check examples/orders-api-secure --quiet
echo "check-release: $(ls "$out") built, checked and tried"
