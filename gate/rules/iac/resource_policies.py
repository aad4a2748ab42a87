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

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.iam.policy import action_strings, as_list, json_document
from gate.rules.intrinsics import Overrides, deployed_values
from gate.rules.variables import Variables
from gate.safeyaml import PathKey, YamlDocument

POLICY_RESOURCES = {
    "AWS::S3::BucketPolicy": "bucket",
    "AWS::SQS::QueuePolicy": "queue",
    "AWS::SQS::QueueInlinePolicy": "queue",
    "AWS::SNS::TopicPolicy": "topic",
    "AWS::SNS::TopicInlinePolicy": "topic",
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
    for path in _templates(context):
        document = context.yaml(path)
        if document is None:
            continue
        resources, at = _resources(context, path, document)
        template = document.data if isinstance(document.data, dict) else {}
        overrides = context.parameter_overrides()
        for logical, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            kind = resource.get("Type")
            where: PathKey = (*at, str(logical), "Properties")
            properties = document.long_form(where, resource.get("Properties"))
            if not isinstance(properties, dict):
                continue
            read = _Resource(
                document, path, f"{kind}.{logical}", where, properties, template, overrides
            )
            if kind in POLICY_RESOURCES:
                findings += _policy(read)
            elif kind == "AWS::Lambda::Permission":
                findings += _permission(read)
    return findings


_NESTED = {"AWS::Serverless::Application": "Location", "AWS::CloudFormation::Stack": "TemplateURL"}


def _templates(context: BundleContext) -> list[str]:
    """The templates and serverless.yml files that declare the bundle's functions, and
    the nested stacks they deploy from files of the bundle, however deep."""
    pending = sorted({f.iac_file for f in context.functions if f.iac != "terraform"})
    seen: list[str] = []
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.append(path)
        document = context.yaml(path)
        data = document.data if document is not None else None
        resources = data.get("Resources") if isinstance(data, dict) else None
        for resource in (resources or {}).values() if isinstance(resources, dict) else []:
            if not isinstance(resource, dict) or resource.get("Type") not in _NESTED:
                continue
            properties = resource.get("Properties")
            location = (
                properties.get(_NESTED[resource["Type"]]) if isinstance(properties, dict) else None
            )
            if isinstance(location, str) and "://" not in location:
                nested = posixpath.normpath(posixpath.join(posixpath.dirname(path), location))
                if not nested.startswith("../") and (context.root / nested).is_file():
                    pending.append(nested)
    return seen


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


@dataclass(frozen=True)
class _Resource:
    """One resource of a template as the rules read it."""

    document: YamlDocument
    path: str
    """The template, relative to the bundle root."""
    name: str
    """`Type.LogicalId`, as checkov names it."""
    where: PathKey
    """Where its `Properties` are in the document."""
    properties: dict[str, Any]
    """Its properties, tagged values in their long form."""
    template: dict[str, Any]
    """The whole template (its `Parameters`)."""
    overrides: Overrides
    """The values the bundle's samconfigs pass its parameters."""

    def candidates(self, value: Any) -> list[Any]:
        """What a value may be when deployed: both branches of `Fn::If`, each value the
        bundle gives a parameter for its `Ref` (or a `Fn::Sub` of them), `AWS::NoValue`
        as None."""
        if isinstance(value, dict) and len(value) == 1:
            key, inner = next(iter(value.items()))
            if key == "Fn::If" and isinstance(inner, list) and len(inner) == 3:
                return self.candidates(inner[1]) + self.candidates(inner[2])
            if key == "Ref" and inner == "AWS::NoValue":
                return [None]
            if key == "Ref" or key == "Fn::Sub":
                return deployed_values(self.template, value, self.overrides) or [value]
        return [value]


def _policy(resource: _Resource) -> list[RawFinding]:
    document, path, where = resource.document, resource.path, resource.where
    properties = resource.properties
    name = resource.name
    what = POLICY_RESOURCES[name.split(".")[0]]
    policy = _document(properties.get("PolicyDocument"))
    if policy is None:
        message = (
            f"{name}: its policy document is written so that the gate cannot read it "
            "(a string that is not JSON): it may let anyone in. Write it as a mapping."
        )
        line = document.line_of((*where, "PolicyDocument"))
        anchor = f"{name}#public-policy:unread"
        return [RawFinding("GATE-IAC-019", message, path, line, None, name, anchor)]
    statements = as_list(policy.get("Statement")) if isinstance(policy, dict) else []
    findings = []
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict) or not _open_to_anyone(statement, resource):
            continue
        # Each action as deployed: a parameter's value is each one the bundle gives it.
        actions = [
            action
            for key in ("Action", "NotAction")
            for entry in as_list(statement.get(key))
            for value in resource.candidates(entry)
            for action in action_strings(value)
        ]
        writes = "NotAction" in statement or not actions or any(_writes(a) for a in actions)
        label = statement.get("Sid") if isinstance(statement.get("Sid"), str) else f"#{index + 1}"
        shown = ", ".join(actions[:4]) + (" ..." if len(actions) > 4 else "")
        if writes:
            effect = f"anyone on the internet may write to the {what} ({shown})"
        else:
            effect = f"anyone on the internet may read the {what} ({shown})"
        message = (
            f"{name}: statement {label} allows any principal with no condition that "
            f"narrows who: {effect}. Name the principals (an account, role or service with "
            "aws:SourceArn), or add a condition such as aws:PrincipalOrgID or "
            "aws:SourceVpce; if the content is public by design, waive this finding."
        )
        line = document.line_of((*where, "PolicyDocument", "Statement", index))
        anchor = f"{name}#public-policy:{label}"
        severity = None if writes else "medium"
        findings.append(
            RawFinding("GATE-IAC-019", message, path, line, None, name, anchor, severity)
        )
    return findings


def _document(value: Any) -> Any:
    """A policy document: a mapping, or a JSON string (`Fn::Sub` of one, its variables
    standing in as text); None when it is a string that is not JSON."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        body = value["Fn::Sub"]
        value = body[0] if isinstance(body, list) and body else body
        value = re.sub(r"\$\{[^}]*\}", "x", value) if isinstance(value, str) else value
    if not isinstance(value, str):
        return value if isinstance(value, dict) else {}
    parsed, why = json_document(value)
    return None if why is not None or not isinstance(parsed, dict) else parsed


def _open_to_anyone(statement: dict[str, Any], resource: _Resource) -> bool:
    """An `Allow` for any principal (whichever value an intrinsic or a parameter gives
    it) that no condition narrows to known callers."""
    if statement.get("Effect") != "Allow":
        return False
    anyone = any(
        principal == "*"
        or (
            isinstance(principal, dict)
            and "*" in [a for v in as_list(principal.get("AWS")) for a in resource.candidates(v)]
        )
        for principal in resource.candidates(statement.get("Principal"))
    )
    return anyone and not _narrowed(statement.get("Condition"))


# Operators that narrow only when the value is fixed; negated and `...IfExists` ones are
# true for callers that lack the key (anonymous ones).
_NARROWING_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
    | {"ipaddress", "bool"}
)
_EVERYONE = frozenset({"*", "0.0.0.0/0", "::/0"})


def _narrowed(condition: Any) -> bool:
    """Whether a condition lets in only some callers: a positive test of a key that
    names who (account, organisation, source, network) against values that are not
    everyone."""
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if str(operator).lower() not in _NARROWING_OPERATORS or not isinstance(tests, dict):
            continue
        for key, values in tests.items():
            if str(key).lower() not in _NARROWING:
                continue
            written = [str(v) for v in as_list(values)]
            if written and not any(v.strip() in _EVERYONE for v in written):
                return True
    return False


def _writes(action: str) -> bool:
    """Whether an action (or pattern) may change the resource: anything but reads."""
    verb = action.split(":", 1)[-1].lower()
    return verb == "*" or not verb.startswith(_READ_VERBS)


def _permission(resource: _Resource) -> list[RawFinding]:
    document, path, where = resource.document, resource.path, resource.where
    properties = resource.properties
    name = resource.name
    if "*" not in resource.candidates(properties.get("Principal")):
        return []  # a named principal
    # A function URL's permission is GATE-IAC-010's; a source may be absent by `!If`.
    if all(resource.candidates(properties.get("FunctionUrlAuthType"))):
        return []
    for key in ("SourceArn", "SourceAccount"):
        if all(resource.candidates(properties.get(key))):
            return []
    action = properties.get("Action", "lambda:InvokeFunction")
    message = (
        f"{name}: grants {action} to any principal (`*`) with neither SourceArn nor "
        "SourceAccount: every AWS account may invoke the function. Name the service or "
        "account that calls it, and for a service add SourceArn (and SourceAccount) so "
        "only your resource can."
    )
    line = document.line_of((*where, "Principal"))
    anchor = f"{name}#permission-any-principal"
    return [RawFinding("GATE-IAC-020", message, path, line, None, name, anchor)]
