"""The gate's own serverless rules: what only a tool that sees a function's code, its IaC
resource and its role together can find.

Each rule package has one entry point, `check(context) -> list[RawFinding]`, over one
bundle and the functions discovery found in it:

- `iac/`: IaC gaps checkov leaves (function URLs without auth, APIs without an
  authorizer, plaintext secrets in a function's environment, deprecated runtimes,
  tracing, timeouts, reserved concurrency), one reader per IaC dialect;
- `iam/`: the statements a function's role grants, in every syntax; wildcards in them,
  and grants compared with the AWS calls the code makes (least privilege), which
  `calls/` reads from the code through botocore's and boto3's service models;
- `taint/`: event data flowing into command, code, SQL, deserialisation, template,
  filesystem and URL sinks;
- `reuse`: state that leaks between invocations of a warm container.

Rule ids, titles, severities and texts live in gate/policies/serverless-rules.yml.
This package runs inside the serverless scanner's worker: it reads the bundle and
never imports or runs any of it.
"""

from __future__ import annotations

from collections.abc import Callable

from gate.serverless.context import BundleContext
from gate.serverless.findings import RawFinding

RuleModule = Callable[[BundleContext], list[RawFinding]]


def rule_modules() -> list[RuleModule]:
    """Every rule module's `check`, imported when a scan needs them."""
    from gate.serverless import iac, iam, reuse, taint

    return [iac.check, iam.check, taint.check, reuse.check]


def analyse(context: BundleContext) -> list[RawFinding]:
    """Every serverless rule over one bundle."""
    return [finding for check in rule_modules() for finding in check(context)]
