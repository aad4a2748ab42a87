#!/bin/sh
# The serverlessGate step's shell (vars/serverlessGate.groovy loads it with libraryResource),
# kept in a file so it can be tested. Parameters arrive as environment variables only:
#   GATE_SOURCE      what pip installs the gate from (a git tag of the gate's repository by
#                    default; the package index once released); empty: use `gate` on PATH
#   GATE_VENV        where the gate's virtualenv goes: outside the workspace, so the gate
#                    never scans its own installation and the checkout stays clean
#   GATE_PATHS (space-separated), GATE_POLICY, GATE_ENV_NAME, GATE_ADVISORY_DB,
#   GATE_DIFF_BASE, GATE_POLICY_REF, GATE_OUT
# Exits with the gate's exit code (0 pass, 1 blocking findings, 2 could not decide); the
# step maps it onto the build (1 is UNSTABLE with softFail: true).
set -u

gate=gate
if [ -n "${GATE_SOURCE:-}" ]; then
  venv="${GATE_VENV:?GATE_VENV: where to put the gate's virtualenv}"
  if [ ! -x "$venv/bin/gate" ]; then
    python3 -m venv "$venv" || exit 2
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$GATE_SOURCE" || exit 2
  gate="$venv/bin/gate"
fi

# The step's reports folder in the workspace. An earlier build's is removed before the
# scan and the reports are written outside the workspace, then moved in: the gate never
# reads its own reports, and it sees the checkout as git left it (not "dirty").
out="${GATE_OUT:-serverless-gate}"
rm -rf "$out"
written=$(mktemp -d) || exit 2
trap 'rm -rf "$written"' EXIT
# shellcheck disable=SC2086  # GATE_PATHS is a space-separated list of paths
set -- check ${GATE_PATHS:-.} \
    --report "junit=$written/junit.xml" --report "sarif=$written/gate.sarif" \
    --report "html=$written/index.html" --report "json=$written/report.json"
if [ -n "${GATE_POLICY:-}" ]; then set -- "$@" --policy "$GATE_POLICY"; fi
if [ -n "${GATE_ENV_NAME:-}" ]; then set -- "$@" --env "$GATE_ENV_NAME"; fi
if [ -n "${GATE_ADVISORY_DB:-}" ]; then set -- "$@" --advisory-db "$GATE_ADVISORY_DB"; fi
if [ -n "${GATE_DIFF_BASE:-}" ]; then set -- "$@" "--diff-base=$GATE_DIFF_BASE"; fi
if [ -n "${GATE_POLICY_REF:-}" ]; then set -- "$@" "--policy-ref=$GATE_POLICY_REF"; fi
unset GATE_ENV  # the environment is passed as --env only
"$gate" "$@" 2> "$written/stderr.txt"
status=$?
cat "$written/stderr.txt" >&2
mkdir -p "$out" && cp -R "$written/." "$out/" || exit 2
exit $status
