"""The Pythons the gate is set up with and tested on keep up with Lambda's runtimes.

Users' CI runs the gate under the Python our integrations set up; a function's code
can use any syntax its runtime accepts, and bandit parses it with the gate's own
interpreter (gate/bundle/syntax.py explains the error when that one is older). So the
integrations set up at least the newest Python runtime Lambda has, and the project's
own CI tests the oldest Python the gate supports and that newest one.
"""

from __future__ import annotations

import re
import sys

import yaml

from gate.rules.iac.runtimes import DEPRECATION
from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

PIPELINES = ROOT / "pipelines"


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def newest_lambda_python() -> tuple[int, ...]:
    found = [version(r.removeprefix("python")) for r in DEPRECATION if r.startswith("python3")]
    return max(found)


def oldest_supported() -> tuple[int, ...]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    match = re.fullmatch(r">=\s*(\d+\.\d+)", project["requires-python"])
    assert match, project["requires-python"]
    return version(match[1])


def test_every_integration_sets_up_the_newest_lambda_python() -> None:
    newest = newest_lambda_python()
    action = yaml.safe_load((PIPELINES / "github" / "action.yml").read_text())
    (setup,) = [s for s in action["runs"]["steps"] if "setup-python" in s.get("uses", "")]
    assert version(setup["with"]["python-version"]) >= newest
    sharded = (PIPELINES / "github" / "workflows" / "serverless-gate-sharded.yml").read_text()
    assert all(version(v) >= newest for v in re.findall(r'python-version: "([\d.]+)"', sharded))
    gitlab = yaml.safe_load((PIPELINES / "gitlab" / "serverless-gate.yml").read_text())
    images = re.findall(r"python:([\d.]+)", yaml.safe_dump(gitlab))
    assert images and all(version(v) >= newest for v in images)


def test_ci_tests_the_oldest_supported_python_and_the_newest_lambda_python() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    tested = {version(v) for v in workflow["jobs"]["test"]["strategy"]["matrix"]["python"]}
    assert oldest_supported() in tested
    assert newest_lambda_python() in tested
