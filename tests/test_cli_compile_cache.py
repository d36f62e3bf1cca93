"""``biophys compile`` fills the cache with what a later run uses: after it, a run of that
model and method compiles nothing. (``test_cli.test_compile_prepares_models`` checks only the
printed lines, in a warm cache: it passes when compile prepares nothing, or another method;
tests/test_performance_driver.py::test_compile_command_leaves_nothing_to_compile does this for
the default method and the shared runners, this test for a method asked for.)"""

import os
import subprocess
import sys
from pathlib import Path

import numba
import pytest

from biophys import _cache

#: the folder holding the biophys this test imports (the subprocesses must import it too)
HERE = str(Path(_cache.__file__).resolve().parents[1])


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="compiles")
def test_compile_prepares_the_method_asked_for_and_a_run_then_compiles_nothing(tmp_path):
    cache = tmp_path / "cache"
    env = dict(os.environ, BIOPHYS_CACHE_DIR=str(cache), PYTHONPATH=HERE)

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "biophys.cli", *args], cwd=tmp_path,
                              env={**env, **extra}, capture_output=True, text=True, check=True)

    cli("compile", "hh1952", "--processes", "1", "--method", "adaptive")
    assert list(cache.rglob("driver_hh1952_*.run_adaptive-*.nbi"))
    assert not list(cache.rglob("driver_hh1952_*.run_exponential-*.nbi"))  # not asked for
    run = cli("simulate", "hh1952", "--t-end", "2", "--method", "adaptive",
              NUMBA_DEBUG_CACHE="1")
    saved = [line for line in run.stdout.splitlines() if "saved to" in line]
    assert not saved, saved
    assert "data loaded" in run.stdout  # (the check sees the cache at all)
