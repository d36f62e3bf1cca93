"""Generate, write and load the fused block integrators of a model, and the shared parallel
runner.

The per-model source (:data:`biophys.kernels.ensemble_source.TEMPLATE`) is specialised for the
model's kernel module and written once, atomically, to ``<cache_dir>/generated/``; the file
name carries the hash of the generated text and the cache directory is keyed on the kernel
sources, so a stale driver cannot be loaded. It is imported from that real file, so tracebacks,
``inspect``, ``NUMBA_DISABLE_JIT=1`` and Numba's disk cache all work.

Compile cost. A model compiles only the serial block integrator it uses (``run_exponential``
for the fixed-step methods, ``run_adaptive``/``run_rosenbrock`` for the error-controlled
ones), each with one explicit signature. The ``prange`` over blocks lives in
:func:`parallel_runner`, compiled once (and cached) for every model: it receives the block
integrator as a first-class function.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import warnings
from functools import cache
from types import ModuleType

import numba
from numba import types

from ._cache import cache_dir, scoped_numba_cache
from ._model import Model
from .kernels import ensemble_source
from .kernels._jit import pjit

#: Cells per structure-of-arrays block in the ensemble driver.
BLOCK = ensemble_source.BLOCK


def driver_source(kernel_module: str) -> str:
    """The generated driver source for a kernel module name."""
    return ensemble_source.render(kernel_module)


@cache
def load_driver(model: Model) -> ModuleType:
    """Import (generating if needed) the ensemble driver module of ``model``."""
    src = driver_source(model.kernel.__name__)
    digest = hashlib.sha256(src.encode()).hexdigest()[:12]
    gen = cache_dir() / "generated"
    gen.mkdir(parents=True, exist_ok=True)
    path = gen / f"driver_{model.name}_{digest}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=gen, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(src)
        os.replace(tmp, path)  # atomic: concurrent writers produce identical content
    modname = f"biophys_generated.driver_{model.name}_{digest}"
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    with scoped_numba_cache():
        spec.loader.exec_module(module)
    return module


@cache
def block_integrator(model: Model, name: str):
    """The compiled block integrator ``name`` of ``model`` (one signature, compiled once;
    :func:`biophys._engine.run` passes arguments of exactly these types)."""
    fn = getattr(load_driver(model), name)
    if numba.config.DISABLE_JIT:
        return fn
    with scoped_numba_cache():  # (the raised inline threshold: see biophys._cache)
        fn.compile(ensemble_source.block_signature())
    return fn


@cache
def parallel_runner():
    """:func:`biophys.kernels.ensemble_source.run_blocks` compiled with ``parallel=True``."""
    if numba.config.DISABLE_JIT:
        return ensemble_source.run_blocks
    sig = ensemble_source.block_signature()
    full = types.void(types.FunctionType(sig), types.int64, *sig.args[:2], *sig.args[4:])
    with scoped_numba_cache(), warnings.catch_warnings():
        warnings.simplefilter("ignore", numba.NumbaExperimentalFeatureWarning)
        return pjit(full)(ensemble_source.run_blocks)




#: The block integrator of each integration method (``biophys._engine.METHODS``).
INTEGRATORS = {"rl1": "run_exponential", "rl2": "run_exponential", "rl2ab": "run_exponential",
               "adaptive": "run_adaptive", "rosenbrock": "run_rosenbrock"}


def precompile(models=None, methods=("rl2",), aux: bool = False, processes: int = 1) -> dict:
    """Compile (or load from the disk cache) the block integrators of ``models``.

    Run it once, serially or with a few processes, before fanning work out to many processes
    or Dask workers (they then all load the cache instead of compiling).

    Parameters
    ----------
    models : sequence of str, optional
        Model names; default: every built-in model.
    methods : sequence of str
        Integration methods to prepare (``"rl1"``/``"rl2"``/``"rl2ab"`` share one integrator).
    aux : bool
        Also compile the variants that evaluate algebraic outputs (recorded or observed
        currents and fluxes).
    processes : int
        Worker processes (> 1: models are compiled concurrently, in fresh interpreters; Numba
        writes its cache files atomically).

    Returns
    -------
    dict
        ``{model: CPU seconds}`` spent on each model (in its own process).
    """
    import json
    import subprocess
    import time

    from .models import get_model, list_models

    names = list(list_models() if models is None else models)
    funcs = sorted({INTEGRATORS[m] for m in methods})
    if aux:
        funcs += [f + "_aux" for f in funcs]
    out: dict = {}
    if processes > 1 and len(names) > 2:
        # the first model in this process (puts the shared kernels into the cache), then the
        # others in `processes` fresh interpreters, each compiling a share of the models
        out.update(precompile(names[:1], methods, aux, 1))
        groups = [names[1 + i::processes] for i in range(processes)]
        code = "import sys; from biophys._compile import _worker; _worker(sys.argv[1:])"
        procs = [subprocess.Popen([sys.executable, "-c", code, ",".join(g), *funcs],
                                  stdout=subprocess.PIPE, text=True) for g in groups if g]
        for proc in procs:
            stdout, _ = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"precompiling failed: {' '.join(proc.args)}")
            out.update(json.loads(stdout.strip().splitlines()[-1]))
        return {n: out[n] for n in names}
    for name in names:
        t = time.process_time()
        model = get_model(name)
        for f in funcs:
            block_integrator(model, f)
        out[name] = time.process_time() - t
    return out


def _worker(argv) -> None:
    """Subprocess entry of :func:`precompile`: ``names_comma_separated func ...``."""
    import json
    import time

    from .models import get_model

    out = {}
    for name in argv[0].split(","):
        t = time.process_time()
        model = get_model(name)
        for f in argv[1:]:
            block_integrator(model, f)
        out[name] = time.process_time() - t
    print(json.dumps(out))


if __name__ == "__main__":  # python -m biophys._compile [processes]: precompile all models
    _n = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    for _name, _cpu in precompile(processes=_n).items():
        print(f"{_name}: {_cpu:.1f} s")
