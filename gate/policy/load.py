"""Reading a policy file: safe YAML, schema validation, errors that point at a line."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import math
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from gate.errors import PolicyError
from gate.model import Confidence, PolicySource, Severity
from gate.policy.model import (
    LeftOut,
    Policy,
    SuppressionMode,
    WaiverRule,
    parse_threshold,
)
from gate.policy.waivers import read_waivers
from gate.safefile import MIB, read_regular
from gate.safeyaml import (
    IAC_MAX_BYTES,
    PathKey,
    Position,
    YamlDocument,
    YamlLoadError,
    load_yaml,
)
from gate.settings import ArchiveLimits, ScannerSettings, SeverityMap

SUPPORTED_VERSION = 1
DEFAULT_POLICY_FILE = "gate.yml"
# A policy is a page or two of YAML; the bound keeps a device or a huge file from being read.
MAX_POLICY_BYTES = MIB


@cache
def schema() -> dict[str, Any]:
    """The policy's JSON Schema (2020-12), as shipped in the package."""
    text = resources.files("gate.policy").joinpath("schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


BUILTIN_POLICIES = ("default", "strict")


def resolve_policy(
    path: str | None, env: str | None, cwd: Path, today: datetime.date | None = None
) -> Policy:
    """The policy the command line asks for: --policy FILE or builtin:NAME, else ./gate.yml,
    else the built-in default."""
    if path is not None and path.startswith("builtin:"):
        return builtin_policy(path.removeprefix("builtin:"), env, today)
    if path is not None:
        return load_policy(Path(path), env, today=today)
    local = cwd / DEFAULT_POLICY_FILE
    if local.is_symlink() or local.exists():  # not only a regular file: a FIFO is refused
        return load_policy(local, env, display=DEFAULT_POLICY_FILE, today=today)
    return builtin_policy("default", env, today)


def builtin_policy(name: str, env: str | None = None, today: datetime.date | None = None) -> Policy:
    if name not in BUILTIN_POLICIES:
        known = ", ".join(f"builtin:{n}" for n in BUILTIN_POLICIES)
        raise PolicyError(f"builtin:{name}: no such built-in policy (there are {known})")
    text = resources.files("gate.policies").joinpath(f"{name}.yml").read_bytes()
    return parse_policy(text, f"builtin:{name}", f"builtin:{name}", env, today)


def load_policy(
    path: Path,
    env: str | None = None,
    display: str | None = None,
    today: datetime.date | None = None,
) -> Policy:
    """Load and validate the policy at `path`; raises PolicyError naming file and line."""
    shown = display or str(path)
    try:
        text = read_regular(path, MAX_POLICY_BYTES)
    except FileNotFoundError:
        raise PolicyError(f"{shown}: policy file not found") from None
    except OSError as e:
        raise PolicyError(
            f"{shown}: cannot read policy: {e.strerror} (pass a YAML policy file)"
        ) from e
    return parse_policy(text, shown, f"file:{shown}", env, today)


def parse_policy(
    text: bytes, shown: str, source: str, env: str | None, today: datetime.date | None = None
) -> Policy:
    try:
        doc = load_yaml(text)
    except YamlLoadError as e:
        raise PolicyError(_at(shown, e.position, e.message)) from e
    data = doc.data
    if data is None:
        raise PolicyError(f"{shown}: the policy is empty; start it with `version: 1`")
    if not isinstance(data, dict):
        raise PolicyError(
            _at(shown, (1, 1), "the policy must be a mapping of keys, like `version: 1`")
        )
    _check_version(data, doc, shown)
    _check_finite(data, (), doc, shown)
    _validate(data, doc, shown)
    effective, waivers_at = _apply_environment(data, env, shown)
    digest = hashlib.sha256(text).hexdigest()
    policy = _build(effective, PolicySource(source, digest, env))
    day = today or datetime.date.today()
    for name, overlay in (data.get("environments") or {}).items():
        # Every environment's waivers are held to the same limits, used or not.
        if name != env and "waivers" in overlay:
            at: PathKey = ("environments", name, "waivers")
            _read_waivers_at(overlay["waivers"], at, doc, shown, day, policy.max_waiver_days)
    waivers_raw = effective.get("waivers") or []
    waivers = _read_waivers_at(waivers_raw, waivers_at, doc, shown, day, policy.max_waiver_days)
    return replace(policy, waivers=waivers)


def _read_waivers_at(
    raw: list[dict[str, Any]],
    at: PathKey,
    doc: YamlDocument,
    shown: str,
    today: datetime.date,
    max_days: int,
) -> tuple[WaiverRule, ...]:
    """The waivers written at `at` in the document."""

    def position_of(index: int, key: str = "") -> Position | None:
        return doc.position_of((*at, index, key) if key else (*at, index))

    return read_waivers(raw or [], position_of, shown, today, max_days)


def _check_version(data: dict[str, Any], doc: YamlDocument, shown: str) -> None:
    version = data.get("version")
    if version is None:
        raise PolicyError(_at(shown, (1, 1), "missing required key 'version' (add `version: 1`)"))
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        raise PolicyError(
            _at(
                shown,
                doc.position_of(("version",)),
                f"policy version {version} is newer than this gate understands "
                f"({SUPPORTED_VERSION}); upgrade serverless-gate",
            )
        )


def _validate(data: dict[str, Any], doc: YamlDocument, shown: str) -> None:
    """Refuse a policy the schema does not accept: the message is the most telling
    problem, and every problem is kept (in document order) for `gate policy validate`."""
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = list(validator.iter_errors(_jsonable(data)))
    if not errors:
        return
    best = _described(jsonschema.exceptions.best_match(errors), doc)
    every = sorted({_described(e, doc) for e in errors}, key=lambda p: p[0] or (0, 0))
    problems = tuple(dict.fromkeys(_at(shown, position, message) for position, message in every))
    raise PolicyError(_at(shown, best[0], best[1]), problems)


def _described(error: Any, doc: YamlDocument) -> tuple[Position | None, str]:
    """Where a schema error (a jsonschema `ValidationError`, whose `schema` the stubs type
    loosely) is, and what it says, in the policy's own terms."""
    path = tuple(error.absolute_path)
    where = ".".join(str(p) for p in path) or "policy"
    position = doc.position_of(path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        unknown = next((k for k in extra if not _matches_pattern(k, error.schema)), extra[0])
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        hint = f" (allowed: {allowed})" if allowed else ""
        return doc.position_of((*path, unknown)), f"unknown key '{unknown}' in {where}{hint}"
    if error.validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return position, f"{where}: {error.instance!r} is not one of {choices}"
    if error.validator == "type":
        return (
            position,
            f"{where}: expected {error.validator_value}, got {_type_name(error.instance)}",
        )
    if error.validator in _DESCRIBED and "description" in error.schema:
        return position, _DESCRIBED[error.validator].format(
            where=where, value=error.instance, why=error.schema["description"]
        )
    return position, f"{where}: {error.message}"


# Failures whose schema's own description says best what is wrong.
_DESCRIBED = {
    "pattern": "{where}: {value!r} is refused. {why}",
    "oneOf": "{where}: {why}",
    "anyOf": "{where}: {why}",
}


def _check_finite(value: Any, path: PathKey, doc: YamlDocument, shown: str) -> None:
    """Refuse NaN and infinity anywhere: a JSON Schema bound never catches NaN (every
    comparison with it is false), and nothing the gate counts or times can use either."""
    if isinstance(value, float) and not math.isfinite(value):
        where = ".".join(str(p) for p in path) or "policy"
        message = f"{where}: {value} is not a finite number; give a number within its bounds"
        raise PolicyError(_at(shown, doc.position_of(path), message))
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, (*path, key), doc, shown)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, (*path, index), doc, shown)


def _matches_pattern(key: str, subschema: dict[str, Any]) -> bool:
    import re

    return any(re.search(p, key) for p in subschema.get("patternProperties", {}))


def _jsonable(value: Any) -> Any:
    """YAML dates become strings so the schema's `format: date` can check them."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _type_name(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "list", dict: "mapping", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _apply_environment(
    data: dict[str, Any], env: str | None, shown: str
) -> tuple[dict[str, Any], PathKey]:
    """The policy with environment `env` laid over it, and where its waivers come from."""
    base = {k: v for k, v in data.items() if k != "environments"}
    if env is None:
        return base, ("waivers",)
    environments = data.get("environments") or {}
    if env not in environments:
        known = ", ".join(sorted(environments)) or "none defined"
        raise PolicyError(f"{shown}: unknown environment '{env}' (known: {known})")
    overlay = environments[env]
    waivers_at: PathKey = ("environments", env, "waivers") if "waivers" in overlay else ("waivers",)
    return _overlay(base, overlay), waivers_at


def _overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _build(data: dict[str, Any], source: PolicySource) -> Policy:
    default_threshold = parse_threshold(data.get("fail_on", "high"))
    scanners: dict[str, ScannerSettings] = {}
    for name, raw in (data.get("scanners") or {}).items():
        settings = raw or {}
        threshold = settings.get("fail_on")
        scanners[name] = ScannerSettings(
            enabled=settings.get("enabled", True),
            required=settings.get("required", True),
            timeout_s=float(settings.get("timeout_s", 600)),
            fail_on=default_threshold if threshold is None else parse_threshold(threshold),
            min_confidence=Confidence(settings.get("min_confidence", "low")),
            unscored_severity=Severity.parse(settings.get("unscored_severity", "high")),
            scan_vendored=settings.get("scan_vendored", False),
        )
    advisories = data.get("advisories") or {}
    budgets = {Severity.parse(level): int(n) for level, n in (data.get("budgets") or {}).items()}
    return Policy(
        source=source,
        scanners=scanners,
        fail_on=default_threshold,
        severity=SeverityMap.from_mapping(data.get("severity") or {}),
        exclude=tuple(data.get("exclude") or ()),
        advisory_db=advisories.get("db"),
        advisory_source=advisories.get("source", "refresh"),
        advisory_max_age_days=int(advisories.get("max_age_days", 30)),
        inline_suppressions=SuppressionMode(data.get("inline_suppressions", "require-reason")),
        budgets=budgets,
        max_waiver_days=int(data.get("max_waiver_days", 365)),
        policy_change=str(data.get("policy_change", "warn")),
        # YAML `2.0` is an integer to the schema: the limits are counted in whole units.
        archives=ArchiveLimits(**{k: int(v) for k, v in (data.get("archives") or {}).items()}),
        iac_max_bytes=int((data.get("iac") or {}).get("max_file_mb", IAC_MAX_BYTES >> 20)) << 20,
        leave_out=tuple(
            LeftOut(str(e["function"]), str(e["reason"]).strip())
            for e in data.get("leave_out") or ()
        ),
        coverage={str(k): str(v) for k, v in (data.get("coverage") or {}).items()},
        raw=_jsonable(data),
    )


def _at(shown: str, position: Position | None, message: str) -> str:
    return f"{shown}:{position[0]}:{position[1]}: {message}" if position else f"{shown}: {message}"
