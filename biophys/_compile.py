"""Generate, write and load the fused ensemble driver of a model.

The driver source (:data:`biophys.kernels.ensemble_source.TEMPLATE`) is specialised for the
model's kernel module and written once, atomically, to ``<cache_dir>/generated/``; the file
name carries the hash of the generated text and the cache directory is keyed on the kernel
sources, so a stale driver cannot be loaded. It is imported from that real file, so tracebacks,
``inspect``, ``NUMBA_DISABLE_JIT=1`` and Numba's disk cache all work.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from functools import cache
from types import ModuleType

from ._cache import cache_dir, scoped_numba_cache
from ._model import Model
from .kernels.ensemble_source import TEMPLATE

#: Cells per structure-of-arrays block in the ensemble driver.
BLOCK = 64


def driver_source(kernel_module: str) -> str:
    """The generated driver source for a kernel module name."""
    return TEMPLATE.replace("{MODULE}", kernel_module).replace("{BLOCK}", str(BLOCK))


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
