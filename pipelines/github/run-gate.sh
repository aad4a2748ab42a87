#!/usr/bin/env bash
# The gate step of the composite action (action.yml), kept in a file so it can be tested.
# Inputs arrive as environment variables only, never interpolated into the script:
#   GATE_PATHS (space-separated), GATE_POLICY, GATE_ENV (read by `gate` itself),
#   GATE_ADVISORY_DB, GATE_DIFF_BASE, GATE_POLICY_REF, GATE_SHARD, GATE_SOFT_FAIL (`true`),
#   GATE_OUT_DIR; and GitHub's GITHUB_BASE_REF, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
# GATE_DIFF_BASE and GATE_POLICY_REF are a ref, `none`, or `auto`: on a pull request
# (GITHUB_BASE_REF is set) the branch it merges into, `origin/BASE`; otherwise none.
# Writes outputs decision, blocking-count, sarif-path, sarif-category (one a shard, so the
# shards' uploads do not replace each other), report-path; exits with the gate's exit code.
set -uo pipefail

out="${GATE_OUT_DIR:-${RUNNER_TEMP:-.}}"
report="$out/serverless-gate.json"
sarif="$out/serverless-gate.sarif"
summary="$out/serverless-gate.md"
rm -f "$report" "$sarif" "$summary"

read -r -a paths <<< "${GATE_PATHS:-.}"
args=(check "${paths[@]}" --format github
      --report "json=$report" --report "sarif=$sarif" --report "markdown=$summary"
      --report "html=$out/serverless-gate.html")
if [ -n "${GATE_POLICY:-}" ]; then args+=(--policy "$GATE_POLICY"); fi
if [ -n "${GATE_ADVISORY_DB:-}" ]; then args+=(--advisory-db "$GATE_ADVISORY_DB"); fi
if [ -z "${GATE_ENV:-}" ]; then unset GATE_ENV; fi

ref_of() {
  case "$1" in
    auto) if [ -n "${GITHUB_BASE_REF:-}" ]; then printf 'origin/%s' "$GITHUB_BASE_REF"; fi ;;
    none | "") ;;
    *) printf '%s' "$1" ;;
  esac
}
diff_base=$(ref_of "${GATE_DIFF_BASE:-auto}")
policy_ref=$(ref_of "${GATE_POLICY_REF:-auto}")
if [ -n "$diff_base" ]; then args+=("--diff-base=$diff_base"); fi
if [ -n "$policy_ref" ]; then args+=("--policy-ref=$policy_ref"); fi
if [ -n "${GATE_SHARD:-}" ]; then args+=("--shard=$GATE_SHARD"); fi
if [ "${GATE_SOFT_FAIL:-false}" = "true" ]; then args+=(--soft-fail); fi
category=serverless-gate
if [ -n "${GATE_SHARD:-}" ]; then category="serverless-gate-shard-${GATE_SHARD//[^0-9]/-of-}"; fi

gate "${args[@]}"
code=$?

if [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -f "$report" ]; then
  read -r decision blocking < <(python -c \
    'import json, sys; r = json.load(open(sys.argv[1])); print(r["decision"], r["summary"]["blocking"])' \
    "$report")
else
  decision=error
  blocking=0
fi
{
  echo "decision=$decision"
  echo "blocking-count=$blocking"
  if [ -f "$sarif" ]; then echo "sarif-path=$sarif"; else echo "sarif-path="; fi
  echo "sarif-category=$category"
  if [ -f "$report" ]; then echo "report-path=$report"; else echo "report-path="; fi
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
