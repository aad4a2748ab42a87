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
import re
from pathlib import Path, PurePosixPath

from gate.safefile import MIB, read_regular

MAX_DOCKERFILE_BYTES = MIB
# Instructions that set options of the image or the build, and never run or fetch.
_OPTIONS = frozenset(
    {
        "FROM", "ENV", "WORKDIR", "CMD", "LABEL", "ARG", "USER", "EXPOSE", "STOPSIGNAL",
        "VOLUME", "MAINTAINER",
    }
)  # fmt: skip
_DIRECTIVE = re.compile(r"#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")


def image_programs(root: Path, dockerfile: str) -> str:
    """What in the Dockerfile at `dockerfile` (a bundle path) does more than copy files
    of its context (`RUN steps`, `an ADD`), or why it cannot be read; empty when
    nothing does."""
    try:
        text = read_regular(root / dockerfile, MAX_DOCKERFILE_BYTES).decode("utf-8", "replace")
    except OSError as e:
        return f"a Dockerfile the gate cannot read ({e.strerror or e})"
    found: list[str] = []
    stages: set[str] = set()
    for instruction in _instructions(text):
        keyword, _, rest = instruction.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            if _known_base(rest, stages):
                continue
            step = f"FROM {rest.split()[0] if rest.split() else ''!r}, not an AWS Lambda base image"
            found.append(step)
            continue
        if keyword == "ENV" and _STARTS.search("".join(rest.split())):
            step = "an ENV of a variable that makes the runtime start a program"
            found += [step] if step not in found else []
            continue
        if keyword in _OPTIONS or (keyword == "COPY" and _plain_copy(rest)):
            continue
        step = f"{keyword} steps" if keyword.isalpha() else f"the line {instruction[:40]!r}"
        if step not in found:
            found.append(step)
    return " and ".join(found)


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


# Where Lambda's base images keep the function's code: a folder, so names are kept.
_CODE_FOLDERS = frozenset({"${LAMBDA_TASK_ROOT}", "$LAMBDA_TASK_ROOT", "/var/task", "."})


# What makes Lambda's runtime, or Python, run something before the handler: the
# startup rule's variables (gate.rules.iac.startup) and Python's own.
_STARTS = re.compile(r"AWS_LAMBDA_EXEC_WRAPPER|LD_PRELOAD|LD_LIBRARY_PATH|PYTHON|_HANDLER")
"""Looked for in an ENV with its white space taken out, so a name split across continued
lines is found too, as is every name written whole)."""


def _known_base(arguments: str, stages: set[str]) -> bool:
    """Whether a FROM names AWS's own base image or an earlier stage (remembering the
    stage this one starts, `AS name`)."""
    words = [w for w in arguments.split() if not w.startswith("--")]
    if len(words) >= 3 and words[1].lower() == "as":
        stages.add(words[2].lower())
    image = words[0] if words else ""
    return image.lower() in stages or image.startswith(AWS_BASE_IMAGES)


def _plain_copy(arguments: str) -> bool:
    """A COPY of files of the build context under their own names: not `--from` another
    image or stage, not a heredoc written in the Dockerfile, and not a file copied to
    another name."""
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
    if target.endswith("/") or target.rstrip("/") in _CODE_FOLDERS:
        return True
    return all(
        s.endswith("/") or s == "." or PurePosixPath(s).name == PurePosixPath(target).name
        for s in sources
    )


def _instructions(text: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    lines = text.splitlines()
    escape = "\\"
    instructions, current = [], ""
    while lines and (directive := _DIRECTIVE.match(lines[0].strip())):
        name, value = directive[1].lower(), directive[2]
        if name == "escape":
            escape = value[:1]
        elif name != "syntax" or not value.startswith(_OFFICIAL_FRONTENDS):
            # Another frontend builds the image (`# syntax=attacker/frontend`), or a
            # directive the gate does not know: the steps below say nothing for sure.
            instructions.append(f"#{name}={value}")
        lines.pop(0)
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#") or (not current and not stripped):
            continue
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


# BuildKit's own Dockerfile frontends, which read the file as docker's reference says.
_OFFICIAL_FRONTENDS = ("docker/dockerfile:", "docker.io/docker/dockerfile:", "docker/dockerfile@")
