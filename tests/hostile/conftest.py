"""The harness for hostile inputs: `gate check` run as a CI job would run it, in a
subprocess, against a bundle an attacker wrote.

Every case asserts what the gate must promise whatever the bundle holds: the exit
code, one stderr line naming the file when it refuses, no traceback, nothing written
outside its outputs and private temp dirs, and nothing from the bundle run (the
bundle's code, were it ever imported or executed, would create a marker file).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import git
import pytest

from tests.test_provenance import AUTHOR

# Generous: a hang is caught, a slow machine is not a failure.
HANG_TIMEOUT_S = 300
# Only the scanners a case needs run: refusals happen before any scanner starts.
CHEAP_POLICY = "version: 1\nscanners:\n  checkov: {enabled: false}\n"
# The built-in default policy (checkov on), as a file a batch can be given: what a run
# without --policy (and no ./gate.yml) checks with.
DEFAULT_POLICY = resources.files("gate.policies").joinpath("default.yml").read_text("utf-8")
# What of the test runner's environment a sandboxed run does not see.
NOT_INHERITED = ("CI", "GITHUB_ACTIONS", "TMPDIR", "GATE_CACHE_KEY")


@dataclass(frozen=True)
class HostileRun:
    """What one `gate` run printed and returned, and what it left behind."""

    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """The stderr lines that are not warnings."""
        return [
            line
            for line in self.stderr.splitlines()
            if line.strip() and not line.startswith("gate: warning:")
        ]


_GRAMMAR: list[Path] = []
"""python-hcl2's grammar cache (lark's pickle), built once per test process."""


@pytest.fixture(scope="session", autouse=True)
def grammar_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build python-hcl2's grammar cache where lark puts it, `tempfile.gettempdir()`, once:
    each sandbox starts with a copy of it (`Sandbox`)."""
    scratch = tmp_path_factory.mktemp("grammar")
    subprocess.run(
        [sys.executable, "-c", "import hcl2.parser"],
        env={**os.environ, "TMPDIR": str(scratch)},
        check=True,
        capture_output=True,
    )
    _GRAMMAR[:] = sorted(scratch.glob(".lark_*"))
    assert _GRAMMAR, "python-hcl2 left no grammar cache"


class Sandbox:
    """A bundle directory, a working directory, a private temp dir, cache and home: all the
    places a run could write to, so a test can see that it wrote nowhere it should not."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.bundle = base / "bundle"
        self.cwd = base / "cwd"
        self.tmp = base / "tmp"
        self.home = base / "home"
        self.cache = base / "cache"
        self.marker = base / "EXECUTED"
        for folder in (self.bundle, self.cwd, self.tmp, self.home):
            folder.mkdir()
        # The scratch dir the gate keeps in its cache, with python-hcl2's grammar in it, as
        # after a user's first run: building the grammar costs more than most cases.
        scratch = self.cache / "worker-tmp"
        scratch.mkdir(mode=0o700, parents=True)
        self.cache.chmod(0o700)
        for built in _GRAMMAR:
            shutil.copy2(built, scratch / built.name)

    def write(self, relative: str, text: str | bytes) -> Path:
        """Write a file of the bundle, making its folders."""
        path = self.bundle / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    @property
    def payload(self) -> str:
        """Python that leaves the marker file if it ever runs: plant it where a careless
        tool would import or execute it (setup.py, conftest.py, a .pth, a plugin)."""
        return f"open({str(self.marker)!r}, 'w').write('ran')\n"

    def policy(self, text: str = CHEAP_POLICY) -> Path:
        path = self.base / "gate.yml"
        path.write_text(text, encoding="utf-8")
        return path

    def run(
        self,
        *args: str,
        target: Path | None = None,
        policy: str | None = CHEAP_POLICY,
        env: dict[str, str] | None = None,
    ) -> HostileRun:
        """`gate check TARGET ARGS...` in a subprocess (the bundle by default)."""
        before = _tree_digest(self.bundle)
        command = ["check", str(target or self.bundle)]
        if policy is not None:
            command += ["--policy", str(self.policy(policy))]
        result = self.gate(*command, *args, env=env)
        self.assert_clean(result, before)
        return result

    def gate(self, *arguments: str, env: dict[str, str] | None = None) -> HostileRun:
        """`gate ARGUMENTS...` in a subprocess, in the sandbox's working directory and
        environment."""
        done = subprocess.run(
            [sys.executable, "-m", "gate", *arguments],
            cwd=self.cwd,
            env=self.environment(env),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=HANG_TIMEOUT_S,
            check=False,
        )
        return HostileRun(done.returncode, done.stdout, done.stderr)

    def environment(self, env: dict[str, str] | None = None) -> dict[str, str]:
        """The environment a run gets: the sandbox's temp dir, home and cache, plus `env`."""
        environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        environment.update(
            {
                "TMPDIR": str(self.tmp),
                "HOME": str(self.home),
                "GATE_CACHE_DIR": str(self.cache),
                "XDG_CONFIG_HOME": str(self.home / ".config"),
                "NO_COLOR": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        environment.update(env or {})
        return environment

    def assert_clean(self, result: HostileRun, before: str) -> None:
        """What every run must leave: no traceback, nothing from the bundle run, the bundle
        (digest `before`) unchanged, nothing in the working directory or temp dir."""
        assert "Traceback" not in result.stderr, result.stderr
        assert not self.marker.exists(), "code from the bundle ran"
        assert _tree_digest(self.bundle) == before, "the run changed the bundle"
        written = list(self.cwd.iterdir())
        assert not written, f"the run wrote into its working directory: {written}"
        assert not any(self.tmp.iterdir()), f"the run left temp files: {list(self.tmp.iterdir())}"

    def digest(self) -> str:
        """The bundle's digest, for `assert_clean`."""
        return _tree_digest(self.bundle)


def assert_refused(run: HostileRun, *named: str) -> None:
    """Exit 2 with one error line on stderr that names each of `named` (a file, a key)."""
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert len(run.lines) == 1, run.stderr
    assert all(text in run.lines[0] for text in named), run.stderr


def assert_blocks(run: HostileRun) -> None:
    """Exit 1: the trick did not hide the problem."""
    assert run.code == 1, (run.code, run.stdout[-2000:], run.stderr)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for current, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names + dirs):
            path = Path(current) / name
            digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape"))
            try:
                stat = path.lstat()
            except OSError:
                continue
            digest.update(f"{stat.st_mode}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path)
    yield box
    # Unreadable folders a test made must not stop pytest from cleaning up.
    for current, dirs, _ in os.walk(tmp_path):
        for name in dirs:
            os.chmod(Path(current) / name, 0o700)


Make = Callable[..., Sandbox]


def device_node(folder: Path, name: str) -> str:
    """A report target for /dev/`name` (null, full): as root, a private node of the same
    device in `folder`, so a gate that replaced its output by a rename (as one did)
    replaces that node, never the machine's /dev/`name`."""
    if os.geteuid() != 0:
        return f"/dev/{name}"
    node = folder / name
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.stat(f"/dev/{name}").st_rdev)
    except OSError as e:
        pytest.skip(f"cannot make a private /dev/{name} node here: {e.strerror}")
    return str(node)


Layout = Callable[[Sandbox], None]


def with_file(layout: Layout, relative: str, text: str) -> Layout:
    """`layout`, with one more file of the bundle written."""

    def written(sandbox: Sandbox) -> None:
        layout(sandbox)
        sandbox.write(relative, text)

    return written


class Batch:
    """Many bundles, each written by its case's layout in a sandbox of its own under
    `base`, checked together as a repository of many bundles is: one run where one would
    do, with every promise of `Sandbox.run` held for each bundle."""

    def __init__(self, base: Path, layouts: Mapping[str, Layout], policy: str) -> None:
        self.boxes: dict[str, Sandbox] = {}
        for name, layout in layouts.items():
            (base / name).mkdir(parents=True)
            self.boxes[name] = Sandbox(base / name)
            layout(self.boxes[name])
        (base / "run").mkdir()
        self.runner = Sandbox(base / "run")
        self.policy = policy
        self.before = {name: box.digest() for name, box in self.boxes.items()}

    def run(self, names: Iterable[str]) -> HostileRun:
        """`gate check` over the bundles of `names`, JSON on stdout."""
        bundles = [str(self.boxes[name].bundle) for name in names]
        policy = str(self.runner.policy(self.policy))
        run = self.runner.gate("check", *bundles, "--policy", policy, "--format", "json")
        self.runner.assert_clean(run, self.runner.digest())
        for name, box in self.boxes.items():
            assert box.digest() == self.before[name], f"the run changed {name}'s bundle"
            assert not box.marker.exists(), f"code from {name}'s bundle ran"
        return run

    def of(self, name: str, report: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """The report's findings (`key` "findings"), errors ("errors") or warnings
        ("warnings") of `name`'s bundle. Warnings carry no bundle: theirs are those whose
        text names the bundle's path (as "BUNDLE: ..." or a file "BUNDLE/...")."""
        bundle = str(self.boxes[name].bundle)
        if key == "findings":
            return [f for f in report["findings"] if f["bundle"] == bundle]
        if key == "warnings":
            return [w for w in report["warnings"] if _names(w["message"], bundle)]
        return [e for e in report["errors"] if _inside(e.get("path"), bundle)]


def _inside(path: str | None, bundle: str) -> bool:
    return path is not None and (path == bundle or path.startswith(bundle + "/"))


def _names(text: str, bundle: str) -> bool:
    return f"{bundle}:" in text or f"{bundle}/" in text


def each_blocks(
    base: Path, cases: Mapping[str, tuple[Layout, str]], policy: str = CHEAP_POLICY
) -> None:
    """The baselines of a review in one run: each case's bundle holding a blocking
    finding that names the case's rule id."""
    each_blocks_with(
        base,
        {name: layout for name, (layout, _) in cases.items()},
        lambda name, own: cases[name][1] in json.dumps(own),
        policy,
    )


Findings = list[dict[str, Any]]
Check = Callable[[str, Findings], bool]
"""What a case asserts of its bundle's findings, given the case's name."""


def each_blocks_with(
    base: Path, layouts: Mapping[str, Layout], check: Check, policy: str = CHEAP_POLICY
) -> HostileRun:
    """Each case's bundle blocked, in one run: what a run of it alone asserted on exit 1
    (a blocking finding of its own, no error of its own), and `check(name, findings)`
    true of its own findings. Returns the run, for what no bundle's output may hold."""
    batch = Batch(base, layouts, policy)
    run = batch.run(layouts)
    assert_blocks(run)
    report = json.loads(run.stdout)
    for name in layouts:
        own = batch.of(name, report, "findings")
        errors = batch.of(name, report, "errors")
        assert not errors, (name, errors)
        assert any(f["status"] == "blocking" for f in own), (name, own)
        assert check(name, own), (name, own)
    return run


def each_passes_with(
    base: Path,
    layouts: Mapping[str, Layout],
    check: Check | None = None,
    warned: Check | None = None,
    policy: str = CHEAP_POLICY,
) -> HostileRun:
    """Each case's bundle passing, in one run: what a run of it alone asserted on exit 0
    (no blocking finding of its own, no error of its own), and `check(name, findings)`
    true of its own findings and `warned(name, warnings)` of its own warnings, when given.
    Returns the run, for what no bundle's output may hold."""
    batch = Batch(base, layouts, policy)
    run = batch.run(layouts)
    # A refusal that ends the run leaves no report; its one line names the bundle.
    assert run.stdout.strip(), (run.code, run.stderr)
    report = json.loads(run.stdout)
    for name in layouts:
        own = batch.of(name, report, "findings")
        errors = batch.of(name, report, "errors")
        assert not errors, (name, errors)
        assert not any(f["status"] == "blocking" for f in own), (name, own)
        assert check is None or check(name, own), (name, own)
        warnings = batch.of(name, report, "warnings")
        assert warned is None or warned(name, warnings), (name, warnings)
    assert run.code == 0, (run.code, run.stdout[-2000:], run.stderr)
    return run


def not_analysed(count: int, *named: str) -> Check:
    """A `Check` of a case's warnings: its `not-analysed` warnings count `count` files in
    all and name each of `named` (see `files_warned`)."""
    return files_warned("not-analysed", count, *named)


def files_warned(code: str, count: int, *named: str) -> Check:
    """A `Check` of a case's warnings: its warnings of `code` ("not-analysed",
    "out-of-scope": one a function, each "N files of ... (SAMPLE)") count `count` files in
    all and name each of `named`, as the bundle's `files` counts them when no zip goes
    unreferenced and no file is two functions' code."""

    def check(_: str, own: Findings) -> bool:
        said = [w["message"] for w in own if w["code"] == code]
        counts = [re.search(r": (\d+) files of ", message) for message in said]
        return sum(int(c.group(1)) if c else 0 for c in counts) == count and all(
            any(text in message for message in said) for text in named
        )

    return check


def blocking(rule_id: str, severity: str | None = None, message: str = "") -> Check:
    """A `Check`: a blocking finding of `rule_id` (and `severity`, when given) among the
    case's, and a finding of `rule_id` whose message holds `message`."""

    def check(_: str, own: Findings) -> bool:
        found = [f for f in own if f["rule_id"] == rule_id]
        return any(
            f["status"] == "blocking" and severity in (None, f["severity"]) for f in found
        ) and any(message in f["message"] for f in found)

    return check


def each_refused_in_report(
    base: Path,
    cases: Mapping[str, tuple[Layout, tuple[str, ...]]],
    policy: str = CHEAP_POLICY,
) -> HostileRun:
    """Each case's bundle refused, in one run, by an error of its own (path and message)
    that names each text of the case (a file, a key), as a run of it alone names them on
    its one stderr line. The run's stderr has a line a reason, as `gate check` writes
    them: one for each scanner that failed (its errors in one), and one for each error
    of the gate's own, which for a case refused by the gate itself is the one line naming
    its bundle and its texts. Only for refusals raised as the bundle is scanned, which
    leave the report: a bundle refused at discovery ends a run with no report. Returns
    the run, for what no bundle's output may hold."""
    batch = Batch(base, {name: layout for name, (layout, _) in cases.items()}, policy)
    run = batch.run(cases)
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    report = json.loads(run.stdout)
    for name, (_, named) in cases.items():
        own = batch.of(name, report, "errors")
        said = [f"{e.get('path')}: {e['message']}" for e in own]
        assert any(all(text in line for text in named) for line in said), (name, named, said)
        if all(e["scanner"] is None for e in own):
            bundle = str(batch.boxes[name].bundle)
            lines = [x for x in run.lines if _names(x, bundle)]
            assert len(lines) == 1 and all(t in lines[0] for t in named), (name, run.stderr)
    scanners = {e["scanner"] for e in report["errors"] if e["scanner"] is not None}
    gates = [e for e in report["errors"] if e["scanner"] is None]
    assert len(run.lines) == len(scanners) + len(gates), run.stderr
    return run


def each_blocked_or_refused(
    base: Path, layouts: Mapping[str, Layout], policy: str = CHEAP_POLICY
) -> list[HostileRun]:
    """Each trick's bundle is blocked (a blocking finding) or refused (an error naming a
    file of it), in as few runs as the gate allows: a bundle refused outright (exit 2, one
    line naming it, no report) ends its run, and the others are checked again without
    it. What one bundle alone would have exited with, 1 or 2, each does here. Returns the
    runs, for what no bundle's output may hold."""
    batch = Batch(base, layouts, policy)
    pending = list(layouts)
    runs: list[HostileRun] = []
    while pending:
        run = batch.run(pending)
        runs.append(run)
        if run.code == 2 and not run.stdout.strip():
            refused = [n for n in pending if str(batch.boxes[n].bundle) in run.stderr]
            assert len(refused) == 1 and len(run.lines) == 1, (pending, run.stderr)
            pending.remove(refused[0])
            continue
        report = json.loads(run.stdout)
        unplaced = [
            e
            for e in report["errors"]
            if not any(_inside(e.get("path"), str(batch.boxes[n].bundle)) for n in pending)
        ]
        passed = [
            name
            for name in pending
            if not batch.of(name, report, "errors")
            and not any(f["status"] == "blocking" for f in batch.of(name, report, "findings"))
        ]
        # An error naming no bundle (a scanner that failed) may be any one's: alone, each
        # would have exited 2 had it been the cause. Those that passed are run alone.
        if unplaced:
            for name in passed if len(pending) > 1 else []:
                runs.append(batch.run([name]))
                blocked_or_refused(runs[-1].code)
            return runs
        assert not passed, (passed, run.stderr)
        assert run.code in (1, 2), (run.code, run.stderr)
        return runs
    return runs


def on_rule(rule: str, layouts: Mapping[str, Layout]) -> dict[str, tuple[Layout, str]]:
    """`each_blocks` cases of `layouts` that all block on `rule`."""
    return {name: (layout, rule) for name, layout in layouts.items()}


def blocked_or_refused(code: int) -> None:
    """The trick did not pass: the run blocked (exit 1) or refused (exit 2)."""
    assert code in (1, 2), code


def files(written: Mapping[str, str | bytes]) -> Layout:
    """A bundle of the files `written` (relative path: text or bytes)."""

    def layout(sandbox: Sandbox) -> None:
        for relative, text in written.items():
            sandbox.write(relative, text)

    return layout


def zipped(entries: Mapping[str, str]) -> bytes:
    """A zip of `entries` (name: text), as bytes to write into a bundle."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def commit(repository: git.Repo, message: str) -> None:
    """Everything of the work tree committed, as a fixed author."""
    repository.git.add(A=True)
    repository.index.commit(message, author=AUTHOR, committer=AUTHOR)


def committed_repository(sandbox: Sandbox, message: str) -> git.Repo:
    """The bundle as written so far, committed on `main` of a new repository whose git
    dir lies outside the bundle (git keeps its index there, which a read of the work
    tree refreshes)."""
    repository = git.Repo.init(
        sandbox.bundle,
        initial_branch="main",
        separate_git_dir=str(sandbox.base / "git"),
        allow_unsafe_options=True,
    )
    commit(repository, message)
    return repository


Change = tuple[Mapping[str, str | bytes], Mapping[str, str | bytes]]
"""A change: a bundle's files at the merge base, and what the change writes."""


def in_both_modes(changes: Mapping[str, Change]) -> dict[str, Change]:
    """Each change twice: `d<name>` judged in diff mode, `b<name>` on a baseline."""
    return {mode + name: change for name, change in changes.items() for mode in "db"}


def bundle_outcomes(run_stdout: str, box: Sandbox, names: Iterable[str]) -> dict[str, str]:
    """Per bundle: `blocked` (a blocking finding or an error of its own) or `passed`."""
    report = json.loads(run_stdout)
    outcomes = {}
    for name in names:
        bundle = str(box.bundle / name)
        own = [f for f in report["findings"] if f["bundle"] == bundle]
        errors = [e for e in report["errors"] if str(e.get("path") or "").startswith(bundle)]
        blocked = errors or any(f["status"] == "blocking" for f in own)
        outcomes[name] = "blocked" if blocked else "passed"
    return outcomes


def changes_judged(box: Sandbox, cases: Mapping[str, Change]) -> dict[str, str]:
    """Each change of `cases` as a folder of one repository: branch `main` the merge base
    (where `gate baseline create` records the `b...` folders), branch `change` the
    change. One diff-mode run over the `d...` folders and one `--baseline` run over the
    `b...` folders, each left clean: the outcome of each folder (`bundle_outcomes`)."""
    for name, (before, _) in cases.items():
        for relative, text in before.items():
            box.write(f"{name}/{relative}", text)
    repository = committed_repository(box, "main")
    policy = str(box.policy(CHEAP_POLICY))
    recorded = box.base / "baseline.json"
    on_baseline = [str(box.bundle / n) for n in cases if n.startswith("b")]
    diffed = [str(box.bundle / n) for n in cases if n.startswith("d")]
    if on_baseline:
        created = box.gate(
            "baseline", "create", *on_baseline, "--output", str(recorded), "--policy", policy
        )
        assert created.code == 0, created.stderr
        assert json.loads(recorded.read_text("utf-8")), "the baseline recorded nothing"
    repository.git.checkout("-b", "change")
    for name, (_, after) in cases.items():
        for relative, text in after.items():
            box.write(f"{name}/{relative}", text)
    commit(repository, "change")
    seen: dict[str, str] = {}
    digest = box.digest()
    for names, how in (
        (diffed, ("--diff-base", "main")),
        (on_baseline, ("--baseline", str(recorded))),
    ):
        if not names:
            continue
        run = box.gate("check", *names, "--policy", policy, "--format", "json", *how)
        box.assert_clean(run, digest)
        assert run.code in (0, 1), (run.code, run.stderr)
        seen.update(bundle_outcomes(run.stdout, box, [Path(n).name for n in names]))
    return seen


# What many reviews' bundles hold: a SAM function with its code in `src/`.
SAM_HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
SAM = (
    SAM_HEAD + "Resources:\n  OrdersFunction:\n    Type: AWS::Serverless::Function\n"
    "    Properties:\n      CodeUri: src/\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Tracing: Active\n"
)
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
RUNS_EVENT = "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"
