"""When AWS Lambda deprecates each managed runtime.

From the "Lambda runtimes" page of the AWS Lambda developer guide
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) as it stood in
November 2025, with the runtimes released since (nodejs24.x, python3.14, java25,
ruby3.4, dotnet10) at their announced dates. The date is deprecation (phase 1): from
then the runtime gets no security patches, and AWS later blocks creating, then
updating, functions on it. Dates after November 2025 are AWS's schedule and may move;
update the table when AWS changes it (tests pin the day they judge on). A runtime not
listed (a newer one, a typo) is not judged.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

TABLE_AS_OF = datetime.date(2025, 11, 1)
UPCOMING_DAYS = 180
"""How far ahead a scheduled deprecation is reported: about two release cycles of a team
that plans its upgrades by quarter."""

_d = datetime.date
DEPRECATION: dict[str, datetime.date] = {
    "nodejs": _d(2016, 10, 31),
    "nodejs4.3": _d(2020, 3, 5),
    "nodejs4.3-edge": _d(2020, 3, 5),
    "nodejs6.10": _d(2019, 8, 12),
    "nodejs8.10": _d(2020, 3, 6),
    "nodejs10.x": _d(2021, 7, 30),
    "nodejs12.x": _d(2023, 3, 31),
    "nodejs14.x": _d(2023, 12, 4),
    "nodejs16.x": _d(2024, 6, 12),
    "nodejs18.x": _d(2025, 9, 1),
    "nodejs20.x": _d(2026, 4, 30),
    "nodejs22.x": _d(2027, 4, 30),
    "nodejs24.x": _d(2028, 4, 30),
    "python2.7": _d(2021, 7, 15),
    "python3.6": _d(2022, 7, 18),
    "python3.7": _d(2023, 12, 4),
    "python3.8": _d(2024, 10, 14),
    "python3.9": _d(2025, 12, 15),
    "python3.10": _d(2026, 6, 30),
    "python3.11": _d(2026, 6, 30),
    "python3.12": _d(2028, 10, 31),
    "python3.13": _d(2029, 6, 30),
    "python3.14": _d(2029, 6, 30),
    "java8": _d(2024, 1, 8),
    "java8.al2": _d(2026, 6, 30),
    "java11": _d(2026, 6, 30),
    "java17": _d(2026, 6, 30),
    "java21": _d(2029, 6, 30),
    "java25": _d(2029, 6, 30),
    "dotnetcore1.0": _d(2019, 7, 27),
    "dotnetcore2.0": _d(2019, 5, 30),
    "dotnetcore2.1": _d(2022, 1, 5),
    "dotnetcore3.1": _d(2023, 4, 3),
    "dotnet5.0": _d(2022, 5, 10),
    "dotnet6": _d(2024, 11, 12),
    "dotnet7": _d(2024, 5, 14),
    "dotnet8": _d(2026, 11, 10),
    "dotnet10": _d(2028, 11, 14),
    "ruby2.5": _d(2021, 7, 30),
    "ruby2.7": _d(2023, 11, 27),
    "ruby3.2": _d(2026, 3, 31),
    "ruby3.3": _d(2027, 3, 31),
    "ruby3.4": _d(2028, 3, 31),
    "go1.x": _d(2024, 1, 8),
    "provided": _d(2024, 1, 8),
    "provided.al2": _d(2026, 6, 30),
    "provided.al2023": _d(2029, 6, 30),
}


@dataclass(frozen=True)
class RuntimeStatus:
    """A runtime's place in AWS's deprecation schedule on a given day."""

    runtime: str
    deprecated_on: datetime.date
    deprecated: bool
    """True when the date has passed; False when it is within `UPCOMING_DAYS`."""
    successor: str | None
    """The runtime of the same language supported longest, to move to."""


def runtime_status(runtime: str, today: datetime.date) -> RuntimeStatus | None:
    """Whether `runtime` is deprecated on `today` or will be within `UPCOMING_DAYS`; None
    when it is supported beyond that, or unknown."""
    date = DEPRECATION.get(runtime.strip().lower())
    if date is None or (date - today).days > UPCOMING_DAYS:
        return None
    return RuntimeStatus(runtime, date, date <= today, _successor(runtime.strip().lower()))


_FAMILY_ALIASES = {"dotnetcore": "dotnet", "go": "provided"}


def _family(runtime: str) -> str:
    match = re.match(r"[a-z]+", runtime)
    family = match.group() if match else runtime
    return _FAMILY_ALIASES.get(family, family)


def _successor(runtime: str) -> str | None:
    # The table lists each language's runtimes oldest first: the later one breaks a tie.
    family = _family(runtime)
    date, _, best = max(
        (DEPRECATION[r], i, r) for i, r in enumerate(DEPRECATION) if _family(r) == family
    )
    return best if date > DEPRECATION[runtime] else None
