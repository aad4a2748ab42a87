"""The AWS calls a function's code makes, as IAM actions: its handler module and the
local modules it imports (from its code directory and its layers), read with `ast`.

`calls_of` says what is known and what is not: when a client's service is not a literal,
or a library the gate does not follow calls AWS, any service may be called (`dynamic`);
when a client is handed on or a method is not in the model, that service's calls are
incomplete (`partial`). Rules must not claim a service is unused in either case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from gate.bundle.discovery import code_places, contents_of
from gate.model import Function, python_function
from gate.rules.calls.models import IMPLIED, iam_actions, iam_prefix, service_of
from gate.rules.calls.module import ModuleCalls
from gate.rules.calls.walk import read_module
from gate.rules.context import BundleContext


@dataclass(frozen=True)
class CodeCalls:
    """What some functions' code calls in AWS."""

    actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """IAM action -> where the code needs it (`src/app.py:12 s3.get_object`)."""
    partial: dict[str, str] = field(default_factory=dict)
    """Service -> why its calls are not all known."""
    dynamic: tuple[str, ...] = ()
    """Why any service may be called; empty when the calls are known."""
    unmapped: tuple[str, ...] = ()
    """Calls whose IAM action name the IAM database does not confirm."""
    files: tuple[str, ...] = ()
    """The modules read."""

    @property
    def services(self) -> set[str]:
        """IAM prefixes of the services called."""
        return {service_of(action) for action in self.actions}

    def for_service(self, service: str) -> list[str]:
        """The actions needed of one service (an IAM prefix), sorted."""
        return sorted(a for a in self.actions if service_of(a) == service)


def calls_of(context: BundleContext, functions: Sequence[Function]) -> CodeCalls:
    """The calls of every function given (the functions sharing one role)."""
    modules: dict[str, ModuleCalls] = {}
    missing = []
    for function in functions:
        if function.handler_file is None:
            missing.append(f"{function.name}: {_unread(function)}")
            continue
        _Follower(context, function, modules).module(function.handler_file)
    return _summarise(list(modules.values()), missing)


def _unread(function: Function) -> str:
    """Why a function's calls are not known: its code is of a runtime the gate does not
    analyse, or it is not in the bundle."""
    if not python_function(function):
        return f"its code is {function.runtime}, which the gate does not analyse"
    if function.code is None:
        return "its code is not in the bundle"
    return "its handler's module is not in its code"


class _Follower:
    """Reads a handler and the local modules it imports, each once."""

    def __init__(
        self, context: BundleContext, function: Function, modules: dict[str, ModuleCalls]
    ) -> None:
        self.context = context
        self.modules = modules
        self.reading: set[str] = set()
        roots = code_places(function)
        roots += [f"{contents_of(layer)}/python" for layer in function.layers]
        handler_dir = PurePosixPath(function.handler_file or "").parent.as_posix()
        self.roots = [handler_dir, *roots]

    def module(self, file: str) -> ModuleCalls | None:
        """A module's calls; None if it is not in the bundle's code or is being read
        (an import cycle)."""
        if file in self.modules:
            return self.modules[file]
        source = self.context.source(file)
        if source is None or file in self.reading:
            return None
        self.reading.add(file)
        calls = read_module(file, source, lambda name, level: self._import(file, name, level))
        self.reading.discard(file)
        self.modules[file] = calls
        return calls

    def _import(self, importer: str, name: str, level: int) -> ModuleCalls | None:
        """A local module an import names, if it is in the function's code or layers."""
        parents = PurePosixPath(importer).parents
        if level > len(parents):
            return None  # beyond the top of the bundle: Python cannot import it either
        bases = [parents[level - 1].as_posix()] if level else self.roots
        relative = name.replace(".", "/")
        for base in bases:
            for candidate in (f"{base}/{relative}.py", f"{base}/{relative}/__init__.py"):
                path = PurePosixPath(candidate.removeprefix("./")).as_posix()
                if relative and self.context.source(path) is not None:
                    return self.module(path)
        return None


def _summarise(modules: list[ModuleCalls], missing: list[str]) -> CodeCalls:
    actions: dict[str, list[str]] = {}
    unmapped = []
    partial: dict[str, str] = {}
    dynamic = list(missing)
    for module in modules:
        dynamic += module.dynamic
        for service, why in module.partial.items():
            partial.setdefault(iam_prefix(service), why)
        for use in module.uses:
            found, verified = (
                (use.actions, True)
                if use.actions
                else iam_actions(use.service, use.operation or "")
            )
            where = f"{use.file}:{use.line} {use.label}"
            for service, why in IMPLIED.get((use.service, use.operation or ""), {}).items():
                partial.setdefault(service, f"{where}: {why}")
            if not verified:
                unmapped.append(f"{where} -> {', '.join(found)}?")
            for action in found:
                actions.setdefault(action, []).append(where)
    return CodeCalls(
        {a: tuple(w) for a, w in sorted(actions.items())},
        partial,
        tuple(dynamic),
        tuple(unmapped),
        tuple(sorted(m.file for m in modules)),
    )
