"""Which modules a distribution's record may vouch for (gate.bundle.staging.importnames)."""

from __future__ import annotations

import importlib.metadata

import pytest

from gate.bundle.staging.importnames import owns


@pytest.mark.parametrize(
    ("distribution", "inner"),
    [
        ("six", "six.py"),
        ("charset-normalizer", "charset_normalizer/api.py"),
        ("opensearch-py", "opensearchpy/client.py"),
        ("python-dateutil", "dateutil/parser.py"),
        ("PyYAML", "yaml/loader.py"),
        ("PyYAML", "_yaml/__init__.py"),
        ("kafka-python", "kafka/client.py"),
        ("psycopg2-binary", "psycopg2/extras.py"),
        ("google-auth", "google/auth/jwt.py"),
        ("zope.interface", "zope/interface/declarations.py"),
        ("cffi", "_cffi_backend.py"),
        ("beautifulsoup4", "bs4/element.py"),
        ("protobuf", "google/protobuf/message.py"),
        ("Pillow", "PIL/Image.py"),
        ("setuptools", "pkg_resources/__init__.py"),
        ("numpy", "numpy.libs/readme.py"),
        ("six", "six-1.16.0.dist-info/LICENSE"),
        ("protobuf", "protobuf-4.25.0-py3.12-nspkg.pth"),
        ("setuptools", "distutils-precedence.pth"),
        ("orjson", "orjson/orjson.cpython-312-x86_64-linux-gnu.so"),
        ("tomli", "c787785866c7b801238d__mypyc.cpython-311-x86_64-linux-gnu.so"),
    ],
)
def test_a_module_named_like_its_distribution_is_its_own(distribution: str, inner: str) -> None:
    assert owns(distribution, inner)


@pytest.mark.parametrize(
    ("distribution", "inner"),
    [
        ("six", "helper.py"),
        ("requests", "app.py"),
        ("boto3", "handlers/orders.py"),
        ("protobuf", "helper/__init__.py"),
        ("PyYAML", "handler.py"),
        ("six", "helper.pth"),
        ("six", "six-1.16.0.dist-info/x.py"),
        ("six", "six-1.16.0.data/purelib/helper.py"),
        ("tomli", "c787785866c7b801238d__mypyc.py"),
        ("six", "helper.cpython-312-x86_64-linux-gnu.so"),
    ],
)
def test_a_module_named_otherwise_is_not(distribution: str, inner: str) -> None:
    assert not owns(distribution, inner)


# Top-level folders some wheels ship that belong to no module of theirs (checkov's and
# python-hcl2's own tests): a record cannot vouch for them, and they are scanned.
STRAY = {"test", "tests", "cdk_integration_tests", "sast_integration_tests"}


def test_the_installed_distributions_own_their_modules() -> None:
    """Real data: every Python module the distributions installed here list in their
    RECORD is named like them, but for stray test folders and the project's own
    editable install."""
    stray = {
        f"{d.metadata['Name']}: {f}"
        for d in importlib.metadata.distributions()
        if d.metadata["Name"] != "serverless-gate"
        for f in d.files or []
        if str(f).endswith((".py", ".so", ".pth"))
        and not str(f).startswith("..")
        and str(f).split("/")[0] not in STRAY
        and not owns(d.metadata["Name"], str(f))
    }
    assert stray == set()
