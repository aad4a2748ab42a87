"""Finding the functions a bundle deploys, from its IaC, and which findings belong to which.

Three kinds of IaC are read, never evaluated: SAM and CloudFormation templates
(`AWS::Serverless::Function` with `Globals`, `AWS::Lambda::Function`, and their
layers), Serverless Framework `serverless.yml` (functions, provider defaults,
package artifacts, layers) and Terraform (`aws_lambda_function` with a
`filename`, directly or through an `archive_file` data source). Variables,
`${...}` references and Terraform modules are not followed: a value that needs
them is reported as not resolved, never guessed.

Each function names its code (a directory or a zip inside the bundle), its
handler file and function, runtime, IaC file and resource, layers and
dependency manifests. A finding belongs to a function when it is on the
function's IaC resource (or its role, or a resource that points at it), or in
a file of its code or layers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from gate.discovery.cloudformation import read_template
from gate.discovery.declared import Declared
from gate.discovery.serverless import read_serverless
from gate.discovery.terraform import read_terraform
from gate.manifests import MANIFEST_PATTERNS
from gate.model import Finding, Function, ScanIssue, Warning_
from gate.safeyaml import YamlDocument, YamlLoadError, load_yaml

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SERVERLESS_FILES = ("serverless.yml", "serverless.yaml")
# Generated and dependency trees that hold no IaC of the bundle's own.
_SKIPPED_DIRS = frozenset({".aws-sam", ".serverless", ".terraform", "cdk.out", "node_modules"})
_TEMPLATE_MARKERS = re.compile(rb"AWSTemplateFormatVersion|AWS::Serverless|AWS::Lambda::Function")
_PYTHON_RUNTIME = re.compile(r"^python\d")


@dataclass(frozen=True)
class Discovery:
    """What the IaC of one bundle declares."""

    functions: tuple[Function, ...] = ()
    iac_files: frozenset[str] = frozenset()
    """Every IaC file read: findings in these belong to a function by resource, not path."""
    issues: tuple[ScanIssue, ...] = ()
    """References to code that should be in the bundle and is not: the gate could not
    check that code."""
    warnings: tuple[Warning_, ...] = ()


def discover(root: Path, bundle_id: str, unpack: Callable[[str], None] | None = None) -> Discovery:
    """The functions declared by the IaC files under `root`, in file order. `unpack` is
    called with each zip (relative to `root`) a function or layer deploys, to unpack it
    into `<zip>.contents` before the function's handler and manifests are looked for."""
    declared, iac_files, unread = _declare(root)
    warnings = [Warning_("iac-not-read", f"{bundle_id}/{problem}") for problem in unread]
    functions, issues = [], []
    for item in declared:
        function, problem = _settle(root, item, unpack)
        functions.append(function)
        if problem:
            issues.append(ScanIssue(None, problem, item.iac_file, bundle_id))
        if item.code_elsewhere:
            warnings.append(
                Warning_(
                    "function-code-elsewhere",
                    f"{bundle_id}/{item.iac_file}: {item.name}: {item.code_elsewhere}; its "
                    "deployed code is not checked here (gate check the built zip)",
                )
            )
    return Discovery(
        tuple(_unique_names(functions)), frozenset(iac_files), tuple(issues), tuple(warnings)
    )


def _declare(root: Path) -> tuple[list[Declared], set[str], list[str]]:
    """Every function the IaC under `root` declares, the IaC files read, and what could
    not be read or resolved."""
    declared: list[Declared] = []
    iac_files: set[str] = set()
    unread: list[str] = []
    candidates = list(_iac_candidates(root))
    for path in candidates:
        if path.suffix == ".tf":
            continue
        relative = path.relative_to(root).as_posix()
        document = _load(path, relative)
        if isinstance(document, str):
            unread.append(document)
            continue
        reader = read_serverless if path.name in SERVERLESS_FILES else read_template
        found, problems = reader(relative, document)
        if found is not None:
            iac_files.add(relative)
            declared.extend(found)
        unread.extend(problems)
    for directory in sorted({p.parent for p in candidates if p.suffix == ".tf"}):
        found_tf, read, problems = read_terraform(root, directory)
        iac_files.update(read)
        declared.extend(found_tf)
        unread.extend(problems)
    return declared, iac_files, unread


def _iac_candidates(root: Path) -> Iterator[Path]:
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(current) / name
            plainly_iac = name in SERVERLESS_FILES or name.endswith(".tf")
            if plainly_iac or (name.endswith(TEMPLATE_SUFFIXES) and _looks_like_template(path)):
                yield path


def _looks_like_template(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return bool(_TEMPLATE_MARKERS.search(handle.read(1 << 20)))
    except OSError:
        return False


def _settle(
    root: Path, item: Declared, unpack: Callable[[str], None] | None
) -> tuple[Function, str | None]:
    """The function with its paths checked against the bundle (its zips unpacked), its
    handler file and manifests, and a problem if code it deploys should be here and is
    not."""
    code, problem = _checked(root, item.name, item.code)
    layers = []
    for layer in item.layers:
        checked, layer_problem = _checked(root, item.name, layer)
        if checked is not None:
            layers.append(checked)
        problem = problem or layer_problem
    zips = [p for p in (code, *layers) if p and p.lower().endswith(".zip")]
    for archive in zips:
        if unpack is not None and not (root / contents_of(archive)).exists():
            unpack(archive)
    handler_file, handler_function = _handler_location(root, code, item.handler, item.runtime)
    function = Function(
        name=item.name,
        iac=item.iac,
        iac_file=item.iac_file,
        line=item.line,
        resource=item.resource,
        runtime=item.runtime,
        handler=item.handler,
        handler_file=handler_file,
        handler_function=handler_function,
        code=code,
        layers=tuple(layers),
        manifests=_manifests(root, [p for p in (code, *layers) if p is not None]),
        related=tuple(sorted(item.related)),
    )
    return function, problem


def _checked(root: Path, name: str, place: str | None) -> tuple[str | None, str | None]:
    """`place` if it is in the bundle; else None and why that is a problem."""
    if place is None:
        return None, None
    if place.startswith("../"):
        return None, f"{name}: its code {place!r} is outside the bundle; pass its directory"
    if not (root / place).exists():
        return None, (
            f"{name}: its code {place!r} is not in the bundle; build it before "
            "gate check, or point the IaC at the source"
        )
    return place, None


def _manifests(root: Path, places: list[str]) -> tuple[str, ...]:
    """The dependency manifests in a function's code and layers."""
    found = {
        path.relative_to(root).as_posix()
        for place in places
        if (root / contents_of(place)).is_dir()
        for pattern in MANIFEST_PATTERNS
        for path in (root / contents_of(place)).rglob(pattern)
    }
    return tuple(sorted(found))


def _handler_location(
    root: Path, code: str | None, handler: str | None, runtime: str | None
) -> tuple[str | None, str | None]:
    """`app.lambda_handler` in code `src` -> (`src/app.py`, `lambda_handler`), if the file is
    there. Only Python handlers are resolved."""
    if code is None or not handler or "." not in handler:
        return None, None
    if runtime is not None and not _PYTHON_RUNTIME.match(runtime):
        return None, None
    module, function = handler.rsplit(".", 1)
    module_path = module if "/" in module else module.replace(".", "/")
    if (root / code).is_file() and not code.lower().endswith(".zip"):
        # Terraform's archive_file of a single source_file.
        return (
            code if PurePosixPath(code).stem == PurePosixPath(module_path).name else None
        ), function
    relative = (PurePosixPath(contents_of(code)) / f"{module_path}.py").as_posix()
    relative = relative.removeprefix("./")
    return (relative if (root / relative).is_file() else None), function


def contents_of(code: str) -> str:
    """Where a function's code is unpacked: a zip's entries go beside it, in `<zip>.contents`
    (as zips inside zips do)."""
    return f"{code}.contents" if code.lower().endswith(".zip") else code


def _unique_names(functions: list[Function]) -> list[Function]:
    """Names as the IaC gives them; qualified by the IaC file where two files share one."""
    counts: dict[str, int] = {}
    for function in functions:
        counts[function.name] = counts.get(function.name, 0) + 1
    return [
        f if counts[f.name] == 1 else replace(f, name=f"{f.iac_file}:{f.name}") for f in functions
    ]


def _load(path: Path, relative: str) -> YamlDocument | str:
    try:
        return load_yaml(path.read_bytes(), allow_tags=True)
    except YamlLoadError as e:
        line = f":{e.line}" if e.line else ""
        return f"{relative}{line}: {e.message}"
    except OSError as e:
        return f"{relative}: cannot read: {e.strerror}"


def attribute(
    finding: Finding, functions: tuple[Function, ...], iac_files: frozenset[str]
) -> Finding:
    """The finding with the names of the functions it belongs to."""
    path = finding.location.path
    resource = finding.location.resource
    if path in iac_files:
        owners = [f.name for f in functions if resource in (f.resource, *f.related)]
    else:
        owners = [f.name for f in functions if path == f.handler_file]
        if not owners:
            owners = [f.name for f in functions if _contains(f, path)]
    return replace(finding, functions=tuple(owners)) if owners else finding


def _contains(function: Function, path: str) -> bool:
    return any(within(path, place) for place in code_places(function))


def within(path: str, place: str) -> bool:
    """Whether the file `path` is the file or under the directory `place` (both relative
    to the bundle root; `.` is the whole bundle)."""
    return place in (".", path) or path.startswith(f"{place}/")


def code_places(function: Function) -> list[str]:
    """Where a function's code and layers are in the bundle (a zip's unpacked contents)."""
    return [contents_of(p) for p in (function.code, *function.layers) if p is not None]
