"""The runtime deprecation table behind GATE-IAC-013 and GATE-IAC-014."""

from __future__ import annotations

import datetime

import pytest

from gate.rules.iac.runtimes import DEPRECATION, UPCOMING_DAYS, runtime_status

TODAY = datetime.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("runtime", "date"),
    [
        ("python3.7", datetime.date(2023, 12, 4)),
        ("python3.8", datetime.date(2024, 10, 14)),
        ("python3.9", datetime.date(2025, 12, 15)),
        ("nodejs16.x", datetime.date(2024, 6, 12)),
        ("nodejs18.x", datetime.date(2025, 9, 1)),
        ("go1.x", datetime.date(2024, 1, 8)),
    ],
)
def test_dates_from_the_aws_schedule(runtime: str, date: datetime.date) -> None:
    assert DEPRECATION[runtime] == date


def test_deprecated_runtime_names_its_successor() -> None:
    status = runtime_status("python3.9", TODAY)
    assert status is not None
    assert status.deprecated
    assert status.successor == "python3.14"
    go = runtime_status("go1.x", TODAY)
    assert go is not None and go.successor == "provided.al2023"


def test_upcoming_and_far_off() -> None:
    soon = runtime_status("nodejs22.x", TODAY)  # 2027-04-30
    assert soon is not None and not soon.deprecated
    assert runtime_status("python3.12", TODAY) is None  # 2028-10-31
    limit = DEPRECATION["python3.12"] - datetime.timedelta(days=UPCOMING_DAYS)
    assert runtime_status("python3.12", limit) is not None
    assert runtime_status("python3.12", limit - datetime.timedelta(days=1)) is None


@pytest.mark.parametrize("runtime", ["python3.99", "provided.al2099", "", "Ref: Runtime"])
def test_unknown_runtimes_are_not_judged(runtime: str) -> None:
    assert runtime_status(runtime, TODAY) is None


def test_written_as_the_iac_writes_it() -> None:
    assert runtime_status(" Python3.8 ", TODAY) is not None
