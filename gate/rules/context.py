"""One bundle as the serverless rules see it: its files, its functions, its IaC."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery.hcl import hcl_loads
from gate.bundle.discovery.hcl_text import read_hcl
from gate.bundle.discovery.references import (
    bundle_overrides,
    with_includes,
)
from gate.bundle.discovery.terraform_defined import module_files, terraform_ignores, variable_files
from gate.bundle.discovery.terraform_values import ModuleValues
from gate.bundle.rules import python_scripts
from gate.model import Function
from gate.pysource import decode_python
from gate.safeyaml import YamlDocument, YamlLoadError, load_yaml


@dataclass
class BundleContext:
    """A prepared bundle: `root` holds everything, `code_root` the bundle's own code
    (without vendored third-party packages). Paths handed to rules and reported by them
    are relative to the bundle root."""

    bundle: str
    root: Path
    code_root: Path
    functions: tuple[Function, ...]
    ignored: dict[str, str] = field(default_factory=dict)
    """The folders a built-in rule left out of the copy, with the rule: a file in one is
    the bundle's, though not in `root`."""
    _yaml: dict[str, YamlDocument | None] = field(default_factory=dict, repr=False)
    _hcl: dict[str, dict[str, Any] | None] = field(default_factory=dict, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """What a rule worked out once for the whole bundle (gate.rules.variables)."""

    def yaml(self, relative: str) -> YamlDocument | None:
        """An IaC YAML or JSON file (template, serverless.yml) with key positions; None if
        it cannot be read (discovery has already warned about it). Read once per bundle."""
        if relative not in self._yaml:
            try:
                text = (self.root / relative).read_bytes()
                document = load_yaml(text, allow_tags=True, max_bytes=None)
                # What an `AWS::Include` pulls in is judged where the deploy puts it.
                self._yaml[relative] = with_includes(document, self.root, relative)
            except (OSError, YamlLoadError):
                self._yaml[relative] = None
        return self._yaml[relative]

    def terraform(self, relative: str) -> dict[str, Any] | None:
        """A `.tf` file as discovery parses it (`hcl_loads`: blocks carry
        `__start_line__`, quoted strings are unescaped); None if it cannot be read."""
        if relative not in self._hcl:
            from lark.exceptions import LarkError

            try:
                self._hcl[relative] = hcl_loads(read_hcl(self.root / relative))
            except (OSError, UnicodeDecodeError, LarkError, ValueError):
                self._hcl[relative] = None
        return self._hcl[relative]

    def terraform_values(self, directory: str) -> ModuleValues:
        """What the Terraform module in `directory` gives its own expressions (its locals,
        variable defaults and tfvars files), read once per bundle."""
        key = f"terraform-values:{directory}"
        if key not in self.memo:
            folder = self.root / directory
            tf_files = module_files(folder)  # an override file's locals win
            tfvars = variable_files(folder)
            parsed = [
                self.terraform((PurePosixPath(directory) / path.name).as_posix()) or {}
                for path in [*tf_files, *tfvars]
            ]
            self.memo[key] = ModuleValues.read(parsed[: len(tf_files)], parsed[len(tf_files) :])
        values: ModuleValues = self.memo[key]
        return values

    def terraform_folders(self) -> list[str]:
        """Every folder of the bundle holding `.tf` files (relative), found once."""
        if "terraform_folders" not in self.memo:
            folders = {
                p.parent.relative_to(self.root).as_posix()
                for p in self.root.rglob("*.tf")
                if not terraform_ignores(p.name)
            }
            self.memo["terraform_folders"] = sorted(folders)
        return list(self.memo["terraform_folders"])

    def source(self, relative: str) -> str | None:
        """A Python file of the bundle's own code, decoded as Python decodes it; None if it
        is not there or cannot be read (`unreadable` says why, and the scan is an error)."""
        data = self.source_bytes(relative)
        return decode_python(data) if data is not None else None

    def source_bytes(self, relative: str) -> bytes | None:
        """A Python file of the bundle's own code as bytes, or None if it is not there."""
        path = self.code_root / relative
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError:
            return None

    def versions(self, package: str) -> list[str]:
        """The versions of `package` (a canonical name) the bundle pins in its manifests or
        ships as vendored metadata; empty when it says none (nothing is installed)."""
        if "pins" not in self.memo:
            from gate.bundle.manifests import read_manifests, read_vendored

            pins = [*read_manifests(self.root).pins, *read_vendored(self.root).pins]
            self.memo["pins"] = pins
        return sorted({pin.version for pin in self.memo["pins"] if pin.name == package})

    def parameter_overrides(self) -> dict[str, list[str]]:
        """The values the bundle's samconfig files pass templates' parameters, by name,
        all of them together: which stack a samconfig deploys is the deployer's choice
        (`--config-file`, `--template-file`), so each value is one the deploy may use.
        A samconfig that cannot be read was refused by discovery."""
        if "overrides" not in self.memo:
            self.memo["overrides"] = bundle_overrides(self.root)
        return dict(self.memo["overrides"])

    def python_files(self) -> list[str]:
        """The bundle's own Python files (vendored packages left out), sorted."""
        if "python_files" not in self.memo:  # asked by several rules: walked once
            found = [p for p in self.code_root.rglob("*.py") if p.is_file()]
            found += python_scripts(self.code_root)
            self.memo["python_files"] = sorted(
                p.relative_to(self.code_root).as_posix() for p in found
            )
        return list(self.memo["python_files"])


@functools.lru_cache(maxsize=1024)
def parse_python(source: str) -> ast.Module | None:
    """A module's syntax tree, shared by every rule that reads it (never modified); None
    if it is not valid Python."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None


@functools.lru_cache(maxsize=8192)
def subtree(node: ast.AST) -> tuple[ast.AST, ...]:
    """`ast.walk(node)` as a tuple, worked out once per node: the rules walk the same
    (never modified) syntax trees many times, for each function and each rule."""
    return tuple(ast.walk(node))
