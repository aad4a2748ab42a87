#!/usr/bin/env bash
# How the composite action (action.yml) keeps the gate's findings cache between runs with
# actions/cache, decided here so it can be tested. Writes outputs path, restore, save, key
# and restore-keys.
#
# The trust rule: a run restores only caches saved by a trusted ref (its own branch, the
# branch a pull request merges into, the default branch), and only runs of a branch itself
# (push, schedule, workflow_dispatch on refs/heads/*) ever save; a pull request - from a
# fork or not, pull_request_target included - never saves. Every key is scoped by ref and
# says `trusted`. Entries are authenticated by GATE_CACHE_KEY (the action's `cache-key`,
# a secret fork pull requests are not given): without it there is nothing to verify
# restored entries with, so the cache is neither restored nor saved.
#
# Only the `findings` folder is cached: the rest of the gate's cache directory holds the
# scanners' parser caches (pickles), which must never come from anywhere but this runner.
#
# Environment: GATE_CACHE (`true`/`false`), GATE_HAS_CACHE_KEY (`true`/`false`),
# GATE_DEFAULT_BRANCH, and GitHub's GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_BASE_REF,
# GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, RUNNER_OS, GITHUB_OUTPUT; GATE_CACHE_DIR,
# XDG_CACHE_HOME and HOME say where the gate keeps its cache.
set -euo pipefail

# A cache key cannot hold a comma; nothing else in a ref needs changing.
scope() { printf '%s' "${1//,/_}"; }

dir="${GATE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/serverless-gate}/findings"
prefix="serverless-gate-findings-1-${RUNNER_OS:-unknown}-trusted-"
run="${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}"
ref="${GITHUB_REF:-}"
default_ref="refs/heads/${GATE_DEFAULT_BRANCH:-main}"

restore=false
save=false
if [ "${GATE_CACHE:-true}" = true ] && [ "${GATE_HAS_CACHE_KEY:-false}" = true ]; then
  restore=true
  case "${GITHUB_EVENT_NAME:-}" in
    push | schedule | workflow_dispatch)
      if [[ "$ref" == refs/heads/* ]]; then save=true; fi ;;
  esac
fi

if [ "$save" = true ]; then
  own="$(scope "$ref")"
elif [ -n "${GITHUB_BASE_REF:-}" ]; then
  own="$(scope "refs/heads/$GITHUB_BASE_REF")"  # a pull request: its base branch's caches
else
  own="$(scope "$default_ref")"  # a tag, or any other run: the default branch's
fi
key="$prefix$own-$run"
restore_keys="$prefix$own-"
if [ "$own" != "$(scope "$default_ref")" ]; then
  restore_keys+=$'\n'"$prefix$(scope "$default_ref")-"
fi

if [ "$restore" = true ]; then
  mkdir -p "$dir"
  chmod 700 "$dir"  # the gate uses a cache folder only this user can write to
fi

{
  echo "path=$dir"
  echo "restore=$restore"
  echo "save=$save"
  echo "key=$key"
  echo "restore-keys<<GATE_RESTORE_KEYS"
  echo "$restore_keys"
  echo "GATE_RESTORE_KEYS"
} >> "${GITHUB_OUTPUT:-/dev/null}"
