"""The documented built-in rules that leave a bundle's file out of the scan, and which
files are code the gate does not analyse."""

from __future__ import annotations

import ast
import os
import posixpath
import re
from pathlib import Path

from gate.errors import BundleError

# Folder names and the built-in rule that ignores them.
DIR_RULES: dict[str, str] = {
    ".git": "vcs",
    ".hg": "vcs",
    ".svn": "vcs",
    ".aws-sam": "build-output",
    ".serverless": "build-output",
    ".terraform": "build-output",
    "cdk.out": "build-output",
    "node_modules": "dependency-tree",
    ".venv": "virtualenv",
    ".tox": "virtualenv",
    "__pycache__": "tool-cache",
    ".mypy_cache": "tool-cache",
    ".pytest_cache": "tool-cache",
    ".ruff_cache": "tool-cache",
    "__MACOSX": "apple-double",
}
# Configuration a scanner would obey if it found it in the tree it scans.
SCANNER_CONFIG_FILES = frozenset({".checkov.yaml", ".checkov.yml", ".bandit"})
# Code of runtimes the gate does not analyse.
NOT_ANALYSED_SUFFIXES = frozenset(
    {".js", ".mjs", ".cjs", ".ts", ".java", ".jar", ".class", ".go", ".cs", ".rb", ".rs"}
    | {".sh", ".bash", ".zsh", ".pl", ".php", ".ps1", ".lua"}
)
NATIVE_SUFFIXES = frozenset({".so", ".pyd", ".dll", ".dylib", ".exe"})
# ELF, Mach-O (both byte orders, fat) and PE executables.
_BINARY_MAGIC = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe", b"MZ")
VIRTUALENV_MARKER = "pyvenv.cfg"
MAX_DEPTH = 100
"""Folders nested deeper than this in a bundle or an archive are refused: no deployed
tree needs so many, and what reads the copy (os.walk, shutil.rmtree, the scanners)
recurses once a level, so a deeper tree would stop the run, and the next ones, with an
internal error."""


# What of `.aws-sam` SAM deploys from, and is scanned: the build `sam deploy` deploys
# (where its template is), and the caches `sam build --cached` copies into a build in
# place of building the code.
_SAM_CACHES = frozenset({"cache", "deps"})


def dir_rule(name: str, path: Path) -> str | None:
    """The built-in rule that ignores the folder `path` (named `name`), if any: a folder
    holding `pyvenv.cfg` and only a virtualenv's parts is a virtualenv whatever its name,
    and so are those parts beside a `pyvenv.cfg` in a folder holding more. SAM's build
    that `sam deploy` would deploy (`.aws-sam/build/template.yaml`) and its caches are
    not ignored, only the rest of `.aws-sam`."""
    if name == ".aws-sam":
        return None  # looked into: SAM deploys from some of its folders
    if path.parent.name == ".aws-sam":
        deployed = name in _SAM_CACHES or (name == "build" and os_lexists(path / "template.yaml"))
        return None if deployed else "build-output"
    rule = DIR_RULES.get(name)
    if rule is None and _virtualenv_made(path):
        return "virtualenv"
    if rule is None and name in VIRTUALENV_PARTS and os_lexists(path.parent / VIRTUALENV_MARKER):
        return "virtualenv"
    return rule


# What `python -m venv`, virtualenv and uv write at the top of a virtualenv.
VIRTUALENV_PARTS = frozenset(
    {VIRTUALENV_MARKER, "bin", "Scripts", "lib", "lib64", "Lib", "include", "Include"}
    | {"share", ".gitignore", "CACHEDIR.TAG", ".lock"}
)


def _virtualenv_made(path: Path) -> bool:
    """Whether the folder `path` is a virtualenv and nothing else: it holds `pyvenv.cfg`
    and only what a virtualenv's tools write beside it. A virtualenv made in a service's
    own folder (`python -m venv .`) leaves the service's files there, which are not the
    virtualenv's: only its parts are ignored then (`dir_rule`)."""
    if not os_lexists(path / VIRTUALENV_MARKER):
        return False
    try:
        return all(entry.name in VIRTUALENV_PARTS for entry in os.scandir(path))
    except OSError:
        return False  # the copy lists it again, and refuses what it cannot read


def file_rule(name: str) -> str | None:
    """The built-in rule that ignores a file named `name`, if any."""
    if name in SCANNER_CONFIG_FILES:
        return "scanner-config"
    if name.startswith("._") or name == ".DS_Store":
        return "apple-double"
    return None


def is_python_script(path: Path) -> bool:
    """Whether `path` is Python without a `.py` name, run by its `#!` line (an exec
    wrapper, a script): one whose `#!` names python, or any `#!` script that is also
    Python (a `#!/bin/sh` whose next line execs python on itself). The scanners read
    it as they read `.py` files."""
    if path.suffix.lower() == ".py" or path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SCRIPT_MAX_BYTES + 1)
    except OSError:
        return False
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"#!"):
        return False
    if b"python" in first or _RUNS_ITSELF_WITH_PYTHON.search(head[:_SCRIPT_HEAD_BYTES]):
        return True  # a shell line that execs python on this very file: a polyglot
    if len(head) > _SCRIPT_MAX_BYTES:
        return False
    try:
        ast.parse(head)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


_SCRIPT_MAX_BYTES = 1024 * 1024
"""A `#!` script larger than this is taken for Python only if it says it runs python."""
_SCRIPT_HEAD_BYTES = 64 * 1024
_RUNS_ITSELF_WITH_PYTHON = re.compile(rb"python[^\n]*\$\{?0|\$\{?0[^\n]*python")


def python_scripts(root: Path) -> list[Path]:
    """The Python scripts without a `.py` name under `root` (`is_python_script`)."""
    return sorted(path for path in root.rglob("*") if is_python_script(path))


def is_program(path: Path) -> bool:
    """Whether the system would run `path` as a program: a `#!` script or a native
    executable (by its first bytes)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return head.startswith(b"#!") or head.startswith(_BINARY_MAGIC)


def runs_python(path: Path) -> bool:
    """Whether the system runs `path` with Python: the interpreter its `#!` line names, as
    the kernel reads it (the first word, `..` resolved), is python, or `env` running
    python. A file without such a line is run by the shell, whatever its name."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(512)
    except OSError:
        return False
    return shebang_runs_python(first)


_PYTHON_NAME = re.compile(r"^python[0-9.]*$")


def shebang_runs_python(first: bytes) -> bool:
    """Whether a `#!` line starts python (`#!/usr/bin/python3`, `#!/usr/bin/env python3`,
    `#!/usr/bin/env -S python3 -u`); not a line that merely mentions it
    (`#!/var/lang/lib/python3.12/../../../../bin/sh`)."""
    if not first.startswith(b"#!"):
        return False
    words = first[2:].decode("utf-8", "replace").split()
    if not words:
        return False
    program = posixpath.basename(posixpath.normpath(words[0]))
    if program == "env":
        # env's options (`-S`, `-i`, `-u NAME`) come before the program it runs.
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        program = posixpath.basename(rest[0]) if rest else ""
    return bool(_PYTHON_NAME.match(program))


def is_binary(path: Path) -> bool:
    """Whether `path` is a native executable or library (by its first bytes)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return head.startswith(_BINARY_MAGIC)


def os_lexists(path: Path) -> bool:
    """Whether `path` exists, without following a link at its end."""
    try:
        path.lstat()
    except OSError:
        return False
    return True


def refusal(message: str) -> BundleError:
    """A BundleError whose message stays one line whatever the bundle's file names hold
    (control characters, newlines among them, are shown escaped)."""
    return BundleError("".join(c if c.isprintable() else repr(c)[1:-1] for c in message))


def runs_at_start(pth: Path) -> bool:
    """Whether a `.pth` file has a line `site` runs at every start (one that begins with
    `import`, read as `site` reads it: utf-8-sig since Python 3.13, so a BOM is dropped;
    a line that only looks like an import once stripped counts too). Raises OSError."""
    lines = pth.read_text("utf-8-sig", "replace").splitlines()
    return any(line.strip("\ufeff \t").startswith("import") for line in lines)
