"""What an image function's Dockerfile does besides copying the scanned code.

The image is its base image (third-party, as an installed package is) plus what the
Dockerfile's steps put in it. Only steps that copy files of the build context, or set
options, are known to put nothing else there; any other step (`RUN`, `ONBUILD`, `ADD`,
which unpacks archives and fetches URLs, a `COPY` from another image or stage or of a
heredoc, an instruction the gate does not know) can write anything into the image.
The Dockerfile is read as docker reads it: its parser directives first (`# escape=`
changes the continuation character), then instructions with their continuation lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from gate.safefile import MIB, read_regular

MAX_DOCKERFILE_BYTES = MIB
# Instructions that set options of the image or the build, and never run or fetch.
_OPTIONS = frozenset(
    {
        "FROM", "ENV", "WORKDIR", "CMD", "ENTRYPOINT", "LABEL", "ARG", "USER", "EXPOSE",
        "STOPSIGNAL", "VOLUME", "MAINTAINER", "SHELL", "HEALTHCHECK",
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
    for instruction in _instructions(text):
        keyword, _, rest = instruction.partition(" ")
        keyword = keyword.upper()
        if keyword in _OPTIONS or (keyword == "COPY" and _plain_copy(rest)):
            continue
        step = f"{keyword} steps" if keyword.isalpha() else f"the line {instruction[:40]!r}"
        if step not in found:
            found.append(step)
    return " and ".join(found)


def _plain_copy(arguments: str) -> bool:
    """A COPY of files of the build context: not `--from` another image or stage, and not
    a heredoc written in the Dockerfile."""
    return "<<" not in arguments and not re.search(r"(^|\s)--from\b", arguments)


def _instructions(text: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    lines = text.splitlines()
    escape = "\\"
    while lines and (directive := _DIRECTIVE.match(lines[0].strip())):
        if directive[1].lower() == "escape":
            escape = directive[2][:1]
        lines.pop(0)
    instructions, current = [], ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#") or (not current and not stripped):
            continue
        if stripped.endswith(escape):
            current += stripped[: -len(escape)] + " "
            continue
        instructions.append(current + stripped)
        current = ""
    if current:
        instructions.append(current)
    return instructions
