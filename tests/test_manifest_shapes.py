"""Lock files of every shape: a value of the wrong type at any level is read or refused
by name, never taken for "no packages", and never an unhandled exception."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.bundle.manifests import Manifest, read_manifests

PYPROJECT = "[project]\nname = 'fn'\ndependencies = ['requests==2.19.0']\n"
PIPFILE = '[packages]\nrequests = "==2.19.0"\n'
REQUESTS = {"name": "requests", "version": "2.19.0"}
# A valid lock of each kind, pinning the vulnerable requests the manifest beside it declares.
VALID: dict[str, dict[str, Any]] = {
    "Pipfile.lock": {
        "_meta": {"pipfile-spec": 6},
        "default": {"requests": {"version": "==2.19.0", "index": "pypi"}},
        "develop": {},
    },
    "uv.lock": {
        "version": 1,
        "package": [{**REQUESTS, "source": {"registry": "https://pypi.org/simple"}}],
    },
    "poetry.lock": {
        "package": [{**REQUESTS, "source": {"type": "legacy", "url": "https://pypi.org/simple"}}],
        "metadata": {"lock-version": "2.0"},
    },
    "pdm.lock": {"metadata": {"lock_version": "4.5.0"}, "package": [dict(REQUESTS)]},
}

SCALARS = (
    st.text(max_size=8)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.sampled_from(["==2.19.0", "2.19.0", "*", "requests", ".", "git"])
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["name", "version", "source", "git", "path", "type", "url", "x"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def toml_value(value: Any) -> str:
    """TOML for a value, tables inline: every shape a hostile lock can take."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    items = (f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
    return "{" + ", ".join(items) + "}"


def render(lock: str, document: Any) -> str:
    if lock == "Pipfile.lock":
        return json.dumps(document)
    if not isinstance(document, dict):
        return toml_value(document)  # not a TOML document at all
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in document.items())


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document: each key of each table, each item of each array."""
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*at, index))
    return found


def mutated(document: Any, at: tuple[Any, ...], value: Any, delete: bool) -> Any:
    """`document` with the value at `at` replaced (or deleted from its table)."""
    if not at:
        return value
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in at[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[at[-1]]
    else:
        parent[at[-1]] = value
    return copy


# Beside each lock, the manifest of the tool that writes it: only that tool's lock stands
# for a pyproject.toml (uv's for a plain one).
BESIDE = {
    "Pipfile.lock": ("Pipfile", PIPFILE),
    "uv.lock": ("pyproject.toml", PYPROJECT),
    "poetry.lock": ("pyproject.toml", PYPROJECT + "[tool.poetry]\npackage-mode = false\n"),
    "pdm.lock": ("pyproject.toml", PYPROJECT + "[tool.pdm]\ndistribution = false\n"),
}


def read(lock: str, text: str) -> Manifest:
    beside = BESIDE[lock]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / beside[0]).write_text(beside[1], encoding="utf-8")
        (root / lock).write_text(text, encoding="utf-8", errors="surrogatepass")
        return read_manifests(root)


def assert_read_or_refused_by_name(lock: str, manifest: Manifest) -> None:
    """The vulnerable pin is audited, or the lock is refused naming a key (or why the
    whole file cannot be read)."""
    if ("requests", "2.19.0") in {(p.name, p.version) for p in manifest.pins}:
        return
    refusals = [p for p in manifest.problems if p.path == lock]
    assert refusals, manifest
    whole_file = ("not valid", "empty", "JSON object", "not a valid")
    for problem in refusals:
        assert problem.reason.startswith('"') or any(w in problem.reason for w in whole_file)
        assert "\n" not in problem.reason


@pytest.mark.parametrize("lock", sorted(VALID))
def test_the_valid_locks_pin_requests(lock: str) -> None:
    manifest = read(lock, render(lock, VALID[lock]))
    assert [(p.name, p.version, p.path) for p in manifest.pins] == [("requests", "2.19.0", lock)]
    assert manifest.problems == ()


@pytest.mark.parametrize("lock", sorted(VALID))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_value_of_any_type_anywhere_is_read_or_refused(lock: str, data: st.DataObject) -> None:
    document = VALID[lock]
    at = data.draw(st.sampled_from(paths(document)), label="at")
    value = data.draw(VALUES, label="value")
    delete = data.draw(st.booleans(), label="delete")
    assert_read_or_refused_by_name(
        lock, read(lock, render(lock, mutated(document, at, value, delete)))
    )


@pytest.mark.parametrize("lock", sorted(VALID))
@settings(max_examples=100, deadline=None)
@given(
    document=st.dictionaries(
        st.sampled_from(["package", "default", "_meta", "version", "metadata", "develop"]),
        VALUES,
        max_size=4,
    )
)
def test_any_document_is_read_or_refused(lock: str, document: dict[str, Any]) -> None:
    assert_read_or_refused_by_name(lock, read(lock, render(lock, document)))


# Valid manifests declaring the vulnerable pin, where in each the pin is written, and the
# types each place on the way to it may have.
DECLARED: dict[str, tuple[dict[str, Any], tuple[Any, ...], tuple[tuple[type, ...], ...]]] = {
    "pyproject.toml": (
        {
            "project": {
                "name": "fn",
                "dependencies": ["requests==2.19.0"],
                "optional-dependencies": {"xray": ["aws-xray-sdk==2.14.0"]},
            },
            "dependency-groups": {"dev": ["pytest==8.3.3", {"include-group": "lint"}]},
            "tool": {
                "uv": {"dev-dependencies": ["ruff==0.6.9"]},
                "pdm": {"dev-dependencies": {"lint": ["mypy==1.11.2"]}},
                "poetry": {"group": {"docs": {"dependencies": {"mkdocs": "1.6.1"}}}},
            },
        },
        ("project", "dependencies", 0),
        ((dict,), (list,), (str,)),
    ),
    "Pipfile": (
        {"packages": {"requests": {"version": "==2.19.0"}}, "dev-packages": {"pytest": "*"}},
        ("packages", "requests", "version"),
        ((dict,), (dict, str, list), (str,)),
    ),
}


def read_declared(name: str, text: str) -> Manifest:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        return read_manifests(root)


@pytest.mark.parametrize("name", sorted(DECLARED))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_manifest_value_of_any_type_anywhere_is_read_or_refused(
    name: str, data: st.DataObject
) -> None:
    """The pin is read unless the change was to the pin itself; a value of a type the
    reader does not expect is refused by key, never skipped."""
    document, pin, allowed = DECLARED[name]
    at = data.draw(st.sampled_from(paths(document)[1:]), label="at")
    value = data.draw(VALUES, label="value")
    delete = data.draw(st.booleans(), label="delete")
    manifest = read_declared(name, render(name, mutated(document, at, value, delete)))
    if manifest.problems:
        assert_read_or_refused_by_name(name, manifest)
    elif pin[: len(at)] != at:
        assert ("requests", "2.19.0") in {(p.name, p.version) for p in manifest.pins}
    else:  # the pin's own place changed: to a shape the reader reads, or it is refused
        assert delete or isinstance(value, allowed[len(at) - 1]), manifest
