"""pbr's own requirements files, read as pbr reads them (7.x, `packaging.parse_requirements`,
run by its metadata hook), never as pip reads a requirements file: what pbr adds to a
project's `install_requires` is what the gate audits."""

from __future__ import annotations

import ast
import configparser
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from gate.bundle.manifests.backends import build_system, load_pyproject
from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.requirements import include
from gate.bundle.manifests.shapes import (
    Malformed,
    ini_line,
    ini_value,
    load_ini,
)

PBR_FILES = ("requirements.txt", "tools/pip-requires")
"""pbr's `REQUIREMENTS_FILES`: it reads the first of them that exists in the project."""


def runs_pbr(project: Path) -> bool:
    """Whether building the project in the folder `project` runs pbr's metadata hook: its
    `setup.py` names pbr as Python reads it (`_names_pbr`: `pbr=True`, the keyword pbr's
    setuptools plugin answers, or `setup_requires=['pbr']`), or its `pyproject.toml` names
    pbr's build backend as pip imports it (gate.bundle.manifests.backends: any module of
    pbr's; its hook reads the files for a pyproject-only project) or requires pbr by any
    spelling pip reads as its name (`_is_pbr`). Reading the files of a project that names
    pbr without running it only reports more."""
    try:
        setup_py = (project / "setup.py").read_text("utf-8", errors="replace")
    except OSError:
        setup_py = ""
    if _names_pbr(setup_py):
        return True
    try:
        system = build_system(load_pyproject(project / "pyproject.toml"))
    except (OSError, Malformed):
        return False  # no pyproject.toml; one that cannot be read is reported by its reader
    return system.package == "pbr" or any(_is_pbr(requirement) for requirement in system.requires)


def _names_pbr(setup_py: str) -> bool:
    """Whether the text of a `setup.py` names pbr, in any case, as Python reads it: in an
    identifier, which Python reads under NFKC (a fullwidth or mathematical-bold `pbr` is
    the keyword `pbr`), or in a string's value, its escapes undone (`'\\x50BR'` is a
    requirement pip reads as pbr)."""
    texts = [unicodedata.normalize("NFKC", setup_py), *_string_values(setup_py)]
    return any(re.search(r"\bpbr\b", text.casefold()) for text in texts)


def _string_values(source: str) -> list[str]:
    """The values of the string literals of Python `source`; none where Python cannot
    parse it (its reader reports that)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _is_pbr(requirement: str) -> bool:
    """Whether a requirement names pbr as pip reads its name (PEP 503: any case); one pip
    cannot read fails the build."""
    try:
        return canonicalize_name(Requirement(requirement).name) == "pbr"
    except InvalidRequirement:
        return False


def pbr_config(setup_cfg: str) -> configparser.ConfigParser:
    """A `setup.cfg` (its text) as pbr reads it (`setup_cfg_to_args`): a plain
    `ConfigParser`, option names lower-cased, each value expanded as read (its
    `parser.items(section)`: `%(name)s` from the section or `[DEFAULT]`, through
    `ini_value`). A file it cannot read is `Malformed`."""
    return load_ini(setup_cfg, configparser.ConfigParser())


def pbr_code_settings(setup_cfg: str) -> list[str]:
    """The settings of a pbr project's `setup.cfg` (its text) that make pbr, where it runs
    (`runs_pbr`), import and run code other than its own, which may set the dependencies
    and which the gate never runs: `[global] setup_hooks` (`setup-hooks`, any case), each
    hook called with the parsed configuration before pbr reads its `requires_dist`, and
    `[global] commands`, each class imported. Each is judged by its names as pbr reads
    them (`pbr_config`, expanded); a name under `pbr` is pbr's own code (pbr is imported
    when it reads them: `pbr.hooks.setup_hook`). A value pbr cannot expand is `Malformed`
    (pbr fails there); a file configparser cannot read is reported by its reader."""
    try:
        parser = pbr_config(setup_cfg)
    except Malformed:
        return []
    if not parser.has_section("global"):
        return []
    lines = setup_cfg.splitlines()
    return [
        key
        for key in parser.options("global")
        if key.replace("-", "_") in _CODE_SETTINGS
        and any(
            name.split(".")[0] != "pbr"
            for name in split_multiline(
                ini_value(parser, "global", key, "pbr", ini_line(lines, key))
            )
        )
    ]


PBR_CONFIG = "setup.cfg"
_CODE_SETTINGS = ("setup_hooks", "commands")
"""pbr's `[global]` keys (`-` read as `_`) naming code it imports: `setup_cfg_to_args`'s
hooks, `CFG_TO_PY_SETUP_ARGS`'s `cmdclass`."""


def split_multiline(value: str) -> list[str]:
    """A pbr list (`split_multiline`): one item a line (at `\\n` alone), stripped, comment
    lines dropped."""
    lines = (line.strip() for line in value.split("\n"))
    return [line for line in lines if line and not line.startswith("#")]


def handed_to_setuptools(value: str, extra: bool) -> list[str]:
    """What pbr hands setuptools from a requirements list of its `setup.cfg` (its
    `[metadata] requires_dist`, or an `extra` of `[extras]`; `setup_cfg_to_setup_kwargs`):
    each item (`split_multiline`) matched by pbr's pattern (`_MARKED`: the package up to
    the first `;`, or `:` in an extra, its marker up to a `#`, the rest a comment): the
    package with its marker, as written (an extra's marker only chooses where it
    installs: dropped). setuptools then reads each as any list (`_reqs.parse_strings`)."""
    handed = []
    for item in split_multiline(value):
        marked = _MARKED[extra].match(item)
        assert marked is not None, "each pattern matches any line"
        marker = marked["env_marker"].strip() and not extra
        handed.append(item[: marked.end("env_marker")] if marker else marked["package"].strip())
    return handed


_MARKED = {
    False: re.compile(r"(?P<package>[^;]*);?(?P<env_marker>[^#]*?)(?:\s*#.*)?$"),
    True: re.compile(r"(?P<package>[^:]*):?(?P<env_marker>[^#]*?)(?:\s*#.*)?$"),
}
"""pbr's `requirement_pattern` of `install_requires` (False) and of `[extras]` (True)."""


def pbr_requirements(project: Path, found: Found) -> tuple[list[str], list[tuple[Path, str]]]:
    """The lines pbr adds to the `[metadata] requires_dist` of the project in `project`,
    and the files it reads them from (each with its text): the first of `PBR_FILES` that
    exists, then the file each `-r` line names (from the project's folder, as pbr opens
    it). A file pbr cannot read as UTF-8 (it reads the locale's encoding), or a `-r` of a
    file outside the bundle or missing, is a problem in `found`."""
    root = found.root
    assert root is not None, "files are read only within a bundle"
    first = next((project / name for name in PBR_FILES if (project / name).is_file()), None)
    lines: list[str] = []
    read: list[tuple[Path, str]] = []
    pending = [first.resolve()] if first is not None else []
    while pending:
        path = pending.pop(0)
        if path in (done for done, _ in read):
            continue
        text = _text(path, found)
        read.append((path, text))
        for number, line in enumerate(text.split("\n"), 1):
            if line.startswith("-r"):
                name = line.partition(" ")[2]
                pending += include(root, path, name, number, found, project)
            else:
                lines += _requirement(line)
    return lines, read


def pbr_files(project: Path, root: Path) -> list[Path]:
    """The files pbr reads the requirements of the project in `project` from, where it runs
    (`runs_pbr`): what the audit reads, and what diff mode holds their pins to."""
    if not runs_pbr(project):
        return []
    return [path for path, _ in pbr_requirements(project, Found(root=root))[1]]


def _text(path: Path, found: Found) -> str:
    """A file's text as pbr's `open(file, 'r')` gives it: the locale's encoding (UTF-8 on a
    build host; a file that is not UTF-8 is a problem), every line break a `\\n`."""
    assert found.root is not None, "files are read only within a bundle"
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        relative = path.relative_to(found.root.resolve()).as_posix()
        reason = f"pbr reads it in the build host's encoding; save it as UTF-8 ({e.reason})"
        found.problems.append(Unauditable(relative, reason, relative, 0))
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _requirement(line: str) -> list[str]:
    """What pbr makes of one line that is no `-r`: nothing for an empty line, a comment,
    an index option or a `-f` line; the `egg=` fragment of a URL (`-e` or not) as a
    requirement (`name-1.2.3` read as `name>=1.2.3`); the line cut at its first `#`
    otherwise."""
    if not line.strip() or line.startswith("#") or _INDEX.match(line):
        return []
    editable = _EDITABLE.match(line)
    line = editable[1] if editable else line
    url = urlparse(line)
    if url.scheme:
        return [_EGG.sub(lambda egg: _EGG_VERSION.sub(r"\1>=\2", egg[1]), url.fragment)]
    if _FIND_LINKS.match(line):
        return []
    return [re.sub("#.*$", "", line)]


_INDEX = re.compile(r"^\s*(-i|--index-url|--extra-index-url|--find-links).*")
_EDITABLE = re.compile(r"\s*-e\s+(.*)$")
_FIND_LINKS = re.compile(r"\s*-f\s+")
_EGG = re.compile(r"egg=([^&]+).*$")
_EGG_VERSION = re.compile(r"([\w.-]+)-((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\S*)")
"""pbr's patterns; `_EGG_VERSION` is its `egg_fragment`'s semantic version, its tags and
build metadata read as any text that follows."""
