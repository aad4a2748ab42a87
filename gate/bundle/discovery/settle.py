"""A declared function checked against the bundle: its code and layers inside the
bundle, its zips unpacked, its Python handler file found, its manifests listed.

Every path the IaC gives is normalised before it is judged (`src/../..` is `..`),
and one that leaves the bundle, is absolute, or is not there is a problem the run
reports: code the gate was told about and could not check is never passed over.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gate.bundle.discovery.declared import Declared, contents_of, leaves_bundle
from gate.bundle.manifests import MANIFEST_PATTERNS
from gate.model import Function, analysed_runtime, other_runtime

PYTHON_RUNTIME = re.compile(r"^python\d")
# Where a layer's Python modules are importable from (/opt/python).
_LAYER_PYTHON = "python"


@dataclass(frozen=True)
class Settled:
    """A declared function checked against the bundle."""

    function: Function
    problems: list[str]
    """Code it deploys that should be here and is not, or a handler module its code does
    not have: errors."""
    unbuilt: list[str]
    """Where build output of a runtime the gate does not analyse should be and is not:
    its IaC is still judged, and the function is reported as not analysed."""


def settle(root: Path, item: Declared, unpack: Callable[[str], None] | None) -> Settled:
    """The function with its paths checked against the bundle (its zips unpacked), its
    handler file and manifests, and what is missing."""
    problems: list[str] = []
    missing: list[str] = []
    code = _checked(root, item.name, item.code, problems, missing)
    layers = [
        checked
        for layer in item.layers
        if (checked := _checked(root, item.name, layer, problems, missing)) is not None
    ]
    if analysed_runtime(item.runtime):
        build = _BUILD.get(item.iac, "build it")
        problems += [
            f"{item.name}: its code {place!r} is not in the bundle; {build} "
            "before gate check, point the IaC at the source, or name the function in the "
            "policy's leave_out if another job builds and checks it"
            for place in missing
        ]
        missing = []
    for archive in [p for p in (code, *layers) if p and p.lower().endswith(".zip")]:
        if unpack is not None:
            unpack(archive)
    handler_file, handler_function = _handler(root, item, code, layers, problems)
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
        reached_by=tuple(sorted(item.reached_by)),
        exposure=item.exposure,
        defined_in=tuple(sorted(item.defined_in)),
    )
    # Each problem starts with the function's name: say where the IaC declares it.
    at = f"{item.name} (line {item.line})" if item.line else item.name
    located = [at + problem.removeprefix(item.name) for problem in problems]
    return Settled(function, located, missing)


_BUILD = {
    "sam": "build it (`sam build`, then check .aws-sam/build)",
    "cloudformation": "build it (the script that writes it, or `sam build`)",
    "serverless": "build it (`serverless package`, or the script that writes it)",
    "terraform": "build it (`terraform plan` writes an archive_file's zip)",
}
"""How each IaC's users build what a function deploys, for the message when it is missing."""


def _checked(
    root: Path, name: str, place: str | None, problems: list[str], missing: list[str]
) -> str | None:
    """`place` if it is in the bundle; else None, and why that is a problem (or, when it
    is simply not there, `place` in `missing`)."""
    if place is None:
        return None
    if "\x00" in place:
        problems.append(f"{name}: its code {place!r} is not a path (a NUL character)")
        return None
    if leaves_bundle(place):
        problems.append(
            f"{name}: its code {place!r} is outside the bundle; pass the directory that "
            "holds it (and its IaC) to gate check"
        )
        return None
    if place.lower().endswith(".zip") and (root / place).is_dir():
        problems.append(
            f"{name}: its code {place!r} is a directory named like a zip; the gate reads "
            "code ending in .zip as an archive: rename it"
        )
        return None
    if not (root / place).exists():
        missing.append(place)
        return None
    return place


def _handler(
    root: Path, item: Declared, code: str | None, layers: list[str], problems: list[str]
) -> tuple[str | None, str | None]:
    """`app.lambda_handler` in code `src` -> (`src/app.py`, `lambda_handler`). Only Python
    handlers are looked for (and any of an unknown runtime); a Python function whose
    handler module is not in its code, or names a path out of it, is a problem."""
    handler, runtime = item.handler, item.runtime
    if code is None or not handler or "." not in handler:
        return None, None
    if other_runtime(runtime):
        return None, None
    python = runtime is not None and bool(PYTHON_RUNTIME.match(runtime))
    module, function = handler.rsplit(".", 1)
    module_path = _module_path(module)
    if module_path is None:
        if python:
            problems.append(
                f"{item.name}: its handler {handler!r} does not name a module inside its code"
            )
        return None, function
    places = [contents_of(code), *(f"{contents_of(layer)}/{_LAYER_PYTHON}" for layer in layers)]
    if (root / code).is_file() and not code.lower().endswith(".zip"):
        # Terraform's archive_file of a single source_file: the module is that file.
        if posixpath.splitext(posixpath.basename(code))[0] == module_path:
            return code, function
        places = []
    elif not (root / contents_of(code)).exists():
        return None, function  # a zip not unpacked here: nothing to look in
    for place in places:
        for candidate in (f"{module_path}.py", f"{module_path}/__init__.py"):
            relative = posixpath.normpath(posixpath.join(place, candidate))
            if (root / relative).is_file():
                return relative, function
    if python:
        expected = posixpath.normpath(posixpath.join(contents_of(code), f"{module_path}.py"))
        problems.append(
            f"{item.name}: its handler {handler!r} needs {expected}, which is not in the "
            "bundle; build the code before gate check, or fix the handler"
        )
    return None, function


def _module_path(module: str) -> str | None:
    """The file path of a handler's module (`pkg.app` or `src/app` -> `pkg/app`,
    `src/app`), or None if it is no module path inside the code: empty parts, `..`,
    absolute, a backslash or a NUL."""
    path = module if "/" in module else module.replace(".", "/")
    parts = path.split("/")
    if not module or "\\" in module or "\x00" in module:
        return None
    if any(part in ("", "..") for part in parts if part != ".") or path.startswith("/"):
        return None
    return posixpath.normpath(path)


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
