"""Vulnerability advisories: OSV records, the built-in PyPA snapshot, CVSS bands.

`gate.advisories.osv` loads and queries the data; `snapshot` writes compact snapshots;
`update` imports OSV exports into the cache (`gate db update`); `sources` chooses the data
a run uses. `service` (offline) and `live` (pip-audit's OSV service, `auto`) adapt it to
pip-audit and are only imported inside the worker that runs pip-audit.
"""

from __future__ import annotations
