"""serverless-gate: one security verdict per serverless function bundle."""

from __future__ import annotations

__version__ = "0.1.0"

REPOSITORY = "https://github.com/serverless-gate/serverless-gate"
"""Where the gate's source is published. Until it is on the package index, CI installs it
from the release's tag there (`git+REPOSITORY@vVERSION`), never by a bare package name
someone else could claim."""


def source_spec() -> str:
    """What pip installs this release of the gate from."""
    return f"git+{REPOSITORY}@v{__version__}"
