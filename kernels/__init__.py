"""The Numba core of biophys, installed as ``biophys.kernels``.

Pure numerical functions of floats and float64 arrays, compiled with the single policy of
:mod:`biophys.kernels._jit`. Nothing here imports from :mod:`biophys` outside this subpackage.

Every submodule is imported eagerly here so that all kernels are decorated while
:mod:`biophys._cache` has pointed Numba at the source-keyed cache directory.
"""

if __name__ != "biophys.kernels":  # e.g. ``import kernels`` with the repository root on sys.path
    raise ImportError(
        f"this folder is the 'biophys.kernels' package but was imported as {__name__!r}; "
        "use 'import biophys.kernels'"
    )

import importlib as _importlib
import pkgutil as _pkgutil

for _info in _pkgutil.walk_packages(__path__, prefix=__name__ + "."):
    _importlib.import_module(_info.name)
del _info
