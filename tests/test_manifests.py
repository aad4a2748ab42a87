"""Reading requirements files without pip."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.manifests import read_requirements


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_pins_and_what_cannot_be_audited(tmp_path: Path) -> None:
    write(
        tmp_path,
        "requirements.txt",
        "# production dependencies\n"
        "requests==2.19.0 \\\n    --hash=sha256:abcdef\n"
        "boto3>=1.28\n"
        "-e .\n"
        "./localpkg\n"
        "flask @ https://example.invalid/flask.whl\n"
        "https://example.invalid/pkg.tar.gz\n"
        "PyYAML===5.3 ; python_version >= '3'\n"
        "Django==4.*\n"
        "-i https://pypi.org/simple\n"
        "six  # trailing comment\n",
    )
    manifest = read_requirements(tmp_path)
    assert [(p.name, p.version, p.line) for p in manifest.pins] == [
        ("requests", "2.19.0", 2),
        ("pyyaml", "5.3", 9),
    ]
    reasons = {(u.text, u.line): u.reason for u in manifest.unauditable}
    assert reasons == {
        ("boto3>=1.28", 4): "not pinned to one version",
        ("-e .", 5): "editable requirement",
        ("./localpkg", 6): "local path requirement",
        ("flask @ https://example.invalid/flask.whl", 7): "URL requirement",
        ("https://example.invalid/pkg.tar.gz", 8): "URL requirement",
        ("Django==4.*", 10): "not pinned to one version",
        ("six", 12): "not pinned to one version",
    }
    assert manifest.problems == ()


def test_includes_are_followed_inside_the_bundle_only(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-r deps/base.txt\n-r ../../etc/passwd\n")
    write(tmp_path, "deps/base.txt", "urllib3==1.24.1\n")
    manifest = read_requirements(tmp_path)
    assert [(p.name, p.path) for p in manifest.pins] == [("urllib3", "deps/base.txt")]
    assert [(p.reason, p.line) for p in manifest.problems] == [
        ("includes a file outside the bundle", 2)
    ]


def test_every_requirements_file_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-r requirements-dev.txt\nrequests==2.32.3\n")
    write(tmp_path, "requirements-dev.txt", "pytest==8.3.3\n")
    write(tmp_path, "src/requirements.txt", "attrs==24.2.0\n")
    manifest = read_requirements(tmp_path)
    assert sorted((p.name, p.path) for p in manifest.pins) == [
        ("attrs", "src/requirements.txt"),
        ("pytest", "requirements-dev.txt"),
        ("requests", "requirements.txt"),
    ]


def test_invalid_line_is_a_problem_not_a_pass(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "requests==2.32.3\nthis is not a requirement!\n")
    manifest = read_requirements(tmp_path)
    assert len(manifest.problems) == 1
    assert manifest.problems[0].line == 2
    assert manifest.problems[0].reason.startswith("not a valid requirement")
    assert "\n" not in manifest.problems[0].reason


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("poetry.lock", "[[package]]\nname = 'requests'\nversion = '2.19.0'\n"),
        ("Pipfile.lock", "{}"),
        ("uv.lock", "version = 1\n"),
        ("pyproject.toml", "[project]\nname = 'fn'\ndependencies = [\n  'requests==2.19.0',\n]\n"),
        ("pyproject.toml", "[tool.poetry.dependencies]\npython = '^3.12'\n"),
    ],
)
def test_dependency_files_not_read_yet_are_problems(tmp_path: Path, name: str, text: str) -> None:
    write(tmp_path, f"src/{name}", text)
    (problem,) = read_requirements(tmp_path).problems
    assert problem.path == f"src/{name}"
    assert "not audited" in problem.reason


def test_pyproject_without_dependencies_is_fine(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 100\n[project]\nname = 'x'\n")
    assert read_requirements(tmp_path).problems == ()
