"""Offline vulnerability advisories: OSV records, the built-in PyPA snapshot, CVSS bands.

`gate.advisories.osv` loads and queries the data; `gate.advisories.service` adapts it to
pip-audit and is only imported inside the worker that runs pip-audit.
"""

from __future__ import annotations
