"""The one place that holds the Numba compilation policy.

``jit`` compiles a scalar or array kernel with the on-disk cache enabled. ``pjit`` is the same
with ``parallel=True`` and is used only by ensemble drivers. ``fastmath`` stays off: every
result must be reproducible bit for bit whatever the thread count.

The cache directory is chosen by :mod:`biophys._cache` before these modules are imported
(keyed on the kernels' source), so a cached kernel can never be stale.
"""

from functools import partial

from numba import njit

jit = partial(njit, cache=True, error_model="numpy", fastmath=False, nogil=True)
pjit = partial(jit, parallel=True)
