"""What a Node.js install runs before the Serverless Framework packages a service.

A Serverless pipeline runs `npm ci` (or yarn, or pnpm) to get the Framework and its
plugins, in the service's folder or in a workspace root above it. The install runs the
install scripts of the root package and of every package it unpacks, and reads its
configuration files, any of which can make it run a program of the bundle. Each of
those, in the service's folder and every folder above it in the bundle, is a part of the
service's functions the gate cannot follow (gate.bundle.discovery `_unbuilt`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

from gate.safefile import MIB, read_regular

# What `npm ci` and `npm install` run of the package.json they install from.
INSTALL_SCRIPTS = (
    "preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare",
    "postprepare", "dependencies",
)  # fmt: skip
# Sections whose entries npm (or yarn) installs.
_SECTIONS = (
    "dependencies", "devDependencies", "optionalDependencies", "peerDependencies",
    "overrides", "resolutions", "pnpm",
)  # fmt: skip
# How a spec names a package of the local disk rather than a registry or a server
# (npm-package-arg: a path, a `file:`/`link:` URL, any tarball name, a git repository on
# disk).
LOCAL_SPEC = ("file:", "link:", "portal:", "./", "../", "/", "~/", "git+file:")
_TARBALL = (".tgz", ".tar.gz", ".tar")
# Configuration the package managers read that can make them run a program.
_RUNNING_SETTINGS = {
    ".yarnrc": re.compile(r"^\s*(yarn-path|--require|script-shell)\b", re.MULTILINE),
    ".yarnrc.yml": re.compile(r"^\s*(yarnPath|plugins|injectEnvironmentFiles)\s*:", re.MULTILINE),
}
# `.npmrc` keys known to run nothing and to fetch nothing from the bundle: any other key
# (`node-options`, `git`, `script-shell`, `cache`, `userconfig`...) may.
_HARMLESS_NPMRC = frozenset(
    {
        "registry", "always-auth", "strict-ssl", "save-exact", "save-prefix", "engine-strict",
        "fund", "audit", "audit-level", "loglevel", "progress", "legacy-peer-deps",
        "package-lock", "ignore-scripts", "prefer-online", "prefer-offline", "fetch-retries",
        "fetch-timeout", "fetch-retry-mintimeout", "fetch-retry-maxtimeout", "update-notifier",
        "color", "unicode", "email", "_auth", "_authtoken", "auto-install-peers",
        "strict-peer-dependencies", "shamefully-hoist", "node-linker", "omit", "include",
        "production", "optional", "save", "lockfile-version", "maxsockets", "access",
        "username", "_password", "certfile", "keyfile", "ca", "cafile", "public-hoist-pattern",
        "hoist-pattern", "resolution-mode", "dedupe-peer-dependents",
    }
)  # fmt: skip
# Where a Serverless service keeps environment the Framework loads into the deploy
# (`useDotenv`; v4 by default), which its plugins' pip and npm inherit.
_BUILD_ENVIRONMENT = re.compile(
    r"^\s*(export\s+)?[\"']?(PIP_|NPM_CONFIG_|NODE_OPTIONS|PYTHON|UV_|LD_PRELOAD)",
    re.MULTILINE | re.IGNORECASE,
)
_HOOK_FILES = (".pnpmfile.cjs", ".pnpmfile.mjs")
# Lock files: a package resolved from a path of the bundle.
_LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml")
_LOCAL_RESOLVED = re.compile(r"""["':@ ](file|link|portal):""")
MAX_BYTES = 16 * MIB


def local_spec(spec: Any) -> bool:
    """Whether a dependency spec installs a package from the local disk."""
    return isinstance(spec, str) and (
        spec.startswith(LOCAL_SPEC) or spec.lower().endswith(_TARBALL)
    )


def install_programs(root: Path, here: PurePosixPath, plugins: frozenset[str]) -> list[str]:
    """What an install in `here` (the service's folder, relative to `root`) or in a
    folder above it may run, each said as a part of the service's code: install scripts,
    packages from the bundle (a local plugin among them), running settings and hooks of
    npm, yarn and pnpm, lock entries resolved from the bundle, and any of those files the
    gate cannot read. The service's `plugins` from the bundle are said by their own
    program references."""
    found: list[str] = []
    for folder in (here, *here.parents):
        place = root / folder
        shown = "" if folder == PurePosixPath(".") else f"{folder.as_posix()}/"
        manifest = _json(place / "package.json")
        found += _package_programs(
            f"{shown}package.json", manifest, plugins if folder == here else frozenset()
        )
        found += [
            f"{shown}.npmrc sets {key}, which the gate does not know to run nothing"
            for key in _npmrc_keys(_text(place / ".npmrc"))
            if key not in _HARMLESS_NPMRC
        ]
        found += [
            f"{shown}{env.name}, whose {setting[2].upper().rstrip('_')} settings the "
            "Framework loads into the build's environment"
            for env in sorted(place.glob(".env*"))
            if (setting := _BUILD_ENVIRONMENT.search(_text(env)))
        ]
        found += _workspace_programs(root, place, manifest)
        for name, pattern in _RUNNING_SETTINGS.items():
            if pattern.search(_text(place / name)):
                found.append(f"{shown}{name}, whose settings make the install run a program")
        found += [
            f"{shown}{name}, a hook the install runs"
            for name in _HOOK_FILES
            if (place / name).exists()
        ]
        found += [
            f"{shown}{name}, which resolves a package from a path of the bundle"
            for name in _LOCKS
            if _LOCAL_RESOLVED.search(_text(place / name))
        ]
        found += [
            f"{shown}{name}, which the install reads and the gate cannot"
            for name in ("package.json", ".npmrc", *_RUNNING_SETTINGS, *_HOOK_FILES, *_LOCKS)
            if _unreadable(place / name)
        ]
    return found


def _npmrc_keys(text: str) -> list[str]:
    """The keys an `.npmrc` sets, as npm's ini parser reads them: quotes taken off, in
    lower case, a scope or registry prefix (`@acme:`, `//host/:`) and `[]` dropped."""
    keys = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith((";", "#", "[")):
            continue
        key = line.split("=", 1)[0].strip().strip("\"'").removesuffix("[]").lower()
        keys.append(key.rsplit(":", 1)[-1] if key.startswith(("@", "//")) else key)
    return keys


def _workspace_programs(root: Path, place: Path, manifest: dict[str, Any]) -> list[str]:
    """The install scripts and bundle packages of the workspace members a package.json
    (or pnpm-workspace.yaml) beside it declares: an install at the root runs them."""
    declared = manifest.get("workspaces")
    if isinstance(declared, dict):
        declared = declared.get("packages")
    patterns = [p for p in declared if isinstance(p, str)] if isinstance(declared, list) else []
    pnpm = _text(place / "pnpm-workspace.yaml")
    patterns += re.findall(r"^\s*-\s*['\"]?([^'\"\s#]+)", pnpm, re.MULTILINE)
    found = []
    for pattern in patterns:
        for member in sorted(place.glob(pattern.rstrip("/"))):
            if not member.resolve().is_relative_to(root.resolve()):
                continue
            shown = f"{member.relative_to(root).as_posix()}/package.json (a workspace member)"
            found += _package_programs(shown, _json(member / "package.json"))
    return found


def _package_programs(
    shown: str, manifest: dict[str, Any], plugins: frozenset[str] = frozenset()
) -> list[str]:
    """The install scripts of a package.json (`shown` names it), and the packages of the
    bundle it installs other than `plugins`, whose install scripts run too."""
    scripts = manifest.get("scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    found = [
        f"{shown} scripts.{name}, which the install runs"
        for name in INSTALL_SCRIPTS
        if scripts.get(name)
    ]
    found += [
        f"{shown} {section} {name} ({spec}), a package of the bundle whose install scripts "
        "the install runs"
        for section, name, spec in _specs(manifest)
        if local_spec(spec) and name not in plugins
    ]
    return found


def _specs(manifest: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(section, name, spec) of every entry a package.json installs, nested overrides
    included."""
    found = []
    pending = [(s, manifest.get(s)) for s in _SECTIONS]
    while pending:
        section, entries = pending.pop()
        if not isinstance(entries, dict):
            continue
        for name, spec in entries.items():
            if isinstance(spec, dict):
                pending.append((section, spec))
            else:
                found.append((section, str(name), spec))
    return found


def _text(path: Path) -> str:
    """The file's text; empty when it is not there or cannot be read (`_unreadable`)."""
    try:
        return read_regular(path, MAX_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


def _unreadable(path: Path) -> bool:
    """Whether a file the install reads is there and the gate cannot read it (too large,
    not a regular file)."""
    try:
        read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return False


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_text(path) or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
