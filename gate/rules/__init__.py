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

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding, RuleIssue

RuleModule = Callable[[BundleContext], list[RawFinding]]


@dataclass(frozen=True)
class Rule:
    """One rule module: its name in messages, its entry point, and what it reads of a
    function (`code` or `iac`), to name the file when it fails on one."""

    name: str
    check: RuleModule
    reads: str


@dataclass(frozen=True)
class Analysis:
    """What the rules found in one bundle, and what they could not check."""

    findings: list[RawFinding] = field(default_factory=list)
    issues: list[RuleIssue] = field(default_factory=list)


def rules() -> list[Rule]:
    """Every rule module, imported when a scan needs them."""
    from gate.rules import iac, iam, reuse, taint

    return [
        Rule("iac", iac.check, "iac"),
        Rule("iam", iam.check, "iac"),
        Rule("taint", taint.check, "code"),
        Rule("reuse", reuse.check, "code"),
    ]


def analyse(context: BundleContext) -> Analysis:
    """Every serverless rule over one bundle. A file the rules cannot parse, and a rule
    that raises, are issues (the scan is then an error); the other rules still run."""
    analysis = Analysis(issues=unparsable(context))
    for rule in rules():
        found, failed = run_rule(rule, context)
        analysis.findings.extend(found)
        analysis.issues.extend(failed)
    return analysis


def run_rule(rule: Rule, context: BundleContext) -> tuple[list[RawFinding], list[RuleIssue]]:
    """One rule over the bundle; if it raises, over each function alone, so the failure
    names the function and file it failed on and the others are still checked."""
    try:
        return rule.check(context), []
    except Exception as e:  # any failure of a rule is a scan error
        whole = e
    if len(context.functions) == 1:
        return [], [_failure(rule, whole, context.functions[0])]
    findings: list[RawFinding] = []
    issues: list[RuleIssue] = []
    for function in context.functions:
        try:
            findings += rule.check(replace(context, functions=(function,)))
        except Exception as e:
            issues.append(_failure(rule, e, function))
    # Failing only on the functions together: no one file to name.
    return findings, issues or [_failure(rule, whole)]


def _failure(rule: Rule, error: BaseException, function: Function | None = None) -> RuleIssue:
    text = f"{type(error).__name__}: {error}"
    if function is None:
        return RuleIssue(None, f"the {rule.name} rules failed: {text}", rule=rule.name)
    code = function.handler_file if rule.reads == "code" else None
    return RuleIssue(
        code or function.iac_file,
        f"the {rule.name} rules failed on function {function.name}: {text}",
        rule=rule.name,
    )


def unparsable(context: BundleContext) -> list[RuleIssue]:
    """The bundle's own Python files the rules cannot read or parse, with the reason: a
    rule that reads a file as having no code would call it clean."""
    issues = []
    for relative in context.python_files():
        try:
            data = (context.code_root / relative).read_bytes()
        except OSError as e:
            issues.append(RuleIssue(relative, f"cannot read it: {e.strerror or e}"))
            continue
        problem = syntax_problem(data)
        if problem is not None:
            line, reason = problem
            issues.append(RuleIssue(relative, f"cannot parse it: {reason}", line))
    return issues


def syntax_problem(source: bytes | str) -> tuple[int | None, str] | None:
    """Where and why `source` is not Python the rules can read; None if it is. Bytes
    are decoded as the interpreter decodes them (BOM, `# coding:` line)."""
    try:
        ast.parse(source)
    except SyntaxError as e:
        return e.lineno, e.msg
    except RecursionError:
        return None, "nested too deeply for the parser"
    except (ValueError, MemoryError) as e:
        return None, str(e) or type(e).__name__
    return None
