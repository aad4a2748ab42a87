"""What a serverless rule reports, before the gate turns it into a `Finding`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from gate.model import Absorbs


@dataclass(frozen=True)
class RawFinding:
    """One problem a serverless rule found; paths are relative to the bundle root."""

    rule_id: str
    """`GATE-SLS-*` or `GATE-IAC-*`, with an entry in gate/policies/serverless-rules.yml."""
    message: str
    """What is wrong here and the fix, specific to this place. Never a secret's value."""
    path: str
    line: int | None = None
    end_line: int | None = None
    resource: str | None = None
    """The IaC resource, named as checkov names it (`AWS::Serverless::Function.Orders`)."""
    anchor: str = ""
    """What identifies the finding apart from line numbers (fingerprint): e.g. the sink
    call's normalised text, or the resource and statement."""
    severity: str | None = None
    """Overrides the catalogue's severity for this case, e.g. `critical`."""
    merges: tuple[Absorbs, ...] = field(default_factory=tuple)
    """Other scanners' findings on the same problem (a bandit test on the same line, a
    checkov check on the same resource), reported once, as this finding."""
    functions: tuple[str, ...] = ()
    """The functions a setting they share is the problem for (SAM `Globals`, a
    serverless.yml `provider`): one finding names them all."""
    confidence: str = "high"
    """How sure the rule is (`high`, `medium`, `low`): policy `min_confidence` reads it."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawFinding:
        merges = tuple(
            Absorbs(m["scanner"], tuple(m["rule_ids"]), m["path"], m.get("line"), m.get("resource"))
            for m in data.get("merges", ())
        )
        return cls(**{**data, "merges": merges, "functions": tuple(data.get("functions", ()))})


@dataclass(frozen=True)
class RuleIssue:
    """Something the rules could not check: a file they cannot parse, or a rule that
    failed on a function. Either makes the serverless scanner's result an error."""

    path: str | None
    """The file, relative to the bundle root; None when no one file can be named."""
    message: str
    line: int | None = None
    rule: str | None = None
    """The rule module that failed; None for a file no rule could parse."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RuleIssue:
        return cls(**data)

    def describe(self) -> str:
        """The message, with the line when there is one."""
        return f"line {self.line}: {self.message}" if self.line else self.message
