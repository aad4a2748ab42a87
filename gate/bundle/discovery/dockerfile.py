"""What an image function's Dockerfile runs while `docker build` makes the image.

The image is its base image (third-party, as an installed package is) plus what the
Dockerfile's steps put in it. Files it copies from the bundle are scanned where they are;
a step that runs a program (`RUN`, a base image's `ONBUILD` trigger written here) or
fetches content from elsewhere (`ADD` of a URL or a git repository) can write anything
into the image, which the gate cannot see.
"""

from __future__ import annotations

import re
from pathlib import Path

from gate.safefile import MIB, read_regular

MAX_DOCKERFILE_BYTES = MIB
_REMOTE = re.compile(r"\b(?:https?://|git@|git://)", re.IGNORECASE)


def image_programs(root: Path, dockerfile: str) -> str:
    """What in the Dockerfile at `dockerfile` (a bundle path) runs a program or fetches
    content (`RUN steps`, `an ADD of a URL`), or why it cannot be read; empty when it
    only copies files and sets options."""
    try:
        text = read_regular(root / dockerfile, MAX_DOCKERFILE_BYTES).decode("utf-8", "replace")
    except OSError as e:
        return f"a Dockerfile the gate cannot read ({e.strerror or e})"
    found = []
    for instruction in _instructions(text):
        keyword, _, rest = instruction.partition(" ")
        keyword = keyword.upper()
        if keyword in ("RUN", "ONBUILD") and f"{keyword} steps" not in found:
            found.append(f"{keyword} steps")
        elif keyword == "ADD" and _REMOTE.search(rest) and "an ADD of a URL" not in found:
            found.append("an ADD of a URL")
    return " and ".join(found)


def _instructions(text: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    instructions, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        instructions.append(current + stripped)
        current = ""
    if current:
        instructions.append(current)
    return instructions
