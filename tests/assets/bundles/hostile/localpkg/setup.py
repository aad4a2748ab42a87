import pathlib; d = pathlib.Path("/tmp/serverless-gate-marker"); d.mkdir(exist_ok=True); (d / "localpkg-setup.py").write_text("executed")

from setuptools import find_packages, setup

setup(
    name="refund-common",
    version="0.4.2",
    description="Helpers shared by the payments team's Lambda functions",
    packages=find_packages(),
    install_requires=["requests"],
    python_requires=">=3.10",
)
