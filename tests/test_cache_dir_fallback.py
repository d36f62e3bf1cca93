"""A cache directory that cannot be written: no traceback, no cache files in the package."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .test_cache import _physical_copy


def _env(root: Path, cache: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(root), BIOPHYS_CACHE_DIR=str(cache))


def test_a_cache_dir_that_cannot_be_created_is_a_warning_not_a_traceback(tmp_path):
    """``BIOPHYS_CACHE_DIR`` below a regular file (as below a read-only mount): ``biophys list``
    works and says, in a warning naming the variable, where it compiles instead (``import
    biophys`` ended in a FileExistsError/NotADirectoryError traceback, exit status 1)."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    root = _physical_copy(tmp_path)
    r = subprocess.run([sys.executable, "-m", "biophys.cli", "list"], capture_output=True,
                       text=True, env=_env(root, blocker / "cache"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "hh1952" in r.stdout
    assert "BIOPHYS_CACHE_DIR" in r.stderr and str(blocker / "cache") in r.stderr


def _dirs(d: Path) -> list[Path]:
    return [d, *(p for p in d.rglob("*") if p.is_dir())]


def _make_read_only(d: Path) -> bool:
    """Make ``d`` and the folders in it unwritable for this process (chmod, or ``chattr +i``
    as root, whom permissions do not stop)."""
    for p in _dirs(d):
        if os.geteuid() != 0:
            p.chmod(0o555)
        elif subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode != 0:
            return False
    return True


def _undo_read_only(d: Path) -> None:
    for p in _dirs(d):
        if os.geteuid() != 0:
            p.chmod(0o755)
        else:
            subprocess.run(["chattr", "-i", str(p)], capture_output=True)


def test_a_read_only_cache_dir_never_puts_cache_files_in_the_package(tmp_path):
    """The keyed directory exists (an administrator's ``biophys compile``) but cannot be
    written: Numba's own locator then fell back to ``__pycache__`` next to the kernels, inside
    the package, where a callee edited in another file is not noticed (stale machine code)."""
    root = _physical_copy(tmp_path)
    env = _env(root, tmp_path / "cache")
    # (importing the kernels also makes the folders Numba caches them in)
    keyed = Path(subprocess.run(
        [sys.executable, "-c", "import biophys._cache as c; print(c.cache_dir())"], env=env,
        cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip())
    assert keyed.is_dir()
    if not _make_read_only(keyed):
        pytest.skip("cannot make a directory read-only here (root without chattr)")
    try:
        code = textwrap.dedent("""
            from biophys.kernels import ghk
            print(repr(ghk.ghk_current(1e-6, 1.0, -40.0, 140.0, 5.4, 37.0)))
        """)
        r = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                           capture_output=True, text=True)
    finally:
        _undo_read_only(keyed)
    assert r.returncode == 0, r.stderr
    found = [p for p in (root / "biophys").rglob("*") if p.suffix in (".nbi", ".nbc")]
    assert not found, found
    assert "BIOPHYS_CACHE_DIR" in r.stderr and str(keyed) in r.stderr, r.stderr
