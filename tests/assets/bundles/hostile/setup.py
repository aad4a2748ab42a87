import pathlib; d = pathlib.Path("/tmp/serverless-gate-marker"); d.mkdir(exist_ok=True); (d / "setup.py").write_text("executed")

from setuptools import setup

setup(
    name="refund-processor",
    version="1.3.0",
    description="Issues refunds requested by the support tool",
    py_modules=["app"],
    install_requires=["refund-common"],
    python_requires=">=3.12",
)
