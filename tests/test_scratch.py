"""The gate's private temp dir: where it is, and what a run removes from it."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from gate.scan.scratch import LOCK_NAME, private_tempdir, scratch_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    real = tmp_path / "real-cache"
    real.mkdir()
    link = tmp_path / "cache"
    link.symlink_to(real)
    monkeypatch.setenv("GATE_CACHE_DIR", str(link))
    return real


def test_the_temp_dir_is_the_resolved_lasting_one(cache: Path) -> None:
    # checkov reports resolved paths: the copies it scans must not sit behind a symlink.
    with private_tempdir() as base:
        assert base == cache / "worker-tmp"
        assert tempfile.gettempdir() == str(base)
        assert stat.S_IMODE(base.stat().st_mode) == 0o700


def test_a_cache_others_can_write_to_gives_a_fresh_dir_removed_after(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (cache / "worker-tmp").mkdir(mode=0o777)
    (cache / "worker-tmp").chmod(0o777)
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("TMPDIR", str(shared))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with private_tempdir() as base:
        assert base.parent == shared and stat.S_IMODE(base.stat().st_mode) == 0o700
    assert not base.exists()
    assert tempfile.gettempdir() == str(shared)


def _leftovers(scratch: Path) -> None:
    (scratch / "gate-abc" / "b0").mkdir(parents=True)
    (scratch / "tmpfile123").write_text("x")
    (scratch / ".lark_cache_x.tmp").write_text("cache")


def test_a_run_alone_removes_leftovers_and_keeps_caches(cache: Path) -> None:
    with private_tempdir():
        pass
    _leftovers(cache / "worker-tmp")
    with private_tempdir() as base:
        assert sorted(p.name for p in base.iterdir()) == [LOCK_NAME, ".lark_cache_x.tmp"]


def test_a_leftover_deeper_than_python_recurses_is_removed(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed mid-copy may leave any tree: one that could not be removed would stop
    every later run."""
    with private_tempdir():
        pass
    deep = cache / "worker-tmp" / "gate-abc"
    deep.mkdir()
    monkeypatch.chdir(deep)  # relative steps, each short
    for _ in range(sys.getrecursionlimit() + 100):
        Path("d").mkdir()
        os.chdir("d")
    Path("a.py").write_text("x = 1\n")
    os.chdir(cache)
    with private_tempdir() as base:
        assert sorted(p.name for p in base.iterdir()) == [LOCK_NAME]


def test_a_run_beside_another_removes_nothing(cache: Path) -> None:
    with private_tempdir() as base:  # this run holds the lock, shared
        _leftovers(base)
        with private_tempdir():
            assert (base / "gate-abc" / "b0").is_dir()


def test_a_scratch_dir_in_a_folder_others_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whoever can write the folder above could swap the scratch dir for a link to theirs.
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("GATE_CACHE_DIR", str(shared))
    assert scratch_dir() is None
    shared.chmod(0o1777)  # sticky, as /tmp: nobody else can rename what is in it
    assert scratch_dir() == shared / "worker-tmp"
