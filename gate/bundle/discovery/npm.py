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
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery.dockerfile import configures_a_program
from gate.bundle.manifests.requirements import requirement_files
from gate.safefile import MIB, read_regular
from gate.safeyaml import YamlLoadError, load_yaml

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
# disk; yarn's `exec:` runs a script of the bundle to make the package, `patch:` applies
# a patch file of the bundle to it).
LOCAL_SPEC = (
    "file:", "link:", "portal:", "exec:", "patch:", "./", "../", "/", "~/", "git+file:",
)  # fmt: skip
_TARBALL = (".tgz", ".tar.gz", ".tar")
# Settings of yarn 1 (`.yarnrc`), yarn 2+ (`.yarnrc.yml`) and pnpm (`pnpm-workspace.yaml`)
# known to run nothing and to fetch nothing from the bundle; any other (`yarn-path`,
# `yarnPath`, `plugins`, `injectEnvironmentFiles`, `cacheFolder`, `packageExtensions`,
# `pnpmfile`, `patchedDependencies`...) may.
_HARMLESS_YARNRC = frozenset(
    {
        "registry", "strict-ssl", "network-timeout", "network-concurrency", "always-auth",
        "email", "username", "save-prefix", "save-exact", "ignore-engines", "ignore-optional",
        "ignore-scripts", "frozen-lockfile", "pure-lockfile", "production",
        "disable-self-update-check", "lastupdatecheck", "no-progress", "silent",
        "prefer-offline", "_auth", "_authtoken", "version-tag-prefix", "version-git-message",
        "init-license", "init-author-name", "non-interactive", "check-files",
    }
)  # fmt: skip
_HARMLESS_YARNRC_YML = frozenset(
    {
        "npmRegistryServer", "npmAuthToken", "npmAuthIdent", "npmAlwaysAuth", "npmScopes",
        "npmRegistries", "npmPublishRegistry", "nodeLinker", "enableTelemetry",
        "enableGlobalCache", "enableImmutableInstalls", "enableImmutableCache",
        "enableScripts", "compressionLevel", "checksumBehavior", "enableProgressBars",
        "enableColors", "enableInlineBuilds", "enableMessageNames", "enableNetwork",
        "enableHardenedMode", "httpTimeout", "httpRetry", "networkConcurrency",
        "preferInteractive", "defaultSemverRangePrefix", "logFilters", "nmMode",
        "nmHoistingLimits", "pnpMode", "supportedArchitectures", "tsEnableAutoTypes",
        "npmMinimalAgeGate", "npmPreapprovedPackages",
    }
)  # fmt: skip
_HARMLESS_PNPM_WORKSPACE = frozenset(
    {
        "packages", "catalog", "catalogs", "onlyBuiltDependencies", "ignoredBuiltDependencies",
        "neverBuiltDependencies", "linkWorkspacePackages", "preferWorkspacePackages",
        "sharedWorkspaceLockfile", "saveExact", "savePrefix", "strictPeerDependencies",
        "autoInstallPeers", "nodeLinker", "shamefullyHoist", "publicHoistPattern",
        "hoistPattern", "dedupePeerDependents", "resolutionMode", "engineStrict",
        "minimumReleaseAge",
    }
)  # fmt: skip
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
# (`useDotenv`; v4 by default), which its plugins' pip and npm inherit: a variable there
# that configures a program of the build, or where it finds programs and their settings,
# changes what the build installs (its other variables are the application's own).
_ENVIRONMENT_LINE = re.compile(r"^\s*(?:export\s+)?[\"']?([A-Za-z_][A-Za-z0-9_.-]*)", re.MULTILINE)


def _environment_files(place: Path) -> list[Path]:
    """The files the Framework loads into the deploy's environment in `place`: `.env`
    and `.env.<stage>` (any stage: the stage is the deployer's to choose)."""
    return sorted(p for p in place.glob(".env*") if p.name == ".env" or p.name.startswith(".env."))


def _pip_sources_set(root: Path, here: PurePosixPath, place: Path, shown: str) -> list[str]:
    """The variables an environment file in `place` sets that a requirements file of the
    service (`here`) or its serverless.yml names (`${NAME}`, `${env:NAME}`): pip's index or
    find-links then comes from the bundle, though a variable alone reads as the runner's."""
    sets = [(env, name) for env in _environment_files(place) for name in _environment_names(env)]
    if not sets:
        return []  # the files below are read only where an environment file is
    service = root / here
    # Every text file of the service (the plugin's `fileName` may name any), and every
    # file a requirements file includes, wherever it is in the bundle.
    named = sorted(p for p in service.rglob("*.txt") if p.is_file())
    texts = [_text(root / relative) for relative in requirement_files(root, named)]
    texts += [_text(service / name) for name in _SERVICE_FILES]
    return [
        f"{shown}{env.name} sets {name}, which a requirements file or the service names for pip"
        for env, name in sets
        if any(f"${{{name}}}" in text or f"${{env:{name}}}" in text for text in texts)
    ]


_SERVICE_FILES = ("serverless.yml", "serverless.yaml", "serverless.json")


def _environment_names(path: Path) -> list[str]:
    """The names an environment file sets, its lines broken as dotenv breaks them (at a
    `\r` too)."""
    return _ENVIRONMENT_LINE.findall(_text(path).replace("\r\n", "\n").replace("\r", "\n"))


def _build_variables(path: Path) -> list[str]:
    """The variables an environment file sets that configure the build's programs."""
    return [name.upper() for name in _environment_names(path) if configures_a_program(name)]


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
            f"{shown}{env.name}, which sets {', '.join(names)} for the build's programs "
            "(the Framework loads it into their environment)"
            for env in _environment_files(place)
            if (names := _build_variables(env))
        ]
        found += _pip_sources_set(root, here, place, shown)
        found += _gyp(place, shown)
        found += [
            f"{shown}node_modules/{name}, the plugin as the bundle ships it (not installed by "
            "the pipeline: git tracks it, or git cannot tell), which the deploy loads in place "
            "of the registry's"
            for name in sorted(plugins)
            if _shipped(place / "node_modules" / name)
        ]
        found += _workspace_programs(root, place, manifest)
        found += [
            f"{shown}{name} sets {key}, which the gate does not know to run nothing"
            for name, keys in _settings(place).items()
            for key in keys
        ]
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
            for name in ("package.json", ".npmrc", *_SETTING_FILES, *_HOOK_FILES, *_LOCKS)
            if _unreadable(place / name)
        ]
    return found


_SETTING_FILES = (".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml")


def _settings(place: Path) -> dict[str, list[str]]:
    """The settings of yarn and pnpm in the folder `place` not known to run nothing, by
    file (a file the gate cannot parse is one such setting), and pnpm catalog entries
    that install a package of the bundle."""
    yarnrc_yml = _yaml(place / ".yarnrc.yml")
    pnpm = _yaml(place / "pnpm-workspace.yaml")
    catalogs = [pnpm.get("catalog"), *_mapping(pnpm.get("catalogs")).values()]
    found = {
        ".yarnrc": [k for k in _yarnrc_keys(_text(place / ".yarnrc")) if k not in _HARMLESS_YARNRC],
        ".yarnrc.yml": [str(k) for k in yarnrc_yml if k not in _HARMLESS_YARNRC_YML],
        "pnpm-workspace.yaml": [str(k) for k in pnpm if k not in _HARMLESS_PNPM_WORKSPACE]
        + [
            f"catalog entry {name} ({spec})"
            for catalog in catalogs
            for name, spec in _mapping(catalog).items()
            if local_spec(spec)
        ],
    }
    return {name: keys for name, keys in found.items() if keys}


def _yarnrc_keys(text: str) -> list[str]:
    """The keys a yarn 1 `.yarnrc` sets, as its lockfile-syntax parser reads them: quotes
    and a leading `--` (a command-line option, `--install.modules-folder`) taken off, in
    lower case, a scope or registry prefix dropped."""
    keys = []
    for line in text.replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tokens = _YARNRC_TOKEN.findall(line)
        if len(tokens) > 2 or any(t.endswith(",") for t in tokens):
            # yarn's parser reads pairs and lists of keys on one line: more than one key
            keys.append(f"(the line {line[:40]!r}, of more than one setting)")
            continue
        name = tokens[0].strip('"').lower().removeprefix("--")
        keys.append(name.rsplit(":", 1)[-1] if name.startswith(("@", "//")) else name)
    return keys


# A token of yarn 1's `.yarnrc`: a quoted string, or a run of anything but blanks.
_YARNRC_TOKEN = re.compile(r'"(?:\\.|[^"\\])*",?|[^\s"]+')


def _yaml(path: Path) -> dict[Any, Any]:
    """A YAML settings file's mapping; `{"(the whole file)": ...}` when it is there and is
    not a mapping the gate can read, so that it is said, empty when it is not there."""
    text = _text(path)
    if not text.strip():
        return {}
    try:
        data = load_yaml(text).data
    except YamlLoadError:
        return {"(the whole file, YAML the gate cannot read)": None}
    if data is None:
        return {}
    return data if isinstance(data, dict) else {"(the whole file, not a mapping)": data}


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


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
    pnpm = _yaml(place / "pnpm-workspace.yaml").get("packages")
    patterns += [p for p in pnpm if isinstance(p, str)] if isinstance(pnpm, list) else []
    found = []
    for pattern in patterns:
        for member in sorted(place.glob(pattern.rstrip("/"))):
            if not member.resolve().is_relative_to(root.resolve()):
                continue
            shown = f"{member.relative_to(root).as_posix()}/package.json (a workspace member)"
            found += _package_programs(shown, _json(member / "package.json"))
            found += _gyp(member, f"{member.relative_to(root).as_posix()}/")
    return found


def _shipped(path: Path) -> bool:
    """Whether a package in a `node_modules` folder came with the bundle rather than from
    the pipeline's own install (which `npm install` and yarn keep, and the deploy then
    loads): git tracks it, or nothing says it does not (no repository holds it)."""
    if not os.path.lexists(path):
        return False
    from gate.git.provenance import tracked

    return tracked(path) is not False


def _gyp(place: Path, shown: str) -> list[str]:
    """A `binding.gyp` beside a package.json the install installs: with no install script
    of its own, npm runs `node-gyp rebuild`, and gyp runs the commands the file names."""
    if not (place / "binding.gyp").exists():
        return []
    return [f"{shown}binding.gyp, which the install builds with node-gyp (running what it names)"]


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
    found += [
        f"{shown} pnpm.{key}, which the gate does not know to run nothing"
        for key in _mapping(manifest.get("pnpm"))
        if key not in _HARMLESS_PNPM_WORKSPACE | {"overrides"}
    ]
    manager = manifest.get("packageManager")
    if isinstance(manager, str) and ("://" in manager or "/" in manager.partition("@")[2]):
        found.append(f"{shown} packageManager {manager!r}, which corepack fetches from there")
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
