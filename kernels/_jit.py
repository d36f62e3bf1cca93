"""The one place that holds the Numba compilation policy.

``jit`` compiles a scalar or array kernel with the on-disk cache enabled. ``entry_jit`` is the
same policy for the block integrators, the only kernels passed as first-class function values
(to the two runners of :mod:`biophys.kernels.ensemble_source`); they are never called from
Python, so it builds no CPython wrapper. ``pjit`` is ``jit`` with ``parallel=True``, used only
by the parallel runner. ``fastmath`` stays off: every result must be reproducible bit for bit
whatever the thread count.

Compile cost. Numba builds three entry points for every compiled function: the native
function (what other kernels call and LLVM inlines), a CPython wrapper (calls from Python)
and a C-callable wrapper (first-class function values, ``cfunc``). Only the block integrators
are ever used as first-class values, so ``jit`` skips the C wrapper (``no_cfunc_wrapper``):
that is lowering, optimisation, machine code and cache space saved for each of the few dozen
helpers a model compiles (about 6 % of a cold compile of all models, measured with
``biophys compile --processes 1`` into empty caches). Their CPython wrapper stays: tests and
the API call kernels from Python. The block integrators' 17-argument CPython wrapper is the
larger saving (with the first two, 12 % of the default drivers' first-use compile).

The cache directory is chosen by :mod:`biophys._cache` before these modules are imported
(keyed on the kernels' source), so a cached kernel can never be stale.
"""

from functools import partial

from numba import njit

_policy = partial(njit, cache=True, error_model="numpy", fastmath=False, nogil=True)
entry_jit = partial(_policy, no_cpython_wrapper=True)
jit = partial(_policy, no_cfunc_wrapper=True)
pjit = partial(jit, parallel=True)
