"""What a Node.js install runs before the Serverless Framework packages a service
(gate.bundle.discovery.npm `install_programs`): each is said, and settings known to run
nothing are not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from gate.bundle.discovery.npm import install_programs

PLUGIN = "serverless-python-requirements"


def said(root: Path, files: dict[str, str], service: str = ".") -> list[str]:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return install_programs(root, PurePosixPath(service), frozenset({PLUGIN}))


@pytest.mark.parametrize(
    "files",
    [
        {"package.json": '{"devDependencies": {"serverless": "^3.38.0"}}'},
        {".npmrc": "registry=https://npm.example.com/\n//npm.example.com/:_authToken=x\n"},
        {".yarnrc": 'registry "https://npm.example.com"\n"strict-ssl" true\n'},
        {".yarnrc.yml": "nodeLinker: node-modules\nnpmScopes:\n  acme: {npmAlwaysAuth: true}\n"},
        {"pnpm-workspace.yaml": "packages: [svc]\nonlyBuiltDependencies: [esbuild]\n"},
        {".env": "STAGE=prod\nNODE_ENV=production\nPYTHONUNBUFFERED=1\nexport AWS_REGION=x\n"},
        {".envrc": "export PATH=$PWD/node_modules/.bin:$PATH\n"},
        {".env.example": "NPM_TOKEN=\nDATABASE_URL=postgres://localhost/app\n"},
        {"package.json": '{"packageManager": "pnpm@9.1.0+sha512.abc"}'},
    ],
)
def test_settings_that_run_nothing_are_not_said(tmp_path: Path, files: dict[str, str]) -> None:
    assert said(tmp_path, files) == []


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({"package.json": '{"scripts": {"postinstall": "node x.js"}}'}, "scripts.postinstall"),
        ({"package.json": '{"dependencies": {"x": "file:../x"}}'}, "a package of the bundle"),
        ({".npmrc": '"node-options"=--require ./boot.js\n'}, "node-options"),
        ({".yarnrc": '"yarn-path" "./tools/yarn.js"\n'}, "yarn-path"),
        ({".yarnrc": "--install.modules-folder ./x\n"}, "install.modules-folder"),
        ({".yarnrc.yml": '"yarnPath": ./tools/yarn.cjs\n'}, "yarnPath"),
        ({".yarnrc.yml": "plugins:\n  - ./tools/plugin.cjs\n"}, "plugins"),
        ({".yarnrc.yml": "nodeLinker: [\n"}, "YAML the gate cannot read"),
        ({"pnpm-workspace.yaml": "pnpmfile: tools/hooks.cjs\n"}, "pnpmfile"),
        ({"pnpm-workspace.yaml": "catalog:\n  x: file:./x\n"}, "catalog entry x"),
        ({"binding.gyp": "{'targets': []}"}, "binding.gyp"),
        ({".env": "PATH=./bin:/usr/bin\n"}, "PATH"),
        ({".env": "XDG_CONFIG_HOME=./config\n"}, "XDG_CONFIG_HOME"),
        ({".env.prod": "export pip_find_links=./wheels\n"}, "PIP_FIND_LINKS"),
        ({".env": "STAGE=dev\rPATH=./bin\r"}, "PATH"),
        (
            {".env": "WHEELS=./wheels\n", "requirements.txt": "-f ${WHEELS}\nsix==1.16.0\n"},
            "sets WHEELS",
        ),
        ({".yarnrc": 'registry "https://x" yarn-path "./boot.js"\n'}, "more than one setting"),
        ({"package.json": '{"dependencies": {"x": "exec:./build.js"}}'}, "exec:./build.js"),
        ({"package.json": '{"resolutions": {"x": "patch:x@1#./x.patch"}}'}, "patch:x@1"),
        (
            {"package.json": '{"pnpm": {"patchedDependencies": {"x": "x.patch"}}}'},
            "pnpm.patchedDependencies",
        ),
        (
            {"package.json": '{"packageManager": "yarn@https://x.example/yarn.tgz"}'},
            "packageManager",
        ),
        (
            {
                "pnpm-workspace.yaml": "packages: [tools/*]\n",
                "tools/boot/package.json": '{"scripts": {"install": "node x"}}',
            },
            "workspace member",
        ),
    ],
)
def test_what_makes_the_install_run_a_program_is_said(
    tmp_path: Path, files: dict[str, str], named: str
) -> None:
    found = said(tmp_path, files)
    assert any(named in line for line in found), found


def test_a_folder_above_the_service_counts(tmp_path: Path) -> None:
    found = said(tmp_path, {".yarnrc.yml": "yarnPath: x.cjs\n"}, service="svc")
    assert found == [".yarnrc.yml sets yarnPath, which the gate does not know to run nothing"]


PLUGIN_FILES = {f"node_modules/{PLUGIN}/index.js": "module.exports = class {};\n"}


def test_a_plugin_in_node_modules_outside_git_is_said(tmp_path: Path) -> None:
    assert any(f"node_modules/{PLUGIN}" in line for line in said(tmp_path, PLUGIN_FILES))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")
@pytest.mark.parametrize("committed", [True, False])
def test_a_plugin_in_node_modules_is_said_when_git_tracks_it(
    tmp_path: Path, committed: bool
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    said(tmp_path, {"package.json": "{}", **PLUGIN_FILES})
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", "package.json"], check=True)
    if committed:
        subprocess.run(["git", "-C", str(tmp_path), "add", "-f", "node_modules"], check=True)
    found = install_programs(tmp_path, PurePosixPath("."), frozenset({PLUGIN}))
    assert any(f"node_modules/{PLUGIN}" in line for line in found) is committed, found
