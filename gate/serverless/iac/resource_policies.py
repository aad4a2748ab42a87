"""Resource policies that let anyone in, in SAM/CloudFormation templates and a
serverless.yml's `resources`:

- GATE-IAC-019: a bucket, queue or topic policy (`AWS::S3::BucketPolicy`,
  `AWS::SQS::QueuePolicy`, `AWS::SNS::TopicPolicy`) with an `Allow` statement for any
  principal (`"*"`, `{AWS: "*"}`) and no condition that narrows who (an organisation,
  account, source ARN, VPC endpoint or IP range). Anyone may then write (high: a
  function reads what strangers put there) or read (medium: a website's bucket may be
  public by design);
- GATE-IAC-020: an `AWS::Lambda::Permission` for any principal without `SourceArn` or
  `SourceAccount`: every AWS account may invoke the function (a function URL open to
  all is GATE-IAC-010's).

checkov has these checks for Terraform (CKV_AWS_70, 168, 169, 301), which the gate
rates high; it has none for CloudFormation, so these rules read only templates and
serverless.yml, the files that declare the bundle's functions.
"""

from __future__ import annotations

from typing import Any

from gate.safeyaml import PathKey, YamlDocument
from gate.serverless.context import BundleContext
from gate.serverless.findings import RawFinding
from gate.serverless.iam.policy import action_strings, as_list, as_strings
from gate.serverless.variables import Variables

POLICY_RESOURCES = {
    "AWS::S3::BucketPolicy": "bucket",
    "AWS::SQS::QueuePolicy": "queue",
    "AWS::SNS::TopicPolicy": "topic",
}
# Condition keys that narrow who a statement lets in (compared in lower case).
_NARROWING = frozenset(
    {
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalservicename",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:sourceip",
        "aws:userid",
        "aws:username",
    }
)
_READ_VERBS = ("get", "list", "describe", "head")


def check(context: BundleContext) -> list[RawFinding]:
    findings: list[RawFinding] = []
    for path in sorted({f.iac_file for f in context.functions if f.iac != "terraform"}):
        document = context.yaml(path)
        if document is None:
            continue
        resources, at = _resources(context, path, document)
        for logical, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            kind = resource.get("Type")
            properties = resource.get("Properties")
            if not isinstance(properties, dict):
                continue
            where: PathKey = (*at, str(logical), "Properties")
            if kind in POLICY_RESOURCES:
                findings += _policy(document, path, f"{kind}.{logical}", where, properties)
            elif kind == "AWS::Lambda::Permission":
                findings += _permission(document, path, f"{kind}.{logical}", where, properties)
    return findings


def _resources(
    context: BundleContext, path: str, document: YamlDocument
) -> tuple[dict[str, Any], PathKey]:
    """A template's `Resources`, or a serverless.yml's `resources.Resources` with its
    variables resolved, and where they are in the document."""
    data = document.data if isinstance(document.data, dict) else {}
    if "Resources" in data:
        resources = data.get("Resources")
        return (resources if isinstance(resources, dict) else {}), ("Resources",)
    resolved = Variables.for_file(context, path, data).at("resources", "Resources")
    return (resolved if isinstance(resolved, dict) else {}), ("resources", "Resources")


def _policy(
    document: YamlDocument, path: str, resource: str, where: PathKey, properties: dict[str, Any]
) -> list[RawFinding]:
    what = POLICY_RESOURCES[resource.split(".")[0]]
    policy = properties.get("PolicyDocument")
    statements = as_list(policy.get("Statement")) if isinstance(policy, dict) else []
    findings = []
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict) or not _open_to_anyone(statement):
            continue
        actions = [
            *action_strings(statement.get("Action")),
            *action_strings(statement.get("NotAction")),
        ]
        writes = "NotAction" in statement or not actions or any(_writes(a) for a in actions)
        label = statement.get("Sid") or f"#{index + 1}"
        shown = ", ".join(actions[:4]) + (" ..." if len(actions) > 4 else "")
        if writes:
            effect = f"anyone on the internet may write to the {what} ({shown})"
        else:
            effect = f"anyone on the internet may read the {what} ({shown})"
        message = (
            f"{resource}: statement {label} allows any principal with no condition that "
            f"narrows who: {effect}. Name the principals (an account, role or service with "
            "aws:SourceArn), or add a condition such as aws:PrincipalOrgID or "
            "aws:SourceVpce; if the content is public by design, waive this finding."
        )
        line = document.line_of((*where, "PolicyDocument", "Statement", index))
        anchor = f"{resource}#public-policy:{label}"
        severity = None if writes else "medium"
        findings.append(
            RawFinding("GATE-IAC-019", message, path, line, None, resource, anchor, severity)
        )
    return findings


def _open_to_anyone(statement: dict[str, Any]) -> bool:
    """An `Allow` for any principal that no condition narrows to known callers."""
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    anyone = principal == "*" or (
        isinstance(principal, dict) and "*" in as_strings(principal.get("AWS"))
    )
    return anyone and not _narrowed(statement.get("Condition"))


def _narrowed(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    return any(
        isinstance(tests, dict) and any(str(key).lower() in _NARROWING for key in tests)
        for tests in condition.values()
    )


def _writes(action: str) -> bool:
    """Whether an action (or pattern) may change the resource: anything but reads."""
    verb = action.split(":", 1)[-1].lower()
    return verb == "*" or not verb.startswith(_READ_VERBS)


def _permission(
    document: YamlDocument, path: str, resource: str, where: PathKey, properties: dict[str, Any]
) -> list[RawFinding]:
    if properties.get("Principal") != "*" or properties.get("FunctionUrlAuthType"):
        return []  # a named principal; a function URL's permission is GATE-IAC-010's
    if properties.get("SourceArn") or properties.get("SourceAccount"):
        return []
    action = properties.get("Action", "lambda:InvokeFunction")
    message = (
        f"{resource}: grants {action} to any principal (`*`) with neither SourceArn nor "
        "SourceAccount: every AWS account may invoke the function. Name the service or "
        "account that calls it, and for a service add SourceArn (and SourceAccount) so "
        "only your resource can."
    )
    line = document.line_of((*where, "Principal"))
    anchor = f"{resource}#permission-any-principal"
    return [RawFinding("GATE-IAC-020", message, path, line, None, resource, anchor)]
