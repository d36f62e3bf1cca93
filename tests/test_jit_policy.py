"""Kernels compile for other kernels without a CPython wrapper; Python calls reach a twin."""

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numba
import pytest

import biophys as bp
from biophys import _cache
from biophys.kernels import ghk
from biophys.kernels._jit import POLICY, KernelDispatcher

#: A new process, empty cache: compile hh1952's default driver, then count the compiled
#: kernels and which of them (and of the Python twins the model's set-up called) have a CPython
#: wrapper. A library that defines no wrapper has no address for its name.
PROBE = textwrap.dedent("""
    import json, sys
    import biophys as bp
    from biophys import _engine
    from biophys.kernels._jit import POLICY, KernelDispatcher
    m = bp.model("hh1952")
    _engine.run(m, m.default_parameters()[:, None], m.default_states()[:, None],
                t_end=2 * m.dt, dt=m.dt, method="rl2")

    def has_wrapper(cres):
        return bool(cres.library.get_pointer_to_function(cres.fndesc.llvm_cpython_wrapper_name))

    kernels, twins = {}, {}
    for name, mod in list(sys.modules.items()):
        if name.startswith("biophys"):
            for attr, v in vars(mod).items():
                if isinstance(v, KernelDispatcher):
                    key = f"{name}.{attr}"
                    kernels[key] = [has_wrapper(c) for c in v.overloads.values()]
                    if v._python_twin is not None:
                        twins[key] = [has_wrapper(c) for c in v._python_twin.overloads.values()]
    print(json.dumps({"kernels": kernels, "twins": twins}))
""")


@pytest.fixture(scope="module")
def fresh_compile(tmp_path_factory):
    env = {**os.environ, "BIOPHYS_CACHE_DIR": str(tmp_path_factory.mktemp("c"))}
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env,
                       check=True, cwd=tmp_path_factory.mktemp("cwd"))
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="compiles")
def test_a_drivers_kernels_compile_without_a_cpython_wrapper(fresh_compile):
    compiled = {k: w for k, w in fresh_compile["kernels"].items() if w}
    # hh1952's driver calls the model's rates and the shared recording, gating and exp kernels
    assert len(compiled) >= 10, compiled
    assert "biophys.kernels.models.hh1952.rates" in compiled
    with_wrapper = [k for k, w in compiled.items() if any(w)]
    assert with_wrapper == []
    # control: the check sees a wrapper where there is one (the set-up's calls from Python)
    twins = fresh_compile["twins"]
    assert twins and all(w and all(w) for w in twins.values()), twins


def _half_plus(x):
    return 0.5 * x + ghk.thermal_voltage(37.0)


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="compiles")
def test_a_call_from_python_goes_to_the_twin():
    # a kernel of our own (not cached, so nothing is written anywhere): a call from Python
    # compiles the twin only, never the kernel's own wrapper-less code
    kernel = KernelDispatcher(_half_plus, {}, dict(POLICY))
    value = kernel(3.0)
    assert kernel.signatures == []
    assert len(kernel.python_twin.signatures) == 1
    assert kernel.python_twin._cache.__class__.__name__ == "NullCache"
    assert value == 1.5 + ghk.thermal_voltage.py_func(37.0)
    # a shipped kernel: the twin agrees with the Python source near the GHK flux's removable
    # singularity (V = 1e-9 mV)
    args = (1e-5, 2.0, 1e-9, 1e-4, 2.0, 37.0)  # P (cm/s), z, V (mV), c_in, c_out (mM), T (C)
    assert isinstance(ghk.ghk_flux, KernelDispatcher)
    value = ghk.ghk_flux(*args)
    assert ghk.ghk_flux.python_twin.signatures
    assert value == pytest.approx(ghk.ghk_flux.py_func(*args), rel=1e-13)
    assert math.isfinite(value)


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="compiles")
def test_the_twin_is_cached_where_the_kernels_are():
    twin = ghk.ghk_flux.python_twin
    where = Path(twin._cache._cache_path).resolve()
    assert _cache.cache_dir().resolve() in [where, *where.parents]
    assert twin.py_func.__qualname__ == "ghk_flux__from_python"
    # and kernels in the package directory were not touched (see also test_cache.py)
    assert Path(bp.__file__).resolve().parent not in where.parents
