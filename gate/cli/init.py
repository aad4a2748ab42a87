"""`gate init`: a commented policy to start from, and the CI snippets that run the gate."""

from __future__ import annotations

import json
from pathlib import Path

import gate
from gate.errors import UsageError
from gate.policy.load import schema

POLICY_FILE = "gate.yml"
SCHEMA_FILE = "gate.schema.json"

POLICY_TEMPLATE = """\
# yaml-language-server: $schema=./gate.schema.json
# serverless-gate policy: what blocks a deployment of the functions in this repository.
# `gate policy validate` checks this file; `gate policy show` prints it with defaults.
version: 1

# Findings at or above this severity block: critical | high | medium | low | info | never.
fail_on: high

scanners:
  checkov:   {enabled: true, required: true, timeout_s: 600}   # IaC and secrets
  bandit:    {enabled: true, required: true, min_confidence: low}  # Python code
  pip-audit: {enabled: true, required: true, unscored_severity: high}  # dependencies

# Change the severity of a rule (ids or globs), e.g. when a check does not fit your platform.
severity: {}
#   CKV_AWS_117: info        # functions do not run in a VPC here, by design

# Paths never scanned, relative to each bundle.
exclude: []
#   - "tests/**"

# What `# nosec` / `checkov:skip` comments in the code are worth: allow | require-reason | deny.
inline_suppressions: require-reason

# Reviewed exceptions. Each needs a reason and an expiry; it stops applying after that date.
max_waiver_days: 365
waivers: []
#   - rule: CKV_AWS_116                # one rule id, or a CVE/GHSA alias (no globs)
#     path: "functions/legacy/**"      # optional scope; also `resource`, `fingerprint`
#     reason: "DLQ arrives with the Q3 queue migration (PLAT-1234)"   # 8+ characters
#     expires: 2027-03-01
#     approved_by: "security-team"
#   - rules_matching: "CKV_AWS_*"      # a deliberate pattern: needs a `path` or `resource`
#     path: "functions/legacy/**"
#     reason: "legacy function, replaced in Q3 (PLAT-1240)"
#     expires: 2027-03-01

# More than N findings of a severity fails the build even below fail_on.
budgets: {}
#   medium: 25

# Advisory data for the dependency audit; warn when it is older than this.
advisories: {max_age_days: 30}

# Overlays selected with `gate check --env NAME` (or GATE_ENV).
environments:
  prod: {fail_on: medium}
"""

GITHUB_SNIPPET = f"""\
# .github/workflows/gate.yml
on: [pull_request, push]
permissions: {{contents: read}}
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {{fetch-depth: 0}}   # pull requests: only what the change touches blocks
      - uses: serverless-gate/serverless-gate/pipelines/github@v{gate.__version__}
        with:
          path: .
          # soft-fail: "true"      # report without failing, while rolling out
"""

JENKINS_SNIPPET = f"""\
// Jenkinsfile (declarative), without the shared library: the gate in a virtualenv
// outside the workspace, from this release's tag.
stage('Security gate') {{
  steps {{
    sh '''
      python3 -m venv "$WORKSPACE_TMP/gate-venv"
      "$WORKSPACE_TMP/gate-venv/bin/pip" install --quiet "{gate.source_spec()}"
      "$WORKSPACE_TMP/gate-venv/bin/gate" check . --report junit=gate-junit.xml
    '''   // exit 1 fails the build (blocking findings), 2 errors
  }}
}}
"""


def init(directory: Path, force: bool = False) -> list[Path]:
    """Write gate.yml and its schema into `directory`; never overwrite without `force`."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    policy, schema_file = directory / POLICY_FILE, directory / SCHEMA_FILE
    if policy.exists() and not force:
        raise UsageError(f"{policy}: already exists; edit it, or pass --force to replace it")
    policy.write_text(POLICY_TEMPLATE, encoding="utf-8")
    schema_file.write_text(json.dumps(schema(), indent=2) + "\n", encoding="utf-8")
    return [policy, schema_file]
