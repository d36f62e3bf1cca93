"""A model whose kernel code has no source file (a notebook's or ``python -c``'s ``__main__``)
never runs a driver compiled for other code.

Such a module was hashed as the words "no source file", so its driver had the same name in
every process whatever its code: after g_Na was halved in the kernel of a ``python -c`` run, the
next run loaded the old compiled driver from the disk cache (mean V -53.83 mV instead of
-59.32 mV, found in session 58). Its drivers now carry a random token per model object and live
in a directory of the process.
"""

import dataclasses
import os
import subprocess
import sys
import textwrap
import types

import pytest

import biophys as bp
from biophys import _cache
from biophys._compile import kernel_code_hash, load_driver


def _hh_source() -> str:
    """hh1952's kernel module, importable outside the package."""
    src = (_cache.kernels_dir() / "models" / "hh1952.py").read_text().replace(
        "from ..", "from biophys.kernels.")
    assert "g_na = P[G_NA, c] * m * m * m * Y[H, c]" in src
    return src


def test_a_module_without_source_gets_its_own_driver_per_model_object(monkeypatch):
    mod = types.ModuleType("biophys_test_unsourced_kernel")  # no __file__
    exec(compile(_hh_source(), "<notebook cell>", "exec"), mod.__dict__)
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    base = bp.get_model("hh1952")
    one = dataclasses.replace(base, name="hh_cell", kernel=mod)
    two = dataclasses.replace(base, name="hh_cell", kernel=mod)
    h1, h2 = kernel_code_hash(one), kernel_code_hash(two)
    assert h1 != h2 and _cache.kernels_source_hash() not in (h1, h2)
    assert kernel_code_hash(one) == h1  # the same model object keeps its driver
    d1, d2 = load_driver(one), load_driver(two)
    assert d1 is not d2
    private = _cache.private_cache_dir().resolve()
    for d in (d1, d2):
        path = os.path.realpath(d.__file__)
        assert path.startswith(str(private)), path
        assert not path.startswith(str(_cache.cache_dir().resolve()))
    # a model of a module with a source file keeps the shared cache (tests/test_cache.py)
    assert os.path.realpath(load_driver(base).__file__).startswith(
        str(_cache.cache_dir().resolve()))


RUN = textwrap.dedent("""
    import dataclasses, sys
    import biophys as bp
    m = dataclasses.replace(bp.get_model("hh1952"), name="hh_main",
                            kernel=sys.modules["__main__"])
    ds = bp.sweep(m, grid={"I_app": [10.0]}, t_end=50.0, metrics=["spike_count", "mean_V"],
                  progress=False)
    print(int(ds.spike_count[0]), repr(float(ds.mean_V[0])))
""")


@pytest.mark.slow
def test_a_kernel_edited_under_python_c_compiles_afresh(tmp_path):
    """End to end, two processes sharing a cache directory: the kernel of ``python -c`` with
    g_Na halved fires fewer spikes (on the old code it gave the unedited result)."""
    src = _hh_source()
    env = dict(os.environ, BIOPHYS_CACHE_DIR=str(tmp_path / "cache"))

    def run(kernel: str) -> tuple[int, float]:
        out = subprocess.run([sys.executable, "-c", kernel + RUN], env=env, cwd=tmp_path,
                             check=True, capture_output=True, text=True).stdout.split()
        return int(out[0]), float(out[1])

    n1, v1 = run(src)
    n2, v2 = run(src.replace("g_na = P[G_NA, c] * m", "g_na = 0.5 * P[G_NA, c] * m"))
    assert n1 >= 3 and n2 < n1 and v2 != v1, (n1, v1, n2, v2)
