"""The harness's batches (tests/hostile/conftest.py `each_blocked_or_refused`): checking
many tricks in one run must judge each bundle as a run of its own would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import Layout, Sandbox, each_blocked_or_refused

SAM = (
    "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
    "    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
    "      Handler: app.handler\n      Runtime: python3.12\n      Tracing: Active\n"
)


def function(body: str) -> Layout:
    def written(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SAM)
        sandbox.write("src/app.py", f"import os\n\n\ndef handler(event, context):\n{body}")

    return written


BLOCKED = function("    os.system(event['cmd'])\n")
REFUSED = function("    return 1\n")
CLEAN = function("    return {'ok': True}\n")


def refused(sandbox: Sandbox) -> None:
    """Refused outright: Terraform JSON is not read."""
    REFUSED(sandbox)
    sandbox.write("main.tf.json", "{}\n")


def test_blocked_and_refused_bundles_each_hold(tmp_path: Path) -> None:
    each_blocked_or_refused(
        tmp_path, {"blocked": BLOCKED, "refused": refused, "also-blocked": BLOCKED}
    )


@pytest.mark.parametrize("others", [["refused"], ["blocked"], []])
def test_a_bundle_that_passes_fails_the_batch(tmp_path: Path, others: list[str]) -> None:
    """A clean bundle among tricks is found, whatever the others did."""
    cases = {"blocked": BLOCKED, "refused": refused}
    layouts = {name: cases[name] for name in others} | {"clean": CLEAN}
    with pytest.raises(AssertionError, match="clean"):
        each_blocked_or_refused(tmp_path, layouts)
