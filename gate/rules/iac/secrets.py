"""GATE-IAC-012: plaintext secrets in a function's environment, by a known key format in
any variable, or by a secret's name with a value that could be one.

Only the kind of secret is ever told, never the value or any part of it: a message
names the variable and the function, and nothing else. A variable every function
inherits (`Globals.Function`, `provider.environment`) is one finding, on no single
function's resource, naming the functions that inherit it.

Names. A variable is secret-named when it contains PASSWORD, PASSWD, PASSPHRASE,
SECRET, TOKEN, API_KEY/APIKEY, PRIVATE_KEY, ACCESS_KEY, SIGNING_KEY, ENCRYPTION_KEY,
CLIENT_SECRET or CREDENTIAL, unless its last word says it holds something about the
secret rather than the secret (`_ID`, `_NAME`, `_ARN`, `_URL`, `_PATH`, `_PREFIX`,
`_TTL`, ...): `PAYMENTS_API_KEY_SECRET_NAME`, `TOKEN_TTL`, `SECRET_ARN`. A bare `KEY`
is not a secret's name: it names DynamoDB partition keys, cache keys and KMS keys as
often as credentials (`TABLE_KEY_PREFIX`, `SORT_KEY`); a real key in such a variable
is still caught by its format.

Values. Interpolations (`${ssm:...}`, `${var.x}`, `{{resolve:...}}`) are resolved at
deploy time, not plaintext: they are removed before a value is judged, and a value
that had one is judged by key formats only. Under a secret's name, a wholly literal
value counts unless it is trivial: shorter than 8 characters, one repeated character,
a placeholder (`changeme`, `<...>`, `xxx...`), a boolean or a path-like value
(`/run/secrets/db`, `alias/orders`, an ARN).
"""

from __future__ import annotations

import re

from gate.model import Absorbs
from gate.rules.findings import RawFinding
from gate.rules.iac.view import FunctionView, Variable

SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"SIGNING_?KEY|ENCRYPTION_?KEY|CREDENTIAL",
    re.IGNORECASE,
)
_ABOUT_THE_SECRET = re.compile(
    r"[_-](ID|NAME|ARN|URL|URI|ENDPOINT|HOST|PATH|PREFIX|SUFFIX|FILE|PARAM|PARAMETER|"
    r"REGION|TTL|TIMEOUT|EXPIRY|EXPIRES|LENGTH|HEADER|TYPE|ENABLED|VERSION|ROTATION|"
    r"BUCKET|TABLE|KEY_ID|LOCATION|SOURCE)$",
    re.IGNORECASE,
)
# Known formats, checked in every variable whatever its name. Each is specific enough to
# mean a real credential: an identifier prefix and a length.
KEY_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")),
    ("a GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})")),
    ("a Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    # The scheme starts where a run of scheme characters starts, and is at most 32 long:
    # a bare `[a-z0-9+.-]*` retried at every position of `a-a-a-...` is quadratic.
    (
        "a URL with a password",
        re.compile(r"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}://[^/\s:@]+:[^/\s@]+@"),
    ),
)
_PLACEHOLDER = re.compile(
    r"^(<.*>|\{\{.*\}\}|x+|\*+|change_?me|replace_?me|todo|tbd|none|null|undefined|"
    r"dummy|example|placeholder|secret|password|true|false)$",
    re.IGNORECASE,
)
_PATH_LIKE = re.compile(r"^(/[\w.-]+(/[\w.-]+)+|alias/[\w/-]+|arn:aws[\w-]*:.*)$")
_INTERPOLATION = re.compile(r"\$\{[^{}]*\}|\{\{resolve:[^{}]*\}\}")
MIN_SECRET_LENGTH = 8
NAMED = "a secret's name"
"""The kind of a secret recognised by its variable's name, not its value's format."""
SECRET_CHECKS = tuple(f"CKV_SECRET_{n}" for n in range(1, 20))
"""checkov's secrets checks (3.3.30), reported on a file and line with no resource."""
ENVIRONMENT_CHECKS = {"serverless": ("CKV_AWS_41",)}
"""checkov's check of a function's environment, by IaC kind; CKV_AWS_45 for the others."""


def secret_findings(views: list[FunctionView]) -> list[RawFinding]:
    """One finding per secret-holding variable: a function's own, or a shared one."""
    findings = []
    shared: dict[tuple[str, str, str], tuple[Variable, str, list[FunctionView]]] = {}
    for view in views:
        for variable in view.variables:
            kind = secret_kind(variable.name, variable.literal) if variable.literal else None
            if kind is None:
                continue
            if variable.shared is None:
                findings.append(_finding(variable, kind, [view], view.resource))
            else:
                key = (view.path, variable.shared, variable.name)
                shared.setdefault(key, (variable, kind, []))[2].append(view)
    findings += [_finding(v, kind, inheriting, None) for v, kind, inheriting in shared.values()]
    return findings


def _finding(
    variable: Variable, kind: str, views: list[FunctionView], resource: str | None
) -> RawFinding:
    path = views[0].path
    names = ", ".join(v.function.name for v in views)
    if resource is None:
        where = f"{variable.shared}.environment variable {variable.name} (inherited by {names})"
        anchor = f"{variable.shared}#env:{variable.name}"
    else:
        where = f"{names}: environment variable {variable.name}"
        anchor = f"{resource}#env:{variable.name}"
    what = "has a secret's name and a literal value" if kind == NAMED else f"holds {kind}"
    message = (
        f"{where} {what}: the secret is in plaintext, and anyone who can read the repository, the "
        "deployment package or the function's configuration has it. Keep it in Secrets "
        "Manager or SSM Parameter Store (SecureString) and read it at runtime, or reference "
        "it so it is resolved at deploy time; then rotate it, as it stays in the history."
    )
    merges = [
        Absorbs(
            "checkov",
            ENVIRONMENT_CHECKS.get(v.function.iac, ("CKV_AWS_45",)),
            path,
            None,
            v.resource,
        )
        for v in views
    ]
    merges.append(Absorbs("checkov", SECRET_CHECKS, path, variable.line, None))
    severity = None if kind == NAMED else "critical"
    return RawFinding(
        "GATE-IAC-012",
        message,
        path,
        variable.line,
        None,
        resource,
        anchor,
        severity,
        tuple(merges),
    )


def secret_kind(name: str, value: str) -> str | None:
    """What makes the value of variable `name` a secret: its format ("an AWS access key
    id") or `NAMED`; None if it is not one."""
    literal = _without_interpolations(value)
    for kind, pattern in KEY_FORMATS:
        if pattern.search(literal):
            return kind
    if literal == value and is_secret_name(name) and not _trivial(literal):
        return NAMED
    return None


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not _ABOUT_THE_SECRET.search(name)


_MAX_NESTING = 16
"""Interpolations nested deeper are left in: each pass is a scan of the whole value, and
what is left is only judged by more of it, never less."""


def _without_interpolations(value: str) -> str:
    """`value` with every `${...}` and `{{resolve:...}}` taken out, innermost first (up
    to `_MAX_NESTING` deep, so `${${${...` cannot make the work quadratic)."""
    for _ in range(_MAX_NESTING):
        stripped = _INTERPOLATION.sub("", value)
        if stripped == value:
            return value
        value = stripped
    return value


def _trivial(value: str) -> bool:
    stripped = value.strip()
    return (
        len(stripped) < MIN_SECRET_LENGTH
        or len(set(stripped)) == 1
        or bool(_PLACEHOLDER.match(stripped))
        or bool(_PATH_LIKE.match(stripped))
    )
