"""Reading a bundle's IaC, and refusing what cannot be read.

A file that looks like deployed IaC (a template with CloudFormation markers, a
`serverless.yml` or `.json`, a `.tf`) and that the gate cannot read is refused: the gate's own
IaC rules would never see it. Every other YAML or JSON file a scanner parses is
checked for hostile structure (an alias bomb, nesting past the budget, a size past
the limit), which would hang or crash that scanner's parser; its syntax is the
scanner's to judge.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from gate.bundle.discovery.chalice import read_chalice
from gate.bundle.discovery.chalice_exposure import APP_FILE
from gate.bundle.discovery.cloudformation import read_template, unexpanded
from gate.bundle.discovery.declared import Declared, Read, Reference, leaves_bundle
from gate.bundle.discovery.npm import install_programs
from gate.bundle.discovery.references import (
    SAMCONFIG_FILES,
    TEMPLATE_SUFFIXES,
    bundle_overrides,
    bundle_program,
    ignored_by,
    samconfig_build,
    samconfig_references,
    samconfig_toml,
    serverless_references,
    template_references,
    with_includes,
)
from gate.bundle.discovery.references import refusal as reference_refusal
from gate.bundle.discovery.serverless import read_serverless
from gate.bundle.discovery.terraform import RootModules, read_terraform
from gate.bundle.discovery.terraform_defined import module_files, terraform_ignores
from gate.errors import BundleError
from gate.model import Warning_
from gate.safeyaml import YamlDocument, YamlLoadError, check_structure, load_yaml

# The Serverless Framework's service files the gate reads (JSON is YAML to its loader).
SERVERLESS_FILES = ("serverless.yml", "serverless.yaml", "serverless.json")
# Service files that are programs (the Framework runs them to get the service): not read.
SERVERLESS_PROGRAMS = ("serverless.js", "serverless.ts", "serverless.cjs", "serverless.mjs")
TERRAFORM_JSON = ".tf.json"
# What a scanner parses as YAML or JSON: checkov reads every file with these suffixes.
PARSED_SUFFIXES = TEMPLATE_SUFFIXES
# Generated and dependency trees that hold no IaC of the bundle's own.
_SKIPPED_DIRS = frozenset({".aws-sam", ".serverless", ".terraform", "cdk.out", "node_modules"})
# What `sam deploy` deploys when it exists, in preference to the template beside it.
SAM_BUILT_TEMPLATE = ("build", "template.yaml")
_TEMPLATE_MARKERS = re.compile(
    rb"AWSTemplateFormatVersion|AWS::Serverless|AWS::Lambda::Function|AWS::Include"
)
_NOT_DEPLOYED = "fix it, or exclude it in the policy if it is not deployed"


class IacReader:
    """The IaC of one bundle's private copy, read within the policy's budget."""

    def __init__(
        self, root: Path, bundle_id: str, max_bytes: int, ignored: Mapping[str, str]
    ) -> None:
        self.root = root
        self.bundle_id = bundle_id
        self.max_bytes = max_bytes
        self.ignored = ignored
        """The folders the copy left out, by rule."""
        self.checked: set[str] = set()
        """Files whose structure is judged already (IaC is, by the loader's budget)."""
        self.out_of_scope: set[str] = set()
        """IaC files of another cloud, found by `declare`."""
        self.unread_programs: list[Warning_] = []
        """Serverless services written as programs (serverless.ts), found by `declare`."""
        self.cdk_apps: list[Warning_] = []
        """CDK apps (cdk.json), whose stacks the gate does not synthesise."""
        self.app_files: list[Path] = []
        self._includes: dict[str, Any] = {}
        """Files a service includes, read once (several sections may include one)."""
        self.named_manifests: list[str] = []
        """Dependency manifests a build setting names (`sam build --manifest`)."""
        self.layer_places: dict[str, str] = {}
        """Where each layer the IaC declares has its code, tied to a function or not, and
        each package a Terraform upload writes, with the IaC that first declares it (a
        file, or a Terraform module's `*.tf`)."""
        self.python_layer_places: set[str] = set()
        """Those of them whose layer may hold Python (its runtimes do not say otherwise)."""
        self.samconfigs: list[Path] = []
        """Every samconfig: the template each names is deployed, whatever its name."""
        """Every `app.py` outside generated trees: a Chalice project's, if it creates an app."""

    def declare(self) -> tuple[list[Declared], set[str], list[Warning_]]:
        """Every function the IaC declares, the IaC files read, and what could not be
        followed (warnings). Raises BundleError on IaC the gate cannot read."""
        declared: list[Declared] = []
        iac_files: set[str] = set()
        warnings: list[Warning_] = []
        candidates = list(self._candidates())
        templates = [p for p in candidates if p.suffix != ".tf"] + self._templates_unmarked(
            candidates
        )
        references: list[Reference] = []
        overrides = bundle_overrides(self.root)
        for path in templates:
            relative = path.relative_to(self.root).as_posix()
            document = self._load(path, relative)
            if path.name in SERVERLESS_FILES:
                document = long_form_view(document)
                self._refuse_unexpanded(relative, document)
                try:
                    found = read_serverless(relative, document, self._included)
                    service = PurePosixPath(relative).parent
                    plugins = frozenset(
                        r.what.split(" ")[1]
                        for r in found.references
                        if r.kind == "program" and r.what.startswith("plugin ")
                    )
                    installs = (
                        install_programs(self.root, service, plugins) if found.functions else []
                    )
                    for item in found.functions or []:
                        item.unfollowed += installs
                    named = self._file_references(relative, document.data) + found.references
                    references += self._built_by(found.functions or [], named)
                except ValueError as e:
                    raise self.refused(str(e), _NOT_DEPLOYED) from e
            else:
                document = long_form_view(with_includes(document, self.root, relative))
                self._refuse_unexpanded(relative, document)
                found = read_template(relative, document, overrides)
                references += template_references(relative, document)
            if found.functions is not None:
                iac_files.add(relative)
                declared.extend(found.functions)
            self._refuse_lost(found)
            self._declares(found, relative)
            if found.out_of_scope:
                self.out_of_scope.add(relative)
            warnings.extend(found.warnings)
        modules = sorted(
            {p.parent for p in candidates if p.suffix == ".tf" and not terraform_ignores(p.name)}
        )
        roots = RootModules(self.root, modules)
        for path in sorted(p for directory in modules for p in module_files(directory)):
            self._read_bytes(path)  # within the budget before any is parsed
        for directory in modules:
            try:
                found_tf, read = read_terraform(self.root, directory, roots, self.ignored)
            except ValueError as e:
                raise self.refused(str(e), "fix it, or exclude it in the policy") from e
            providers = directory / "terraform.d"
            if providers.exists():
                raise self.refused(
                    f"{providers.relative_to(self.root).as_posix()}: providers terraform init "
                    "installs from the bundle and plan and apply run",
                    "install providers from a registry (or a mirror the runner keeps)",
                )
            working = (directory / ".terraform").relative_to(self.root).as_posix()
            if working in self.ignored:
                # `terraform init` reuses the modules and providers it holds: code the
                # gate never copied would run at plan and apply.
                raise self.refused(
                    f"{working}: Terraform's working folder, whose modules and providers "
                    "terraform init reuses, in the bundle",
                    "gate check a clean checkout (no .terraform folder)",
                )
            iac_files.update(read)
            self._refuse_lost(found_tf)
            self._declares(found_tf, (directory / "*.tf").relative_to(self.root).as_posix())
            declared.extend(found_tf.functions or [])
            warnings.extend(found_tf.warnings)
            references += found_tf.references
        for path in self.samconfigs:
            relative = path.relative_to(self.root).as_posix()
            settings = self._settings(path, relative)
            references += samconfig_references(relative, settings)
            # Which stack a samconfig builds is the deployer's choice: all of them.
            building = samconfig_build(relative, settings)
            for item in declared:
                item.unfollowed += building if item.iac in ("sam", "cloudformation") else []
        for reference in references:
            if (why := reference_refusal(self.root, reference, self.ignored)) is not None:
                raise self.refused(why, "fix it, or exclude the IaC file in the policy")
        self.named_manifests = sorted(
            {r.path for r in references if r.kind == "manifest" and (self.root / r.path).is_file()}
        )
        for path in self.app_files:
            # Not an IaC file: findings in app.py belong to its functions by path.
            try:
                found_app = read_chalice(self.root, path, self.max_bytes)
            except ValueError as e:
                raise self.refused(str(e), "fix it, or exclude the project in the policy") from e
            declared.extend(found_app.functions or [])
        if self.unread_programs and not declared:
            # Nothing else says what the bundle deploys: the program decides it all.
            raise self.refused(
                self.unread_programs[0].message.split(", which")[0] + ", and no other IaC "
                "of the bundle declares a function: the deploy runs it, and the gate "
                "cannot tell what it declares or writes",
                "write the service as serverless.yml, or exclude it in the policy if it is "
                "not deployed",
            )
        warnings.extend([*self.unread_programs, *self.cdk_apps])
        return declared, iac_files, [self._shown(w) for w in warnings]

    def _declares(self, found: Read, iac: str) -> None:
        """Note the layers and uploaded packages `found` in the IaC `iac` declares."""
        for place in found.layers:
            self.layer_places.setdefault(place, iac)
        self.python_layer_places.update(found.python_layers)

    def _cdk_app(self, path: Path, relative: str) -> None:
        """A CDK app (cdk.json): what it synthesises is not analysed (a warning), and an
        `app` that names a cloud assembly in a folder the gate ignores (`cdk.out`), which
        `cdk deploy` deploys as it is, is refused."""
        try:
            app = json.loads(self._read_bytes(path)).get("app")
        except (ValueError, AttributeError):
            app = None
        where = posixpath.normpath(posixpath.join(posixpath.dirname(relative), str(app)))
        if (
            isinstance(app, str)
            and " " not in app.strip()
            and ignored_by(self.root, where, self.ignored)
        ):
            raise self.refused(
                f"{relative}: app names {app}, a cloud assembly in a folder the gate "
                "ignores: cdk deploy deploys it as it is",
                "gate check the assembly's own folder, or synthesise it elsewhere",
            )
        self.cdk_apps.append(
            Warning_(
                "not-analysed",
                f"{relative}: a CDK app, whose stacks and assets the gate does not "
                "synthesise: its functions are not analysed (gate check cdk.out after "
                "cdk synth)",
            )
        )

    def check_parsed_files(self) -> None:
        """Refuse any YAML or JSON file a scanner would parse that is hostile to a parser;
        run again after the function zips are unpacked, as the scanners read those too."""
        for current, dirs, names in os.walk(self.root):
            dirs.sort()
            for name in sorted(names):
                path = Path(current) / name
                relative = path.relative_to(self.root).as_posix()
                if relative in self.checked or not name.lower().endswith(PARSED_SUFFIXES):
                    continue
                self._structure(path, relative)

    def _templates_unmarked(self, candidates: list[Path]) -> list[Path]:
        """Templates without a marker in their bytes (`AWS::Lambda::Functio\\x6e` in a
        double-quoted string is a marker only once parsed): every other YAML or JSON file
        is checked for hostile structure, and read as IaC if it declares AWS resources."""
        self.checked.update(p.relative_to(self.root).as_posix() for p in candidates)
        found = []
        for current, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not _skipped(Path(current), d))
            for name in sorted(names):
                path = Path(current) / name
                relative = path.relative_to(self.root).as_posix()
                if relative in self.checked or not name.lower().endswith(PARSED_SUFFIXES):
                    continue
                if any(_declares_aws_resources(root) for root in self._structure(path, relative)):
                    found.append(path)
        return found

    def _structure(self, path: Path, relative: str) -> list[yaml.Node]:
        self.checked.add(relative)
        try:
            return check_structure(self._read_bytes(path))
        except YamlLoadError as e:
            raise self.refused(
                f"{relative}{_line(e)}: refused: {e.message}; a scanner parsing it "
                "would hang or fail",
                "remove it, or exclude it in the policy",
            ) from e

    def _refuse_lost(self, found: Read) -> None:
        """Refuse deployed content no function ties whose location only the deploy works
        out (a layer, a Terraform upload): every declared layer and uploaded package is
        deployed, and a function that names it elsewhere runs it."""
        if found.lost:
            raise self.refused(
                f"{found.lost[0]}, which the gate cannot follow",
                "write its path out, or gate check the built zip",
            )

    def _refuse_unexpanded(self, relative: str, document: YamlDocument) -> None:
        """Refuse a template holding what only the deploy expands: a `Fn::ForEach` loop
        or a macro (gate.bundle.discovery.cloudformation `unexpanded`)."""
        found = unexpanded(document)
        if found is not None:
            path, what = found
            line = document.line_of(path)
            raise self.refused(
                f"{relative}{f':{line}' if line else ''}: {'.'.join(map(str, path))}: "
                f"{what}, which only the deploy expands: the functions, roles and policies "
                "it makes would go unchecked",
                "write the resources out, or exclude the template in the policy if it is "
                "not deployed",
            )

    def refused(self, what: str, advice: str) -> BundleError:
        return BundleError(f"{self.bundle_id}/{what}; {advice}")

    def _shown(self, warning: Warning_) -> Warning_:
        return Warning_(warning.code, f"{self.bundle_id}/{warning.message}")

    def _candidates(self) -> Iterator[Path]:
        for current, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not _skipped(Path(current), d))
            for name in sorted(names):
                path = Path(current) / name
                self._unread(path, name)
                if name == APP_FILE:
                    self.app_files.append(path)
                if name in SAMCONFIG_FILES:
                    self.samconfigs.append(path)
                plainly_iac = name in SERVERLESS_FILES or name.endswith(".tf")
                if plainly_iac or (
                    name.endswith(TEMPLATE_SUFFIXES)
                    and _TEMPLATE_MARKERS.search(self._read_bytes(path))
                ):
                    yield path

    def _unread(self, path: Path, name: str) -> None:
        """Refuse Terraform JSON syntax (not read by the gate, so its functions, zips and
        policies would pass unseen) and a Serverless service written as a program beside
        Python code; note one beside none."""
        relative = path.relative_to(self.root).as_posix()
        if name.lower().endswith((TERRAFORM_JSON, ".tfvars.json")):
            raise self.refused(
                f"{relative}: Terraform JSON syntax is not read by the gate (its functions, "
                "their code and their IAM policies would go unchecked)",
                "write it as HCL (.tf), or exclude it in the policy if it is not deployed",
            )
        if name == "cdk.json":
            self._cdk_app(path, relative)
        if name in SERVERLESS_PROGRAMS and (
            any(path.parent.rglob("*.py")) or b"python" in self._read_bytes(path).lower()
        ):
            # The Framework runs it before it packages anything: what it declares and
            # what it writes into the Python beside it are unknown.
            raise self.refused(
                f"{relative}: a Serverless service written as a program, beside Python "
                "code or naming it: the deploy runs it, and the gate cannot tell what it "
                "declares or writes",
                "write the service as serverless.yml, or exclude it in the policy if it is "
                "not deployed",
            )
        if name in SERVERLESS_PROGRAMS:
            self.unread_programs.append(
                Warning_(
                    "not-analysed",
                    f"{relative}: a Serverless service written as a program, which the gate "
                    "does not run or read: its functions and IAM are not analysed; policy "
                    "`coverage: {not_analysed: fail}` makes this fail",
                )
            )

    def _read_bytes(self, path: Path) -> bytes:
        """The file's bytes, within the size budget (one that is not is refused)."""
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise self.refused(
                    f"{path.relative_to(self.root).as_posix()}: file is {size} bytes; the "
                    f"limit is {self.max_bytes >> 20} MB",
                    "raise policy iac.max_file_mb, or exclude it in the policy",
                )
            return path.read_bytes()
        except OSError as e:
            shown = path.relative_to(self.root).as_posix()
            raise self.refused(f"{shown}: cannot read: {e.strerror}", _NOT_DEPLOYED) from e

    def _settings(self, path: Path, relative: str) -> Any:
        """A samconfig's settings (TOML, or YAML); an unreadable one is refused, as
        `sam deploy` would fail on it."""
        if path.suffix == ".toml":
            try:
                return samconfig_toml(self._read_bytes(path))
            except ValueError as e:  # not UTF-8, or not TOML
                raise self.refused(f"{relative}: cannot read: {e}", _NOT_DEPLOYED) from e
        return self._load(path, relative).data

    def _built_by(self, functions: list[Declared], named: list[Reference]) -> list[Reference]:
        """`named` but for the programs of the bundle the deploy runs while it builds a
        service's package: each one the bundle holds is a part of every function's code
        the gate cannot follow (a scan error for the functions it analyses, which the
        policy's `leave_out` accepts once read)."""
        kept = []
        for reference in named:
            if reference.kind != "program":
                kept.append(reference)
            elif bundle_program(self.root, reference, self.ignored):
                part = f"{reference.what} ({reference.path}), a program the deploy runs"
                for item in functions:
                    item.unfollowed.append(f"{part} while it builds the package")
        return kept

    def _file_references(self, relative: str, data: Any) -> list[Reference]:
        """The `${file()}` references of the service at `relative` and, recursively, of
        every YAML or JSON file they name: the Framework reads each of them, wherever the
        variable sits, and runs a script one of them names. A path in an included file is
        read both from the service's folder and from the file's own."""
        found: list[Reference] = []
        pending, seen = [(relative, data)], {relative}
        while pending:
            where, value = pending.pop()
            named = serverless_references(where, value)
            if where != relative:
                named += serverless_references(relative, value)
            found += named
            for reference in named:
                path = reference.path
                if reference.kind == "file" and path.endswith(_INCLUDABLE) and path not in seen:
                    seen.add(path)
                    pending.append((path, self._included(path)))
        return found

    def _included(self, relative: str) -> Any:
        """The data of a YAML or JSON file a service includes; None if it is not a file
        of the bundle (the reference check refuses it)."""
        if relative not in self._includes:
            path = self.root / relative
            if leaves_bundle(relative) or not path.is_file() or path.is_symlink():
                self._includes[relative] = None
            else:
                self._includes[relative] = long_form_view(self._load(path, relative)).data
        # A copy: the service's sections are merged from it, and one file may be
        # included by several of them.
        return copy.deepcopy(self._includes[relative])

    def _load(self, path: Path, relative: str) -> YamlDocument:
        """The IaC file as YAML, or a BundleError naming file, line and the reason."""
        data = self._read_bytes(path)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise self.refused(
                f"{relative}:{line}: cannot read this IaC file: not UTF-8 (byte "
                f"0x{data[e.start]:02x} at offset {e.start})",
                _NOT_DEPLOYED,
            ) from e
        try:
            return load_yaml(data, allow_tags=True, max_bytes=None)
        except YamlLoadError as e:
            raise self.refused(
                f"{relative}{_line(e)}: cannot read this IaC file: {e.message}", _NOT_DEPLOYED
            ) from e


# What the Framework reads as data when a `${file()}` names it.
_INCLUDABLE = (".yml", ".yaml", ".json")


def _declares_aws_resources(root: yaml.Node) -> bool:
    """Whether a document is a mapping with `Resources` whose entries have a `Type` of
    `AWS::...`, or that a transform (`AWS::Include`) brings in, as its parsed
    (unescaped) keys, values and tags say."""
    if not isinstance(root, yaml.MappingNode):
        return False
    sections = [
        v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "Resources"
    ]
    if any(_transformed(section) for section in sections):
        return True
    return any(
        isinstance(key, yaml.ScalarNode)
        and key.value == "Type"
        and isinstance(kind, yaml.ScalarNode)
        and str(kind.value).startswith("AWS::")
        for section in sections
        if isinstance(section, yaml.MappingNode)
        for _, resource in section.value
        if isinstance(resource, yaml.MappingNode)
        for key, kind in resource.value
    )


def _transformed(node: yaml.Node) -> bool:
    """Whether a section is a transform (`!Transform ...`) or has one among its keys."""
    if node.tag == "!Transform":
        return True
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(key, yaml.ScalarNode) and key.value == "Fn::Transform" for key, _ in node.value
    )


def _line(error: YamlLoadError) -> str:
    return f":{error.line}" if error.line else ""


__all__ = ["SERVERLESS_FILES", "SERVERLESS_PROGRAMS", "TEMPLATE_SUFFIXES", "IacReader", "Read"]


def _skipped(here: Path, name: str) -> bool:
    """Whether the folder `name` in `here` holds no IaC of the bundle's own: generated and
    dependency trees, except a SAM build that `sam deploy` would deploy."""
    if name == ".aws-sam" and (here / name).joinpath(*SAM_BUILT_TEMPLATE).is_file():
        return False
    return name in _SKIPPED_DIRS


def long_form_view(document: YamlDocument) -> YamlDocument:
    """A template or serverless.yml (or a file it includes) as CloudFormation and the
    Framework read it: a short form is its long form (`!Ref X` is `{Ref: X}`), so a code
    location, layer, role or artifact written with a tag is the reference it stands
    for, never the text the loader reads it as (a file of the bundle named `X`)."""
    return YamlDocument(document.long_form(()), document.positions)
