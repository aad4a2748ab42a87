"""The value objects every stage of the gate passes forward.

All of them are frozen: a stage that changes a finding derives a new one with
`dataclasses.replace`.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so thresholds compare directly."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __bool__(self) -> bool:
        # An IntEnum member of value 0 would be falsy, and `rating or default` would then
        # quietly turn a deliberate `info` into the default.
        return True

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """`Severity.parse("High")` -> `Severity.HIGH`; raises ValueError on anything else."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}") from None

    def lowered(self) -> Severity:
        """One step lower, never below info."""
        return Severity(max(self.value - 1, Severity.INFO.value))


class Confidence(enum.Enum):
    """How sure the scanner is (bandit, and the gate's own rules)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


class Status(enum.Enum):
    """What the policy made of a finding."""

    BLOCKING = "blocking"
    ALLOWED = "allowed"
    WAIVED = "waived"
    SUPPRESSED = "suppressed"
    BASELINED = "baselined"
    PREEXISTING = "preexisting"


class ScanStatus(enum.Enum):
    """How a scanner's run ended."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


class Decision(enum.Enum):
    """The gate's verdict, mapped one to one onto exit codes 0, 1 and 2."""

    PASS = "pass"  # noqa: S105 (a decision, not a password)
    FAIL = "fail"
    ERROR = "error"

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "fail": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Function:
    """A Lambda function as the bundle's IaC declares it. Paths are relative to the bundle
    root; a zip's entries are unpacked beside it, in `<zip>.contents`."""

    name: str
    """The IaC's name for it: a logical id, a serverless.yml key or a Terraform address."""
    iac: str
    """`sam`, `cloudformation`, `serverless`, `terraform` or `chalice`."""
    iac_file: str
    line: int | None
    resource: str
    """The resource as checkov names it: `AWS::Serverless::Function.Orders`, `orders`
    (serverless.yml) or `aws_lambda_function.orders`."""
    runtime: str | None
    handler: str | None
    handler_file: str | None
    """The Python file the handler names, when it is in the bundle."""
    handler_function: str | None
    code: str | None
    """The directory or zip the function deploys; None when it is not in the bundle."""
    layers: tuple[str, ...] = ()
    """Layers whose content is in the bundle."""
    manifests: tuple[str, ...] = ()
    """Dependency manifests in its code and layers."""
    related: tuple[str, ...] = ()
    """Other resources whose findings are the function's: its role and what points at it."""
    left_out: str | None = None
    """Why the policy's `leave_out` names it (its code may be missing), or None."""
    programs: tuple[str, ...] = ()
    """Programs in its code and layers the gate does not analyse (gate.bundle.staging.programs):
    what its environment could make the runtime start before the handler."""
    reached_by: tuple[str, ...] = ()
    """The resources of its template or module that reach it through any chain and so
    decide who may invoke it: what names it (a permission, URL, event source mapping,
    integration) and what joins those (a route, a method, an authorizer, an API and its
    stages; gate.bundle.discovery.reach)."""
    exposure: str = ""
    """What its IaC says invokes and empowers it, as written: its definition's part (a
    SAM function's `Events`, `FunctionUrlConfig`, `Role` and `Policies`; a serverless.yml
    function's `events`, `url` and `role` and its provider's API settings; a Terraform
    function's `role`; for a Chalice function, every file of its project's folder (what
    is deployed with its app, what `chalice deploy` may import beside app.py), which may
    rebind whatever its decorators are given, and its config's API and role settings
    with their policy files), and the content of each resource of `reached_by`."""
    defined_in: tuple[str, ...] = ()
    """Files besides `iac_file` its definition is read from, whose every change redefines
    it in diff mode: a Chalice project's `.chalice/config.json` and the policy files it
    names, and every other file of the project's folder but Chalice's build output
    (`app.py` is its `iac_file`)."""

    @property
    def identity(self) -> str:
        """A digest of what the function is beyond its name, which the bundle chooses: what
        it deploys (resource, code place, handler, runtime, layers) and what reaches and
        empowers it (related resources, what reaches it, exposure). A function rebuilt or
        exposed under a recorded name, or opened by a route that does not name it, has
        another."""
        parts = (
            self.iac_file,
            self.resource,
            self.code or "",
            self.handler or "",
            self.runtime or "",
            *self.layers,
            "\x1e",
            *self.related,
            "\x1e",
            *self.reached_by,
            "\x1e",
            self.exposure,
        )
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Function:
        """A function as `dataclasses.asdict` wrote it into a worker request."""
        tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list)}
        return cls(**{**data, **tuples})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Bundle:
    """One unit the gate judges: a function's code, its IaC and its dependencies."""

    id: str
    """Stable name of the bundle in reports: the path as given, in POSIX form."""
    path: Path
    """Where the bundle lives on disk."""
    kind: str = "directory"
    """`directory`, `zip` or `function` (report contract)."""
    functions: tuple[Function, ...] = ()
    """Functions discovered in the bundle's IaC."""
    python_layers: frozenset[str] = frozenset()
    """Where every layer its IaC declares that may hold Python has its code, tied to a
    function or not."""


@dataclass(frozen=True)
class Location:
    """Where a finding is: a file relative to the bundle root, lines, and an IaC resource."""

    path: str
    start_line: int | None = None
    end_line: int | None = None
    resource: str | None = None


@dataclass(frozen=True)
class Package:
    """A dependency a finding is about."""

    name: str
    version: str
    fixed_versions: tuple[str, ...] = ()
    upgrade_to: str | None = None
    """The smallest version that clears every known advisory of this package, if any."""


@dataclass(frozen=True)
class Reporter:
    """Another scanner's report folded into a finding."""

    scanner: str
    rule_id: str


@dataclass(frozen=True)
class Absorbs:
    """Findings of another scanner that a finding stands for, so one problem is reported
    once: the given rules at one line of a file (bandit) or on one resource (checkov).
    They are folded into the finding's `also_reported_by`."""

    scanner: str
    rule_ids: tuple[str, ...]
    path: str
    line: int | None = None
    resource: str | None = None

    def matches(self, other: Finding) -> bool:
        return (
            other.scanner == self.scanner
            and other.rule_id in self.rule_ids
            and other.location.path == self.path
            and (self.line is None or other.location.start_line == self.line)
            and (self.resource is None or other.location.resource == self.resource)
        )


@dataclass(frozen=True)
class Waiver:
    """Why a finding does not block, as the policy says."""

    reason: str
    expires: str | None = None
    approved_by: str | None = None


@dataclass(frozen=True)
class Suppression:
    """An inline suppression written in the scanned code, next to what it suppresses."""

    kind: str
    """`nosec`, `checkov:skip` or `Metadata.checkov.skip`."""
    reason: str | None
    """The author's stated reason; None for a bare `# nosec`."""


@dataclass(frozen=True)
class Finding:
    """One problem one scanner reported, normalised."""

    scanner: str
    rule_id: str
    title: str
    message: str
    severity: Severity
    bundle: str
    location: Location
    anchor: str = ""
    """What identifies the finding apart from line numbers: normalised code text,
    a resource name or a package; feeds the fingerprint."""
    confidence: Confidence | None = None
    cwe: str | None = None
    help_uri: str | None = None
    package: Package | None = None
    aliases: tuple[str, ...] = ()
    also_reported_by: tuple[Reporter, ...] = ()
    functions: tuple[str, ...] = ()
    """The functions of the bundle this finding belongs to (none: shared IaC or files)."""
    suppression: Suppression | None = None
    """An inline suppression the code's author wrote; the policy decides if it counts."""
    status: Status | None = None
    """None until the policy is evaluated."""
    waiver: Waiver | None = None
    absorbs: tuple[Absorbs, ...] = ()
    """Other scanners' findings on the same problem, to fold into this one (not reported)."""
    reported_fingerprint: str | None = None
    """Set on a finding read back from a JSON report (which does not carry the anchor):
    the fingerprint it was reported with."""

    @property
    def fingerprint(self) -> str:
        """A stable id: the same problem keeps it when lines above it move or its code is
        reformatted (line numbers and whitespace are not part of it)."""
        if self.reported_fingerprint is not None:
            return self.reported_fingerprint
        parts = (
            self.scanner,
            self.rule_id,
            self.bundle,
            self.location.path,
            self.location.resource or "",
            "".join(self.anchor.split()),  # whitespace never tells two problems apart
        )
        # surrogatepass: a file name that is not UTF-8 reaches here surrogate-escaped.
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ScanIssue:
    """Something a scanner could not check: a file it failed to parse, a dependency it
    could not audit. Any of these makes the scanner's result an error."""

    scanner: str | None
    """None for what the gate itself could not check (a function's missing code)."""
    message: str
    path: str | None = None
    bundle: str | None = None


@dataclass(frozen=True)
class ScanResult:
    """One scanner's run over every bundle."""

    scanner: str
    status: ScanStatus
    version: str | None = None
    duration_s: float = 0.0
    message: str | None = None
    findings: tuple[Finding, ...] = ()
    issues: tuple[ScanIssue, ...] = ()
    cache: tuple[int, int] | None = None
    """(parts taken from the findings cache, parts in all); None without the cache."""

    @property
    def failed(self) -> bool:
        """The scanner errored or timed out: what it reports is not the whole truth."""
        return self.status in (ScanStatus.ERROR, ScanStatus.TIMEOUT)


@dataclass(frozen=True)
class Warning_:
    """Something the user should know that does not change the decision."""

    code: str
    message: str


@dataclass(frozen=True)
class PolicySource:
    """Where the policy came from, for the report."""

    source: str
    sha256: str
    env: str | None = None


# Lambda's runtimes of other languages; anything else (a `!Ref` the loader reads as the
# parameter's name) may be Python.
_OTHER_RUNTIME = re.compile(r"^(nodejs|java|dotnet|go|ruby|provided)", re.IGNORECASE)


def other_runtime(runtime: str | None) -> bool:
    """Whether `runtime` plainly names a Lambda runtime of another language than Python."""
    return runtime is not None and bool(_OTHER_RUNTIME.match(runtime))


def analysed_runtime(runtime: str | None) -> bool:
    """Whether the gate analyses a function's code: Python, or code whose runtime the IaC
    does not name plainly (unset, a `!Ref`, a `${self:...}`): never less checking on a
    guess."""
    return not other_runtime(runtime)


def python_function(function: Function) -> bool:
    """Whether a function's code may be Python (`analysed_runtime`)."""
    return analysed_runtime(function.runtime)
