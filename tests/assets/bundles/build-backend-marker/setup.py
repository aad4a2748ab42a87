# Planted: `pip install .`, `pip install -e .` or any metadata preparation runs this file.
import os, pathlib; d = pathlib.Path(os.environ.get("GATE_TEST_MARKER_DIR", "/tmp/serverless-gate-marker-build-backend")); d.mkdir(parents=True, exist_ok=True); (d / "setup.py").write_text("executed")

from setuptools import setup

setup(
    name="label-sync",
    version="0.3.0",
    py_modules=["app"],
    install_requires=["boto3"],
)
