"""What an image function's Dockerfile does besides copying the scanned code.

The image is its base image plus what the Dockerfile's steps put in it. A base image is
third-party only when it is one of AWS's Lambda base images (or an earlier stage of the
same file); any other can hold anything, as a package from an unknown index can. Only
steps that copy files of the build context under their own names, or set options, are
known to put nothing else there; any other step (`RUN`, `ONBUILD`, `ADD`, which unpacks
archives and fetches URLs, a `COPY` from another image or stage, of a heredoc, or that
renames a file, so a text file the gate read as such becomes a Python module, an
instruction the gate does not know) can write anything into the image.
The Dockerfile is read as docker reads it: its parser directives first (`# escape=`
changes the continuation character), then instructions with their continuation lines.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Collection, Mapping
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.rules import DIR_RULES
from gate.safefile import MIB, read_regular

MAX_DOCKERFILE_BYTES = MIB
# Instructions that set options of the image or the build, and never run or fetch.
_OPTIONS = frozenset(
    {
        "FROM", "ENV", "WORKDIR", "CMD", "LABEL", "ARG", "USER", "EXPOSE", "STOPSIGNAL",
        "VOLUME", "MAINTAINER",
    }
)  # fmt: skip
# A parser directive as BuildKit reads one: its value runs to the end of the line.
_DIRECTIVE = re.compile(r"#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.+?)\s*$")


def image_programs(root: Path, dockerfile: str) -> str:
    """What in the Dockerfile at `dockerfile` (a bundle path) does more than copy files
    of its context (`RUN steps`, `an ADD`), or why it cannot be read; empty when
    nothing does."""
    try:
        text = read_regular(root / dockerfile, MAX_DOCKERFILE_BYTES).decode("utf-8", "replace")
    except OSError as e:
        return f"a Dockerfile the gate cannot read ({e.strerror or e})"
    if _UNREAD_CHARACTERS.search(text):
        # Docker splits and joins lines at `\n` and by its own white space: a form feed
        # or a Unicode line break would make the gate read other lines than docker.
        return "a Dockerfile holding control characters or line breaks other than \\n"
    found: list[str] = []
    # Each stage's working directory, by stage name: where a relative COPY writes.
    workdirs: dict[str, str | None] = {}
    stage = ""
    workdir: str | None = TASK_ROOT
    for instruction in _instructions(text):
        keyword, _, rest = instruction.partition(" ")
        keyword = keyword.upper()
        step = None
        if keyword == "FROM":
            image, stage = _from(rest)
            # AWS's base images work in the function's code folder; a stage goes on
            # from where the stage it starts from was.
            workdir = workdirs.get(image.lower(), TASK_ROOT)
            if not (image.lower() in workdirs or image.startswith(AWS_BASE_IMAGES)):
                step = f"FROM {image!r}, not an AWS Lambda base image"
        elif keyword == "WORKDIR":
            workdir = _resolved(rest.strip(), workdir)
        elif keyword in ("ENV", "ARG") and _starting(rest):
            step = f"an {keyword} of a variable that makes the runtime or pip run a program"
        elif keyword == "COPY" and not _plain_copy(rest, workdir):
            step = "COPY steps that rename a file or write outside the function's code folder"
        elif keyword == "RUN" and _pip_install(rest, workdir):
            continue  # what `sam build` does for a zip function: the audit reads the file
        elif keyword not in _OPTIONS | {"COPY", "ENV", "ARG"}:
            step = f"{keyword} steps" if keyword.isalpha() else f"the line {instruction[:40]!r}"
        if stage:
            workdirs[stage] = workdir
        if step is not None and step not in found:
            found.append(step)
    return " and ".join(found)


def build_settings(
    what: str, settings: Mapping[str, Any], arguments: str, known: Collection[str]
) -> list[str]:
    """What an image build's `settings` (`what` names them) set that makes docker build
    other than the Dockerfile's steps say: build `arguments` that set BuildKit's own
    options (`BUILDKIT_SYNTAX` chooses the frontend that builds the image), and any
    setting but the `known` ones, which only name the files, tag and platform (extra
    build options, images whose layers are taken as the build's cache)."""
    found = [
        f"{what}.{key}, a build setting the gate does not know to leave the image as the "
        "Dockerfile says"
        for key in settings
        if key not in known and key != arguments
    ]
    given = settings.get(arguments)
    if given is not None and (
        not isinstance(given, Mapping) or any(str(k).upper().startswith("BUILDKIT_") for k in given)
    ):
        found.append(f"{what}.{arguments}, which set BuildKit's own options or cannot be read")
    return found


# AWS's base images for Lambda, of every runtime.
AWS_BASE_IMAGES = ("public.ecr.aws/lambda/", "amazon/aws-lambda-")
_BASE_RUNTIME = re.compile(r"^(?:public\.ecr\.aws/lambda/|amazon/aws-lambda-)([a-z]+)[:@]")


def base_runtime(root: Path, dockerfile: str) -> str | None:
    """The runtime of the AWS base image every stage of the Dockerfile starts from
    (`nodejs`, `python`, `provided`), or None when it cannot be told (stages of several,
    or an image that is not AWS's)."""
    try:
        text = read_regular(root / dockerfile, MAX_DOCKERFILE_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    images = [
        words[0]
        for instruction in _instructions(text)
        if instruction.partition(" ")[0].upper() == "FROM"
        and (words := [w for w in instruction.split()[1:] if not w.startswith("--")])
    ]
    # Any stage may be the one the build targets: one runtime for all of them, or none.
    runtimes = {m[1] if (m := _BASE_RUNTIME.match(image)) else None for image in images}
    return runtimes.pop() if len(runtimes) == 1 else None


TASK_ROOT = "/var/task"
"""Where Lambda's base images keep the function's code, and work from."""
_TASK_ROOT_VARIABLE = re.compile(r"\$(?:\{LAMBDA_TASK_ROOT\}|LAMBDA_TASK_ROOT\b)")

# Variables that make Lambda's runtime, Python, the shell or a build program (pip, uv,
# npm, yarn, docker, git) start, find or configure a program, or fetch from elsewhere:
# the startup rule's (gate.rules.iac.startup), the runtime's own, and the namespaces of
# each program's settings, proxies and certificates; but for the few that only set an
# option or hold a credential.
_PROGRAM_VARIABLES = frozenset(
    {"AWS_LAMBDA_EXEC_WRAPPER", "_HANDLER", "PATH", "HOME", "ENV", "BASH_ENV", "SHELL",
     "TMPDIR", "CDPATH"}
)  # fmt: skip
_PROGRAM_PREFIXES = (
    "LD_", "PYTHON", "LAMBDA_", "AWS_LAMBDA_", "PIP_", "UV_", "POETRY_", "PIPENV_",
    "VIRTUAL_ENV", "CONDA", "PYENV", "NPM_", "NODE_", "YARN_", "PNPM_", "COREPACK_", "BERRY_",
    "XDG_", "DOCKER_", "BUILDKIT_", "GIT_", "SSL_CERT", "REQUESTS_CA", "CURL_CA",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
)  # fmt: skip
_OPTION_ONLY = frozenset(
    {
        "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING", "PYTHONHASHSEED",
        "PYTHONUTF8", "PYTHONFAULTHANDLER", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK",
        "PIP_ROOT_USER_ACTION", "PIP_NO_COMPILE", "PIP_PROGRESS_BAR", "PIP_DEFAULT_TIMEOUT",
        "PIP_NO_INPUT", "NODE_ENV", "NPM_TOKEN",
    }
)  # fmt: skip


def configures_a_program(name: str) -> bool:
    """Whether the environment variable `name` makes the runtime, the shell or a build
    program start, find or configure a program (in any case: proxies are read both ways)."""
    upper = name.upper()
    return upper not in _OPTION_ONLY and (
        upper in _PROGRAM_VARIABLES or upper.startswith(_PROGRAM_PREFIXES)
    )


# What a Dockerfile the gate reads as docker does may not hold.
_UNREAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]|\r(?!\n)")
# A variable's name as docker reads it with nothing to expand or unquote.
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _starting(arguments: str) -> bool:
    """Whether an ENV or ARG sets a variable that makes the runtime or pip start a
    program, or one whose name the gate cannot tell. Its words are read as docker reads
    them (quotes and escapes taken off: `"AWS_LAMBDA"_EXEC_WRAPPER` is the wrapper), and
    also with its white space taken out, so that a name split across continued lines is
    found too; a name that is not plain after that (`${NAME}`) is one it cannot tell."""
    pairs: set[tuple[str, str]] = set()
    for text in (arguments, "".join(arguments.split())):
        try:
            words = shlex.split(text)
        except ValueError:
            return True
        if words and "=" not in words[0]:
            pairs.add((words[0], " ".join(words[1:])))  # the old form, `ENV NAME value`
        else:
            pairs.update((key, value) for key, _, value in (w.partition("=") for w in words))
    return any(not _PLAIN_NAME.fullmatch(key) or _starts(key, value) for key, value in pairs)


def _starts(name: str, value: str) -> bool:
    """Whether setting the variable `name` to `value` makes the runtime or pip start, or
    find, a program: a search path for Python into the scanned code does not."""
    return configures_a_program(name) and not (name == "PYTHONPATH" and _in_code(value))


def _in_code(search_path: str) -> bool:
    """Whether every folder of a search path is in the function's code folder (the
    runtime's working directory), which is scanned, and in no folder a built-in rule
    leaves out (`node_modules`, `cdk.out`...), whose modules the gate brings back only
    where it knows they are imported from."""
    places = [_resolved(entry, TASK_ROOT) for entry in search_path.split(":")]
    return all(
        p is not None
        and PurePosixPath(p).is_relative_to(TASK_ROOT)
        and not set(PurePosixPath(p).parts) & set(DIR_RULES)
        for p in places
    )


def _pip_install(arguments: str, workdir: str | None) -> bool:
    """A RUN that only has pip install requirements files, as `sam build` does for a zip
    function: `pip install -r requirements.txt` (`pip3`, `python3.12 -m pip`), into the
    function's code folder or the image's own site-packages, with options that change
    nothing of what is installed. What it installs is what the file names, and the audit
    reads the file in the build context (the function's code), which a plain COPY put in
    the image under its own name. No shell: no other command can ride along."""
    # Here, not above: the gate's rules read templates through this module, and a
    # worker of theirs need not load every manifest reader to do it.
    from gate.bundle.manifests.pipoptions import HARMLESS_PIP_OPTIONS
    from gate.bundle.manifests.requirements import REQUIREMENTS_GLOB

    text = _TASK_ROOT_VARIABLE.sub(TASK_ROOT, arguments)
    try:
        words = json.loads(text) if text.lstrip().startswith("[") else shlex.split(text)
    except ValueError:
        return False
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return False
    if any(_SHELL.search(w) for w in words):
        return False
    if words[:1] and _PIP.fullmatch(words[0]):
        rest = words[1:]
    elif words[:1] and _PYTHON.fullmatch(words[0]) and words[1:3] == ["-m", "pip"]:
        rest = words[3:]
    else:
        return False
    # pip resolves the paths in a requirements file from its working directory: the
    # function's code folder, where the audit reads them from.
    if rest[:1] != ["install"] or workdir != TASK_ROOT:
        return False
    rest, requirements = rest[1:], 0
    while rest:
        word = rest.pop(0)
        if word in HARMLESS_PIP_OPTIONS:
            continue
        # Only the long options take `=VALUE`: pip reads `-r=x` as the file `=x`.
        option, given, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if option not in ("-r", "--requirement", "-t", "--target") or (not given and not rest):
            return False
        value = value if given else rest.pop(0)
        place = None if "://" in value else _resolved(value, workdir)
        if place is None or not PurePosixPath(place).is_relative_to(TASK_ROOT):
            return False
        if option in ("-r", "--requirement"):
            if not fnmatch(PurePosixPath(place).name, REQUIREMENTS_GLOB):
                return False
            requirements += 1
    return requirements > 0


_PIP = re.compile(r"pip(3(\.\d+)?)?")
_PYTHON = re.compile(r"python(3(\.\d+)?)?")
# What may not be in a pip RUN's words: the shell's operators, variables, escapes,
# comments, and the patterns and braces it expands into other words.
_SHELL = re.compile(r"[;&|<>`$\\\n#{}*?\[\]~!]")


def _from(arguments: str) -> tuple[str, str]:
    """The image a FROM starts from and the name of the stage it begins (`AS name`, in
    lower case, as docker compares them; empty when unnamed)."""
    words = [w for w in arguments.split() if not w.startswith("--")]
    stage = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else ""
    return (words[0] if words else ""), stage


def _resolved(path: str, workdir: str | None) -> str | None:
    """An image path as docker resolves it from `workdir`, the function's code folder
    written as the variable the base image sets; None when the gate cannot tell (another
    variable, or a working directory it could not tell)."""
    path = _TASK_ROOT_VARIABLE.sub(TASK_ROOT, path.strip("\"'"))
    if "$" in path or (workdir is None and not path.startswith("/")):
        return None
    return posixpath.normpath(posixpath.join(workdir or "/", path))


def _plain_copy(arguments: str, workdir: str | None) -> bool:
    """A COPY of files of the build context under their own names into the function's
    code folder: not `--from` another image or stage, not a heredoc written in the
    Dockerfile, not a file copied to another name, and not to a folder the runtime runs
    programs from (`/opt/extensions`, `/var/runtime`)."""
    if "<<" in arguments or re.search(r"(^|\s)--from\b", arguments):
        return False
    try:
        words = json.loads(arguments) if arguments.lstrip().startswith("[") else arguments.split()
    except ValueError:
        return False
    paths = [str(w) for w in words if not str(w).startswith("--")]
    if len(paths) < 2 or any("__pycache__" in PurePosixPath(p).parts for p in paths):
        return False  # a cache's .py is left to the bytecode rules, never scanned
    *sources, target = paths
    place = _resolved(target, workdir)
    if place is None or not PurePosixPath(place).is_relative_to(TASK_ROOT):
        return False
    if (
        target.endswith(("/", "/."))
        or PurePosixPath(target).name in ("", "..")
        or (place == TASK_ROOT)
    ):
        return True  # into a folder: each file keeps its name
    return all(
        s.endswith("/") or s == "." or PurePosixPath(s).name == PurePosixPath(target).name
        for s in sources
    )


def _instructions(text: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out; a
    parser directive the gate cannot follow is an instruction `#name=value` of its own."""
    lines = text.removeprefix("\ufeff").splitlines()
    instructions = _frontend(lines)
    escape = "\\"
    while lines and (directive := _DIRECTIVE.match(lines[0].strip())):
        name, value = directive[1].lower(), directive[2]
        if name == "escape" and value in ("\\", "`"):
            escape = value
        elif name not in ("syntax", "check"):  # `check` only configures the build's lint
            instructions.append(f"#{name}={value}")
        lines.pop(0)
    current = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue  # docker skips a comment or an empty line, within an instruction too
        if stripped.endswith(escape):
            # Docker joins a continued line to the next as it is: no space between.
            current += line.lstrip() if not current else line
            current = current.rstrip()[: -len(escape)]
            continue
        instructions.append((current + (line if current else stripped)).strip())
        current = ""
    if current:
        instructions.append(current)
    return instructions


def _frontend(lines: list[str]) -> list[str]:
    """`#syntax=value` for a build frontend other than Docker's own that BuildKit would
    build the image with: a `syntax` directive in the first lines of directives, after
    a `#!` line too (BuildKit skips it when it looks). Another frontend reads the file as
    it likes, so the steps the gate reads say nothing for sure."""
    found = []
    for first in (0, 1) if lines and lines[0].startswith("#!") else (0,):
        for line in lines[first:]:
            directive = _DIRECTIVE.match(line.strip())
            if directive is None:
                break
            name, value = directive[1].lower(), directive[2]
            if name == "syntax" and not value.startswith(_OFFICIAL_FRONTENDS):
                found.append(f"#syntax={value}")
    return found


# BuildKit's own Dockerfile frontends, which read the file as docker's reference says.
_OFFICIAL_FRONTENDS = ("docker/dockerfile:", "docker.io/docker/dockerfile:", "docker/dockerfile@")
