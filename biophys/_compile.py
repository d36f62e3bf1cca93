"""Generate, write and load the fused block integrators of a model, and the shared parallel
runner.

The per-model source (:data:`biophys.kernels.ensemble_source.TEMPLATE`) is specialised for the
model's kernel module and written once, atomically, to ``<cache_dir>/generated/``; the file
name carries the hash of the generated text and the cache directory is keyed on the kernel
sources, so a stale driver cannot be loaded. A model whose kernel module lies outside
``biophys.kernels`` (a user's) has that module's source in the file name's hash too
(:func:`kernel_code_hash`); one whose kernel code has no source file (defined in a notebook
or under ``python -c``) gets a driver of its own per model object, written to a directory of
the process (:func:`biophys._cache.private_cache_dir`). It is imported from that real file,
so tracebacks, ``inspect``, ``NUMBA_DISABLE_JIT=1`` and Numba's disk cache all work.

Compile cost. A model compiles only the serial block integrator it uses (``run_exponential``
for the fixed-step methods, ``run_adaptive``/``run_rosenbrock`` for the error-controlled
ones), each with one explicit signature and no CPython wrapper. The ``prange`` over blocks
lives in :func:`parallel_runner`, and runs of a single block go through
:func:`single_block_runner`; both are compiled once (and cached) for every model and receive
the block integrator as a first-class function.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
import tempfile
import uuid
import warnings
from functools import cache
from pathlib import Path
from types import ModuleType

import numba
from numba import types
from numba.experimental.function_type import _get_wrapper_address

from ._cache import cache_dir, kernels_source_hash, private_cache_dir, scoped_numba_cache
from ._checks import did_you_mean
from ._model import Model
from .kernels import ensemble_source
from .kernels._jit import pjit, runner_jit

#: Cells per structure-of-arrays block in the ensemble driver.
BLOCK = ensemble_source.BLOCK


def driver_source(kernel_module: str) -> str:
    """The generated driver source for a kernel module name."""
    return ensemble_source.render(kernel_module)


def _kernel_modules(model: Model) -> set[str]:
    """Names of the kernel module of ``model`` and of every module it takes compiled
    functions from, directly or through those modules (the transitive closure: a helper two
    imports away is compiled into the driver too)."""
    mods: set[str] = set()
    todo = [model.kernel.__name__]
    while todo:
        name = todo.pop()
        if name in mods:
            continue
        mods.add(name)
        module = sys.modules.get(name)
        if module is not None:
            todo.extend(v.py_func.__module__ for v in vars(module).values()
                        if hasattr(v, "py_func"))
    return mods


def _outside_modules(model: Model) -> list[str]:
    """The modules of :func:`_kernel_modules` outside ``biophys.kernels`` (a user's)."""
    return sorted(m for m in _kernel_modules(model) if not m.startswith("biophys.kernels."))


def _source_file(name: str) -> str | None:
    """The source file of the imported module ``name``; None for one without (``__main__`` of
    a notebook or of ``python -c``, a module built in memory)."""
    return getattr(sys.modules.get(name), "__file__", None)


def _without_source(model: Model) -> list[str]:
    """The modules of :func:`_outside_modules` that have no source file to hash."""
    return [m for m in _outside_modules(model) if not _source_file(m)]


@cache
def kernel_code_hash(model: Model) -> str:
    """Hash of the kernel code ``model`` runs (16 hex digits).

    :func:`biophys._cache.kernels_source_hash` when its kernel module and the modules it takes
    compiled functions from all lie in ``biophys.kernels`` (the built-in models); otherwise
    that hash combined with the source files of the other modules (read once per model and
    process, as the package's are; every module the kernel reaches through compiled functions,
    :func:`_kernel_modules`), so that an edited kernel module outside the package, or a helper
    module it imports, gets a new driver and compiles afresh (a user's kernel functions are not
    cached by Numba itself: :func:`biophys.kernels._jit.jit`), and a checkpoint made with the
    old one is refused.

    A module without a source file (``__main__`` of a notebook or of ``python -c``) cannot be
    hashed: its functions and the globals they freeze can change between cells and runs under
    the same name. Its part of the hash is a random token, new for every model object (this
    function is cached per model), so such a model never reuses a driver compiled for another
    model object or process, and its checkpoints are refused by every other one; its drivers
    live in :func:`biophys._cache.private_cache_dir`. (Until session 58 it was hashed as the
    words "no source file", so a kernel edited in a notebook or ``python -c`` ran the old
    compiled code from the disk cache.)
    """
    outside = _outside_modules(model)
    if not outside:
        return kernels_source_hash()
    h = hashlib.sha256(kernels_source_hash().encode())
    for name in outside:
        file = _source_file(name)
        h.update(name.encode() + b"\0")
        h.update(Path(file).read_bytes() if file
                 else f"(no source file: {uuid.uuid4().hex})".encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@cache
def load_driver(model: Model) -> ModuleType:
    """Import (generating if needed) the ensemble driver module of ``model``."""
    src = driver_source(model.kernel.__name__)
    code = kernel_code_hash(model)  # differs from the package's for a user's kernel module
    key = src if code == kernels_source_hash() else src + code
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    # a driver of kernel code without a source file is this process's and model object's
    root = private_cache_dir() if _without_source(model) else cache_dir()
    gen = root / "generated"
    gen.mkdir(parents=True, exist_ok=True)
    path = gen / f"driver_{model.name}_{digest}.py"
    # written unless it holds exactly ``src``: a file truncated by a crash (written without
    # fsync) or edited by hand would otherwise be imported for ever under the digest's name
    if not path.exists() or path.read_bytes() != src.encode():
        fd, tmp = tempfile.mkstemp(dir=gen, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(src)
            os.replace(tmp, path)  # atomic: concurrent writers produce identical content
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    modname = f"biophys_generated.driver_{model.name}_{digest}"
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    with scoped_numba_cache(root):
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


class BlockFunction:
    """A compiled block integrator as the first-class function value that the runners take.

    Passed to a runner, a Numba dispatcher is converted to a function value on every call:
    Numba looks up its compile result twice (the C-callable wrapper's address and the native
    entry point's), which cost about 0.3 ms per run. This object does the look-up once and
    answers Numba's wrapper-address protocol (``_numba_type_`` and ``__wrapper_address__``, see
    ``numba.experimental.function_type``); the runners then call the integrator through its
    C-callable wrapper, one call per block. It holds the dispatcher, which keeps the compiled
    code at that address alive.
    """

    __slots__ = ("dispatcher", "_numba_type_", "_address")

    def __init__(self, dispatcher) -> None:
        sig = ensemble_source.block_signature()
        self.dispatcher = dispatcher
        self._numba_type_ = types.FunctionType(sig)
        self._address = _get_wrapper_address(dispatcher, sig)

    def __wrapper_address__(self) -> int:
        return self._address


@cache
def block_function(model: Model, name: str) -> BlockFunction:
    """:func:`block_integrator` as the value the runners take (looked up once per process)."""
    return BlockFunction(block_integrator(model, name))


def _runner(func, decorator, *middle):
    """``func`` (a runner of :mod:`biophys.kernels.ensemble_source`) compiled by ``decorator``
    for a first-class block integrator, the ``middle`` arguments, then the block signature's
    arrays and run parameters (all but its ``c0`` and ``nb``)."""
    if numba.config.DISABLE_JIT:
        return func
    sig = ensemble_source.block_signature()
    full = types.void(types.FunctionType(sig), *middle, *sig.args[:2], *sig.args[4:])
    with scoped_numba_cache(), warnings.catch_warnings():
        warnings.simplefilter("ignore", numba.NumbaExperimentalFeatureWarning)
        return decorator(full)(func)


@cache
def parallel_runner():
    """:func:`biophys.kernels.ensemble_source.run_blocks` compiled with ``parallel=True``."""
    return _runner(ensemble_source.run_blocks, pjit, types.int64)


@cache
def single_block_runner():
    """:func:`biophys.kernels.ensemble_source.run_one_block` compiled (serial): how runs of at
    most one block reach a block integrator, which has no CPython wrapper."""
    return _runner(ensemble_source.run_one_block, runner_jit)


#: The block integrator of each integration method (``biophys._engine.METHODS``).
INTEGRATORS = {"rl1": "run_exponential", "rl2": "run_exponential", "rl2ab": "run_exponential",
               "staggered": "run_exponential", "adaptive": "run_adaptive",
               "rosenbrock": "run_rosenbrock"}


def precompile(models=None, methods=("rl2",), aux: bool = False, processes: int = 1) -> dict:
    """Compile (or load from the disk cache) the block integrators of ``models``.

    Run it once, serially or with a few processes, before fanning work out to many processes
    or Dask workers (they then all load the cache instead of compiling). The two runners that
    every model shares (:func:`parallel_runner`, :func:`single_block_runner`) are compiled
    too. From the command line: ``biophys compile [models] [--method M] [--processes N]``.

    Parameters
    ----------
    models : str or sequence of str, optional
        Model name(s); default: every built-in model.
    methods : str or sequence of str
        Integration method(s) to prepare (``"rl1"``/``"rl2"``/``"rl2ab"``/``"staggered"`` share one
        integrator).
    aux : bool
        Also compile the variants that evaluate algebraic outputs (recorded or observed
        currents and fluxes).
    processes : int
        Worker processes (> 1: models are compiled concurrently in fresh interpreters, each
        taking the next model, largest kernels first, when it is free; Numba writes its cache
        files atomically).

    Returns
    -------
    dict
        ``{model: CPU seconds}`` spent on each model (in its own process).
    """
    from .models import get_model, list_models

    if int(processes) != processes or processes < 1:
        raise ValueError(f"processes (worker processes, count) must be an integer >= 1, "
                         f"got {processes!r}")
    methods = (methods,) if isinstance(methods, str) else methods
    unknown = sorted(set(methods) - set(INTEGRATORS))
    if unknown:
        raise ValueError(f"method {unknown[0]!r} is not one of {', '.join(INTEGRATORS)}"
                         f"{did_you_mean(unknown[0], INTEGRATORS)}")
    names = list(list_models() if models is None else
                 (models,) if isinstance(models, str) else models)
    for name in names:
        get_model(name)  # an unknown name fails here, before any process starts
    funcs = sorted({INTEGRATORS[m] for m in methods})
    if aux:
        funcs += [f + "_aux" for f in funcs]
    if processes > 1 and len(names) > 1:
        import concurrent.futures
        import multiprocessing

        # A work queue: each fresh interpreter takes the next model as soon as it is free,
        # the largest kernels first (a static split of eight models left one process with
        # most of the work). Numba writes its cache files atomically.
        order = sorted(names, key=lambda n: -_kernel_source_size(get_model(n)))
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(processes, mp_context=ctx) as pool:
            # the shared runners are the last (and smallest) item of the queue
            cpu = dict(zip(order + [None], pool.map(
                _compile_model, order + [None], [tuple(funcs)] * (len(order) + 1),
                chunksize=1), strict=True))
        return {n: cpu[n] for n in names}
    out: dict = {}
    for name in names:
        out[name] = _compile_model(name, funcs)
    _compile_model(None, funcs)
    return out


def _compile_model(name: str | None, funcs) -> float:
    """Compile (or load) the block integrators ``funcs`` of model ``name``, or (``None``) the
    two runners every model shares (:func:`parallel_runner`, :func:`single_block_runner`);
    CPU seconds."""
    import time

    from .models import get_model

    t = time.process_time()
    if name is None:
        parallel_runner()
        single_block_runner()
    else:
        model = get_model(name)
        for f in funcs:
            block_integrator(model, f)
    return time.process_time() - t


def _kernel_source_size(model: Model) -> int:
    """Bytes of the kernel module of ``model`` and of the kernel modules it takes functions
    from: a rough proxy of its compile time."""
    return sum(os.path.getsize(sys.modules[m].__file__) for m in _kernel_modules(model)
               if m.startswith("biophys.kernels") and m in sys.modules)
