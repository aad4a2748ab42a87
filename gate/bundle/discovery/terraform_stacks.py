"""CloudFormation stacks a Terraform module deploys.

`aws_cloudformation_stack` and `aws_cloudformation_stack_set` (and their `awscc_`
counterparts) deploy the template their `template_body` gives: IaC of the bundle as
much as a template discovery finds by its name, with its functions, inline code and
roles. A template read from a file of the
bundle (`file()`, or `templatefile()` with nothing for Terraform to render) is a
reference of kind `template`, so the file is read like a nested stack's: by discovery
and checkov, refused when neither would read it (its name, a folder the gate ignores).
A template written in the `.tf` file (a heredoc, `jsonencode`) is read in place, as
written: a heredoc with an interpolation is refused (what Terraform inserts may hold
resources of its own; `jsonencode` writes a value as a string), and the gate reads
templates from files only, so one that declares code or access (functions, layers,
roles, nested stacks, transforms) is refused, and any other (the SNS subscription
Terraform itself cannot make) is warned as not scanned. A template in S3
(`template_url`) or an application of the Serverless Application Repository is code
elsewhere, warned as a function's S3 code is.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.bundle.discovery.declared import Reference, where
from gate.bundle.discovery.hcl import templated
from gate.bundle.discovery.terraform_values import ModuleValues, tf_value
from gate.model import Warning_
from gate.safeyaml import YamlLoadError, load_yaml

STACKS = frozenset(
    f"{provider}_cloudformation_{kind}"
    for provider in ("aws", "awscc")  # awscc: the Cloud Control provider, the same arguments
    for kind in ("stack", "stack_set")
)
_APPLICATIONS = "aws_serverlessapplicationrepository_cloudformation_stack"

_READ = re.compile(
    r'\$\{(file|templatefile)\((?:"([^"]*)"|((?:local|var)\.[A-Za-z_][\w-]*))'
    r"(?:\s*,\s*(\{[^{}]*\}))?\s*,?\s*\)\}"
)
"""A template read whole from one file and nothing else: `file("stack.yaml")`,
`templatefile(local.t, {...})` with a flat map, a trailing comma as HCL allows."""
_ENCODED = re.compile(r"\$\{(?:json|yaml)encode\((.*)\)\}", re.DOTALL)
"""A template written as an HCL value, which python-hcl2 gives as a Python literal."""
_CODE_OR_ACCESS = ("AWS::Lambda::", "AWS::Serverless::", "AWS::IAM::", "AWS::CloudFormation::")
"""Resource types an inline template may not declare unread: code, roles, nested stacks."""

Locate = Callable[[str], tuple[str | None, str | None]]
"""A path as a module's expression writes it, as a bundle path (or None and why)."""


class StackError(ValueError):
    """A stack whose template the gate cannot read; the message names the file and line."""


@dataclass
class Stacks:
    """What the stacks of one Terraform module deploy, as read.py's `Read` takes it."""

    references: list[Reference] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)


def read_stacks(
    root: Path,
    relative: str,
    kind: str,
    name: str,
    body: dict[str, Any],
    values: ModuleValues,
    locate: Locate,
    stacks: Stacks,
) -> None:
    """Add to `stacks` what one block of a module's `relative` file deploys as a stack.
    Raises StackError on a template the gate cannot read."""
    address = f"{kind}.{name}"
    shown = f"{where(relative, body.get('__start_line__'))}: {address}"
    if kind == _APPLICATIONS:
        stacks.warnings.append(
            Warning_(
                "iac-not-read",
                f"{shown}: an application of the Serverless Application Repository, whose "
                "template is not in the bundle, is not scanned",
            )
        )
        return
    if kind not in STACKS:
        return
    written = tf_value(body, "template_body")
    if written is None:
        stacks.warnings.append(
            Warning_("iac-not-read", f"{shown}: its template is in S3 (template_url), not scanned")
        )
        return
    # Whole references followed to what they name, never written into a text: an inline
    # template is judged as written, before Terraform inserts anything into it.
    texts = values.whole(written)
    whys = [
        _template(root, text, values, locate, f"template_body of {address}", relative, stacks)
        if isinstance(text, str)
        else "not text the gate can read"
        for text in texts
    ] or ["no text the gate can read"]
    for why in whys:
        if why is not None:
            raise StackError(f"{shown}: its template is {why}, which the deploy reads")


def _template(
    root: Path,
    text: str,
    values: ModuleValues,
    locate: Locate,
    what: str,
    relative: str,
    stacks: Stacks,
) -> str | None:
    """Read one text a `template_body` may stand for into `stacks`; why the gate cannot,
    or None."""
    read = _READ.fullmatch(text)
    if read is not None:
        function, literal, named, rendered = read.groups()
        paths = [literal] if literal is not None else values.texts("${" + named + "}")
        for path in paths:
            place, why = locate(path)
            if place is None:
                return f"read from a file the gate cannot locate ({why})"
            if function == "templatefile" and _renders(root / place, rendered):
                return f"rendered from {place} by templatefile, as only Terraform does"
            stacks.references.append(Reference(relative, what, place, "template"))
        return None
    encoded = _ENCODED.fullmatch(text)
    if encoded is not None:
        try:
            data = ast.literal_eval(encoded[1])
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            return "an HCL value the gate cannot read"
        return _inline(data, what, relative, stacks)
    if templated(text):
        # What Terraform inserts (a variable, a file's content, another resource's value)
        # may hold line breaks and so resources of its own.
        return (
            f"{text[:60]!r}, with values only Terraform inserts (write them out, or write "
            "the template with jsonencode)"
        )
    try:
        document = load_yaml(text, allow_tags=True)
    except YamlLoadError as e:
        return f"written inline, and the gate cannot read it ({e})"
    if "!Transform" in document.tags.values():
        return "written inline with a transform, which the gate reads from a file only"
    return _inline(document.data, what, relative, stacks)


def _renders(path: Path, variables: str | None) -> bool:
    """Whether `templatefile` makes of the file anything but its text: a variable map
    that is not empty, or an interpolation or directive the file holds (an unreadable
    file is the reference's to refuse)."""
    if variables is not None and variables.strip(" ,\n") not in ("{}", ""):
        return True
    try:
        return templated(path.read_text("utf-8", "replace"))
    except OSError:
        return False


def _inline(data: Any, what: str, relative: str, stacks: Stacks) -> str | None:
    """Judge a template written inline: refused (why) when it declares code or access or
    the gate cannot tell what it declares, else warned as not scanned."""
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict) or "Transform" in data or _transforms(resources):
        return "written inline in a shape the gate does not read as a template"
    kinds = [r.get("Type") if isinstance(r, dict) else None for r in resources.values()]
    unread = sorted({str(kind) for kind in kinds if not _plain(kind)})
    if unread:
        return (
            f"written inline and declares {', '.join(unread)} (the gate reads such a "
            'template from a .yaml file of the bundle, `file("stack.yaml")`)'
        )
    stacks.warnings.append(
        Warning_(
            "iac-not-read",
            f"{relative}: {what}: written inline, its resources "
            f"({', '.join(sorted(set(map(str, kinds))))}) are not scanned",
        )
    )
    return None


def _plain(kind: Any) -> bool:
    """Whether an inline template's resource type is one the gate may leave unread: a
    type written out, of neither code nor access."""
    return isinstance(kind, str) and "${" not in kind and not kind.startswith(_CODE_OR_ACCESS)


def _transforms(value: Any) -> bool:
    """Whether a template's value holds a `Fn::Transform` anywhere."""
    if isinstance(value, dict):
        return "Fn::Transform" in value or any(_transforms(v) for v in value.values())
    if isinstance(value, list):
        return any(_transforms(v) for v in value)
    return False
