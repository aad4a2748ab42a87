"""Hostile cases for the findings cache, its key, and the files a user names (policy,
baseline, advisory database): a poisoned or planted cache entry is never trusted, a
FIFO or device never hangs the gate, and no secret the scanners saw is kept in the
cache."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, RunGate
from tests.hostile.conftest import HostileRun, Sandbox, assert_blocks, assert_refused

INSECURE = EXAMPLES / "orders-api-insecure"
REJECTED = "cache-entries-rejected"


SCANNED_AS = Path("..", "bundle")
"""The bundle as the shared cold run named it (relative to a sandbox's working directory):
a finding's fingerprint holds its bundle's id, so runs compare only under one name."""


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sandbox, HostileRun]:
    """The insecure example scanned once, so that its cache holds it; and that run."""
    box = Sandbox(tmp_path_factory.mktemp("scanned"))
    shutil.copytree(INSECURE, box.bundle, dirs_exist_ok=True)
    cold = rerun(box)
    assert_blocks(cold)
    assert entries(box)
    return box, cold


def insecure(sandbox: Sandbox, scanned: tuple[Sandbox, HostileRun]) -> HostileRun:
    """The insecure example as the bundle, with the cache and key one run of it left (the
    `scanned` run's, copied); that run."""
    box, cold = scanned
    shutil.copytree(box.bundle, sandbox.bundle, dirs_exist_ok=True)
    shutil.copytree(box.cache / "findings", sandbox.cache / "findings")
    shutil.copytree(box.home / ".config", sandbox.home / ".config")
    return cold


def rerun(sandbox: Sandbox) -> HostileRun:
    """`gate check` of the bundle, named as the shared cold run named it, JSON out."""
    return sandbox.run("--format", "json", target=SCANNED_AS)


def entries(sandbox: Sandbox) -> list[Path]:
    return sorted((sandbox.cache / "findings").glob("*/*.json"))


def split(path: Path) -> tuple[bytes, dict[str, Any]]:
    """An entry's header line (empty for an unauthenticated one) and its JSON."""
    data = path.read_bytes()
    if data.startswith(b"{"):
        return b"", json.loads(data)
    header, _, body = data.partition(b"\n")
    return header, json.loads(body)


def emptied(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with every record gone: "nothing found here"."""
    return {**entry, "records": {name: [] for name in entry["records"]}}


def poison(path: Path, sign: Callable[[Path, bytes], str]) -> None:
    """Rewrite the entry emptied of its findings, with the header `sign` makes."""
    header, entry = split(path)
    body = json.dumps(emptied(entry), separators=(",", ":")).encode()
    if not header:
        path.write_bytes(body)
        return
    schema = header.split(b" ")[0].decode()
    path.write_bytes(f"{schema} {sign(path, body)}\n".encode() + body)


def findings_of(run: HostileRun) -> list[tuple[str, str, str]]:
    report = json.loads(run.stdout)
    return sorted((f["fingerprint"], f["rule_id"], f["status"]) for f in report["findings"])


def warning_codes(run: HostileRun) -> list[str]:
    return [w["code"] for w in json.loads(run.stdout)["warnings"]]


FORGERIES: dict[str, Callable[[Path, bytes], str]] = {
    "sha256-of-body": lambda _path, body: hashlib.sha256(body).hexdigest(),
    "hmac-empty-key": lambda path, body: hmac.new(
        b"", path.stem.encode() + b"\0" + body, hashlib.sha256
    ).hexdigest(),
    "hmac-key-guessed-from-name": lambda path, body: hmac.new(
        path.stem.encode(), path.stem.encode() + b"\0" + body, hashlib.sha256
    ).hexdigest(),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_poisoned_entry_is_rescanned_and_the_insecure_example_still_fails(
    sandbox: Sandbox, scanned: tuple[Sandbox, HostileRun], forgery: str
) -> None:
    cold = insecure(sandbox, scanned)
    for path in entries(sandbox):
        poison(path, FORGERIES[forgery])
    again = rerun(sandbox)
    assert_blocks(again)
    assert findings_of(again) == findings_of(cold)
    assert REJECTED in warning_codes(again)


def test_an_entry_with_a_wrong_mac_is_rebuilt(
    sandbox: Sandbox, scanned: tuple[Sandbox, HostileRun]
) -> None:
    cold = insecure(sandbox, scanned)
    path = entries(sandbox)[0]
    data = bytearray(path.read_bytes())
    data[20] = ord("0") if data[20] != ord("0") else ord("1")  # a digit of the MAC
    path.write_bytes(bytes(data))
    again = rerun(sandbox)
    assert findings_of(again) == findings_of(cold)
    assert REJECTED in warning_codes(again)
    assert path.read_bytes() != bytes(data)  # written again
    assert REJECTED not in warning_codes(rerun(sandbox))


def test_entries_written_under_another_key_are_rebuilt(sandbox: Sandbox) -> None:
    shutil.copytree(INSECURE, sandbox.bundle, dirs_exist_ok=True)
    first = sandbox.run("--format", "json", env={"GATE_CACHE_KEY": "the-base-branch-secret"})
    assert_blocks(first)
    other = sandbox.run("--format", "json", env={"GATE_CACHE_KEY": "someone-else's-key"})
    assert_blocks(other)
    assert findings_of(other) == findings_of(first)
    assert REJECTED in warning_codes(other)
    cached = [s["cache"] for s in json.loads(other.stdout)["scanners"] if s["cache"]]
    assert cached and all(c["reused"] == 0 for c in cached)
    third = sandbox.run("--format", "json", env={"GATE_CACHE_KEY": "someone-else's-key"})
    assert REJECTED not in warning_codes(third)


def key_file(sandbox: Sandbox) -> Path:
    return sandbox.home / ".config" / "serverless-gate" / "cache.key"


KEY_FAULTS: dict[str, Callable[[Path], None]] = {
    "file-group-readable": lambda key: key.chmod(0o640),
    "file-world-readable": lambda key: key.chmod(0o604),
    "file-group-writable": lambda key: key.chmod(0o620),
    "folder-world-writable": lambda key: key.parent.chmod(0o777),
    "file-of-another-user": lambda key: os.chown(key, 65534, 65534),
    "file-a-symlink": lambda key: _relink(key, key.parent / "elsewhere"),
}


def _relink(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize("fault", sorted(KEY_FAULTS))
def test_a_key_file_others_could_read_or_replace_is_refused(sandbox: Sandbox, fault: str) -> None:
    """Decided: refused, with one line saying how to fix it (not silently replaced: a
    key others could read means entries already in the cache may be forged)."""
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    assert sandbox.run().code == 0
    key = key_file(sandbox)
    (key.parent / "elsewhere").write_text("00" * 32, "ascii")
    KEY_FAULTS[fault](key)
    run = sandbox.run()
    assert_refused(run, str(key if fault != "folder-world-writable" else key.parent), "cache")
    assert len(run.lines) == 1, run.stderr
    assert sandbox.run("--no-cache").code == 0  # the way out the message names


def test_a_fifo_in_place_of_an_entry_does_not_hang(
    sandbox: Sandbox, scanned: tuple[Sandbox, HostileRun]
) -> None:
    cold = insecure(sandbox, scanned)
    path = entries(sandbox)[0]
    path.unlink()
    os.mkfifo(path)
    again = rerun(sandbox)
    assert_blocks(again)
    assert findings_of(again) == findings_of(cold)
    assert path.is_file() and not path.is_symlink()  # replaced by a real entry


@pytest.mark.parametrize("target", ["a-copy-of-the-entry", "dev-zero"])
def test_a_symlink_in_place_of_an_entry_is_not_followed(
    sandbox: Sandbox, scanned: tuple[Sandbox, HostileRun], target: str
) -> None:
    cold = insecure(sandbox, scanned)
    path = entries(sandbox)[0]
    outside = sandbox.base / "outside.json"
    if target == "dev-zero":
        outside = Path("/dev/zero")
    else:
        header, entry = split(path)
        outside.write_bytes(header + b"\n" + json.dumps(emptied(entry)).encode())
    path.unlink()
    path.symlink_to(outside)
    before = outside.read_bytes() if target != "dev-zero" else b""
    again = rerun(sandbox)
    assert_blocks(again)
    assert findings_of(again) == findings_of(cold)
    assert not path.is_symlink()
    if target != "dev-zero":
        assert outside.read_bytes() == before


def test_an_entry_folder_linked_out_of_the_cache_is_neither_read_nor_written(
    sandbox: Sandbox, scanned: tuple[Sandbox, HostileRun]
) -> None:
    cold = insecure(sandbox, scanned)
    folder = entries(sandbox)[0].parent
    outside = sandbox.base / "outside"
    shutil.copytree(folder, outside)
    for path in outside.iterdir():
        poison(path, lambda _path, _body: "0" * 64)
    snapshot = {p.name: p.read_bytes() for p in outside.iterdir()}
    shutil.rmtree(folder)
    folder.symlink_to(outside, target_is_directory=True)
    again = rerun(sandbox)
    assert_blocks(again)
    assert findings_of(again) == findings_of(cold)
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == snapshot


def _fifo(sandbox: Sandbox) -> Path:
    path = sandbox.base / "named-pipe"
    os.mkfifo(path)
    return path


def _oversized(sandbox: Sandbox) -> Path:
    path = sandbox.base / "huge.yml"
    path.write_bytes(b"version: 1\n" + b"# padding\n" * 220_000)
    return path


def _folder(sandbox: Sandbox) -> Path:
    path = sandbox.base / "policy-folder"
    path.mkdir()
    return path


NAMED_FILES: dict[str, tuple[Callable[[Sandbox], Path], str]] = {
    "fifo": (_fifo, "FIFO"),
    "dev-zero": (lambda _s: Path("/dev/zero"), "character device"),
    "dev-urandom": (lambda _s: Path("/dev/urandom"), "character device"),
    "oversized": (_oversized, "larger than 1 MiB"),
    "directory": (_folder, "directory"),
}


@pytest.mark.parametrize("kind", sorted(NAMED_FILES))
def test_a_policy_that_is_not_a_regular_file_is_refused_at_once(
    sandbox: Sandbox, kind: str
) -> None:
    make, why = NAMED_FILES[kind]
    path = make(sandbox)
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    run = sandbox.run("--policy", str(path), policy=None)
    assert_refused(run, str(path), "policy", why)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_a_baseline_that_is_not_a_regular_file_is_refused(sandbox: Sandbox, kind: str) -> None:
    make, why = NAMED_FILES[kind]
    path = make(sandbox)
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    run = sandbox.run("--baseline", str(path))
    assert_refused(run, str(path), "baseline", why)


def _fifo_named_zip(base: Path) -> Path:
    os.mkfifo(base / "db.zip")
    return base / "db.zip"


def _fifo_record_in_folder(base: Path) -> Path:
    (base / "db").mkdir()
    os.mkfifo(base / "db" / "PYSEC-1.json")
    return base / "db"


def _record_linked_to_dev_zero(base: Path) -> Path:
    (base / "db").mkdir()
    (base / "db" / "PYSEC-1.json").symlink_to("/dev/zero")
    return base / "db"


ADVISORY_DBS: dict[str, Callable[[Path], Path]] = {
    "fifo-named-zip": _fifo_named_zip,
    "fifo-record-in-folder": _fifo_record_in_folder,
    "record-linked-to-dev-zero": _record_linked_to_dev_zero,
}


@pytest.mark.parametrize("kind", sorted(ADVISORY_DBS))
def test_an_advisory_database_holding_a_fifo_or_device_is_refused(
    sandbox: Sandbox, kind: str
) -> None:
    database = ADVISORY_DBS[kind](sandbox.base)
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    sandbox.write("requirements.txt", "requests==2.19.0\n")
    run = sandbox.run("--advisory-db", str(database))
    assert_refused(run, str(database))


SECRETS = (
    "hunter2hunter2hunter2",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
)
LEAKY_HANDLER = f"""\
import subprocess

password = "{SECRETS[0]}"
AWS_ACCESS_KEY_ID = "{SECRETS[1]}"


def connect(host, password="{SECRETS[0]}"):
    return host, password


def handler(event, context):
    connect("db", password="{SECRETS[0]}")
    subprocess.call(event["cmd"] + " --key {SECRETS[1]}", shell=True)  # {SECRETS[2]}
    return subprocess.call(event["x"], shell=True)  # token {SECRETS[1]}
"""
LEAKY_REQUIREMENTS = f"private-lib @ git+https://deploy:{SECRETS[3]}@github.com/o/private-lib\n"


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(None, id="all-scanners", marks=pytest.mark.slow),
        pytest.param("version: 1\nscanners:\n  checkov: {enabled: false}\n", id="no-checkov"),
    ],
)
def test_no_secret_reaches_the_cache_and_fingerprints_match_an_uncached_run(
    sandbox: Sandbox, policy: str | None
) -> None:
    sandbox.write("src/app.py", LEAKY_HANDLER)
    sandbox.write("src/requirements.txt", LEAKY_REQUIREMENTS)
    uncached = sandbox.run("--format", "json", "--no-cache", policy=policy)
    cold = sandbox.run("--format", "json", policy=policy)
    warm = sandbox.run("--format", "json", policy=policy)
    rules = {rule for _, rule, _ in findings_of(cold)}
    assert {"B105", "B106", "B107", "GATE-SLS-001", "GATE-DEP-002"} <= rules, rules
    assert findings_of(uncached) == findings_of(cold) == findings_of(warm)
    assert all(
        s["cache"] is None or s["cache"]["reused"] == s["cache"]["parts"]
        for s in json.loads(warm.stdout)["scanners"]
    )
    stored = [p for p in sandbox.cache.rglob("*") if p.is_file() and not p.is_symlink()]
    assert any(p.suffix == ".json" for p in stored)
    for path in stored:
        data = path.read_bytes()
        leaked = [s for s in SECRETS if s.encode() in data]
        assert not leaked, f"{path} holds {leaked}"


def test_a_gate_yml_in_the_working_directory_that_is_a_fifo_is_refused(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not passed over for the built-in default (which the author of ./gate.yml did not
    choose): refused."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "app.py").write_text("def handler(event, context):\n    return 1\n", "utf-8")
    os.mkfifo(tmp_path / "gate.yml")
    monkeypatch.chdir(tmp_path)
    result = run_gate("check", str(bundle))
    assert result.code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("gate: error:")]
    assert len(lines) == 1 and "gate.yml" in lines[0] and "FIFO" in lines[0], result.stderr


def _one_error(result: Any, *named: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.startswith("gate: error:")]
    assert result.code == 2, (result.code, result.stderr)
    assert len(lines) == 1 and all(text in lines[0] for text in named), result.stderr
    assert "Traceback" not in result.stderr


def test_gate_merge_refuses_a_report_that_is_a_fifo(run_gate: RunGate, tmp_path: Path) -> None:
    report = tmp_path / "shard-1.json"
    os.mkfifo(report)
    _one_error(run_gate("merge", str(report)), str(report), "FIFO")


def test_policy_validate_refuses_a_device(run_gate: RunGate) -> None:
    _one_error(run_gate("policy", "validate", "/dev/zero"), "/dev/zero", "character device")


def test_db_update_refuses_records_that_are_fifos(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    database = _fifo_record_in_folder(tmp_path)
    _one_error(run_gate("db", "update", "--from", str(database)), "PYSEC-1.json", "FIFO")
