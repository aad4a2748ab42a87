"""One finding per vulnerability, however many databases name it (PYSEC, GHSA, CVE)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunGate, only_scanners

ONLY_PIP_AUDIT = only_scanners("pip-audit")
# The same requests bug in two databases, as osv.dev's PyPI export holds it (abridged).
PYSEC = {
    "id": "PYSEC-2018-28",
    "details": "The Requests package before 2.20.0 for Python sends an HTTP Authorization "
    "header to an http URI upon receiving a same-hostname https-to-http redirect.",
    "aliases": ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
    "modified": "2021-06-16T00:03:24.800813Z",
    "published": "2018-10-09T17:29:00Z",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "requests"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}],
        }
    ],
    "references": [{"type": "WEB", "url": "https://github.com/requests/requests/pull/4718"}],
}
GHSA = {
    "id": "GHSA-x84v-xcm2-53pg",
    "summary": "Insufficiently Protected Credentials in Requests",
    "details": "The Requests package before 2.20.0 for Python sends an HTTP Authorization "
    "header to an http URI upon receiving a same-hostname https-to-http redirect.",
    "aliases": ["CVE-2018-18074"],
    "modified": "2023-11-08T03:58:22Z",
    "published": "2018-10-29T19:06:46Z",
    "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-522"]},
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "requests"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}],
        }
    ],
    "references": [{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2018-18074"}],
}


@pytest.mark.slow
def test_aliases_of_one_vulnerability_make_one_finding(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    database = tmp_path / "osv"
    database.mkdir()
    (database / "PYSEC-2018-28.json").write_text(json.dumps(PYSEC), "utf-8")
    (database / "GHSA-x84v-xcm2-53pg.json").write_text(json.dumps(GHSA), "utf-8")
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "requirements.txt").write_text("requests==2.19.0\n", "utf-8")
    result = run_gate(
        "check",
        str(bundle),
        "--advisory-db",
        str(database),
        "--policy",
        str(policy_file(ONLY_PIP_AUDIT)),
        "--format",
        "json",
    )
    assert result.code == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert len(findings) == 1, [f["rule_id"] for f in findings]
    only = findings[0]
    assert only["rule_id"] == "PYSEC-2018-28"
    assert set(only["aliases"]) == {"CVE-2018-18074", "GHSA-x84v-xcm2-53pg"}
    assert only["package"]["upgrade_to"] == "2.20.0"
