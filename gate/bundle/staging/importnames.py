"""Which top-level module names a distribution may install.

A RECORD is as easy to write as the module it lists: the bundle can claim that its
own `helper.py` belongs to `six`, and a reviewer who reads `six==1.16.0` in the
requirements file has no reason to look further. A declaration therefore vouches only
for the modules named like the distribution it declares:

- the distribution's name, with its separators as underscores or dropped
  (`charset-normalizer` -> `charset_normalizer`, `opensearch-py` -> `opensearchpy`);
- without a conventional prefix or suffix (`python-dateutil` -> `dateutil`,
  `PyYAML` -> `yaml`, `kafka-python` -> `kafka`, `psycopg2-binary` -> `psycopg2`);
- the first part of a compound name (`google-auth` -> `google`, `zope.interface` ->
  `zope`), which is how namespace packages are named;
- the import names of the well-known distributions whose modules are named otherwise
  (`beautifulsoup4` -> `bs4`, `protobuf` -> `google`), listed below.

A module is named by what comes before its first `.` or `-` (`numpy.libs`,
`protobuf-4.25.0-py3.12-nspkg.pth`). A private module is matched without its leading
underscores, and by its first part (`_cffi_backend` belongs to `cffi`, `tiktoken_ext`
to `tiktoken`). Names are compared
case-insensitively. A module outside these names is not proven third-party by the
distribution's RECORD: it is scanned as the bundle's own code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath

from packaging.utils import canonicalize_name

# Distributions (canonical names) whose modules are not named like them.
KNOWN: dict[str, frozenset[str]] = {
    name: frozenset(modules.split())
    for name, modules in {
        "argon2-cffi": "argon2",
        "attrs": "attr attrs",
        "aws-cdk-lib": "aws_cdk",
        "bc-detect-secrets": "detect_secrets",
        "bc-python-hcl2": "hcl2",
        "beautifulsoup4": "bs4",
        "cattrs": "cattr cattrs",
        "dnspython": "dns",
        "gitpython": "git",
        "google-api-python-client": "googleapiclient apiclient",
        "grpcio": "grpc",
        "grpcio-health-checking": "grpc_health",
        "grpcio-reflection": "grpc_reflection",
        "grpcio-status": "grpc_status",
        "grpcio-tools": "grpc_tools",
        "msgpack-python": "msgpack",
        "mypy": "mypy mypyc",
        "mysql-connector-python": "mysql mysqlx",
        "mysqlclient": "MySQLdb",
        "opencv-contrib-python": "cv2",
        "opencv-contrib-python-headless": "cv2",
        "opencv-python": "cv2",
        "opencv-python-headless": "cv2",
        "pillow": "PIL",
        "pip-requirements-parser": "pip_requirements_parser packaging_legacy_version",
        "protobuf": "google",
        "pycryptodome": "Crypto",
        "pycryptodomex": "Cryptodome",
        "pymongo": "bson gridfs pymongo",
        "pynacl": "nacl",
        "pyopenssl": "OpenSSL",
        "pysocks": "socks sockshandler",
        "pytest": "pytest _pytest py",
        "python-json-logger": "pythonjsonlogger",
        "pywin32": "win32 win32com win32comext pythonwin pywin32_system32",
        "scikit-image": "skimage",
        "scikit-learn": "sklearn",
        "setuptools": "setuptools pkg_resources _distutils_hack easy_install distutils",
        "starkbank-ecdsa": "ellipticcurve",
    }.items()
}

# The shared runtime of the modules mypyc compiled (tomli, charset-normalizer), named by
# a hash: imported only by those modules.
_MYPYC_RUNTIME = re.compile(r"^[0-9a-f]{20}__mypyc\.")
_NATIVE = (".so", ".pyd")
_CODE = (".py", ".pyc", ".pth", *_NATIVE)
_PREFIXES = ("python_", "py_", "py", "pytest_")
_SUFFIXES = ("_python", "_py", "_binary", "_client", "_sdk", "_lib")


def owns(distribution: str, inner: str) -> bool:
    """Whether `distribution` may install the file at `inner` (a path relative to its
    site directory): a file of its metadata folders that is not code, mypyc's compiled
    runtime, or a module named like it."""
    top = PurePosixPath(inner).parts[0]
    if top.endswith((".dist-info", ".data")):
        # Metadata, and what a wheel's installer moves elsewhere: no module of the
        # distribution's lives there, though PYTHONPATH may put one on the path.
        return not inner.endswith(_CODE)
    if _MYPYC_RUNTIME.match(top):
        return inner.endswith(_NATIVE)
    module = re.split(r"[.-]", top, maxsplit=1)[0].lower()
    private = module.lstrip("_")
    candidates = {module, private}
    if private != module:
        # A private extension is named by its distribution's first part and its role
        # (`_cffi_backend`); a public module is not (`six_helper` is not six's).
        candidates.add(private.split("_")[0])
    return not names(distribution).isdisjoint(candidates)


@cache
def names(distribution: str) -> frozenset[str]:
    """The lower-cased module names `distribution` stands for."""
    canonical = canonicalize_name(distribution)
    base = canonical.replace("-", "_")
    found = {base, base.replace("_", ""), re.split(r"[-_.]", distribution.lower())[0]}
    for prefix in _PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix):
            found.add(base.removeprefix(prefix))
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            found.add(base.removesuffix(suffix))
    found |= {m.lower() for m in KNOWN.get(canonical, ())}
    return frozenset(found)
