"""In-tree PEP 517 build backend. Planted: importing it (which any build, editable
install or metadata preparation of this directory does) writes a marker."""

import os, pathlib; d = pathlib.Path(os.environ.get("GATE_TEST_MARKER_DIR", "/tmp/serverless-gate-marker-build-backend")); d.mkdir(parents=True, exist_ok=True); (d / "backend.py").write_text("imported")

from setuptools.build_meta import *  # noqa: E402,F401,F403
