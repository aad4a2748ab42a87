"""Finding the functions a bundle deploys, from its IaC, and which findings belong to which.

Three kinds of IaC are read, never evaluated: SAM and CloudFormation templates
(`AWS::Serverless::Function` with `Globals`, `AWS::Lambda::Function`, and their
layers), Serverless Framework `serverless.yml` (functions, provider defaults,
package artifacts, layers) and Terraform (`aws_lambda_function` with a
`filename`, directly or through an `archive_file` data source, and the Cloud Control
provider's `awscc_lambda_function`). Variables,
`${...}` references and Terraform modules are not followed: a value that needs
them is reported as not resolved, never guessed.

Each function names its code (a directory or a zip inside the bundle), its
handler file and function, runtime, IaC file and resource, layers and
dependency manifests. A finding belongs to a function when it is on the
function's IaC resource (or its role, or a resource that points at it), or in
a file of its code or layers.

Reading the IaC is `gate.bundle.discovery.bundle.discover`'s; this module holds only
what every stage asks of the functions found (whose code holds a file, whose risk a
finding is), light enough for a scanner's worker to import.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from gate.bundle.discovery.declared import contents_of
from gate.model import Bundle, Finding, Function, python_function

__all__ = ["attribute", "code_places", "contents_of", "deployed_by", "python_owner", "within"]


def attribute(
    finding: Finding, functions: tuple[Function, ...], iac_files: frozenset[str]
) -> Finding:
    """The finding with the names of the functions it belongs to: for code, the
    functions whose handler it is, else every function that deploys it."""
    path = finding.location.path
    owners = [f.name for f in functions if path == f.handler_file]
    if path in iac_files or not owners:
        owners = deployed_by(finding, functions, iac_files)
    # A rule may name the functions a shared setting is the problem for.
    named = tuple(dict.fromkeys((*owners, *finding.functions)))
    return replace(finding, functions=named) if named else finding


def deployed_by(
    finding: Finding, functions: tuple[Function, ...], iac_files: frozenset[str]
) -> list[str]:
    """The functions a finding is a risk of: those whose resource (or its role, or what
    points at it) it is in, for IaC; every function whose code or layers hold its file,
    for code."""
    path = finding.location.path
    if path in iac_files:
        resource = finding.location.resource
        return [
            f.name
            for f in functions
            if resource in (f.resource, *f.related) and _declared_with(f, path)
        ]
    return [f.name for f in functions if path == f.handler_file or _contains(f, path)]


def _declared_with(function: Function, iac_file: str) -> bool:
    """Whether a resource in `iac_file` can be the function's: one template or
    serverless.yml declares its resources; a Terraform module spans its directory's
    files. Two templates may each name a function `TableUpdate`: they are not one."""
    if function.iac == "terraform":
        return posixpath.dirname(function.iac_file) == posixpath.dirname(iac_file)
    return function.iac_file == iac_file


def _contains(function: Function, path: str) -> bool:
    return any(within(path, place) for place in code_places(function))


def within(path: str, place: str) -> bool:
    """Whether the file `path` is the file or under the directory `place` (both relative
    to the bundle root; `.` is the whole bundle)."""
    return place in (".", path) or path.startswith(f"{place}/")


def python_owner(path: str, bundle: Bundle) -> str | None:
    """What deploys the file `path` as code Python may run (`function NAME` or `layer
    PLACE`), or None: a function whose code may be Python, by its code and layers, and
    any layer that may hold Python, tied to a function or not, as it is published for
    every function that names it (`.pth` files and zips in it are Python's)."""
    for function in bundle.functions:
        if python_function(function) and _contains(function, path):
            return f"function {function.name}"
    layer = next((p for p in sorted(bundle.python_layers) if within(path, contents_of(p))), None)
    return None if layer is None else f"layer {layer}"


def code_places(function: Function) -> list[str]:
    """Where a function's code and layers are in the bundle (a zip's unpacked contents)."""
    return [contents_of(p) for p in (function.code, *function.layers) if p is not None]
