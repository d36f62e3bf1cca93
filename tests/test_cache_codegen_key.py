"""The cache directory is keyed on what changes the machine code besides the sources:
Numba's code-generation settings, the target CPU and the llvmlite version (Numba's own index
ignores the settings: code compiled at NUMBA_OPT=0 was served to later default runs)."""

import os
import subprocess
import sys
from pathlib import Path

import llvmlite
import pytest

from biophys import _cache

#: the folder holding the biophys this test imports (the subprocesses must import it too)
HERE = str(Path(_cache.__file__).resolve().parents[1])
CODE = "import biophys._cache as c; print(c.cache_dir().name, c.kernels_source_hash())"


def _key(tmp_path, **env) -> tuple[str, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    full.update(env, BIOPHYS_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=HERE,
                NUMBA_NUM_THREADS=os.environ.get("NUMBA_NUM_THREADS", "1"))
    name, source = subprocess.run([sys.executable, "-c", CODE], env=full, cwd=tmp_path,
                                  check=True, capture_output=True, text=True).stdout.split()
    return name, source


@pytest.mark.parametrize("setting", [{"NUMBA_OPT": "0"}, {"NUMBA_BOUNDSCHECK": "1"},
                                     {"NUMBA_LOOP_VECTORIZE": "0"},
                                     {"NUMBA_CPU_NAME": "generic"}])
def test_codegen_settings_and_target_select_another_cache_dir(tmp_path, setting):
    default_dir, default_source = _key(tmp_path)
    other_dir, other_source = _key(tmp_path, **setting)
    assert other_dir != default_dir
    # the source hash that results, checkpoints and Dask workers compare is not affected
    assert other_source == default_source
    assert other_dir.endswith(other_source) and default_dir.endswith(default_source)


def test_the_llvmlite_version_selects_another_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BIOPHYS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_cache, "_CACHE_DIR", None)
    before = _cache.cache_dir().name
    monkeypatch.setattr(_cache, "_CACHE_DIR", None)
    monkeypatch.setattr(llvmlite, "__version__", llvmlite.__version__ + ".post1")
    assert _cache.cache_dir().name != before
