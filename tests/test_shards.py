"""--shard I/N splits the functions across jobs; `gate merge` joins the shards' reports
into the report and decision of one whole run, and refuses shards that do not belong
together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.errors import UsageError
from gate.model import Bundle, Function
from gate.reports import RENDERERS, RenderOptions
from gate.reports.read import verdict_of
from gate.scan.shards import Shard, assignment
from tests.conftest import ASSETS, RunGate, only_scanners
from tests.reports.test_reports import saved_verdict

SHOP = ASSETS / "repos" / "shop"
# Every scanner but checkov, the slowest: the sharding is the same for all.
POLICY = only_scanners("bandit", "pip-audit", "serverless")


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "2", "a/b", "-1/2", "1/3/5"])
def test_a_malformed_shard_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="1 <= I <= N"):
        Shard.parse(text)


def test_functions_are_dealt_round_robin_in_a_stable_order() -> None:
    def function(name: str) -> Function:
        return Function(name, "sam", "t.yaml", 1, f"X.{name}", None, None, None, None, None)

    bundles = [
        Bundle("b", Path("b"), functions=(function("zeta"), function("alpha"))),
        Bundle("a", Path("a"), functions=(function("mid"),)),
    ]
    assert assignment(bundles, 2) == {("a", "mid"): 1, ("b", "alpha"): 2, ("b", "zeta"): 1}
    assert assignment(list(reversed(bundles)), 2) == assignment(bundles, 2)


def test_a_report_reads_back_as_it_was_written() -> None:
    written = json.loads(RENDERERS["json"](saved_verdict(), RenderOptions()))
    again = json.loads(RENDERERS["json"](verdict_of(written), RenderOptions()))
    assert again == written


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shop repository judged whole and in three shards (JSON reports)."""
    from gate.cli import main

    out = tmp_path_factory.mktemp("shards")
    policy = out / "gate.yml"
    policy.write_text(POLICY, "utf-8")
    runs = {"whole": [], **{f"{i}": ["--shard", f"{i}/3"] for i in (1, 2, 3)}}
    reports = {}
    for name, extra in runs.items():
        reports[name] = out / f"{name}.json"
        args = [str(SHOP), "--policy", str(policy), "--no-cache", *extra]
        main(["check", *args, "--format", "json", "--output", str(reports[name])])
    return reports


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def comparable(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (f["fingerprint"], f["path"], f["start_line"], f["status"], tuple(f["functions"]))
        for f in report["findings"]
    )


@pytest.mark.slow
def test_the_shards_together_are_the_whole_run(
    run_gate: RunGate, shards: dict[str, Path], tmp_path: Path
) -> None:
    whole = load(shards["whole"])
    parts = [load(shards[i]) for i in "123"]
    assert sum(bool(p["findings"]) for p in parts) >= 2  # the work is spread
    assert sum(len(p["findings"]) for p in parts) == len(whole["findings"])
    merged_path = tmp_path / "merged.json"
    result = run_gate(
        "merge", *(str(shards[i]) for i in "312"), "--format", "json", "--output", str(merged_path)
    )
    merged = load(merged_path)
    assert result.code == 1
    assert merged["decision"] == whole["decision"]
    assert comparable(merged) == comparable(whole)
    assert merged["summary"] == whole["summary"]
    assert merged["shard"] is None
    console = run_gate("merge", *(str(shards[i]) for i in "123"), "--quiet")
    assert console.stdout.splitlines()[-1].startswith("FAIL: ")


def altered(source: Path, target: Path, change: Any) -> Path:
    data = load(source)
    change(data)
    target.write_text(json.dumps(data), "utf-8")
    return target


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["git"].update(commit="0" * 40), "differ in commit"),
        (lambda r: r["policy"].update(sha256="f" * 64), "differ in policy"),
        (lambda r: r["tool"].update(version="0.0.1"), "differ in gate version"),
        (lambda r: r["shard"].update(count=4), "differ in shard count"),
        (lambda r: r["shard"].update(index=1), "shard 1/3 given twice"),
        (lambda r: r.update(shard=None), "not a shard's report"),
        (
            lambda r: r.update(
                diff={"base": "main", "merge_base": "a" * 40, "changed_files": 1, "preexisting": 0}
            ),
            "differ in diff base",
        ),
        (
            lambda r: r.update(baseline={"source": "b.json", "matched": 0, "fixed": []}),
            "differ in baseline",
        ),
        (lambda r: r["advisories"].update(date="2030-01-01"), "differ in advisory data"),
        (lambda r: r.pop("findings"), "not a gate-report/1 report"),
    ],
    ids=[
        "commit",
        "policy",
        "gate",
        "count",
        "twice",
        "unsharded",
        "diff",
        "baseline",
        "advisories",
        "invalid",
    ],
)
def test_mismatched_shards_are_refused(
    run_gate: RunGate, shards: dict[str, Path], tmp_path: Path, change: Any, expected: str
) -> None:
    odd = altered(shards["3"], tmp_path / "odd.json", change)
    result = run_gate("merge", str(shards["1"]), str(shards["2"]), str(odd))
    assert result.code == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_missing_shard_is_refused(run_gate: RunGate, shards: dict[str, Path]) -> None:
    result = run_gate("merge", str(shards["1"]), str(shards["3"]))
    assert result.code == 2
    assert "shard 2/3 missing" in result.stderr


def test_a_file_that_is_not_json_is_one_clear_line(run_gate: RunGate, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("<html>", "utf-8")
    result = run_gate("merge", str(junk))
    assert result.code == 2
    assert str(junk) in result.stderr and "not a JSON report" in result.stderr


# One function deploys the whole directory (CodeUri: ./), so it owns the template; the
# table's findings belong to no function. The shard that reports them must have scanned
# the template.
WHOLE_DIRECTORY = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
  AFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/a/
      Handler: app.handler
      Runtime: python3.12
  ZFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: main.handler
      Runtime: python3.12
"""


@pytest.mark.slow
def test_every_finding_comes_from_a_shard_that_scanned_its_file(
    run_gate: RunGate, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / "src" / "a").mkdir(parents=True)
    (repo / "template.yaml").write_text(WHOLE_DIRECTORY, "utf-8")
    (repo / "main.py").write_text("def handler(event, context):\n    return 1\n", "utf-8")
    (repo / "src" / "a" / "app.py").write_text("def handler(event, context):\n    return 2\n")
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("checkov") + "fail_on: medium\n", "utf-8")
    reports: list[Path] = []
    for extra in ([], ["--shard", "1/2"], ["--shard", "2/2"]):
        reports.append(tmp_path / f"report{len(reports)}.json")
        args = [str(repo), "--policy", str(policy), *extra, "--format", "json"]
        run_gate("check", *args, "--output", str(reports[-1]))
    merged = tmp_path / "merged.json"
    result = run_gate(
        "merge", str(reports[1]), str(reports[2]), "--format", "json", "--output", str(merged)
    )
    whole = load(reports[0])
    assert result.code == 1 and whole["decision"] == "fail"
    assert comparable(load(merged)) == comparable(whole) != []


def test_a_waiver_is_unused_only_if_no_shard_used_it() -> None:
    from dataclasses import replace

    from gate.model import Warning_
    from gate.scan.shards import _warnings

    unused = Warning_("waiver-unused", "waiver of B602 on src/** matched no finding; remove it")
    other = Warning_("advisories-stale", "old")
    first = replace(saved_verdict(), warnings=(unused, other))
    second = replace(saved_verdict(), warnings=(other,))
    assert _warnings([first, second]) == [other]
    assert _warnings([first, first]) == [unused, other]
