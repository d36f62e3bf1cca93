"""The one place that holds the Numba compilation policy.

Every kernel of the package is compiled with the on-disk cache enabled, the NumPy error model and
``fastmath`` off (every result must be reproducible bit for bit whatever the thread count).
Four decorators share that policy:

``jit``
    Kernels: the scalar and array functions that other kernels call. Compiled for kernel
    callers without a CPython wrapper; a call from Python (tests, the API's set-up code) goes
    to a separately compiled and cached twin that has one. See :class:`KernelDispatcher`.
``entry_jit``
    The block integrators, the only kernels passed as first-class function values (to the two
    runners of :mod:`biophys.kernels.ensemble_source`): a C-callable wrapper, no CPython wrapper.
``runner_jit`` and ``pjit``
    The two runners, called from Python with explicit signatures (``pjit``: ``parallel=True``).

Compile cost. Numba builds up to three entry points for a compiled function: the native
function (what other kernels call and LLVM inlines), a CPython wrapper (calls from Python) and a
C-callable wrapper (first-class function values). A model's default driver compiles a few dozen
kernels that only other kernels call, so their wrappers are pure cost: lowering them in Python,
optimising them and emitting their machine code. Dropping the C-callable wrappers saved about
6 % of a cold compile of all models, and dropping the CPython wrappers (this module's
:class:`KernelDispatcher`) another 9–11 % of the default drivers' first-use compile (pairs of
new processes compiling into empty caches; see CHANGELOG).

The cache directory is chosen by :mod:`biophys._cache` before these modules are imported
(keyed on the kernels' source), so a cached kernel can never be stale.
"""

import threading
import types as _pytypes
from functools import partial

from numba import config, njit
from numba.core.caching import NullCache
from numba.core.registry import CPUDispatcher

#: Compiler options shared by every kernel (Numba target options).
POLICY = {"nopython": True, "error_model": "numpy", "fastmath": False, "nogil": True}

_policy = partial(njit, cache=True, **{k: v for k, v in POLICY.items() if k != "nopython"})
entry_jit = partial(_policy, no_cpython_wrapper=True)
runner_jit = partial(_policy, no_cfunc_wrapper=True)
pjit = partial(runner_jit, parallel=True)

#: Kernels of this package (module names), the only ones cached on disk by :func:`jit`.
_PACKAGE = __name__.rsplit(".", 1)[0] + "."

#: Serialises the making of Python twins (it briefly sets ``numba.config.CACHE_DIR``).
_TWIN_LOCK = threading.Lock()


class KernelDispatcher(CPUDispatcher):
    """A kernel compiled without a CPython wrapper, with a twin that Python calls.

    Other kernels see an ordinary Numba dispatcher: they type, compile, inline and cache it as
    usual, and its compiled code has only the native entry point. Calling it from Python
    instead calls the *Python twin*: the same function compiled by a second dispatcher (with a
    CPython wrapper, its own cache files under the name ``<qualname>__from_python``), created at
    the first call from Python. The twin's calls to other kernels go to their native entry
    points, so a call from Python compiles that one function again, never its callees.

    Parameters
    ----------
    py_func : function
        The kernel's Python source.
    locals, targetoptions : dict
        As for :class:`numba.core.registry.CPUDispatcher` (these three positional parameters are
        also how Numba rebuilds a pickled dispatcher).
    """

    def __init__(self, py_func, locals=None, targetoptions=None):
        options = dict(targetoptions or {})
        options.update(no_cpython_wrapper=True, no_cfunc_wrapper=True)
        super().__init__(py_func, locals={} if locals is None else locals, targetoptions=options)
        self._python_twin = None
        # Numba fixes a dispatcher's cache location when caching is enabled, from
        # ``numba.config.CACHE_DIR``, which biophys sets only while the kernels are imported:
        # the twin, created later, must use the same directory.
        self._cache_dir = config.CACHE_DIR

    @property
    def python_twin(self) -> CPUDispatcher:
        """The dispatcher that compiles this kernel for calls from Python (made on first use)."""
        if self._python_twin is None:
            with _TWIN_LOCK:
                if self._python_twin is None:
                    self._python_twin = self._make_python_twin()
        return self._python_twin

    def _make_python_twin(self) -> CPUDispatcher:
        f = self.py_func
        twin = _pytypes.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__,
                                     f.__closure__)
        twin.__qualname__ = f"{f.__qualname__}__from_python"
        twin.__module__, twin.__kwdefaults__, twin.__doc__ = (f.__module__, f.__kwdefaults__,
                                                              f.__doc__)
        options = {k: v for k, v in self.targetoptions.items()
                   if k not in ("no_cpython_wrapper", "nopython")}
        saved, config.CACHE_DIR = config.CACHE_DIR, self._cache_dir
        try:
            # cached where this dispatcher is (not at all if it is not, as after unpickling)
            return njit(cache=not isinstance(self._cache, NullCache), **options)(twin)
        finally:
            config.CACHE_DIR = saved

    def __call__(self, *args, **kwargs):
        return self.python_twin(*args, **kwargs)


def jit(func=None, *, inline: str = "never"):
    """Compile ``func`` as a kernel (:class:`KernelDispatcher`, :data:`POLICY`), cached on disk
    if it is one of this package's.

    A user's kernel module outside the package (a model of one's own) is compiled afresh in
    each process: Numba would cache it beside its file, keyed on that file's time stamp alone,
    and serve a function compiled with an old version of a helper it imports from another file
    (``tests/test_cache.py``). The drivers that inline it are cached under a hash of every
    such file (:func:`biophys._compile.kernel_code_hash`).

    Parameters
    ----------
    func : function, optional
        The kernel (``@jit``); omitted for ``@jit(inline="always")``.
    inline : {"never", "always"}
        Numba's IR-level inlining option.
    """
    if func is None:
        return partial(jit, inline=inline)
    if config.DISABLE_JIT:
        return func
    dispatcher = KernelDispatcher(func, {}, {**POLICY, "inline": inline})
    if func.__module__.startswith(_PACKAGE):
        dispatcher.enable_caching()
    return dispatcher
