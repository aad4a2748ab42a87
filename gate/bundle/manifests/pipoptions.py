"""pip's options, read as pip reads them: the options of a requirements file's line, and
the arguments a build passes to `pip install` (serverless-python-requirements'
`pipCmdExtraArgs`).

pip parses a requirements file's options with optparse, so a long option may be any
unique prefix of its name (`--extra-index` is `--extra-index-url`, `--requirem` is
`--requirement`) and a short one may carry its value in the same word (`-rdeps.txt`).
Reading them by exact spelling would let a line pip understands pass unread; here the
same library does the reading, with pip's own list of options (copied from pip's
`req_file`, never imported: pip is not a library). A line pip could not read either is
a problem, never skipped.
"""

from __future__ import annotations

import optparse
import shlex
from dataclasses import dataclass, field
from typing import NoReturn

# Where pip looks for packages: an index, or a folder or page of archives.
SOURCE_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links")

# pip install options that change nothing of what is installed, or only narrow it.
HARMLESS_PIP_OPTIONS = frozenset(
    {
        "--no-cache-dir", "--upgrade", "-U", "--quiet", "-q", "--disable-pip-version-check",
        "--no-compile", "--compile", "--no-warn-script-location", "--prefer-binary",
        "--no-input", "--progress-bar=off", "--root-user-action=ignore", "-v", "--verbose",
        "--require-hashes", "--no-deps", "--only-binary=:all:", "--no-binary=:none:",
        "--isolated", "--pre",
    }
)  # fmt: skip
# pip install options whose value only selects which published wheels fit the runtime.
_TARGETING_OPTIONS = ("--platform", "--python-version", "--implementation", "--abi")


class _Unreadable(Exception):
    """What optparse, and so pip, says of a line it cannot read."""


class _Parser(optparse.OptionParser):
    def error(self, msg: str) -> NoReturn:
        raise _Unreadable(msg)


def _parser() -> _Parser:
    """The options pip reads on a requirements file's line (`SUPPORTED_OPTIONS` and
    `SUPPORTED_OPTIONS_REQ` of pip's req_file), every value kept in order."""
    parser = _Parser(add_help_option=False)
    valued = {
        ("-i", "--index-url"): "sources",
        ("--extra-index-url",): "sources",
        ("-f", "--find-links"): "sources",
        ("-c", "--constraint"): "includes",
        ("-r", "--requirement"): "includes",
        ("-e", "--editable"): "editables",
        ("--no-binary",): "other",
        ("--only-binary",): "other",
        ("--trusted-host",): "other",
        ("--use-feature",): "other",
        ("--hash",): "other",
        ("--config-settings",): "other",
        ("--global-option",): "other",
    }
    for flags, kind in valued.items():
        parser.add_option(
            *flags, dest=kind, action="callback", type="string", callback=_keep, callback_args=()
        )
    for flag in ("--no-index", "--prefer-binary", "--require-hashes", "--pre"):
        parser.add_option(flag, action="store_true")
    return parser


def _keep(option: optparse.Option, given: str, value: str, parser: optparse.OptionParser) -> None:
    """Keep (the option's long name, its value) in the order the line gives them."""
    name = option.get_opt_string()
    kept = getattr(parser.values, option.dest or "other", None) or []
    setattr(parser.values, option.dest or "other", [*kept, (name, value)])


@dataclass(frozen=True)
class PipLine:
    """A requirements file's line as pip reads it."""

    requirement: str | None
    """The requirement it names, without its options; None for a line of options."""
    sources: list[tuple[str, str]] = field(default_factory=list)
    """(`--index-url`, `--extra-index-url` or `--find-links`, the value), in order."""
    includes: list[tuple[str, str]] = field(default_factory=list)
    """(`--requirement` or `--constraint`, the file) that pip reads: on a line of
    options only, as pip follows them."""
    editables: list[str] = field(default_factory=list)


def read_line(text: str) -> PipLine:
    """One logical line of a requirements file (comments and continuations done), as
    pip splits it: the words before the first one starting with `-` are the
    requirement, the rest its options. Raises ValueError with pip's own complaint when
    pip could not read the options (an unknown or ambiguous option, a missing value)."""
    words = text.split(" ")
    first_option = next((n for n, word in enumerate(words) if word.startswith("-")), len(words))
    requirement = " ".join(words[:first_option]).strip() or None
    try:
        values, _ = _parser().parse_args(shlex.split(" ".join(words[first_option:])))
    except (_Unreadable, ValueError) as e:
        raise ValueError(str(e)) from None
    includes = getattr(values, "includes", None) or []
    return PipLine(
        requirement=requirement,
        sources=getattr(values, "sources", None) or [],
        includes=[] if requirement else includes,
        editables=[value for _, value in getattr(values, "editables", None) or []],
    )


def install_arguments(words: list[str]) -> list[tuple[str, str | None]]:
    """What of the arguments a build gives `pip install` may install more than the
    requirements the audit reads: each (word, None) for an option the gate does not
    know to leave what is installed alone, or (source option, its value) for an index or
    find-links, for the caller to judge. An option is known only by its exact spelling:
    pip's command line takes prefixes too, which name no option the gate knows."""
    found: list[tuple[str, str | None]] = []
    index = 0
    while index < len(words):
        word = words[index]
        option, given, value = word.partition("=")
        attached = word[:2] in ("-i", "-f") and len(word) > 2 and not given
        if attached:
            option, value = word[:2], word[2:]
        takes_value = option in SOURCE_OPTIONS or option in _TARGETING_OPTIONS
        if takes_value and not (given or attached):
            index += 1
            value = words[index] if index < len(words) else ""
        if option in SOURCE_OPTIONS:
            found.append((option, value))
        elif not (option in _TARGETING_OPTIONS or word in HARMLESS_PIP_OPTIONS):
            found.append((word, None))
        index += 1
    return found
