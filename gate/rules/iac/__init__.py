"""IaC gaps checkov leaves, in SAM, CloudFormation, serverless.yml and Terraform alike.

Each syntax is read into `FunctionView`s (iac_sam, iac_sls, iac_tf), and the rules
here judge those:

- GATE-IAC-010: a function URL anyone can invoke (AuthType NONE);
- GATE-IAC-011: an API Gateway route to the function without an authorizer;
- GATE-IAC-012: a plaintext secret in a function's environment (iac_secrets);
- GATE-IAC-013 / 014: a runtime AWS has deprecated / will within 180 days (iac_runtimes);
- GATE-IAC-015: X-Ray tracing not active;
- GATE-IAC-016: an API-triggered function whose timeout outlasts API Gateway's;
- GATE-IAC-017: a public endpoint without reserved concurrency;
- GATE-IAC-018: the runtime made to run code the gate cannot analyse before the handler
  (an exec wrapper or preloaded library that is not Python; iac_startup);
- GATE-IAC-019 / 020: a bucket, queue or topic policy, or a Lambda permission, that lets
  any principal in (resource_policies).

Where checkov reports the same concern on the same resource, the finding absorbs it
(`also_reported_by`): one problem, one finding. IAM is the `iam` module's.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from gate.model import Absorbs, Function
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.iac import resource_policies
from gate.rules.iac.chalice import chalice_views
from gate.rules.iac.runtimes import runtime_status
from gate.rules.iac.sam import Template, template_view
from gate.rules.iac.secrets import secret_findings
from gate.rules.iac.serverless import serverless_view
from gate.rules.iac.startup import startup_findings
from gate.rules.iac.terraform import module_blocks, module_of, terraform_view
from gate.rules.iac.view import HTTP, REST, URL, FunctionView, Setting, YamlSource, as_int

API_TIMEOUT = {REST: 29, HTTP: 30}
"""API Gateway's integration timeout, in seconds (REST APIs: 29 by default)."""
# checkov checks on a function's own resource that report the same concern, by IaC kind.
_TEMPLATES_AND_TF = ("sam", "cloudformation", "terraform")
_CHECKOV: dict[str, dict[str, tuple[str, ...]]] = {
    "runtime": dict.fromkeys(_TEMPLATES_AND_TF, ("CKV_AWS_363",)),
    "tracing": {"terraform": ("CKV_AWS_50",)},
    "public-without-reserved-concurrency": dict.fromkeys(_TEMPLATES_AND_TF, ("CKV_AWS_115",)),
}
_TRACING_FIX = {
    "sam": "set Tracing: Active (on the function or in Globals.Function)",
    "cloudformation": "set TracingConfig: {Mode: Active}",
    "serverless": "set provider.tracing.lambda: true (or tracing: Active on the function)",
    "terraform": 'add tracing_config { mode = "Active" }',
}
_CONCURRENCY_KEY = {
    "sam": "ReservedConcurrentExecutions",
    "cloudformation": "ReservedConcurrentExecutions",
    "serverless": "reservedConcurrency",
    "terraform": "reserved_concurrent_executions",
}


def check(context: BundleContext, today: datetime.date | None = None) -> list[RawFinding]:
    """Every IaC gap of the bundle's functions; `today` dates the runtime rules."""
    views = function_views(context)
    day = today or datetime.date.today()
    findings: list[RawFinding] = []
    settings: list[tuple[RawFinding, FunctionView]] = []
    for view in views:
        findings += _entries(view)
        for rule in (_runtime(view, day), _tracing(view), _timeout(view), _concurrency(view)):
            settings += [(finding, view) for finding in rule]
    # A Chalice function's environment is in its project's config (gate.rules.iac.chalice).
    environments = views + chalice_views(context)
    findings += shared_once(settings) + secret_findings(environments)
    return findings + startup_findings(context, environments) + resource_policies.check(context)


def shared_once(found: list[tuple[RawFinding, FunctionView]]) -> list[RawFinding]:
    """One finding per problem: the findings of several functions on one setting they
    share (a runtime in SAM `Globals`, a serverless.yml `provider` timeout: same rule,
    file, line and concern) are one, naming every function, on no one function's
    resource (a waiver scoped to one function does not cover the others). Its
    fingerprint names them all: a baseline of the problem for some functions does not
    cover a function that starts sharing it."""
    groups: dict[tuple[str, str, int | None, str], list[tuple[RawFinding, FunctionView]]] = {}
    for finding, view in found:
        concern = finding.anchor.partition("#")[2]
        groups.setdefault((finding.rule_id, finding.path, finding.line, concern), []).append(
            (finding, view)
        )
    merged = []
    for group in groups.values():
        first, view = group[0]
        if len(group) == 1:
            merged.append(first)
            continue
        names = [v.function.name for _, v in group]
        sharing = ",".join(sorted(f.resource or "" for f, _ in group))
        message = first.message.removeprefix(f"{view.function.name}: ")
        merged.append(
            replace(
                first,
                message=f"{', '.join(names)} (a setting they share): {message}",
                merges=tuple(m for f, _ in group for m in f.merges),
                functions=tuple(names),
                resource=None,
                anchor=f"{first.anchor} shared by {sharing}",
            )
        )
    return merged


def function_views(context: BundleContext) -> list[FunctionView]:
    """The bundle's functions, each IaC file (or Terraform module) read once; a file that
    cannot be read gives none (discovery has warned about it). Worked out once a bundle:
    the IaC rules and the second-order rule both ask."""
    if "function_views" not in context.memo:
        context.memo["function_views"] = _function_views(context)
    return list(context.memo["function_views"])


def _function_views(context: BundleContext) -> list[FunctionView]:
    groups: dict[tuple[str, str], list[Function]] = {}
    for function in context.functions:
        terraform = function.iac == "terraform"
        where = module_of(function) if terraform else function.iac_file
        groups.setdefault((function.iac, where), []).append(function)
    views = []
    for (kind, where), functions in groups.items():
        if kind == "terraform":
            blocks = module_blocks(context, where)
            views += [terraform_view(blocks, f) for f in functions if f.resource in blocks]
        elif kind == "chalice":
            continue  # its settings are in app.py's decorators and .chalice/config.json
        elif kind == "serverless":
            source = YamlSource.read(context, where)
            views += [serverless_view(source, f) for f in functions] if source else []
        else:
            template = Template.read(context, where)
            views += [template_view(template, f) for f in functions] if template else []
    return views


def _on_function(
    view: FunctionView,
    rule: str,
    message: str,
    setting: Setting,
    concern: str,
    checkov: str | None = None,
) -> list[RawFinding]:
    """A finding on the function's own resource, at the line of the setting it is about,
    absorbing checkov's check of the same concern (`_CHECKOV[checkov or concern]`) on that
    resource, if it has one."""
    ids = _CHECKOV.get(checkov or concern, {}).get(view.function.iac, ())
    merges = (Absorbs("checkov", ids, view.path, None, view.resource),) if ids else ()
    anchor = f"{view.resource}#{concern}"
    return [
        RawFinding(
            rule, message, view.path, setting.line, None, view.resource, anchor, None, merges
        )
    ]


def _entries(view: FunctionView) -> list[RawFinding]:
    findings = []
    name = view.function.name
    for entry in [e for e in view.entries if e.public]:
        reported_on = entry.checkov_resource or entry.resource
        absorbs = Absorbs("checkov", entry.checkov, entry.path, None, reported_on)
        if entry.kind == URL:
            rule, concern = "GATE-IAC-010", "function-url-auth-none"
            message = (
                f"{name}: {entry.label} has auth type NONE, so anyone who finds the URL can "
                "invoke the function, with no authentication, throttling or WAF in front of it. "
                "Set the auth type to AWS_IAM and sign callers' requests (SigV4), or serve the "
                "function through API Gateway with an authorizer."
            )
        else:
            rule, concern = "GATE-IAC-011", f"api-without-authorizer:{entry.label}"
            message = (
                f"{name}: {entry.label} reaches the function without an authorizer, so any "
                "caller on the internet can invoke it. Add an authorizer (Cognito, JWT, Lambda "
                "or AWS_IAM) to the route or as the API's default authorizer; if the route is "
                "public by design, waive this finding in the policy and say why."
            )
        anchor = f"{entry.resource}#{concern}"
        merges = (absorbs,) if entry.checkov else ()
        findings.append(
            RawFinding(
                rule, message, entry.path, entry.line, None, entry.resource, anchor, None, merges
            )
        )
    return findings


def _runtime(view: FunctionView, today: datetime.date) -> list[RawFinding]:
    runtime = view.runtime.value
    status = runtime_status(runtime, today) if isinstance(runtime, str) else None
    if status is None:
        return []
    name = view.function.name
    move = f"Move to {status.successor}" if status.successor else "Move to a supported runtime"
    if status.deprecated:
        rule = "GATE-IAC-013"
        message = (
            f"{name}: runtime {runtime} was deprecated on {status.deprecated_on}: it gets no "
            "security patches, and AWS blocks creating and then updating functions on it. "
            f"{move} and test the function on it."
        )
    else:
        rule = "GATE-IAC-014"
        days = (status.deprecated_on - today).days
        message = (
            f"{name}: runtime {runtime} will be deprecated on {status.deprecated_on}, in "
            f"{days} days; it then gets no security patches. {move} before then."
        )
    # The runtime is in the anchor: moving to another deprecated one is a new finding.
    return _on_function(view, rule, message, view.runtime, f"runtime:{runtime}", "runtime")


def _tracing(view: FunctionView) -> list[RawFinding]:
    """Active or PassThrough (traced when the caller samples the request) is a choice made;
    unset or disabled is not."""
    value = view.tracing.value
    if value is True or str(value).lower() in ("active", "passthrough", "true"):
        return []
    if value is not None and str(value).lower() not in ("disabled", "false"):
        return []  # a reference or condition the gate does not resolve
    state = "not set" if value is None else f"set to {value}"
    message = (
        f"{view.function.name}: X-Ray tracing is {state}, so a failing or slow call in "
        "production cannot be followed from the caller through the function to what it "
        f"calls. To fix it, {_TRACING_FIX[view.function.iac]}, and allow the function "
        "xray:PutTraceSegments."
    )
    return _on_function(view, "GATE-IAC-015", message, view.tracing, "tracing")


def _timeout(view: FunctionView) -> list[RawFinding]:
    timeout = as_int(view.timeout.value)
    apis = [e for e in view.entries if e.kind in API_TIMEOUT]
    over = [e for e in apis if timeout is not None and timeout > API_TIMEOUT[e.kind]]
    if not over:
        return []
    limit = min(API_TIMEOUT[e.kind] for e in over)
    message = (
        f"{view.function.name}: timeout {timeout} s is longer than API Gateway's {limit} s "
        f"integration timeout ({over[0].label}): the caller gets a 504 while the function "
        "keeps running and billing, and retried calls pile up behind it. Set the timeout to "
        f"at most {limit} s and move longer work to an asynchronous path (SQS, Step Functions)."
    )
    return _on_function(view, "GATE-IAC-016", message, view.timeout, "timeout-over-api-limit")


def _concurrency(view: FunctionView) -> list[RawFinding]:
    public = [e.label for e in view.entries if e.public]
    if not public or view.reserved.value is not None:
        return []
    message = (
        f"{view.function.name}: reachable without authentication ({', '.join(public)}) and "
        "no reserved concurrency: a flood of requests can take the account's whole "
        "concurrency pool, throttling every other function in the region, and run up the "
        f"bill. Set {_CONCURRENCY_KEY[view.function.iac]} to the most the function needs."
    )
    concern = "public-without-reserved-concurrency"
    return _on_function(view, "GATE-IAC-017", message, view.reserved, concern)
