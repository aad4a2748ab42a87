"""What every IaC reader produces, a function as declared, with paths relative to the
bundle root; and the small helpers the readers share."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from gate.model import Warning_, other_runtime

# `C:`, `C:\x`, `C:/x`: a Windows drive, never a path inside the bundle.
_DRIVE = re.compile(r"^[A-Za-z]:(/|$)")


@dataclass
class Declared:
    """A function as its IaC declares it, before paths are checked against the bundle."""

    name: str
    iac: str
    iac_file: str
    line: int | None
    resource: str
    runtime: str | None
    handler: str | None
    code: str | None
    """Path relative to the bundle root, or None when the code is not in the bundle."""
    code_elsewhere: str | None = None
    """Why `code` is None: S3, an image, a value the gate does not resolve."""
    layers: list[str] = field(default_factory=list)
    related: set[str] = field(default_factory=set)
    inline: dict[str, str] | None = None
    """Code written inline in the IaC (file name -> text), staged as files in `code`
    before the function is settled."""
    inline_unread: str | None = None
    """Why inline code in the IaC could not be read (it is not a literal string)."""
    unfollowed: list[str] = field(default_factory=list)
    """Parts of the deployed code the gate cannot follow (a layer a program of the
    bundle builds): for a runtime it analyses, each is a scan error."""
    dockerfile: str | None = None
    """The Dockerfile of the bundle an image function is built from (bundle path): its
    steps that run programs are parts the gate cannot follow."""
    reached_by: set[str] = field(default_factory=set)
    """What reaches the function through any chain (gate.bundle.discovery.reach)."""
    exposure: str = ""
    """What the definition says invokes and empowers the function, and the content of
    what reaches it (`exposure_of`)."""
    defined_in: list[str] = field(default_factory=list)
    """Files besides `iac_file` its definition is read from (`Function.defined_in`)."""


@dataclass(frozen=True)
class Reference:
    """One local file an IaC file makes the deploy read."""

    iac_file: str
    what: str
    """How the IaC names it (`nested stack Inner`, `module "fn"`, `${file(./x.yml)}`)."""
    path: str
    """Relative to the bundle root, normalised (may leave the bundle: `../x`)."""
    kind: str
    """`template`, `snippet`, `module`, `file`, `manifest`, `folder`, `program` (run by
    the deploy while it builds the package), or `package` (a layer's or upload's)."""


@dataclass(frozen=True)
class Read:
    """What one IaC reader made of its file or module: the functions declared (None if
    the file is not IaC of its kind) and what it could not follow, as warnings whose
    message starts with the file, relative to the bundle root."""

    functions: list[Declared] | None
    warnings: list[Warning_] = field(default_factory=list)
    out_of_scope: bool = False
    """The file is IaC of another cloud: counted as out of scope, not read."""
    references: list[Reference] = field(default_factory=list)
    """Local files the IaC makes the deploy read (gate.bundle.discovery.references)."""
    layers: list[str] = field(default_factory=list)
    """Where every layer the file or module declares has its code in the bundle, tied to a
    function or not, and every zip a Terraform module uploads to S3: each is deployed, so
    each zip of them is unpacked and scanned."""
    python_layers: list[str] = field(default_factory=list)
    """Those of `layers` that may hold Python (`may_hold_python`)."""
    lost: list[str] = field(default_factory=list)
    """Deployed content no function of the file ties (a function says what it cannot
    follow of its own) whose location only the deploy works out: a layer, whatever
    runtimes it lists, or an object a Terraform module uploads to S3, each
    `FILE[:LINE]: layer NAME: why` (or `upload NAME`)."""


class Unresolved(str):
    """Why a function's code is not located, when only the deploy works it out (a
    parameter, a variable, a program of the bundle that builds it): for a runtime the
    gate analyses that is a scan error, never code elsewhere."""


def local_path(
    here: PurePosixPath, value: str, remote: bool = True
) -> tuple[str | None, str | None]:
    """The bundle path `value` names (None and why, for code elsewhere); `remote`: the
    property may name S3 (Terraform's `filename` never does)."""
    if remote and is_remote(value):
        return None, f"code at {value.split('://')[0]}:// location"
    if "${" in value:
        return None, Unresolved(f"{value!r} is not resolved (the gate never resolves variables)")
    return join_path(here, value), None


# What `sam package` and `aws cloudformation package` leave alone as not on disk, by the
# property: a function's or layer's code only when it is an object in S3 (`s3://bucket/
# key`, lower case, as samcli matches it); an `AWS::Include` location also when it is an
# S3 endpoint URL; a nested template's location when it is any URL. Every other value,
# `S3://b/k`, `conf://x` and a bare `s3://bucket` included, is a path they package.
_S3_OBJECT = re.compile(r"^s3://[^/]+/.")
_S3_URL = re.compile(r"^https://[^/]+\.amazonaws\.com(\.cn)?/.", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)
_REMOTE = {"code": (_S3_OBJECT,), "include": (_S3_OBJECT, _S3_URL), "template": (_S3_OBJECT, _URL)}


def is_remote(value: str, kind: str = "code") -> bool:
    """Whether a location in IaC is not in the bundle, for a property of `kind` (`code`,
    `include` or `template`)."""
    return any(pattern.match(value) for pattern in _REMOTE[kind])


def join_path(here: PurePosixPath, value: str) -> str:
    """A path relative to the bundle root, normalised (`\\` is a separator too). One that
    leaves the bundle comes back as `..` or `../...`, absolute, or a Windows drive: see
    `leaves_bundle`."""
    value = value.replace("\\", "/")
    if _DRIVE.match(value):
        return value
    return posixpath.normpath(posixpath.join(here.as_posix(), value))


def leaves_bundle(place: str) -> bool:
    """Whether a path `join_path` made is outside the bundle root."""
    return place.startswith("/") or place.split("/", 1)[0] == ".." or bool(_DRIVE.match(place))


def where(relative: str, line: int | None) -> str:
    """A file of the bundle, with the line when it is known: `main.tf:12`."""
    return f"{relative}:{line}" if line else relative


def may_hold_python(compatible_runtimes: Any) -> bool:
    """Whether a layer declaring `compatible_runtimes` may hold Python: unless each runtime
    it lists plainly names another language. A layer is published for any function that
    names it, so whatever the runtime of the functions of the bundle that do, its code is
    Python's wherever it says it may be."""
    runtimes = compatible_runtimes if isinstance(compatible_runtimes, list) else []
    return not runtimes or not all(isinstance(r, str) and other_runtime(r) for r in runtimes)


def contents_of(code: str) -> str:
    """Where a function's code is unpacked: a zip's entries go beside it, in `<zip>.contents`
    (as zips inside zips do)."""
    return f"{code}.contents" if code.lower().endswith(".zip") else code


def as_mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def deep_merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Mappings merged in order, as the Framework merges a `functions` or `resources`
    list (lodash `merge`: `_merge_value`)."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            merged[key] = _merge_value(merged.get(key), value) if key in merged else value
    return merged


def _merge_value(earlier: Any, later: Any) -> Any:
    """Two values as lodash's `merge` (the Framework's) combines them: mappings key by
    key, lists item by item (a shorter later list keeps the earlier items beyond it),
    anything else the later one."""
    if isinstance(earlier, dict) and isinstance(later, dict):
        return deep_merge([earlier, later])
    if isinstance(earlier, list) and isinstance(later, list):
        merged = [_merge_value(a, b) for a, b in zip(earlier, later, strict=False)]
        longer = earlier if len(earlier) > len(later) else later
        return merged + longer[len(merged) :]
    if isinstance(earlier, list) and isinstance(later, dict):
        return earlier  # lodash keeps the list (setting the mapping's keys on it)
    return later


def exposure_of(**written: Any) -> str:
    """The properties of a function's definition that say what invokes and empowers it
    (events, URL, role), as written, in one canonical text (gate.model `Function.exposure`)."""
    return json.dumps(written, sort_keys=True, default=str)
