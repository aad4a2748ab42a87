"""Hatch's hooks that run code (`code_hooks`), and the files of its requirements plugin
(hatch-requirements-txt) read as that plugin reads them, never as pip reads a
requirements file: what the plugin installs is what the gate audits. Both read Hatch's
configuration as hatchling does (`gate.bundle.manifests.backends.hatch_config`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.requirements import classify_requirement, named_files
from gate.bundle.manifests.shapes import join, strings, table

PLUGIN = "requirements_txt"
"""The name of the requirements plugin's metadata hook."""


def hatch_files(hatch: dict[str, Any], field: str) -> list[str]:
    """The files Hatch's requirements plugin (its `[tool.hatch.metadata.hooks.requirements_txt]`
    table, in `hatch`: `hatch_config`) reads the dynamic `field` from: its `files`
    (`requirements.txt` unless named) for the dependencies, the list of each extra of
    its `optional-dependencies` table for the optional ones."""
    hooks = _metadata_hooks(hatch)
    if PLUGIN not in hooks:
        return []
    hook_at = join(_METADATA_HOOKS, PLUGIN)
    hook = table(hooks, PLUGIN, _METADATA_HOOKS)
    if field == "dependencies":
        if "files" in hook:
            return strings(hook, "files", hook_at)
        # `filename`, the plugin's older key for one file, still read where `files` is not.
        one = hook.get("filename")
        return [one] if isinstance(one, str) else ["requirements.txt"]
    extras_at = join(hook_at, field)
    extras = table(hook, field, hook_at)
    return [name for extra in extras for name in strings(extras, extra, extras_at)]


def code_hooks(hatch: dict[str, Any]) -> list[str]:
    """The tables of the hooks in `hatch` that run code which may set the dependencies,
    which hatchling runs and the gate never does: every metadata hook but the requirements
    plugin (`custom`, with its `hatch_build.py`, or any plugin's; whatever is declared
    dynamic), and every build hook of a wheel, global or its target's (what their build
    data's `dependencies` holds is added to the wheel's)."""
    build_at = "tool.hatch.build"
    build = table(hatch, "build", "tool.hatch")
    wheel_at = join(build_at, "targets.wheel")
    wheel = table(table(build, "targets", build_at), "wheel", join(build_at, "targets"))
    places = {
        _METADATA_HOOKS: _metadata_hooks(hatch),
        join(build_at, "hooks"): table(build, "hooks", build_at),
        join(wheel_at, "hooks"): table(wheel, "hooks", wheel_at),
    }
    found = [join(at, name) for at, hooks in places.items() for name in hooks]
    return [hook for hook in found if hook != join(_METADATA_HOOKS, PLUGIN)]


_METADATA_HOOKS = "tool.hatch.metadata.hooks"


def _metadata_hooks(hatch: dict[str, Any]) -> dict[str, Any]:
    """The metadata hooks of `hatch` by name."""
    return table(table(hatch, "metadata", "tool.hatch"), "hooks", "tool.hatch.metadata")


def read_plugin_files(names: list[str], manifest: str, line: int, found: Found) -> None:
    """The requirements plugin's files a manifest (`manifest`, relative to `found.root`)
    names at `line`, each read as the plugin reads it (`load_requirements_files`): UTF-8
    whatever it declares, a line that starts `#` a comment and one that starts `-` a pip
    option it skips (includes too), a ` #` comment and any ` -x`/` --x` option cut off
    a requirement. A file that is not UTF-8 fails its build: it is refused."""
    root = found.root
    assert root is not None, "files are named only within a bundle"
    for target in named_files(names, manifest, line, found):
        relative = target.relative_to(root.resolve()).as_posix()
        try:
            text = target.read_text("utf-8")  # universal newlines, as the plugin's `open`
        except ValueError as e:
            reason = f"Hatch's requirements plugin cannot read it: {str(e).splitlines()[0]}"
            found.problems.append(Unauditable(relative, reason, relative, 0))
            continue
        for number, requirement in _plugin_lines(text):
            if not requirement.lstrip().startswith(("#", "-")):
                spec = _PIP_OPTION.split(_COMMENT.sub("", requirement))[0].strip()
                classify_requirement(requirement.strip(), spec, relative, number, found)


def _plugin_lines(text: str) -> list[tuple[int, str]]:
    """The lines the plugin reads in `text`, each with the line it starts on: a `\\`,
    any white space, then a line break joined into one space, then `str.splitlines`
    (which also breaks at a form feed, U+2028 and the like)."""
    joined = _UNFOLD.sub(" ", text)
    # Where each fold ends in `joined`, with how many characters all folds so far removed.
    ends: list[int] = []
    removed: list[int] = []
    for fold in _UNFOLD.finditer(text):
        removed.append((removed[-1] if removed else 0) + len(fold[0]) - 1)
        ends.append(fold.end() - removed[-1])
    lines: list[tuple[int, str]] = []
    offset = 0
    for kept, line in zip(joined.splitlines(keepends=True), joined.splitlines(), strict=True):
        folds = bisect_right(ends, offset)
        start = offset + (removed[folds - 1] if folds else 0)
        lines.append((text.count("\n", 0, start) + 1, line))
        offset += len(kept)
    return [(number, line) for number, line in lines if line.strip()]


_UNFOLD = re.compile(r"\\\s*\n")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_PIP_OPTION = re.compile(r"\s+(?:-[A-Za-z]|--[A-Za-z]+)")
"""The plugin's own patterns: pip's `COMMENT_RE`, and its `PIP_COMMAND_RE`."""
