"""--diff-base: only what the change touched blocks. Real repositories built with
GitPython; the real bandit finds the problems."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import git
import pytest

from gate.bundle.discovery.extents import resource_extents
from gate.git.changes import Changes, base_bundles, changes_since, verified
from gate.model import Bundle, Finding, Function, Location, Package, Severity, Status
from gate.scan.diff import DiffScope, Seen, apply_diff, scope_of
from tests.conftest import ASSETS, RunGate, only_scanners
from tests.test_chalice import ADMIN, AUTH, EXPOSING, GUARDED, GUARDED_CONFIG
from tests.test_discovery import write
from tests.test_provenance import AUTHOR

POLICY = only_scanners("bandit") + "fail_on: high\n"
HANDLER = """\
import subprocess


def handler(event, context):
    subprocess.call(event["a"], shell=True)
    return 1
"""
EMPTY_ZIP = b"PK\x05\x06" + b"\0" * 18
ORDERS = "sam/src/orders/requirements.txt"
SHELL_CALL = '    subprocess.call(event["b"], shell=True)\n'


def commit(repo: git.Repo, message: str) -> None:
    repo.git.add(A=True)
    repo.index.commit(message, author=AUTHOR, committer=AUTHOR)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> git.Repo:
    """main has a handler with one shell call; the work tree is on branch `feature`."""
    root = tmp_path / "repo"
    repository = git.Repo.init(root, initial_branch="main")
    (root / "gate.yml").write_text(POLICY, "utf-8")
    (root / "app.py").write_text(HANDLER, "utf-8")
    commit(repository, "handler")
    repository.git.checkout("-b", "feature")
    monkeypatch.chdir(root)
    return repository


def b602(report: dict[str, object]) -> list[tuple[int, str]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return sorted((f["start_line"], f["status"]) for f in findings if f["rule_id"] == "B602")


@pytest.mark.slow
def test_only_the_new_problem_blocks(run_gate: RunGate, repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir or ".")
    lines = HANDLER.splitlines(keepends=True)
    # Code moves down two lines, and the branch adds a second shell call.
    changed = ["# orders\n", "\n", *lines[:5], SHELL_CALL, *lines[5:]]
    (root / "app.py").write_text("".join(changed), "utf-8")
    commit(repo, "another call")
    result = run_gate("check", ".", "--diff-base", "main", "--format", "json")
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    assert b602(report) == [(7, "preexisting"), (8, "blocking")]
    assert report["diff"] == {
        "base": "main",
        "merge_base": repo.commit("main").hexsha,
        "changed_files": 1,
        "preexisting": 2,  # the old shell call, and B404 on the unchanged import
    }


@pytest.mark.slow
def test_a_change_that_adds_no_problem_passes(run_gate: RunGate, repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir or ".")
    (root / "app.py").write_text(HANDLER.replace("return 1", "return 2"), "utf-8")
    commit(repo, "harmless")
    assert run_gate("check", ".").code == 1  # without diff mode the old call blocks
    result = run_gate("check", ".", "--diff-base", "main")
    assert result.code == 0, result.stdout
    assert "findings the change did not touch do not block" in result.stdout
    assert "PASS: no new blocking findings (2 reported; 2 predate the change" in result.stdout


@pytest.mark.slow
def test_uncommitted_and_untracked_code_counts_as_changed(
    run_gate: RunGate, repo: git.Repo
) -> None:
    root = Path(repo.working_tree_dir or ".")
    (root / "app.py").write_text(HANDLER + SHELL_CALL.replace("    ", "", 1), "utf-8")
    (root / "extra.py").write_text(HANDLER, "utf-8")  # never added to git
    result = run_gate("check", ".", "--diff-base", "main", "--format", "json")
    report = json.loads(result.stdout)
    statuses = sorted(
        (f["path"], f["start_line"], f["status"])
        for f in report["findings"]
        if f["rule_id"] == "B602"
    )
    assert statuses == [
        ("app.py", 5, "preexisting"),
        ("app.py", 7, "blocking"),
        ("extra.py", 5, "blocking"),
    ]


@pytest.mark.slow
def test_a_renamed_file_keeps_its_old_findings_preexisting(
    run_gate: RunGate, repo: git.Repo
) -> None:
    repo.git.mv("app.py", "handler.py")
    commit(repo, "rename")
    result = run_gate("check", ".", "--diff-base", "main", "--format", "json")
    assert result.code == 0, result.stdout
    assert {f["status"] for f in json.loads(result.stdout)["findings"]} == {"preexisting"}


@pytest.mark.parametrize("single_branch", [True, False], ids=["base-not-fetched", "base-cut-off"])
def test_a_shallow_clone_says_to_fetch_more_history(
    run_gate: RunGate,
    repo: git.Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    single_branch: bool,
) -> None:
    root = Path(repo.working_tree_dir or ".")
    (root / "app.py").write_text(HANDLER + SHELL_CALL, "utf-8")
    commit(repo, "another call")
    clone = tmp_path / "clone"
    branches = [] if single_branch else ["--no-single-branch"]
    git.Git().clone("--depth", "1", *branches, "--branch", "feature", root.as_uri(), str(clone))
    monkeypatch.chdir(clone)
    result = run_gate("check", ".", "--diff-base", "origin/main")
    assert result.code == 2
    assert "fetch-depth: 0" in result.stderr and "git fetch --unshallow" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_outside_a_repository_is_one_clear_line(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(HANDLER, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_gate("check", ".", "--diff-base", "main")
    assert result.code == 2
    assert "not in a git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_without_the_git_command_is_one_clear_line(
    run_gate: RunGate, repo: git.Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(git.Git, "GIT_PYTHON_GIT_EXECUTABLE", "/nonexistent/git")
    result = run_gate("check", ".", "--diff-base", "main")
    assert result.code == 2
    assert "git command is not installed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_ref_says_to_fetch_it(run_gate: RunGate, repo: git.Repo) -> None:
    result = run_gate("check", ".", "--diff-base", "origin/develop")
    assert result.code == 2
    assert "git fetch origin develop" in result.stderr


def test_unrelated_histories_have_no_change_to_judge(run_gate: RunGate, repo: git.Repo) -> None:
    repo.git.checkout("--orphan", "other")
    commit(repo, "unrelated")
    result = run_gate("check", ".", "--diff-base", "main")
    assert result.code == 2
    assert "share no history" in result.stderr


def test_a_bundle_outside_the_repository_is_refused(
    run_gate: RunGate, repo: git.Repo, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_gate("check", ".", str(elsewhere), "--diff-base", "main")
    assert result.code == 2
    assert "outside the repository" in result.stderr


# How each kind of finding is judged, on a real change.


def finding(path: str, line: int | None = None, **location: object) -> Finding:
    return Finding(
        scanner="s",
        rule_id="R1",
        title="t",
        message="m",
        severity=Severity.HIGH,
        bundle=".",
        location=Location(path, line, line, **location),  # type: ignore[arg-type]
        status=Status.BLOCKING,
    )


@pytest.fixture
def shop(repo: git.Repo) -> Path:
    """The shop repository's SAM app committed on main, the work tree on `feature`."""
    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    shutil.copytree(ASSETS / "repos" / "shop" / "sam", root / "sam")
    (root / "build").mkdir()
    (root / "build" / "api.zip").write_bytes(EMPTY_ZIP)
    commit(repo, "sam app")
    repo.git.checkout("feature")
    repo.git.merge("main")
    return root


def seen(findings: list[Finding]) -> Seen:
    """What a scan of the merge base found: these findings, as they are."""
    return Seen(
        {f.fingerprint: frozenset(f.functions) for f in findings},
        {f.fingerprint: f.severity for f in findings},
        Counter(f.fingerprint for f in findings),
    )


def judge(root: Path, findings: list[Finding]) -> list[str]:
    bundle = Bundle(".", root.resolve())
    changes = changes_since("main", [bundle])
    # Every finding was there at the merge base too: what decides is what the change touched.
    marked, _ = apply_diff(findings, scope_of(changes, [bundle], findings, seen(findings)))
    return [str(f.status.value if f.status else None) for f in marked]


def test_an_iac_finding_is_new_when_its_resource_changed_anywhere(
    shop: Path,
) -> None:
    root = shop
    template = root / "sam" / "template.yaml"
    extents = resource_extents(template)
    first, last = extents["AWS::Serverless::Function.OrdersFunction"]
    lines = template.read_text("utf-8").splitlines(keepends=True)
    lines[last - 1] = lines[last - 1].rstrip("\n") + "  # reviewed\n"  # the resource's last line
    template.write_text("".join(lines), "utf-8")
    resource = {"resource": "AWS::Serverless::Function.OrdersFunction"}
    other = {"resource": "AWS::Serverless::Function.RefundsFunction"}
    assert judge(
        root,
        [
            finding("sam/template.yaml", first, **resource),  # its own line is unchanged
            finding("sam/template.yaml", extents[other["resource"]][0], **other),
        ],
    ) == ["blocking", "preexisting"]


def test_dependencies_and_archives_are_judged_by_their_file(
    shop: Path,
) -> None:
    root = shop
    requirements = root / "sam" / "src" / "orders" / "requirements.txt"
    requirements.write_text(requirements.read_text("utf-8") + "boto3==1.34.0\n", "utf-8")
    (root / "build" / "layer.zip").write_bytes(EMPTY_ZIP)  # never added to git
    assert judge(
        root,
        [
            finding("sam/src/orders/requirements.txt", 1),  # the pin's line is unchanged
            finding("sam/layers/shared/requirements.txt", 1),
            finding("build/api.zip.contents/app.py", 3),
            finding("build/layer.zip.contents/python/lib.py", 3),
            finding("sam/src/orders/app.py", 1),
        ],
    ) == ["blocking", "preexisting", "preexisting", "blocking", "preexisting"]


def test_lines_next_to_a_deletion_count_as_changed(shop: Path) -> None:
    root = shop
    handler = root / "app.py"
    lines = HANDLER.splitlines(keepends=True)
    handler.write_text("".join(lines[:2] + lines[3:]), "utf-8")  # a blank line before `def`
    assert judge(root, [finding("app.py", 2), finding("app.py", 3), finding("app.py", 4)]) == [
        "blocking",
        "blocking",
        "preexisting",
    ]


def test_waived_and_suppressed_findings_keep_their_status(tmp_path: Path) -> None:
    changes = Changes("main", "0" * 40, tmp_path, {}, frozenset({"app.py"}))
    waived = Finding(
        "s", "R", "t", "m", Severity.HIGH, ".", Location("app.py", 1), status=Status.WAIVED
    )
    before = seen([replace(waived, functions=()), finding("app.py", 1)])
    scope = DiffScope(changes, {".": Bundle(".", tmp_path)}, {}, {}, before)
    marked, summary = apply_diff([waived, finding("app.py", 1)], scope)
    assert [f.status for f in marked] == [Status.WAIVED, Status.PREEXISTING]
    assert summary["preexisting"] == 1 and summary["changed_files"] == 0


def test_a_finding_in_code_a_new_function_deploys_is_new(tmp_path: Path) -> None:
    # The file did not change, but the change made a function deploy it (a CodeUri moved
    # onto it, or the file moved into a function's code): that function's risk is new.
    changes = Changes("main", "0" * 40, tmp_path, {}, frozenset({"app.py"}))
    then = finding("app.py", 1)
    before = seen([replace(then, functions=("Orders",))])
    scope = DiffScope(changes, {".": Bundle(".", tmp_path)}, {}, {}, before)
    now = [replace(then, functions=("Orders",)), replace(then, functions=("Orders", "Admin"))]
    marked, _ = apply_diff(now, scope)
    assert [f.status for f in marked] == [Status.PREEXISTING, Status.BLOCKING]


def test_terraform_blocks_span_their_braces(tmp_path: Path) -> None:
    # The lines between blocks (a comment, a blank) are outside every resource: a change
    # there touches them all.
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_lambda_function" "a" {\n  runtime = "python3.12"\n}\n\n'
        '# the next one\ndata "aws_iam_policy_document" "p" {\n}\n',
        "utf-8",
    )
    assert resource_extents(main) == {
        "aws_lambda_function.a": (1, 3),
        "data.aws_iam_policy_document.p": (6, 7),
    }


TF_HEADERS = {
    "escaped-label": 'resource "aws_lambda_function" "o\\u0070s" {',
    "indented": '  resource "aws_lambda_function" "ops" {',
    "bare-labels": "resource aws_lambda_function ops {",
    "comment": 'resource /* the operator */ "aws_lambda_function" "ops" {',
}
"""Headers Terraform reads as `aws_lambda_function.ops` and a line pattern does not."""
LOG_GROUP = 'resource "aws_cloudwatch_log_group" "ops" {\n  name = "/aws/lambda/ops"\n}\n'


@pytest.mark.parametrize("header", TF_HEADERS.values(), ids=TF_HEADERS)
def test_a_terraform_block_spans_what_the_parse_gives_it(tmp_path: Path, header: str) -> None:
    main = tmp_path / "main.tf"
    main.write_text(LOG_GROUP + f'{header}\n  function_name = "ops"\n}}\n', "utf-8")
    assert resource_extents(main) == {
        "aws_cloudwatch_log_group.ops": (1, 3),
        "aws_lambda_function.ops": (4, 6),
    }


ALIASED = {
    "alias": (
        "  Notes:\n    Type: AWS::SNS::Topic\n    Metadata:\n      Events: &events\n"
        "        Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: app.handler\n      Events: *events\n"
    ),
    "merge-key": (
        "  Notes:\n    Type: AWS::SNS::Topic\n    Metadata:\n      Props: &props\n"
        "        Handler: app.handler\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      <<: *props\n      Runtime: python3.12\n"
    ),
}
"""A function whose content is written in a topic's `Metadata`, at an anchor."""


@pytest.mark.parametrize("resources", ALIASED.values(), ids=ALIASED)
def test_in_a_yaml_document_with_an_alias_every_resource_spans_the_file(
    tmp_path: Path, resources: str
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n" + resources, "utf-8")
    last = resources.count("\n") + 2
    assert resource_extents(template) == {
        name: (1, last)
        for logical, kind in (("Notes", "AWS::SNS::Topic"), ("Fn", "AWS::Serverless::Function"))
        for name in (logical, f"{kind}.{logical}")
    }


@pytest.mark.parametrize("flag", ["--diff-base", "--policy-ref"])
def test_a_ref_that_looks_like_an_option_is_refused(
    run_gate: RunGate, repo: git.Repo, tmp_path: Path, flag: str
) -> None:
    planted = tmp_path / "planted"
    result = run_gate("check", ".", f"{flag}=--output={planted}")
    assert result.code == 2
    assert "not a git ref" in result.stderr
    assert not planted.exists()


def test_a_change_outside_every_resource_reaches_all_of_them(shop: Path) -> None:
    template = shop / "sam" / "template.yaml"
    text = template.read_text("utf-8")
    template.write_text(text.replace("Runtime: python3.12", "Runtime: python3.8", 1), "utf-8")
    orders = "AWS::Serverless::Function.OrdersFunction"
    first = resource_extents(template)[orders][0]
    # The runtime every function inherits from Globals changed, not any resource's lines.
    assert judge(shop, [finding("sam/template.yaml", first, resource=orders)]) == ["blocking"]


def test_a_terraform_heredoc_does_not_end_its_resource(tmp_path: Path) -> None:
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_s3_bucket_policy" "p" {\n  policy = <<EOF\n{"Version": "2012-10-17"}\n'
        'EOF\n  bucket = "b"\n}\n',
        "utf-8",
    )
    assert resource_extents(main) == {"aws_s3_bucket_policy.p": (1, 6)}


def test_terraform_blocks_are_numbered_as_git_numbers_lines(tmp_path: Path) -> None:
    # A form feed is a line break to `str.splitlines`, not to git nor to hclsyntax.
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_lambda_function" "a" {\n  # page\f break\n}\n'
        'resource "aws_iam_role" "b" {\n}\n',
        "utf-8",
    )
    assert resource_extents(main) == {"aws_lambda_function.a": (1, 3), "aws_iam_role.b": (4, 5)}


@pytest.mark.parametrize("brk", ["\f", "\v", "\x1c", "\x1d", "\x1e"])
def test_a_file_with_a_break_only_python_strings_see_is_judged_whole(shop: Path, brk: str) -> None:
    # The gate's own readers (`str.splitlines`) may number such a file's lines otherwise
    # than git: any change to it touches every finding in it.
    handler = shop / "app.py"
    handler.write_text(HANDLER.replace("import subprocess", f"# page{brk}\nimport subprocess"))
    commit(git.Repo(shop), "a page break")
    handler.write_text(handler.read_text("utf-8") + "# reviewed\n", "utf-8")
    assert judge(shop, [finding("app.py", 5)]) == ["blocking"]


def test_a_function_defined_in_a_file_numbered_otherwise_is_redefined_by_any_change(
    shop: Path,
) -> None:
    # YAML breaks lines at `\x85`, git does not: the function's extent there is not the
    # lines git reports, so a change anywhere in the template (a line of another
    # function here) touches its definition.
    template = shop / "sam" / "template.yaml"
    template.write_text("# owner: shop\x85team\n" + template.read_text("utf-8"), "utf-8")
    commit(git.Repo(shop), "an owner")
    text = template.read_text("utf-8")
    template.write_text(text.replace("CodeUri: src/refunds/", "CodeUri: src/refunds/  # ok"))
    orders = Function(
        "OrdersFunction", "sam", "sam/template.yaml", 31,
        "AWS::Serverless::Function.OrdersFunction", "python3.12", "app.handler",
        "sam/src/orders/app.py", "handler", "sam/src/orders",
    )  # fmt: skip
    bundle = Bundle(".", shop.resolve(), functions=(orders,))
    code = replace(finding("sam/src/orders/app.py", 1), functions=("OrdersFunction",))
    changes = changes_since("main", [bundle])
    marked, _ = apply_diff([code], scope_of(changes, [bundle], [code], seen([code])))
    assert [f.status for f in marked] == [Status.BLOCKING]


def pin_in(path: str, line: int = 1) -> Finding:
    """The audit's finding of requests 2.19.0, reported at `path` (one of every file
    that pins it)."""
    return replace(finding(path, line), package=Package("requests", "2.19.0"))


def test_pinning_a_known_vulnerable_version_in_another_manifest_is_new(shop: Path) -> None:
    refunds = shop / "sam" / "src" / "refunds" / "requirements.txt"
    refunds.write_text(refunds.read_text("utf-8") + "Requests==2.19.0\n", "utf-8")
    # Reported at each manifest that pins it: the new pin is new, the old one is not.
    statuses = judge(shop, [pin_in("sam/src/refunds/requirements.txt", 2), pin_in(ORDERS)])
    assert statuses == ["blocking", "preexisting"]


def test_a_new_file_where_a_renamed_one_was_is_new(shop: Path, repo: git.Repo) -> None:
    repo.git.mv("app.py", "old_app.py")
    (shop / "app.py").write_text(HANDLER, "utf-8")
    assert judge(shop, [finding("app.py", 5)]) == ["blocking"]


def test_a_file_the_index_calls_unchanged_is_read_anyway(shop: Path, repo: git.Repo) -> None:
    repo.git.update_index("--assume-unchanged", "app.py")
    (shop / "app.py").write_text(HANDLER.replace("return 1", "return 2"), "utf-8")
    assert judge(shop, [finding("app.py", 1)]) == ["blocking"]


AUTHORIZED_API = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ShopApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: https://issuer.example
              audience: [shop]
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Create:
          Type: HttpApi
          Properties:
            ApiId: !Ref ShopApi
            Path: /orders
            Method: post
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""


@pytest.mark.slow
def test_a_problem_made_by_a_change_elsewhere_is_new(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "api"
    repository = git.Repo.init(root, initial_branch="main")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (root / "template.yaml").write_text(AUTHORIZED_API, "utf-8")
    (root / "gate.yml").write_text(only_scanners("serverless") + "fail_on: low\n", "utf-8")
    commit(repository, "an API behind a JWT authorizer")
    repository.git.checkout("-b", "feature")
    # The branch drops the API's authorizer: the function's own lines do not change, but
    # its routes are now open to anyone.
    open_api = AUTHORIZED_API.replace("        DefaultAuthorizer: Jwt\n", "")
    (root / "template.yaml").write_text(open_api, "utf-8")
    commit(repository, "no authorizer")
    monkeypatch.chdir(root)
    result = run_gate("check", ".", "--diff-base", "main", "--format", "json")
    statuses = {
        (f["rule_id"], f["functions"][0]): f["status"]
        for f in json.loads(result.stdout)["findings"]
    }
    # A public route: new, on untouched lines.
    assert statuses["GATE-IAC-011", "OrdersFunction"] == "blocking"
    # The API reaches the function: what it had is new too, as for a public event added.
    assert statuses["GATE-IAC-015", "OrdersFunction"] == "blocking"
    # What the base already had of a function the change did not reach stays so.
    assert statuses["GATE-IAC-015", "WorkerFunction"] == "preexisting"
    assert result.code == 1


def test_a_merge_base_that_cannot_be_scanned_makes_every_finding_new(
    run_gate: RunGate, repo: git.Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gate.scan.run
    from gate.git.changes import DiffBaseError

    def broken(*_: object) -> list[Bundle]:
        raise DiffBaseError("--diff-base main: git archive failed: disk full")

    monkeypatch.setattr(gate.scan.run, "base_bundles", broken)
    result = run_gate("check", ".", "--diff-base", "main", "--format", "json")
    report = json.loads(result.stdout)
    assert result.code == 1
    # (with scanners disabled, files no enabled scanner reads are warned not-analysed)
    codes = [w["code"] for w in report["warnings"]]
    others = ("not-analysed", "policy-in-bundle")
    assert [c for c in codes if c not in others] == ["diff-base-unscanned"]
    assert "preexisting" not in {f["status"] for f in report["findings"]}


def test_a_resource_added_at_the_end_leaves_the_others_preexisting(shop: Path) -> None:
    template = shop / "sam" / "template.yaml"
    added = "\n  AuditQueue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: audit\n"
    template.write_text(template.read_text("utf-8") + added, "utf-8")
    orders = "AWS::Serverless::Function.OrdersFunction"
    first = resource_extents(template)[orders][0]
    assert judge(shop, [finding("sam/template.yaml", first, resource=orders)]) == ["preexisting"]


def test_what_the_gate_does_not_scan_pins_nothing_new(shop: Path) -> None:
    # `sam build` copies manifests into .aws-sam, which the gate skips.
    build = shop / "sam" / ".aws-sam" / "build" / "OrdersFunction"
    build.mkdir(parents=True)
    (build / "requirements.txt").write_text("requests==2.19.0\n", "utf-8")
    assert judge(shop, [pin_in(ORDERS)]) == ["preexisting"]


@pytest.mark.parametrize(
    "include",
    [
        "-r ../orders/requirements.txt",
        "-r../orders/requirements.txt",  # pip's attached short value
        "--requirement=../orders/requirements.txt",
        "-c ../orders/requirements.txt",
        "# -*- coding: utf-7 -*-\n+AC0-r ../orders/requirements.txt",  # its declared encoding
    ],
)
def test_a_file_a_changed_manifest_includes_is_new(shop: Path, include: str) -> None:
    # Refunds now installs what the unchanged orders file pins: new, however spelt.
    refunds = shop / "sam" / "src" / "refunds" / "requirements.txt"
    refunds.write_text(f"{include}\n", "utf-8")
    assert judge(shop, [pin_in(ORDERS)]) == ["blocking"]


def test_a_new_archive_leaves_other_files_pins_alone(shop: Path) -> None:
    # What the zip pins is reported inside it (so at the zip), not at the orders file.
    (shop / "sam" / "worker.zip").write_bytes(EMPTY_ZIP)
    assert judge(shop, [pin_in(ORDERS)]) == ["preexisting"]


def test_many_files_and_pathspec_lookalike_names_are_checked(shop: Path, repo: git.Repo) -> None:
    many = shop / "many"
    many.mkdir()
    for index in range(1100):
        (many / f"m{index:04}.py").write_text(f"X = {index}\n", "utf-8")
    (shop / ":!x.py").write_text("X = 0\n", "utf-8")  # pathspec magic, were it one
    commit(repo, "many files")
    repo.git.checkout("main")
    repo.git.merge("feature")
    repo.git.checkout("feature")
    paths = [f"many/m{index:04}.py" for index in range(1100)] + [":!x.py"]
    assert set(judge(shop, [finding(p, 1) for p in paths])) == {"preexisting"}


def test_a_manifest_the_index_calls_unchanged_is_read_anyway(shop: Path, repo: git.Repo) -> None:
    refunds = "sam/src/refunds/requirements.txt"
    repo.git.update_index("--assume-unchanged", refunds)
    (shop / refunds).write_text((shop / refunds).read_text("utf-8") + "requests==2.19.0\n")
    assert judge(shop, [pin_in(refunds, 2)]) == ["blocking"]


def test_a_finding_more_severe_than_at_the_merge_base_is_new(tmp_path: Path) -> None:
    # The file did not change, but a value from elsewhere (a samconfig's parameter) made
    # a public read a public write: the same fingerprint, a new risk.
    changes = Changes("main", "0" * 40, tmp_path, {}, frozenset({"app.py"}))
    then = replace(finding("app.py", 1), severity=Severity.MEDIUM)
    scope = DiffScope(changes, {".": Bundle(".", tmp_path)}, {}, {}, seen([then]))
    now = [then, replace(then, severity=Severity.LOW), replace(then, severity=Severity.HIGH)]
    marked, _ = apply_diff(now, scope)
    assert [f.status for f in marked] == [
        Status.PREEXISTING,
        Status.PREEXISTING,
        Status.BLOCKING,
    ]


def test_every_copy_of_a_problem_the_change_copied_is_new(tmp_path: Path) -> None:
    # The change pasted a waived (or baselined) statement elsewhere: one copy takes the
    # waiver, and the untouched original must not then pass as preexisting.
    changes = Changes("main", "0" * 40, tmp_path, {}, frozenset({"app.py"}))
    then = finding("app.py", 1)
    scope = DiffScope(changes, {".": Bundle(".", tmp_path)}, {}, {}, seen([then]))
    marked, _ = apply_diff([then, replace(then, status=Status.WAIVED)], scope)
    assert [f.status for f in marked] == [Status.BLOCKING, Status.WAIVED]


def test_the_merge_base_is_written_as_committed(repo: git.Repo, tmp_path: Path) -> None:
    """`.gitattributes` at the merge base neither rewrites (`export-subst`) nor drops
    (`export-ignore`) what the base scan reads; modes are kept, links left out."""
    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    (root / ".gitattributes").write_text("app.py export-subst\nrun.sh export-ignore\n", "utf-8")
    (root / "app.py").write_text("# $Format:%n%H$\n" + HANDLER, "utf-8")
    (root / "run.sh").write_text("#!/bin/sh\n", "utf-8")
    (root / "run.sh").chmod(0o755)
    (root / "link.py").symlink_to("/etc/passwd")
    commit(repo, "attributes")
    repo.git.checkout("feature")
    repo.git.merge("main")
    bundle = Bundle(".", root.resolve())
    changes = changes_since("main", [bundle])
    (tmp_path / "base").mkdir()
    (written,) = base_bundles(changes, [bundle], tmp_path / "base")
    assert (written.path / "app.py").read_text("utf-8") == "# $Format:%n%H$\n" + HANDLER
    assert (written.path / "run.sh").stat().st_mode & 0o777 == 0o755
    assert not (written.path / "link.py").exists() and not (written.path / "link.py").is_symlink()


def test_a_change_attributes_hide_from_git_diff_is_seen(repo: git.Repo) -> None:
    """`ident` makes git read `$Id: ...$` as `$Id$`: a change inside it, in a file the
    diff touched elsewhere or nowhere, makes the file wholly changed."""
    root = Path(repo.working_tree_dir or ".")
    (root / ".gitattributes").write_text("*.py ident\n", "utf-8")
    (root / "other.py").write_text("# $Id$\nx = 1\n", "utf-8")
    (root / "app.py").write_text("# $Id$\n" + HANDLER, "utf-8")
    commit(repo, "ident")
    repo.git.branch("-f", "main", "HEAD")
    (root / "other.py").write_text("# $Id: hidden $\nx = 2\n", "utf-8")
    (root / "app.py").write_text("# $Id: hidden $\n" + HANDLER, "utf-8")
    bundle = Bundle(".", root.resolve())
    changes = changes_since("main", [bundle])
    assert changes.touched["other.py"] is None  # not (2, 2): line 1 changed too
    assert "app.py" not in changes.touched  # git diff sees nothing
    assert verified(changes, ["app.py"]).touched["app.py"] is None


def test_a_finding_is_new_when_a_function_it_belongs_to_is_redefined(shop: Path) -> None:
    """A function is more than its name: a role's finding is new when the definition of a
    function using it changes (a public event added), though the role's lines are not;
    the findings of functions the change left alone stay preexisting."""
    from gate.bundle.discovery.bundle import discover

    template = shop / "sam" / "template.yaml"
    text = template.read_text("utf-8")
    role_line = "      Role: !GetAtt ReportsRole.Arn\n"
    public = role_line + "      FunctionUrlConfig: {AuthType: NONE}\n"
    template.write_text(text.replace(role_line, public), "utf-8")
    bundle = Bundle(".", shop.resolve(), functions=discover(shop, ".").functions)
    role = finding("sam/template.yaml", 72, resource="AWS::IAM::Role.ReportsRole")
    refunds = finding("sam/src/refunds/handlers/refund.py", 1)
    findings = [
        replace(role, functions=("ReportsFunction",)),
        replace(refunds, functions=("RefundsFunction",)),
    ]
    changes = changes_since("main", [bundle])
    marked, _ = apply_diff(findings, scope_of(changes, [bundle], findings, seen(findings)))
    assert [f.status for f in marked] == [Status.BLOCKING, Status.PREEXISTING]


def terraform_judged(repo: git.Repo, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The statuses of a finding on each function of a Terraform module, `before` on main
    and `after` in the work tree, each there at the merge base too."""
    from tests.test_discovery import OPS_TF, OTHER_TF

    on = [
        (file, f"aws_lambda_function.{name}", f"aws_lambda_function.{name}")
        for file, name in (("main.tf", "ops"), ("other.tf", "other"))
    ]
    return judged(repo, {"main.tf": OPS_TF, "other.tf": OTHER_TF, **before}, after, on)


def judged(
    repo: git.Repo,
    before: dict[str, str],
    after: dict[str, str],
    on: list[tuple[str, str, str]],
) -> list[str]:
    """The statuses of a finding on each (file, resource, function) of `on`, the files
    `before` on main and `after` in the work tree, each finding there at the merge base
    too."""
    from gate.bundle.discovery.bundle import discover

    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    for name, text in before.items():
        (root / name).write_text(text, "utf-8")
    commit(repo, "an operator function behind an HTTP API")
    repo.git.checkout("feature")
    repo.git.merge("main")
    for name, text in after.items():
        (root / name).write_text(text, "utf-8")
    bundle = Bundle(".", root.resolve(), functions=discover(root, ".").functions)
    findings = [
        replace(finding(file, 1, resource=resource), functions=(fn,)) for file, resource, fn in on
    ]
    changes = changes_since("main", [bundle])
    marked, _ = apply_diff(findings, scope_of(changes, [bundle], findings, seen(findings)))
    return [str(f.status.value if f.status else None) for f in marked]


def _routes(ops: str, other: str = "AWS_IAM", more: str = "") -> dict[str, str]:
    from tests.test_discovery import tf_route

    return {"api.tf": tf_route(ops, more=more) + tf_route(other, "other") + JWT_AUTHORIZER}


JWT_AUTHORIZER = (
    'resource "aws_apigatewayv2_authorizer" "jwt" {\n  api_id = aws_apigatewayv2_api.http.id\n'
    '  authorizer_type = "JWT"\n  jwt_configuration {\n    issuer = "https://issuer.example"\n'
    "  }\n}\n"
)
ROUTE_OVERRIDE = 'resource "aws_apigatewayv2_route" "ops" {\n  authorization_type = "AWS_IAM"\n}\n'
"""An override file's block of the route to the ops function."""
OTHER_OVERRIDE = 'resource "aws_apigatewayv2_route" "other" {\n  route_key = "POST /x"\n}\n'
BY_VARIABLE = {**_routes("${var.auth}"), "variables.tf": 'variable "auth" {}\n'}
REACHED_ELSEWHERE = {
    "route-opened": (_routes("AWS_IAM"), _routes("NONE")),
    "route-added": ({}, _routes("NONE")),
    "authorizer-changed": (
        _routes("JWT", more="  authorizer_id = aws_apigatewayv2_authorizer.jwt.id\n"),
        {
            "api.tf": _routes("JWT", more="  authorizer_id = aws_apigatewayv2_authorizer.jwt.id\n")[
                "api.tf"
            ].replace("issuer.example", "x.example")
        },
    ),
    "override-edited": (
        {**_routes("AWS_IAM"), "route_override.tf": ROUTE_OVERRIDE},
        {"route_override.tf": ROUTE_OVERRIDE.replace("AWS_IAM", "NONE")},
    ),
    "override-block-appended": (
        {**_routes("AWS_IAM"), "api_override.tf": OTHER_OVERRIDE},
        {"api_override.tf": OTHER_OVERRIDE + ROUTE_OVERRIDE.replace("AWS_IAM", "NONE")},
    ),
    "variable-file": (
        {**BY_VARIABLE, "terraform.tfvars": 'auth = "AWS_IAM"\n'},
        {"terraform.tfvars": 'auth = "NONE"\n'},
    ),
    "variable-default": (
        {**BY_VARIABLE, "variables.tf": 'variable "auth" {\n  default = "AWS_IAM"\n}\n'},
        {"variables.tf": 'variable "auth" {\n  default = "NONE"\n}\n'},
    ),
}


@pytest.mark.parametrize(("before", "after"), REACHED_ELSEWHERE.values(), ids=REACHED_ELSEWHERE)
def test_a_change_to_what_reaches_a_terraform_function_is_new_to_it(
    repo: git.Repo, before: dict[str, str], after: dict[str, str]
) -> None:
    """Review 56 class 2: a route opened or added to a function's integration, its
    authorizer changed, or a value its module gives the route, in another file than the
    function's, touches the function: its findings are new."""
    assert terraform_judged(repo, before, after)[0] == "blocking"


FUNCTION_OVERRIDE = 'resource "aws_lambda_function" "ops" {\n  timeout = 3\n}\n'
"""An override file's block of the ops function."""


def test_a_change_to_an_override_of_a_terraform_function_is_new_to_it(repo: git.Repo) -> None:
    """Terraform merges an override file's block of the function into the block main.tf
    writes: a change to it redefines the function (review 60 class 4)."""
    before = {"fn_override.tf": FUNCTION_OVERRIDE}
    after = {"fn_override.tf": FUNCTION_OVERRIDE.replace("3", "30")}
    assert terraform_judged(repo, before, after) == ["blocking", "preexisting"]


def test_a_change_to_an_override_of_a_findings_resource_is_new_to_it(repo: git.Repo) -> None:
    """A finding on a resource main.tf writes, on no function: a change to an override
    file's block of that resource touches it (review 60 class 4)."""
    from tests.test_discovery import OPS_TF

    before = {"main.tf": OPS_TF, "fn_override.tf": FUNCTION_OVERRIDE}
    after = {"fn_override.tf": FUNCTION_OVERRIDE.replace("3", "30")}
    on = [("main.tf", "aws_lambda_function.ops", "no-function")]
    assert judged(repo, before, after, on) == ["blocking"]


def test_an_override_the_index_calls_unchanged_is_read_anyway(repo: git.Repo) -> None:
    """The override file of a finding's resource is read as committed and as scanned,
    whatever the index claims (`assume-unchanged`): its change touches the resource."""
    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    role = 'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
    write(root, {"main.tf": role, "role_override.tf": role})
    commit(repo, "a role and its override")
    repo.git.checkout("feature")
    repo.git.merge("main")
    repo.git.update_index("--assume-unchanged", "role_override.tf")
    (root / "role_override.tf").write_text(role.replace('"r"\n', '"admin"\n'), "utf-8")
    assert judge(root, [finding("main.tf", 1, resource="aws_iam_role.r")]) == ["blocking"]


def test_a_route_to_another_function_leaves_the_function_alone(repo: git.Repo) -> None:
    """The other function's route opened: only the other function's findings are new."""
    assert terraform_judged(repo, _routes("AWS_IAM"), _routes("AWS_IAM", "NONE")) == [
        "preexisting",
        "blocking",
    ]


def chalice_judged(repo: git.Repo, after: dict[str, str], gone: tuple[str, ...] = ()) -> str:
    """The status of a finding of the Chalice project's admin policy, which belongs to
    its api_handler, when the work tree changes the project's files as `after` says and
    deletes those `gone` names."""
    from gate.bundle.discovery.bundle import discover

    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    project = {
        "app.py": GUARDED,
        "chalicelib/__init__.py": "",
        "chalicelib/auth.py": AUTH,
        "vendor/fallback.py": "jwt = None\n",
        ".chalice/config.json": json.dumps(GUARDED_CONFIG, indent=2),
        ".chalice/policy-dev.json": json.dumps(ADMIN, indent=2),
        "README.md": "The operator API.\n",
    }
    write(root / "ops", project)
    commit(repo, "a Chalice app whose functions are admins")
    repo.git.checkout("feature")
    repo.git.merge("main")
    write(root / "ops", after)
    for name in gone:
        (root / "ops" / name).unlink()
    functions = discover(root / "ops", "ops").functions
    bundle = Bundle("ops", (root / "ops").resolve(), functions=functions)
    admin = replace(
        finding(".chalice/policy-dev.json", 5), bundle="ops", functions=("api_handler",)
    )
    changes = changes_since("main", [bundle])
    marked, _ = apply_diff([admin], scope_of(changes, [bundle], [admin], seen([admin])))
    return str(marked[0].status.value if marked[0].status else None)


_EXPOSING_NAMES = ("route-added", "authorizer-rebound", "imported-authorizer-rebound")
CHALICE_CHANGES = {
    **{name: EXPOSING[name] for name in _EXPOSING_NAMES},
    "second-route-opened": {"app.py": GUARDED.replace("authorizer=jwt, ", "")},
    "endpoint-public": EXPOSING["endpoint-public"],
    "resource-policy-named": EXPOSING["resource-policy"],
    "package-init-rebinds": {"chalicelib/__init__.py": "from . import auth\n\nauth.jwt = None\n"},
    "vendored-module-added": {"vendor/authz.py": "import chalicelib.auth\n"},
    "vendored-module-changed": {"vendor/fallback.py": "jwt = 0\n"},
    "module-added-beside-app": {"authz.py": "jwt = None\n"},
    "package-added-beside-app": {"authz/__init__.py": "jwt = None\n"},
    "readme-beside-app": {"README.md": "The operator API, reviewed.\n"},
}


@pytest.mark.parametrize("after", CHALICE_CHANGES.values(), ids=CHALICE_CHANGES)
def test_a_change_to_what_defines_a_chalice_function_is_new_to_it(
    repo: git.Repo, after: dict[str, str]
) -> None:
    """Review 57 class 2: a Chalice function has no extent in app.py (its routes are code
    anywhere in it), so any change to app.py touches it, and any change to the files
    besides it that define it (the config, its policy files, every file deployed with the
    app): the admin policy's finding is new."""
    assert chalice_judged(repo, after) == "blocking"


@pytest.mark.parametrize("gone", ["vendor/fallback.py", "chalicelib/auth.py", "README.md"])
def test_a_file_deleted_from_a_chalice_project_is_new_to_its_functions(
    repo: git.Repo, gone: str
) -> None:
    """Review 59 class 1 (and 61 class 1, for a file beside app.py): a file deleted from
    the project's folder may be what an import falls back from; it is in no function's
    `defined_in` after the change."""
    assert chalice_judged(repo, {}, gone=(gone,)) == "blocking"


def test_a_change_to_no_file_of_a_chalice_function_leaves_it_alone(repo: git.Repo) -> None:
    """What Chalice writes when it deploys is no file of its functions."""
    written = {".chalice/deployed/dev.json": "{}", ".chalice/deployments/a-1.zip": "PK"}
    assert chalice_judged(repo, written) == "preexisting"


SAMCONFIG_CHANGES = {
    "samconfig": ("samconfig.toml", "blocking"),
    "other": ("notes.txt", "preexisting"),
}


@pytest.mark.parametrize(("changed", "status"), SAMCONFIG_CHANGES.values(), ids=SAMCONFIG_CHANGES)
def test_a_samconfig_value_a_route_reads_is_new_to_the_template_function(
    repo: git.Repo, changed: str, status: str
) -> None:
    """Review 58 class 4: a samconfig's `parameter_overrides` changed (the value a route
    to the function takes) touches every function of a template, as its resource does;
    the same change to another file leaves it preexisting."""
    from tests.test_discovery import BY_PARAMETER, ROUTE_AUTH, SAMCONFIG

    files = {
        "template.yaml": ROUTE_AUTH + BY_PARAMETER,
        "samconfig.toml": SAMCONFIG.format("AWS_IAM"),
    }
    on = [("template.yaml", "AWS::Lambda::Function.Ops", "Ops")]
    assert judged(repo, files, {changed: SAMCONFIG.format("NONE")}, on) == [status]


def topic(name: str) -> str:
    return f'resource "aws_sns_topic" "other" {{\n  name = "{name}"\n}}\n'


CALLING_MODULE_CHANGES = {
    "route-opened": ({"main.tf": "NONE"}, "blocking"),
    "values-changed": ({"locals.tf": 'locals {\n  auth = "NONE"\n}\n'}, "blocking"),
    "other-resource": ({"topic.tf": topic("renamed")}, "preexisting"),
}


@pytest.mark.parametrize(
    ("change", "status"), CALLING_MODULE_CHANGES.values(), ids=CALLING_MODULE_CHANGES
)
def test_a_change_to_the_calling_module_is_new_to_the_function_it_reaches(
    repo: git.Repo, change: dict[str, str], status: str
) -> None:
    """Review 58 class 2d: the function in a local module, its route in the module that
    calls it: opening the route touches the function, and so does a change to the calling
    module's values (outside every resource); a change to a resource there that reaches
    nothing leaves it alone."""
    from gate.bundle.discovery.bundle import discover
    from tests.test_discovery import called_from_root

    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    (root / "ops").mkdir()
    for name, text in {**called_from_root("AWS_IAM"), "topic.tf": topic("other")}.items():
        (root / name).write_text(text, "utf-8")
    commit(repo, "an operator function in a module, its API in the caller")
    repo.git.checkout("feature")
    repo.git.merge("main")
    opened = called_from_root("NONE")
    for name, text in change.items():
        (root / name).write_text(opened[name] if text == "NONE" else text, "utf-8")
    bundle = Bundle(".", root.resolve(), functions=discover(root, ".").functions)
    own = finding("ops/main.tf", 1, resource="aws_lambda_function.ops")
    findings = [replace(own, functions=("aws_lambda_function.ops",))]
    changes = changes_since("main", [bundle])
    marked, _ = apply_diff(findings, scope_of(changes, [bundle], findings, seen(findings)))
    assert marked[0].status is Status(status)


@pytest.mark.parametrize("header", TF_HEADERS.values(), ids=TF_HEADERS)
def test_a_change_to_a_terraform_function_whose_header_is_written_otherwise_is_new(
    repo: git.Repo, header: str
) -> None:
    """Review 58 class 5: the function's lines are its own however its header is written,
    not the log group's before it."""
    from tests.test_discovery import OPS_TF

    def main(handler: str) -> dict[str, str]:
        own = OPS_TF.replace('resource "aws_lambda_function" "ops" {', header)
        return {"main.tf": LOG_GROUP + own.replace("app.handler", handler)}

    assert terraform_judged(repo, main("app.handler"), main("app.main"))[0] == "blocking"


def judged_with(repo: git.Repo, name: str, before: str, after: str, function: Function) -> str:
    """The status of a finding in the code of `function` (defined in the file `name`,
    `before` on main and `after` in the work tree), there at the merge base too."""
    root = Path(repo.working_tree_dir or ".")
    repo.git.checkout("main")
    (root / name).write_text(before, "utf-8")
    commit(repo, "a function")
    repo.git.checkout("feature")
    repo.git.merge("main")
    (root / name).write_text(after, "utf-8")
    bundle = Bundle(".", root.resolve(), functions=(function,))
    code = replace(finding("app.py", 1), functions=(function.name,))
    changes = changes_since("main", [bundle])
    marked, _ = apply_diff([code], scope_of(changes, [bundle], [code], seen([code])))
    return str(marked[0].status.value if marked[0].status else None)


def test_a_function_with_no_extent_is_redefined_by_any_change_to_its_file(
    repo: git.Repo,
) -> None:
    # A Chalice app's one function, declared at its first decorator: an authorizer
    # dropped on a line of its own is not that line.
    app = (
        "from chalice import Chalice, IAMAuthorizer\n\napp = Chalice(app_name='ops')\n"
        "iam = IAMAuthorizer()\n\n\n@app.route(\n    '/admin',\n    authorizer=iam,\n)\n"
        "def admin():\n    return {}\n"
    )
    chalice = Function(
        "api_handler", "chalice", "app.py", 7, "api_handler", None, "app.app", "app.py",
        "app", ".",
    )  # fmt: skip
    dropped = app.replace("authorizer=iam", "authorizer=None")
    assert judged_with(repo, "app.py", app, dropped, chalice) == "blocking"


@pytest.mark.parametrize("resources", ALIASED.values(), ids=ALIASED)
def test_a_change_to_an_anchor_a_function_aliases_is_new_to_it(
    repo: git.Repo, resources: str
) -> None:
    """Review 58 class 3: the anchor is in another resource's lines (a topic's
    `Metadata`); `sam deploy` expands the alias into the function."""
    template = "Transform: AWS::Serverless-2016-10-31\nResources:\n" + resources
    opened = template.replace("        Handler: app.handler\n", "        Handler: app.main\n")
    opened = opened.replace("Schedule, Properties: {Schedule: rate(1 day)}", "HttpApi")
    assert opened != template
    fn = Function(
        "Fn", "sam", "template.yaml", template.splitlines().index("  Fn:") + 1,
        "AWS::Serverless::Function.Fn", "python3.12", "app.handler", "app.py", "handler", ".",
    )  # fmt: skip
    assert judged_with(repo, "template.yaml", template, opened, fn) == "blocking"
