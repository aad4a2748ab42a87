"""One bundle's functions, read from its IaC (see the package's docstring): `discover`."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gate.bundle.discovery import code_places, contents_of, within
from gate.bundle.discovery.declared import Declared, Reference, Unresolved, leaves_bundle
from gate.bundle.discovery.dockerfile import base_runtime, image_programs
from gate.bundle.discovery.inline import InlineCollision, stage
from gate.bundle.discovery.read import IacReader
from gate.bundle.discovery.references import refusal
from gate.bundle.discovery.settle import settle
from gate.errors import BundleError
from gate.model import Function, ScanIssue, Warning_, analysed_runtime, other_runtime
from gate.policy.model import LeftOut
from gate.safeyaml import IAC_MAX_BYTES

__all__ = ["Discovery", "discover"]


@dataclass(frozen=True)
class Discovery:
    """What the IaC of one bundle declares."""

    functions: tuple[Function, ...] = ()
    iac_files: frozenset[str] = frozenset()
    """Every IaC file read: findings in these belong to a function by resource, not path."""
    issues: tuple[ScanIssue, ...] = ()
    """References to code that should be in the bundle and is not, or a handler module
    its code does not have: the gate could not check that code."""
    warnings: tuple[Warning_, ...] = ()
    out_of_scope: frozenset[str] = frozenset()
    """IaC files of another cloud (a serverless.yml for Google or Azure): not read."""
    left_out: frozenset[LeftOut] = frozenset()
    """The policy's `leave_out` entries that name a function of this bundle."""
    layers: frozenset[str] = frozenset()
    """Where every layer the IaC declares has its code, tied to a function or not."""
    python_layers: frozenset[str] = frozenset()
    """Those of `layers` whose layer may hold Python (its runtimes do not say otherwise)."""

    def foreign_services(self) -> list[str]:
        """The folders of services of another cloud that nothing the AWS IaC deploys
        reaches, so their code is out of scope with them: a folder holding a serverless.yml
        of another provider, in a bundle whose IaC declares AWS functions, with no AWS IaC
        in it and no function's code nor any layer (tied to a function or not) in it or
        above it. A bundle that declares no function has no such folder: then any of its
        code may be deployed."""
        if not self.functions:
            return []
        places = {p for f in self.functions for p in code_places(f)}
        places |= {contents_of(p) for p in self.layers}
        found = []
        for iac in sorted(self.out_of_scope):
            folder = posixpath.dirname(iac) or "."
            if any(within(i, folder) for i in self.iac_files):
                continue
            if any(within(p, folder) or within(folder, p) for p in places):
                continue
            found.append(folder)
        return [f for f in found if not any(within(f, o) and f != o for o in found)]


def discover(
    root: Path,
    bundle_id: str,
    unpack: Callable[[str], None] | None = None,
    max_bytes: int = IAC_MAX_BYTES,
    leave_out: tuple[LeftOut, ...] = (),
    ignored: Mapping[str, str] | None = None,
    brings_back: Callable[[str], bool] | None = None,
) -> Discovery:
    """The functions declared by the IaC files under `root`, in file order. `unpack` is
    called with each zip (relative to `root`) a function or layer deploys, to unpack it
    into `<zip>.contents` before the function's handler and manifests are looked for.

    A function the policy's `leave_out` names may miss its code: that is a `left-out`
    warning with the policy's reason, not an error.

    Raises BundleError on an IaC file the gate cannot read, on any YAML or JSON file a
    scanner would parse that is hostile to a parser or larger than `max_bytes`, and on a
    file the IaC makes the deploy read that the gate cannot (`ignored`: the folders the
    copy left out, by rule; gate.bundle.discovery.references), and on a layer's or
    upload's package no function names that is not in the copy (`brings_back`: whether
    the staging copies back a left-out place after discovery)."""
    reader = IacReader(root, bundle_id, max_bytes, ignored or {})
    declared, iac_files, warnings = reader.declare()
    functions: list[Function] = []
    issues: list[ScanIssue] = []
    matched: set[LeftOut] = set()
    settled_places = {p for item in declared for p in (item.code, *item.layers) if p}
    for item in declared:
        _inline(root, bundle_id, item, issues, warnings)
        if item.inline_unread is not None:
            # Its code is the inline code the gate could not read: said above, and there
            # is no other code to look for.
            item = replace(item, code=None)
        settled = settle(root, item, unpack)
        if reader.named_manifests:
            # What the build installs in place of the requirements.txt it would look for.
            named = tuple(sorted({*settled.function.manifests, *reader.named_manifests}))
            settled = replace(settled, function=replace(settled.function, manifests=named))
        unbuilt = _unbuilt(root, item)
        entry = next((e for e in leave_out if e.names(item.iac_file, item.name, bundle_id)), None)
        if entry is not None:
            # Built by another job, or by a step of this one the policy's author has read:
            # what of its code is here is still scanned.
            matched.add(entry)
            functions.append(replace(settled.function, left_out=entry.reason))
            warnings += _left_out(bundle_id, item, entry, [*settled.problems, *unbuilt])
            settled, unbuilt = replace(settled, problems=[]), []
        else:
            functions.append(settled.function)
        issues.extend(
            ScanIssue(None, problem, item.iac_file, bundle_id)
            for problem in [*settled.problems, *unbuilt]
        )
        warnings.extend(
            Warning_(
                "not-analysed",
                f"{bundle_id}/{item.iac_file}: {item.name}: the gate does not analyse "
                f"{item.runtime} code, and its build output {place!r} is not in the bundle: "
                "only its IaC is judged",
            )
            for place in settled.unbuilt
        )
        if item.code_elsewhere and not (
            _unresolved(item.code_elsewhere) and analysed_runtime(item.runtime)
        ):  # an unresolved location of Python code is a scan error (`_unbuilt`)
            warnings.append(
                Warning_(
                    "function-code-elsewhere",
                    f"{bundle_id}/{item.iac_file}: {item.name}: {item.code_elsewhere}; its "
                    "deployed code is not checked here (gate check the built zip)",
                )
            )
    layers = _in_bundle(set(reader.layer_places))
    for place in sorted(layers - settled_places):
        _refuse_absent(root, bundle_id, reader, place, brings_back or (lambda _: False))
    _unpack_layers(root, bundle_id, layers, unpack)
    reader.check_parsed_files()
    return Discovery(
        tuple(_unique_names(functions)),
        frozenset(iac_files),
        tuple(issues),
        tuple(warnings),
        frozenset(reader.out_of_scope),
        frozenset(matched),
        layers,
        _in_bundle(reader.python_layer_places),
    )


def _in_bundle(places: set[str]) -> frozenset[str]:
    """The layer places that name a path of the bundle."""
    return frozenset(p for p in places if "\x00" not in p and not leaves_bundle(p))


def _refuse_absent(
    root: Path, bundle_id: str, reader: IacReader, place: str, brings_back: Callable[[str], bool]
) -> None:
    """Refuse a layer's or upload's package that no function names as its code or layer
    (`settle` checks those) and that is not in the copy, as `settle` refuses a function's
    missing code: deployed all the same, it would go unscanned. One the build writes
    later is not in the bundle; one in a folder the gate ignores was never copied, unless
    the staging brings it back (a folder whole, a dependency tree's file)."""
    if (root / place).exists() or brings_back(place):
        return
    reference = Reference(reader.layer_places[place], "a layer or upload", place, "package")
    why = refusal(root, reference, reader.ignored) or (
        f"{reference.iac_file}: {reference.what} names {place}, which is not in the bundle; "
        "build it before gate check, or point the IaC at its source"
    )
    raise BundleError(f"{bundle_id}/{why}")


def _unpack_layers(
    root: Path, bundle_id: str, places: frozenset[str], unpack: Callable[[str], None] | None
) -> None:
    """Unpack the zip of every layer the IaC declares, tied to a function or not (one
    the gate could not tie is deployed all the same): its files are scanned. A zip is
    known by its content, as Lambda knows it: one named otherwise (`deps.whl`, which
    `sam package` uploads as it is) is refused, as the gate unpacks a `.zip` only. A
    place that is a folder is scanned as it is."""
    for place in sorted(places):
        path = root / place
        if unpack is None or not path.is_file():
            continue
        if place.lower().endswith(".zip"):
            unpack(place)
        elif zipfile.is_zipfile(path):
            raise BundleError(
                f"{bundle_id}/{place}: a layer's or upload's content that is a zip not named "
                ".zip, which Lambda unpacks and the gate does not: name it .zip (or build the "
                "layer from a folder)"
            )


def _unbuilt(root: Path, item: Declared) -> list[str]:
    """What of a Python function's deployed code only its build makes, so the gate cannot
    follow it: a part a program of the bundle builds or changes (a Makefile, a
    Dockerfile's steps, a provisioner), or a location only the deploy works out (a
    parameter, a variable: it may well be a folder of this bundle, so it is never
    "elsewhere")."""
    runtime = item.runtime
    if item.dockerfile is not None:  # an image's runtime is its image's, whatever IaC says
        runtime = base_runtime(root, item.dockerfile)
    if not analysed_runtime(runtime):
        return []
    unfollowed = [*item.unfollowed]
    if item.dockerfile is not None and (steps := image_programs(root, item.dockerfile)):
        unfollowed.append(f"what {steps} in {item.dockerfile} put into its image")
    found = [
        f"{item.name}: {part}, which the gate cannot follow; gate check the built zip (or "
        "the built layer), or leave the function out in the policy once you have read it"
        for part in unfollowed
    ]
    if item.code_elsewhere and _unresolved(item.code_elsewhere):
        found.append(
            f"{item.name}: its code is at {item.code_elsewhere}, which the gate cannot "
            "follow; write the path out, or gate check the built zip"
        )
    return found


def _left_out(
    bundle_id: str, item: Declared, entry: LeftOut, problems: list[str]
) -> list[Warning_]:
    """What leaving a function out did: the errors it turned into this warning, or, when
    nothing of its code was missing, that the entry is not needed here."""
    where = f"{bundle_id}/{item.iac_file}: {item.name}"
    if not problems:
        said = "its code is in the bundle and was checked: the entry is not needed here"
    else:
        said = "; ".join(p.split(": ", 1)[-1] for p in problems) + "; its IaC is still judged"
    return [Warning_("left-out", f"{where}: left out by the policy ({entry.reason}): {said}")]


def _inline(
    root: Path, bundle_id: str, item: Declared, issues: list[ScanIssue], warnings: list[Warning_]
) -> None:
    """Stage a function's inline code for the scanners; inline code the gate cannot read
    is an error for Python, and not analysed for another runtime."""
    try:
        stage(root, item)
    except InlineCollision as e:
        raise BundleError(
            f"{bundle_id}/{e}; rename or remove that file (the gate needs the name)"
        ) from e
    if item.inline_unread is None:
        return
    at = f"{item.name} (line {item.line})" if item.line else item.name
    if not other_runtime(item.runtime):
        issues.append(
            ScanIssue(
                None,
                f"{at}: {item.inline_unread}: the gate cannot read it; write it as a "
                "literal block (or move it to a file named by CodeUri)",
                item.iac_file,
                bundle_id,
            )
        )
        return
    warnings.append(
        Warning_(
            "not-analysed",
            f"{bundle_id}/{item.iac_file}: {at}: {item.inline_unread}, which the gate does "
            "not analyse; policy `coverage: {not_analysed: fail}` makes this fail",
        )
    )


def _unique_names(functions: list[Function]) -> list[Function]:
    """Names as the IaC gives them; qualified by the IaC file where two files share one."""
    counts: dict[str, int] = {}
    for function in functions:
        counts[function.name] = counts.get(function.name, 0) + 1
    return [
        f if counts[f.name] == 1 else replace(f, name=f"{f.iac_file}:{f.name}") for f in functions
    ]


def _unresolved(elsewhere: str) -> bool:
    """Whether a code location is one only the deploy works out (`Unresolved`)."""
    return isinstance(elsewhere, Unresolved)
