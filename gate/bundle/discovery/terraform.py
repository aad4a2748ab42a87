"""Terraform: `aws_lambda_function` with a `filename`, directly or through an
`archive_file` data source, its layers, the packages a module uploads to S3 and the
CloudFormation stacks it deploys (terraform_stacks); the Cloud Control provider's
(hashicorp/awscc) function and layer read as their aws counterparts. One
directory of `.tf` files is one module; modules it calls are not followed (what in a
calling module may reach its functions is read: `_calling`), and nothing is evaluated
beyond the module's own locals and variable defaults (terraform_values)."""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery import within
from gate.bundle.discovery.declared import (
    Declared,
    Read,
    Reference,
    Unresolved,
    as_mapping,
    as_text,
    leaves_bundle,
    local_path,
    may_hold_python,
    where,
)
from gate.bundle.discovery.hcl import hcl_loads, made_by_terraform, rendered, templated
from gate.bundle.discovery.hcl_text import HclTextError, read_hcl
from gate.bundle.discovery.inline import INLINE_FILE, inline_place, unread_language
from gate.bundle.discovery.references import LeftOutFolders, ignored_by, module_references
from gate.bundle.discovery.terraform_defined import (
    module_files,
    named_blocks,
    overridden,
    redefinition,
    scopes,
    variable_files,
)
from gate.bundle.discovery.terraform_reach import FUNCTIONS, ModuleResources
from gate.bundle.discovery.terraform_stacks import STACKS, Stacks, read_stacks
from gate.bundle.discovery.terraform_values import ModuleValues, tf_references, tf_value
from gate.model import Warning_

_PATH_PREFIX = re.compile(r"^\$\{path\.module\}/?")
_ROOT_PATH = re.compile(r"\$\{path\.root\}")
"""`path.root`: the root module's folder. `path.cwd` is not read: it is the folder
Terraform was started in, which `terraform -chdir=DIR` makes another than the root's,
so only the pipeline knows it (a location the gate cannot follow)."""
_FUNCTION = FUNCTIONS
_LAYER = ("aws_lambda_layer_version", "awscc_lambda_layer_version")
_CODE_OBJECT = {"awscc_lambda_function": "code", "awscc_lambda_layer_version": "content"}
"""The object attribute an awscc function or layer holds its code in (CloudFormation's
`Code`, `Content`): `zip_file`, `s3_bucket`, `s3_key`, `image_uri`."""
_CODE_FAMILIES = ("awscc_lambda_", "awscc_cloudformation_stack")
"""Resource types of the Cloud Control provider that may deploy Lambda code, a layer or
a template: each is read (`_FUNCTION`, `_LAYER`, terraform_stacks) or holds no code
(`_WITHOUT_CODE`); any other, a type the gate does not know yet, is refused."""
_WITHOUT_CODE = frozenset(
    f"awscc_lambda_{kind}"
    for kind in (
        "alias",
        "capacity_provider",
        "code_signing_config",
        "event_invoke_config",
        "event_source_mapping",
        "layer_version_permission",
        "network_connector",
        "permission",
        "url",
        "version",
    )
)


class HclError(ValueError):
    """A `.tf` file the HCL parser cannot read; the message names file, line and why."""


class UnreadTypeError(ValueError):
    """A resource of a type that may deploy code the gate does not read; the message
    names file, line and resource."""


# What python-hcl2 raises on input it cannot read, besides lark's own errors: its
# transformer meets shapes it does not expect.
_PARSER_FAILURES = (UnicodeDecodeError, ValueError, TypeError, KeyError, IndexError, RecursionError)


def read_terraform(
    root: Path, directory: Path, roots: RootModules, ignored: Mapping[str, str]
) -> tuple[Read, set[str]]:
    """The Lambda functions of one Terraform module (one directory of `.tf` files), and
    the files read; `roots` tells which root module it runs in (for `path.root`),
    `ignored` the folders the copy left out, by rule. Raises HclError on a file that is
    not HCL the parser reads or an address the module defines twice (terraform_defined),
    UnreadTypeError on a resource that may deploy code the gate does not read, StackError
    on a CloudFormation stack whose template the gate cannot read (terraform_stacks),
    ValueError on an upload that may write a package from a folder the copy left out
    (`_packages_under`)."""
    blocks: list[tuple[str, str, str, str, dict[str, Any]]] = []
    read: set[str] = set()
    warnings = []
    references: list[Reference] = []
    files: list[tuple[str, dict[str, Any]]] = []
    module = PurePosixPath(directory.relative_to(root).as_posix())
    for relative, parsed in _parsed_files(root, directory, roots):
        files.append((relative, parsed))
        read.add(relative)
        blocks += [(sec, kind, name, relative, body) for sec, kind, name, body in _blocks(parsed)]
        calls = named_blocks([parsed], "module")
        references += module_references(module.as_posix(), _sources(calls))
        modules = sorted(calls)
        if modules:
            warnings.append(
                Warning_(
                    "iac-not-read",
                    f"{relative}: module {', '.join(map(repr, modules))} not followed; "
                    "functions declared inside modules are not listed or attributed",
                )
            )
    all_calls = _sources(named_blocks([parsed for _, parsed in files], "module"))
    redefined = redefinition(files)
    if redefined is not None:
        raise HclError(redefined)
    values = _module_values(root, directory, [parsed for _, parsed in files])
    for section, kind, name, relative, body in blocks:
        _refuse_unread(section, kind, name, relative, body)
    blocks = [(s, k, n, r, _as_aws(k, body, values)) for s, k, n, r, body in blocks]
    archives = _archives(blocks)
    # What the module uploads to S3 itself: a function deploying that object deploys
    # the file (or archive) the upload reads, in the same apply.
    uploads = {
        f"{kind}.{name}": body
        for section, kind, name, _, body in blocks
        if (section, kind) in _UPLOADS
    }
    layers = {
        f"{kind}.{name}": _tf_code(module, _uploaded(body, uploads, values), archives)
        for section, kind, name, _, body in blocks
        if section == "resource" and kind in _LAYER
    }
    builders = _Builders(blocks, _called(root, module, all_calls), values)
    resources = ModuleResources(blocks, values, _calling(root, module, roots))
    found = []
    for section, kind, name, relative, body in blocks:
        if section != "resource" or kind not in _FUNCTION:
            continue
        deployed = _uploaded(body, uploads, values)
        code, elsewhere = _tf_code(module, deployed, archives)
        address = f"{kind}.{name}"
        reached = resources.reached_by(address, body)
        item = Declared(
            name=address,
            iac="terraform",
            iac_file=relative,
            line=body.get("__start_line__"),
            resource=address,
            runtime=as_text(tf_value(body, "runtime")),
            handler=as_text(tf_value(body, "handler")),
            code=code,
            code_elsewhere=elsewhere,
            layers=[
                layer
                for ref in tf_references(values.texts(tf_value(body, "layers")))
                if (layer := layers.get(ref, (None, None))[0]) is not None
            ],
            related=resources.related(address, body),
            reached_by=reached,
            exposure=resources.exposure(body, reached),
            unfollowed=_untied_layers(values.texts(tf_value(body, "layers")), layers),
        )
        _tf_inline(item, module, deployed, archives)
        if item.code is not None:
            archive = _archive_name(module, tf_value(deployed, "filename"), archives)
            item.unfollowed += builders.before(address, archive)
            filename = tf_value(deployed, "filename")
            item.unfollowed += _shared_output(module, archive, filename, archives, values)
        found.append(item)
    # Every package the module uploads to S3 is deployed code: a function of this module or
    # of another stack may take its code from that object, and which upload a function's
    # bucket and key name is Terraform's to evaluate (two uploads may write one key).
    # A module another module of the bundle calls takes its variables from that call, not
    # from their defaults: a file an upload names by one is the caller's to choose.
    own = values if roots.of(module) == module else ModuleValues(locals=values.locals)
    uploaded: set[str] = set()
    lost_uploads = []
    for section, kind, name, relative, body in blocks:
        if (section, kind) not in _UPLOADS:
            continue
        shown = _shown(relative, body, f"upload {kind}.{name}")
        places, why = _upload_places(root, module, body, archives, own, ignored, shown)
        uploaded |= places
        if why is None:
            continue
        if _could_be_package(body, own):
            lost_uploads.append(f"{shown}: its content is {why}")
        else:
            # Named as no package, but what it writes only Terraform knows, and Lambda
            # takes a package from any key: every package of the bundle may be it.
            uploaded |= _packages_under(root, ".", ignored, shown)
    stacks = Stacks()
    for section, kind, name, relative, body in blocks:
        if section == "resource":
            locate = functools.partial(_tf_local, module)
            read_stacks(root, relative, kind, name, body, own, locate, stacks)
    placed = sorted({code for code, _ in layers.values() if code is not None} | uploaded)
    python = {
        code
        for section, kind, name, _, body in blocks
        if section == "resource"
        and kind in _LAYER
        and (code := layers[f"{kind}.{name}"][0]) is not None
        and may_hold_python(tf_value(body, "compatible_runtimes"))
    }
    tied = {
        ref
        for section, kind, _, _, body in blocks
        if section == "resource" and kind in _FUNCTION
        for ref in tf_references(values.texts(tf_value(body, "layers")))
    }
    # Whatever runtimes a layer lists: Lambda does not hold a function to them.
    lost = [
        f"{_shown(relative, body, f'layer {address}')}: its content is {elsewhere}"
        for section, kind, name, relative, body in blocks
        if section == "resource"
        and kind in _LAYER
        and (address := f"{kind}.{name}") not in tied
        and isinstance(elsewhere := layers[address][1], Unresolved)
    ]
    return Read(
        found,
        warnings + stacks.warnings,
        references=references + stacks.references,
        layers=placed,
        python_layers=sorted(python),
        lost=lost + lost_uploads,
    ), read


def _refuse_unread(section: str, kind: str, name: str, relative: str, body: dict[str, Any]) -> None:
    """Raise UnreadTypeError for a resource of the Cloud Control provider that may deploy
    Lambda code, a layer or a template (`_CODE_FAMILIES`) which the gate does not read:
    passing it would pass code nothing scanned."""
    known = (*_FUNCTION, *_LAYER, *STACKS, *_WITHOUT_CODE)
    if section == "resource" and kind.startswith(_CODE_FAMILIES) and kind not in known:
        raise UnreadTypeError(
            f"{_shown(relative, body, f'{kind}.{name}')}: a resource "
            "type that may deploy code the gate does not read; declare the code with "
            "aws_lambda_function or awscc_lambda_function"
        )


def _as_aws(kind: str, body: dict[str, Any], values: ModuleValues) -> dict[str, Any]:
    """An awscc function's or layer's block in the shape of its aws counterpart: the
    attributes of its code object (`_CODE_OBJECT`, through the module's values) as the
    block's own, so one reader serves both; a code object the module does not give as
    one literal object is a `filename` the gate does not resolve."""
    attribute = _CODE_OBJECT.get(kind)
    if attribute is None:
        return body
    written = tf_value(body, attribute)
    found = values.resolve(written)
    if len(found) == 1 and isinstance(found[0], dict):
        return {**body, **found[0]}
    return {**body, "filename": {attribute: written}}


def _shown(relative: str, body: dict[str, Any], what: str) -> str:
    """A block of the module as messages name it (`main.tf:12: upload aws_s3_object.x`),
    as `Read.lost` starts."""
    return f"{where(relative, body.get('__start_line__'))}: {what}"


def _parsed_files(
    root: Path, directory: Path, roots: RootModules
) -> list[tuple[str, dict[str, Any]]]:
    """The module's `.tf` files in merge order, each parsed (`path.root` written from
    the module's folder), with its bundle path."""
    module = PurePosixPath(directory.relative_to(root).as_posix())
    found = []
    for path in module_files(directory):
        relative = path.relative_to(root).as_posix()
        parsed = _parse(path, relative)
        if _mentions_root(parsed):
            parsed = _with_root(parsed, roots.of(module), module)
        found.append((relative, parsed))
    return found


def _module_values(root: Path, directory: Path, parsed_files: list[dict[str, Any]]) -> ModuleValues:
    """What the module's locals, variable defaults and tfvars files give its expressions."""
    tfvars = [_parse(path, path.relative_to(root).as_posix()) for path in variable_files(directory)]
    return ModuleValues.read(parsed_files, tfvars)


def _calling(root: Path, module: PurePosixPath, roots: RootModules) -> dict[str, Any]:
    """What in the modules that call `module`, however far up, may reach a function of
    it (terraform_reach `ModuleResources.reaching_called`): an API whose integration
    names a module output reaches the function behind it. Read once per caller."""
    found: dict[str, Any] = {}
    for folder in sorted(roots.above(module)):
        if folder not in roots.reaching:
            parsed = _parsed_files(root, root / folder, roots)
            values = _module_values(root, root / folder, [p for _, p in parsed])
            blocks = [
                (section, kind, name, relative, _as_aws(kind, body, values))
                for relative, one in parsed
                for section, kind, name, body in _blocks(one)
            ]
            resources = ModuleResources(blocks, values)
            roots.reaching[folder] = resources.reaching_called(folder.as_posix())
        found.update(roots.reaching[folder])
    return found


class RootModules:
    """Which root module each folder of `.tf` files of a bundle runs in: the folder
    itself when no local module call (`source = "./modules/fn"`) reaches it, else the
    root of the modules that call it. Read from the folders' module calls when first
    asked (most modules never name `path.root`)."""

    def __init__(self, root: Path, directories: Iterable[Path]) -> None:
        self.root = root
        self.directories = sorted(directories)
        self._callers: dict[PurePosixPath, set[PurePosixPath]] | None = None
        self.reaching: dict[PurePosixPath, dict[str, Any]] = {}
        """By module folder, what in it may reach a function of a module it calls
        (`_calling`), read once."""

    def of(self, module: PurePosixPath) -> PurePosixPath | None:
        """The root module's folder for `module`, or None when the gate cannot tell: the
        modules that call it, however far up, lead to several roots (or to none, a
        cycle)."""
        callers = self._calls()
        roots = {m for m in self.above(module) | {module} if not callers.get(m)}
        return roots.pop() if len(roots) == 1 else None

    def above(self, module: PurePosixPath) -> set[PurePosixPath]:
        """The folders whose local module calls reach `module`, however far up."""
        callers = self._calls()
        seen: set[PurePosixPath] = set()
        pending = [module]
        while pending:
            above = callers.get(pending.pop(), set()) - seen
            seen |= above
            pending += sorted(above)
        return seen - {module}

    def _calls(self) -> dict[PurePosixPath, set[PurePosixPath]]:
        """Each module folder of the bundle, with the folders whose local calls name it."""
        if self._callers is None:
            self._callers = {}
            for directory in self.directories:
                caller = PurePosixPath(directory.relative_to(self.root).as_posix())
                parsed = [
                    _parse(p, p.relative_to(self.root).as_posix()) for p in module_files(directory)
                ]
                calls = _sources(named_blocks(parsed, "module"))
                for reference in module_references(caller.as_posix(), calls):
                    self._callers.setdefault(PurePosixPath(reference.path), set()).add(caller)
        return self._callers


def _sources(calls: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The `source` of each module call that gives one as text."""
    return {n: s for n, b in calls.items() if isinstance(s := tf_value(b, "source"), str)}


def _mentions_root(value: Any) -> bool:
    """Whether a parsed value names `path.root` anywhere."""
    if isinstance(value, str):
        return bool(_ROOT_PATH.search(value))
    if isinstance(value, dict):
        return any(_mentions_root(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_mentions_root(inner) for inner in value)
    return False


def _with_root(value: Any, root: PurePosixPath | None, module: PurePosixPath) -> Any:
    """A parsed value with `path.root` written as the path from `module`
    to its root module's folder (`${path.module}/../..`), as Terraform run in the root
    resolves them; left as they are, so unresolved, when the root is unknown."""
    if root is None:
        return value
    if isinstance(value, str):
        up = posixpath.relpath(root.as_posix(), module.as_posix())
        return _ROOT_PATH.sub("${path.module}" + ("" if up == "." else f"/{up}"), value)
    if isinstance(value, dict):
        return {key: _with_root(inner, root, module) for key, inner in value.items()}
    if isinstance(value, list):
        return [_with_root(inner, root, module) for inner in value]
    return value


def _untied_layers(written: Any, layers: dict[str, tuple[str | None, str | None]]) -> list[str]:
    """A function's `layers` entries (as the module's values resolve them) that are
    neither a layer of this module whose code the gate finds or knows to be elsewhere
    (S3), nor a published one (an ARN, a `data` source looking one up): a variable nobody
    sets, a module's output, another resource. The gate cannot tell which code they
    deploy."""
    entries = written if isinstance(written, list) else [] if written is None else [written]
    untied = []
    for entry in entries:
        text = entry if isinstance(entry, str) else None
        if text is not None and not made_by_terraform(text) and text.startswith("arn:"):
            continue
        if text is not None and re.fullmatch(r"\$\{data\.[^}]*\}", text):
            continue
        refs = tf_references(entry)
        known = [layers[r] for r in refs if r in layers]
        if (
            refs
            and len(known) == len(refs)
            and not any(isinstance(elsewhere, Unresolved) for _, elsewhere in known)
        ):
            continue
        untied.append(
            f"layer {entry!r}, which the gate cannot tie to a layer of the bundle or a "
            "published one"
        )
    return untied


def _archives(
    blocks: list[tuple[str, str, str, str, dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """The module's archive_files (the data source, or the resource made at apply), by
    name, as the gate finds a function's (`_archive_name`). An override file's block
    replaces the arguments and nested blocks it sets, as Terraform merges it (two blocks
    of one address are otherwise refused: `redefinition`). HclError for a data source and
    a resource of one name, which Terraform keeps apart and the gate would read as one."""
    archives: dict[str, dict[str, Any]] = {}
    sections: dict[str, str] = {}
    for section, kind, name, relative, body in blocks:
        if kind != "archive_file":
            continue
        if sections.setdefault(name, section) != section:
            raise HclError(
                f"{relative}:{body.get('__start_line__')}: data.archive_file.{name} and "
                f"archive_file.{name}, two archives Terraform keeps apart, which the gate "
                "finds by name alone: give them different names"
            )
        archives[name] = overridden(archives.get(name), body)
    return archives


class _Builders:
    """What a Terraform module runs or writes that may change a function's code before it
    is deployed: a block the function or its archive_file waits for (by `depends_on` or a
    reference, through any chain of blocks and locals) that runs a program (a
    `local-exec` provisioner), writes a file (`local_file`), or is a module call (whose
    blocks this module's reader does not follow; for the function's own chain, a local
    module that runs or writes something, or a module from elsewhere); and what runs
    whatever the order: any `external` data source of the module or of a local module it
    calls (at plan time), and a local module that runs a program or writes a file outside
    its own folder (`${path.root}/fn.zip`)."""

    def __init__(
        self,
        blocks: list[tuple[str, str, str, str, dict[str, Any]]],
        calls: dict[str, _Called | None],
        values: ModuleValues,
    ) -> None:
        """`calls`: the module's module calls, by name, with what a local one of the
        bundle runs and writes (None for any other)."""
        addresses: dict[str, dict[str, Any]] = {}
        for section, kind, name, _, body in blocks:
            # An override file's block is merged into the original, as Terraform merges it.
            address = _address(section, kind, name)
            addresses[address] = overridden(addresses.get(address), body)
        addresses |= {f"local.{name}": {"value": v} for name, v in values.locals.items()}
        addresses |= {f"module.{name}": {} for name in calls}
        self.always = {a: why for a, body in addresses.items() if (why := _always(a, body))}
        self.always |= {
            f"module.{name}'s {what}": "in a module it calls"
            for name, called in sorted(calls.items())
            if called is not None
            for what in called.always
        }
        self.writers = {
            address: why for address, body in addresses.items() if (why := _writes(address, body))
        }
        self.calls = calls
        self.named = {
            address: {a for a in _ADDRESS.findall(json.dumps(body, default=str)) if a in addresses}
            for address, body in addresses.items()
        }

    def before(self, function: str, archive: str | None) -> list[str]:
        """What runs before `function` (its address) deploys its code, built by
        `archive` (an archive_file's name; None: a zip or folder read as it is)."""
        found = [
            f"{a} ({why}), which the plan or apply runs whatever waits for it (it may write "
            "or replace the code)"
            for a, why in sorted(self.always.items())
        ]
        seen = set(self.always)
        if archive is not None:
            waits = self._chain(f"data.archive_file.{archive}") | self._chain(
                f"archive_file.{archive}"
            )
            found += [
                f"{address} ({self.writers[address]}), which archive_file {archive!r} waits for"
                for address in sorted((waits & self.writers.keys()) - seen)
            ]
            seen |= waits
        for address in sorted(self._chain(function) - seen):
            why = self.writers.get(address)
            if address.startswith("module."):
                called = self.calls.get(address.removeprefix("module."))
                why = None if called is not None and not called.runs else why
            if why:
                found.append(f"{address} ({why}), which {function} waits for")
        return found

    def _chain(self, start: str) -> set[str]:
        pending, seen = [start], set()
        while pending:
            address = pending.pop()
            if address not in seen:
                seen.add(address)
                pending += self.named.get(address, ())
        return seen - {start}


def _writes(address: str, body: dict[str, Any]) -> str:
    """How a block may write files on the runner, or empty."""
    kind = address.removeprefix("data.").split(".")[0]
    if address.startswith("module."):
        return "a module call, whose blocks may write the code"
    if kind in ("local_file", "local_sensitive_file"):
        return "it writes a file"
    if kind == "archive_file" and not address.startswith("data."):
        return "it writes a zip at apply"
    if _runs(body):
        return "its local-exec runs a program"
    return ""


# Block types that run a program of the bundle's choosing when Terraform reads them.
_PROGRAMS = frozenset({"external", "shell_script", "local_command"})


def _always(address: str, body: dict[str, Any]) -> str:
    """How a block runs a program whatever waits for it, or empty: an external program,
    or a `local-exec` (on any block: the apply runs it, and it can write or replace the
    code, `aws lambda update-function-code` included, whatever the order)."""
    if address.removeprefix("data.").split(".")[0] in _PROGRAMS:
        return "an external program"
    return "its local-exec runs a program" if _runs(body) else ""


def _runs(body: dict[str, Any]) -> bool:
    return any("local-exec" in as_mapping(p) for p in _as_list(body.get("provisioner")))


_ADDRESS = re.compile(r"(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*")
MAX_MODULE_DEPTH = 8


@dataclass(frozen=True)
class _Called:
    """What a local module of the bundle (and the local modules it calls, however deep)
    runs or writes."""

    always: tuple[str, ...] = ()
    """What runs whatever waits for what: external programs, and programs or files
    written outside the module's folder."""
    runs: bool = False
    """Whether anything in it runs a program or writes a file."""


def _called(root: Path, module: PurePosixPath, calls: dict[str, str]) -> dict[str, _Called | None]:
    """The module's module calls, by name, with what the called module runs or writes
    when it is a local folder of the bundle (`./build`), else None: a module from a
    registry or outside the bundle is read by nothing here."""
    return {name: _read_called(root, module, source, 0) for name, source in calls.items()}


def _read_called(root: Path, module: PurePosixPath, source: str, depth: int) -> _Called | None:
    folder = root / module / source
    if not source.startswith(("./", "../")) or not folder.resolve().is_relative_to(root.resolve()):
        return None
    here = PurePosixPath(folder.resolve().relative_to(root.resolve()).as_posix())
    always: list[str] = []
    runs = False
    files = [_parse(p, p.relative_to(root).as_posix()) for p in module_files(folder)]
    for parsed in files:
        for section, kind, name, body in _blocks(parsed):
            address = _address(section, kind, name)
            runs = runs or bool(_writes(address, body))
            target = tf_value(body, "output_path") or tf_value(body, "filename")
            if why := _always(address, body):
                always.append(f"{address} ({why})")
            elif kind in _WRITERS and not _inside(target):
                always.append(f"{address}, which writes {target!r}, not a path in its folder")
    for name, body in named_blocks(files, "module").items():
        inner = tf_value(body, "source")
        called = (
            _read_called(root, here, inner, depth + 1)
            if isinstance(inner, str) and depth < MAX_MODULE_DEPTH
            else None
        )
        if called is None:
            always.append(f"module.{name}, read by nothing here")
            runs = True
        else:
            always += [f"module.{name}'s {what}" for what in called.always]
            runs = runs or called.runs
    return _Called(tuple(always), runs)


_WRITERS = frozenset({"archive_file", "local_file", "local_sensitive_file"})
_MODULE_PATH = re.compile(r"^\$\{path\.module\}/")


def _inside(target: Any) -> bool:
    """Whether a path a module's block writes is a literal path in the module's own
    folder (`${path.module}/build/x.zip`, `build/x.zip`): anything else (a variable, a
    function, `${path.root}`, `..`) may be the caller's code."""
    if not isinstance(target, str):
        return False
    path = _MODULE_PATH.sub("", target)
    return (
        not made_by_terraform(path)
        and not path.startswith("/")
        and ".." not in PurePosixPath(path).parts
    )


def _blocks(parsed: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """A `.tf` file's resources and data sources, those scoped in `check` blocks too:
    (section, type, name, body); and every other block holding a provisioner (`removed`
    runs one at apply when it destroys), as a resource of its section's name."""
    others = [
        ("resource", section, str(index), {"provisioner": _provisioners(block)})
        for section, blocks in parsed.items()
        if section not in ("resource", "data", "check", "module", "locals", "variable", "output")
        for index, block in enumerate(_as_list(blocks))
        if _provisioners(block)
    ]
    return others + [
        (section, str(kind), str(name), as_mapping(body))
        for scope in scopes(parsed)
        for section in ("resource", "data")
        for group in _as_list(scope.get(section))
        for kind, named in as_mapping(group).items()
        for name, body in as_mapping(named).items()
    ]


def _provisioners(value: Any) -> list[Any]:
    """Every `provisioner` block anywhere in `value`."""
    found = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            found += _as_list(item.get("provisioner"))
            pending += list(item.values())
        elif isinstance(item, list):
            pending += item
    return found


def _shared_output(
    module: PurePosixPath,
    archive: str | None,
    deployed: Any,
    archives: dict[str, dict[str, Any]],
    values: ModuleValues,
) -> list[str]:
    """Other archive_files that write (or may write) the zip the function deploys
    (`deployed`: its filename, built by `archive` when it names one): which one is
    deployed depends on the order Terraform runs them in. A path the gate cannot
    resolve may be any."""
    mine = _places(
        module, tf_value(archives[archive], "output_path") if archive else deployed, values
    )
    found = []
    for name, other in archives.items():
        theirs = _places(module, tf_value(other, "output_path"), values)
        if name != archive and (None in theirs or None in mine or mine & theirs):
            found.append(
                f"archive_file {name!r}, which writes the same zip or one the gate cannot place"
            )
    return found


def _places(module: PurePosixPath, value: Any, values: ModuleValues) -> set[str | None]:
    """Every bundle path `value` may stand for; None for one the gate cannot resolve."""
    texts = values.texts(value) if isinstance(value, str) else []
    return {_tf_local(module, text)[0] for text in texts} or {None}


def addressed_blocks(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The resources and data sources of one `.tf` file as discovery reads them (`check`
    blocks' too), each by its address as Terraform reads it (labels unescaped), its
    body holding python-hcl2's `__start_line__` and `__end_line__`. HclError for a file
    discovery cannot read."""
    return [(_address(s, k, n), body) for s, k, n, body in _blocks(_parse(path, path.name))]


def _address(section: str, kind: str, name: str) -> str:
    return f"data.{kind}.{name}" if section == "data" else f"{kind}.{name}"


def _parse(path: Path, relative: str) -> dict[str, Any]:
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        text = read_hcl(path)
        parsed = hcl_loads(text)
    except HclTextError as e:
        raise HclError(f"{relative}:{e.line}: {e}") from e
    except LarkError as e:
        where = f":{e.line}" if isinstance(e, UnexpectedInput) and e.line > 0 else ""
        reason = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise HclError(f"{relative}{where}: not valid HCL ({reason}){_hcl1_hint(text)}") from e
    except UnicodeDecodeError as e:
        raise HclError(f"{relative}: not valid HCL (not UTF-8 at byte {e.start})") from e
    except OSError as e:
        raise HclError(f"{relative}: cannot read: {e.strerror}") from e
    except _PARSER_FAILURES as e:
        where = _line_quoted(text, str(e))
        raise HclError(f"{relative}{where}: not valid HCL ({str(e)[:160]})") from e
    return parsed if isinstance(parsed, dict) else {}


# A nested block whose type is quoted (`"attribute" {`): HCL1, which Terraform 0.12 and
# newer (and the parser the gate and checkov share) no longer read.
_HCL1_BLOCK = re.compile(r'^[ \t]*"[A-Za-z_][\w-]*"[ \t]*\{[ \t]*$', re.MULTILINE)


def _hcl1_hint(text: str) -> str:
    match = _HCL1_BLOCK.search(text)
    if match is None:
        return ""
    line = text.count("\n", 0, match.start()) + 1
    return (
        f"; line {line} is HCL1 syntax (Terraform 0.11 and older), which "
        "`terraform 0.12upgrade` converts"
    )


def _line_quoted(text: str, message: str) -> str:
    """`:N` for the line of `text` a parser's message ends with (python-hcl2 quotes the
    line it refuses, without its number), else nothing."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and message.endswith(line):
            return f":{number}"
    return ""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _uploaded(
    body: dict[str, Any], uploads: dict[str, dict[str, Any]], values: ModuleValues
) -> dict[str, Any]:
    """A function's (or layer's) block, with the object it deploys from S3 (`s3_bucket`,
    `s3_key`) read as its `filename` when the module uploads that object from a file:
    by reference (`aws_s3_object.code.key`, through locals too), or by the same literal
    bucket and key."""
    if tf_value(body, "filename") is not None or tf_value(body, "s3_key") is None:
        return body
    wanted = (tf_value(body, "s3_bucket"), tf_value(body, "s3_key"))
    named = tf_references(values.texts([tf_value(body, "s3_bucket"), tf_value(body, "s3_key")]))
    for address, upload in uploads.items():
        if address in named or (tf_value(upload, "bucket"), tf_value(upload, "key")) == wanted:
            # An object written from `content` is no file: its filename does not resolve.
            return {**body, "filename": tf_value(upload, "source") or dict(upload)}
    return body


_UPLOADS = (("resource", "aws_s3_object"), ("resource", "aws_s3_bucket_object"))
_READ_WHOLE = re.compile(r'\$\{file(?:base64)?\((?:"([^"]*)"|((?:local|var)\.[A-Za-z_][\w-]*))\)\}')
"""An object's content read whole from one file (`filebase64("build/fn.zip")`,
`file(local.zip)`): that file is uploaded."""
_FILESET = re.compile(r"\$\{(?:toset\()?fileset\((?:(?!\.\.)[^()])*\)\)?\}")
"""A loop over the files of a fileset (`for_each = fileset("site", "**")`) that names
no `..`: each path it gives stays in the folder it was found in."""
_EACH = re.compile(r"\$\{each\.(?:key|value)\}")
_DOCUMENTS = "docx|xlsx|pptx|odt|ods|odp|epub"
_NOT_PACKAGE = re.compile(
    r"\.(?:html?|css|json|csv|tsv|txt|md|xml|ya?ml|map|svg|png|jpe?g|gif|ico|webp|pdf"
    rf"|woff2?|ttf|eot|{_DOCUMENTS})[\"')}}]*$",
    re.IGNORECASE,
)
"""A name (or an expression ending in one) that plainly says its file is no deployment
package: a page, a style, data, an image, a font, a document."""


def _upload_places(
    root: Path,
    module: PurePosixPath,
    upload: dict[str, Any],
    archives: dict[str, dict[str, Any]],
    values: ModuleValues,
    ignored: Mapping[str, str],
    shown: str,
) -> tuple[set[str], str | None]:
    """The files of the bundle an S3 upload (`shown`) deploys that may be deployment
    packages (each zip it names, the source of the archive_file whose output it names)
    and, when the gate cannot resolve what it deploys to files of the bundle, why. The
    source is read through the module's values, as Terraform reads it."""
    places: set[str] = set()
    why = None
    for text in values.texts(_upload_source(upload)):
        folder = _enumerated(module, text, upload)
        if folder is not None:
            places |= _packages_under(root, folder, ignored, shown)
            continue
        place, elsewhere = _tf_code(module, {"filename": text}, archives)
        if place is None:
            why = why or elsewhere
        elif (
            _archive_name(module, text, archives) in archives
            or _package_file(root, place)
            # Never copied, so not judged by its content here: deployed all the same.
            or ignored_by(root, place, ignored) is not None
        ):
            places.add(place)
    return _possible(root, places, ignored), why


def _possible(root: Path, places: set[str], ignored: Mapping[str, str]) -> set[str]:
    """The places one upload may deploy, of those its values give: a place missing from
    the bundle, when another is there (or in a folder the copy left out), is a pairing
    of values Terraform never makes (`${var.a}${var.b}`, each from another file); when
    none is, the deploy uploads what the build writes later, which discovery refuses."""
    missing = {
        p for p in places if not (root / p).exists() and ignored_by(root, p, ignored) is None
    }
    return places - missing if missing != places else places


def _upload_source(upload: dict[str, Any]) -> Any:
    """What an upload writes its object from: its `source`, else the file its
    `content_base64` reads whole, else that expression itself; None for literal content
    and for `content`, which is text (Terraform's `file()` refuses bytes that are not
    UTF-8), so never a package."""
    source = tf_value(upload, "source")
    if source is not None:
        return source
    content = tf_value(upload, "content_base64")
    if not isinstance(content, str) or not templated(content):
        return None
    read = _READ_WHOLE.fullmatch(content)
    if read is None:
        return content
    return read[1] if read[1] is not None else "${" + read[2] + "}"


def _enumerated(module: PurePosixPath, text: str, upload: dict[str, Any]) -> str | None:
    """The folder of the bundle an upload made for each path of a fileset reads its files
    from (`for_each = fileset(...)`, `source = "site/${each.value}"`): the folder its
    source names before `each` (a fileset's paths never leave it); None for any other
    source, or a folder the gate cannot resolve."""
    for_each = tf_value(upload, "for_each")
    each = _EACH.search(text)
    if each is None or not (isinstance(for_each, str) and _FILESET.fullmatch(for_each)):
        return None
    return _tf_local(module, posixpath.dirname(text[: each.start()]) or ".")[0]


def _packages_under(root: Path, folder: str, ignored: Mapping[str, str], shown: str) -> set[str]:
    """The files under a folder of the bundle that may be deployment packages, any of
    which the upload `shown` may write. Raises ValueError when the folder lies in a folder
    the copy left out (`ignored`, by rule), or one lies in it: a package there was never
    copied, so the gate could neither scan it nor count it."""
    if leaves_bundle(folder):
        return set()
    scope = "the bundle" if folder == "." else f"{folder}/"
    for left, rule in sorted(ignored.items()):
        if within(folder, left):
            raise ValueError(
                f"{shown}: it may write any package in {scope}, which is in {left}, a folder "
                f"the gate ignores ({rule}), whose files the gate never copied"
            )
        # What the copy left out below is judged where the bundle has it, when known.
        held = ignored.packages_in(left) if isinstance(ignored, LeftOutFolders) else [left]
        if within(left, folder) and rule != _VCS and held:
            raise ValueError(
                f"{shown}: it may write any package in {scope}, and {held[0]} may be one, in "
                f"a folder the gate ignores ({rule}), which the gate never copied"
            )
    found = set()
    for current, _, names in os.walk(root / folder):
        for name in names:
            place = (Path(current) / name).relative_to(root).as_posix()
            if _package_file(root, place):
                found.add(place)
    return found


# A VCS store (`.git`, `.hg`, `.svn`) is written by the VCS client of the machine that
# checks the bundle out, never at a path a change chooses (git and Mercurial refuse a
# tracked path inside their store), and neither a fileset's files nor a build's output
# go there: what a commit puts in one is the VCS's copy of a file checked out beside it,
# scanned where it is. Every checkout has one, so an upload is not refused for it.
_VCS = "vcs"


def _package_file(root: Path, place: str) -> bool:
    """Whether a file an upload names may be a deployment package: a `.zip`, or a zip by
    its content whatever its name (Lambda takes any key; a `.docx` is a zip too)."""
    if place.lower().endswith(".zip"):
        return True
    path = root / place
    return (
        not leaves_bundle(place)
        and path.is_file()
        and not path.is_symlink()
        and zipfile.is_zipfile(path)
    )


def _could_be_package(upload: dict[str, Any], values: ModuleValues) -> bool:
    """Whether an upload the gate cannot resolve is to be refused: unless its source or
    its key, each as every value the module gives it, names a file of another kind
    (`index.html`, `config.json`), when every package of the bundle is scanned instead,
    since such a name proves nothing of what Terraform writes."""
    named = (values.texts(_upload_source(upload)), values.texts(tf_value(upload, "key")))
    return not any(texts and all(_NOT_PACKAGE.search(t) for t in texts) for texts in named)


def _tf_code(
    module: PurePosixPath, body: dict[str, Any], archives: dict[str, dict[str, Any]]
) -> tuple[str | None, str | None]:
    filename = tf_value(body, "filename")
    if filename is None:
        if tf_value(body, "image_uri") is not None:
            return None, "a container image"
        return None, "code in S3"
    if not isinstance(filename, str):
        return None, Unresolved(f"a value only Terraform resolves ({str(filename)[:60]})")
    archive_name = _archive_name(module, filename, archives)
    if archive_name is not None and archive_name in archives:
        source = archives[archive_name]
        if "dynamic" in source:
            return None, Unresolved(f"archive_file {archive_name!r}'s dynamic blocks")
        path = tf_value(source, "source_dir") or tf_value(source, "source_file")
        if isinstance(path, str):
            return _tf_local(module, path)
        return None, Unresolved(f"archive_file {archive_name!r}, whose source the gate cannot read")
    return _tf_local(module, filename)


def _archive_name(
    module: PurePosixPath, filename: Any, archives: dict[str, dict[str, Any]]
) -> str | None:
    """The archive_file a function's `filename` is the output of, if any."""
    if not isinstance(filename, str):
        return None
    archive = re.fullmatch(
        r"\$\{(?:data\.)?archive_file\.([A-Za-z0-9_-]+)\.output_path\}", filename
    )
    if archive is not None:
        return archive[1]
    # A zip that an archive_file builds, however either names the path (`build/fn.zip`,
    # `${path.module}/build/fn.zip`): Terraform builds it from the archive's source at
    # plan time, so that source is scanned, never a stale zip left at the path.
    path = _tf_local(module, filename)[0]
    return next(
        (
            name
            for name, archive in archives.items()
            if isinstance(output := tf_value(archive, "output_path"), str)
            and path is not None
            and _tf_local(module, output)[0] == path
        ),
        None,
    )


def _tf_inline(
    item: Declared, module: PurePosixPath, body: dict[str, Any], archives: dict[str, dict[str, Any]]
) -> None:
    """A function whose code is written in the module: staged (see
    gate/bundle/discovery/inline.py), what is not literal said to be unreadable."""
    written = None if item.code is not None else _written(item, module, body, archives)
    if written is None:
        return
    what, staged, pairs = written
    files, unread = {}, []
    for filename, content in pairs:
        if filename is None and content is None:
            continue
        text = _literal(content)
        if not isinstance(filename, str) or made_by_terraform(filename) or text is None:
            unread.append(f"{filename!r}: {str(content)[:60]!r}")
        else:
            files[filename] = text
    if not files and not unread:
        return
    item.code_elsewhere = None
    item.code, item.inline = inline_place(item.iac_file, staged), files
    if unread:
        item.inline_unread = (
            f"{what} holds inline code that is not a literal string ({', '.join(unread)})"
        )


def _written(
    item: Declared, module: PurePosixPath, body: dict[str, Any], archives: dict[str, dict[str, Any]]
) -> tuple[str, str, list[tuple[Any, Any]]] | None:
    """The code a function's block writes in the module, as what writes it, the name it
    is staged under, and its files (name, content): an awscc function's `zip_file`
    (CloudFormation's `ZipFile`, which Lambda deploys as `index.py`), or the
    `source_content` and `source {}` blocks of the archive_file it deploys; None for
    neither, or for inline code of a runtime the gate does not analyse (said so)."""
    if "zip_file" in body:
        if not unread_language(item):
            return "code.zip_file", item.resource, [(INLINE_FILE, tf_value(body, "zip_file"))]
        return None
    name = _archive_name(module, tf_value(body, "filename"), archives)
    archive = archives.get(name or "")
    if archive is None:
        return None
    pairs = [(tf_value(archive, "source_content_filename"), tf_value(archive, "source_content"))]
    pairs += [
        (tf_value(as_mapping(s), "filename"), tf_value(as_mapping(s), "content"))
        for s in _as_list(archive.get("source"))
    ]
    return f"archive_file {name!r}", f"archive_file.{name}", pairs


def _literal(content: Any) -> str | None:
    """Inline code as Terraform writes it out (a quoted string's escapes are undone when
    it is parsed, `hcl_loads`; the template's own here, `rendered`); None for text with an
    interpolation or a directive in it (its value is not in the text)."""
    if not isinstance(content, str):
        return None
    return rendered(content)


def _tf_local(module: PurePosixPath, value: str) -> tuple[str | None, str | None]:
    stripped = _PATH_PREFIX.sub("", value)
    if made_by_terraform(stripped):
        return None, Unresolved(f"{value!r} needs Terraform to resolve")
    return local_path(module, stripped, remote=False)  # Terraform reads these from disk
