"""The findings cache: reused while nothing a scanner reads has changed, rebuilt when its
files, its version or the policy it runs under change; never trusted over a failed worker.
The real bandit does the scanning (the fastest scanner; the cache is the same for all)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

import gate.scan.cache
import gate.scan.run
from gate.safefile import NotReadable, read_regular
from gate.scan.cache import FindingsCache
from gate.scan.cachekey import CacheKeyError, cache_key, key_path, sign
from gate.scan.cachestore import SCHEMA
from tests.conftest import EXAMPLES, RunGate, only_scanners
from tests.test_worker_faults import fake_worker

BANDIT = only_scanners("bandit")
HANDLER = "import subprocess\n\n\ndef handler(event, context):\n    return event['id']\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three functions' code directories and a policy that runs bandit alone."""
    root = tmp_path / "repo"
    for name in ("orders", "refunds", "reports"):
        (root / "functions" / name).mkdir(parents=True)
        (root / "functions" / name / "app.py").write_text(HANDLER, "utf-8")
    (tmp_path / "gate.yml").write_text(BANDIT, "utf-8")
    return root


def check(run_gate: RunGate, repo: Path, *extra: str) -> dict[str, object]:
    policy = str(repo.parent / "gate.yml")
    result = run_gate("check", str(repo), "--policy", policy, "--format", "json", *extra)
    assert result.code in (0, 1), result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def cache_of(report: dict[str, object]) -> object:
    scanners = report["scanners"]
    assert isinstance(scanners, list)
    return next(s["cache"] for s in scanners if s["name"] == "bandit")


def findings(report: dict[str, object]) -> list[tuple[str, str, int]]:
    listed = report["findings"]
    assert isinstance(listed, list)
    return sorted((f["rule_id"], f["path"], f["start_line"]) for f in listed)


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "findings").glob("*/*.json"))


def read_entry(path: Path) -> dict[str, Any]:
    """The JSON of an entry, below its MAC line."""
    data: dict[str, Any] = json.loads(path.read_bytes().partition(b"\n")[2])
    return data


def write_entry(path: Path, data: dict[str, Any]) -> None:
    """An entry as the gate would write it: signed with this user's key (what only
    someone holding the key can do)."""
    body = json.dumps(data).encode()
    path.write_bytes(f"{SCHEMA} {sign(cache_key(), path.stem, body)}\n".encode() + body)


def test_an_unchanged_tree_comes_whole_from_the_cache(run_gate: RunGate, repo: Path) -> None:
    cold = check(run_gate, repo)
    assert cache_of(cold) == {"reused": 0, "parts": 3}
    warm = check(run_gate, repo)
    assert cache_of(warm) == {"reused": 3, "parts": 3}
    assert findings(warm) == findings(cold) != []


def test_a_changed_file_rescans_its_part_only(run_gate: RunGate, repo: Path) -> None:
    check(run_gate, repo)
    handler = repo / "functions" / "refunds" / "app.py"
    handler.write_text(HANDLER + "\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n")
    changed = check(run_gate, repo)
    assert cache_of(changed) == {"reused": 2, "parts": 3}
    assert ("B602", "functions/refunds/app.py", 9) in findings(changed)
    assert findings(changed) == findings(check(run_gate, repo, "--no-cache"))


def test_a_new_scanner_version_rescans_everything(
    run_gate: RunGate, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(run_gate, repo)
    monkeypatch.setattr(gate.scan.cache, "version", lambda name: version(name) + ".post1")
    assert cache_of(check(run_gate, repo)) == {"reused": 0, "parts": 3}


def test_only_a_policy_change_that_reaches_the_scanner_rescans(
    run_gate: RunGate, repo: Path
) -> None:
    check(run_gate, repo)
    policy = repo.parent / "gate.yml"
    policy.write_text(BANDIT + "fail_on: low\n", "utf-8")  # judged afresh, scanned as before
    stricter = check(run_gate, repo)
    assert cache_of(stricter) == {"reused": 3, "parts": 3}
    assert stricter["decision"] == "fail"  # B404 is low
    policy.write_text(BANDIT + "  bandit: {scan_vendored: true}\n", "utf-8")
    assert cache_of(check(run_gate, repo)) == {"reused": 0, "parts": 3}


def test_a_corrupt_entry_is_ignored_and_rebuilt(
    run_gate: RunGate, repo: Path, private_cache: Path
) -> None:
    cold = check(run_gate, repo)
    damaged = entries(private_cache)
    assert len(damaged) == 3
    damaged[0].write_text('{"schema": "gate-cache/2", "records": ', "utf-8")
    write_entry(damaged[1], {"schema": SCHEMA, "records": []})
    again = check(run_gate, repo)
    assert cache_of(again) == {"reused": 1, "parts": 3}
    assert findings(again) == findings(cold)
    assert all(read_entry(p)["schema"] == SCHEMA for p in damaged)
    assert cache_of(check(run_gate, repo)) == {"reused": 3, "parts": 3}


def test_an_entry_the_parser_refuses_costs_a_rescan_not_a_failure(
    run_gate: RunGate, repo: Path, private_cache: Path
) -> None:
    cold = check(run_gate, repo)
    for entry in entries(private_cache):  # well-formed entries holding a broken record
        data = read_entry(entry)
        data["records"]["issues"] = [{"filename": "functions/orders/app.py"}]
        write_entry(entry, data)
    again = check(run_gate, repo)
    assert cache_of(again) == {"reused": 0, "parts": 3}
    assert findings(again) == findings(cold)
    assert cache_of(check(run_gate, repo)) == {"reused": 3, "parts": 3}


def test_a_cached_audit_still_says_what_advisory_data_it_used(
    run_gate: RunGate, tmp_path: Path
) -> None:
    policy = tmp_path / "audit.yml"
    policy.write_text(only_scanners("pip-audit"), "utf-8")
    bundle = str(EXAMPLES / "orders-api-insecure")
    runs = [
        json.loads(run_gate("check", bundle, "--policy", str(policy), "--format", "json").stdout)
        for _ in range(2)
    ]
    cold, warm = runs
    assert [s["cache"] for s in warm["scanners"] if s["name"] == "pip-audit"] == [
        {"reused": 1, "parts": 1}
    ]
    assert warm["advisories"] == cold["advisories"] is not None
    assert "advisories-stale" in [w["code"] for w in warm["warnings"]]
    assert warm["warnings"] == cold["warnings"]


def test_no_cache_neither_reads_nor_writes(
    run_gate: RunGate, repo: Path, private_cache: Path
) -> None:
    assert cache_of(check(run_gate, repo, "--no-cache")) is None
    assert entries(private_cache) == []


def test_a_failed_worker_fails_the_scan_whatever_the_cache_holds(
    run_gate: RunGate, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(run_gate, repo)
    (repo / "functions" / "orders" / "app.py").write_text(HANDLER + "# changed\n")
    monkeypatch.setattr(gate.scan.run, "worker_argv", fake_worker("import os; os._exit(3)"))
    result = run_gate("check", str(repo), "--policy", str(repo.parent / "gate.yml"))
    assert result.code == 2


# Answers for every target, well formed enough to split by part, but that bandit's parser
# cannot understand (an issue without its fields).
UNDERSTOOD_BY_NONE = """\
import json, sys
request = json.load(sys.stdin)
results = [
    {"bundle": t["bundle"], "issues": [{"filename": "functions/orders/app.py"}], "skipped": []}
    for t in request["targets"]
]
print(json.dumps({"version": "0", "output": {"results": results}}))
"""


def test_output_the_parser_refuses_is_not_cached(
    run_gate: RunGate, repo: Path, monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    monkeypatch.setattr(gate.scan.run, "worker_argv", fake_worker(UNDERSTOOD_BY_NONE))
    result = run_gate("check", str(repo), "--policy", str(repo.parent / "gate.yml"))
    assert result.code == 2 and "could not be understood" in result.stdout + result.stderr
    assert entries(private_cache) == []
    monkeypatch.undo()
    monkeypatch.setenv("GATE_CACHE_DIR", str(private_cache))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(private_cache / "config"))
    assert cache_of(check(run_gate, repo)) == {"reused": 0, "parts": 3}


def test_a_cache_directory_others_can_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "findings"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    assert FindingsCache.open(tmp_path) is None
    shared.chmod(0o700)
    assert FindingsCache.open(tmp_path) is not None


def test_the_cache_stays_within_its_bound(
    run_gate: RunGate, repo: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATE_CACHE_MAX_MB", "0")
    check(run_gate, repo)
    assert entries(private_cache) == []


@pytest.mark.slow
def test_concurrent_runs_share_the_cache_safely(repo: Path, private_cache: Path) -> None:
    argv = [
        sys.executable,
        "-m",
        "gate",
        "check",
        str(repo),
        "--policy",
        str(repo.parent / "gate.yml"),
    ]
    env = dict(os.environ, GATE_CACHE_DIR=str(private_cache))
    runs = [
        subprocess.Popen([*argv, "--format", "json"], stdout=subprocess.PIPE, env=env)
        for _ in range(3)
    ]
    reports = [json.loads(run.communicate(timeout=120)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert len({json.dumps(findings(r)) for r in reports}) == 1
    assert len(entries(private_cache)) == 3


def test_who_may_write_the_advisory_data_keys_the_audit(tmp_path: Path) -> None:
    # The worker refuses a cached database others can write: such a change must not
    # reuse findings made from it when it was trusted.
    snapshot = tmp_path / "advisories.json.gz"
    snapshot.write_bytes(b"data")
    snapshot.chmod(0o600)
    before = gate.safefile.files_fingerprint(snapshot)
    snapshot.chmod(0o620)
    assert gate.safefile.files_fingerprint(snapshot) != before


def test_without_cached_parts_a_refused_output_is_not_scanned_twice(
    run_gate: RunGate, repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    counting = f"open({str(runs)!r}, 'a').write('run\\n')\n" + UNDERSTOOD_BY_NONE
    monkeypatch.setattr(gate.scan.run, "worker_argv", fake_worker(counting))
    result = run_gate("check", str(repo), "--policy", str(repo.parent / "gate.yml"))
    assert result.code == 2
    assert runs.read_text().count("run") == 1


def test_an_entry_copied_to_another_part_does_not_verify(tmp_path: Path) -> None:
    """The MAC covers the entry's cache key: a clean part's entry, valid in itself, cannot
    stand in for a part with findings."""
    store = FindingsCache.open(tmp_path)
    assert store is not None
    clean, dirty = "a" * 64, "b" * 64
    store.put(clean, {"version": "1", "records": {"issues": []}, "extra": {}})
    assert store.get(clean) is not None
    copy = tmp_path / "findings" / "bb" / f"{dirty}.json"
    copy.parent.mkdir(mode=0o700)
    copy.write_bytes((tmp_path / "findings" / "aa" / f"{clean}.json").read_bytes())
    assert store.get(dirty) is None
    assert store.rejected == {dirty}


def test_the_key_comes_from_the_environment_or_a_private_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("GATE_CACHE_KEY", "ci-secret")
    from_env = cache_key()
    assert not key_path().exists()
    monkeypatch.setenv("GATE_CACHE_KEY", "")  # a secret a fork's run is not given
    from_file = cache_key()
    assert from_file != from_env and cache_key() == from_file
    assert key_path().stat().st_mode & 0o777 == 0o600
    assert key_path().parent.stat().st_mode & 0o777 == 0o700
    key_path().chmod(0o644)
    with pytest.raises(CacheKeyError, match="open to other users"):
        cache_key()


def test_a_file_read_for_the_gate_is_bounded_and_never_a_link_when_told(tmp_path: Path) -> None:
    small, big, link = tmp_path / "small", tmp_path / "big", tmp_path / "link"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"x" * 11)
    link.symlink_to(small)
    assert read_regular(small, 10) == b"x" * 10
    assert read_regular(link, 10) == b"x" * 10
    with pytest.raises(NotReadable, match="larger than 10 bytes"):
        read_regular(big, 10)
    with pytest.raises(NotReadable, match="symbolic link"):
        read_regular(link, 10, follow=False)


def test_without_a_way_to_make_a_key_the_run_goes_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", "utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))  # its key folder cannot be made
    assert FindingsCache.open(tmp_path) is None


AUDIT = only_scanners("pip-audit")


def audit_cache(report: dict[str, object]) -> object:
    scanners = report["scanners"]
    assert isinstance(scanners, list)
    return next(s["cache"] for s in scanners if s["name"] == "pip-audit")


def test_the_audit_is_keyed_by_what_it_reads(run_gate: RunGate, repo: Path) -> None:
    """A changed handler keeps the audit's entry (the audit reads manifests and package
    metadata, never code); a change to a file a requirements file includes, whatever its
    name, or a new metadata folder, even an empty one, does not."""
    (repo.parent / "gate.yml").write_text(AUDIT, "utf-8")
    orders = repo / "functions" / "orders"
    (orders / "requirements.txt").write_text("-r deps/base.in\n", "utf-8")
    (orders / "deps").mkdir()
    (orders / "deps" / "base.in").write_text("requests==2.31.0\n", "utf-8")
    assert audit_cache(check(run_gate, repo)) == {"reused": 0, "parts": 1}
    (orders / "app.py").write_text(HANDLER + "# changed\n", "utf-8")
    assert audit_cache(check(run_gate, repo)) == {"reused": 1, "parts": 1}
    (orders / "deps" / "base.in").write_text("requests==2.19.0\n", "utf-8")
    changed = check(run_gate, repo)
    assert audit_cache(changed) == {"reused": 0, "parts": 1}
    assert changed["findings"] == check(run_gate, repo, "--no-cache")["findings"] != []
    (orders / "vendored.dist-info").mkdir()
    policy = str(repo.parent / "gate.yml")
    result = run_gate("check", str(repo), "--policy", policy)
    assert result.code == 2 and "vendored.dist-info" in result.stderr, result.stderr
