"""Where Numba's on-disk cache lives, and why it can never be stale.

Numba's own cache invalidation looks only at the source file of the decorated function, so an
edit to a callee in another file would silently reuse a stale machine-code cache. We therefore
place the cache in a directory *keyed on a hash of every kernel source file* (plus the Numba,
NumPy and Python versions): any edit to any kernel selects a fresh directory. The directory is
outside the package (``$BIOPHYS_CACHE_DIR``, else ``$XDG_CACHE_HOME/biophys``, else
``~/.cache/biophys``), so no ``.nbi``/``.nbc`` files are ever written into site-packages.

``numba.config.CACHE_DIR`` is set only while our kernels are imported (Numba fixes a function's
cache locator when it is decorated), so other libraries in the same process keep their own
cache configuration.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numba
import numpy as np


def kernels_dir() -> Path:
    """Directory holding the ``biophys.kernels`` sources (found without importing them)."""
    spec = importlib.util.find_spec("biophys.kernels")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("biophys.kernels is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


#: LLVM inlining threshold for every compilation in a process that imports biophys (LLVM's -O3
#: default: 250). The ensemble driver's cell loops vectorise only if the model's ``rates`` and
#: everything it calls are inlined into them, and a kernel compiled (and cached) on its own at
#: the default threshold is linked into a driver in its already-optimised form, which then does
#: not vectorise: so the threshold must be raised before any kernel is compiled, not only
#: around the driver's compilation. It is part of the cache key.
INLINE_THRESHOLD = 100_000


def raise_inline_threshold() -> None:
    """Set LLVM's inlining threshold to :data:`INLINE_THRESHOLD` for this process.

    A process-wide LLVM option: other Numba code compiled in the same process also inlines
    more (faster code, longer compiles). Idempotent.
    """
    import llvmlite.binding as llvm

    llvm.set_option("biophys", f"-inline-threshold={INLINE_THRESHOLD}")


_SOURCE_HASH: str | None = None


def kernels_source_hash() -> str:
    """SHA-256 (first 16 hex digits) of all kernel sources, the toolchain versions and the
    inlining threshold.

    Read once per process (``import biophys`` does it, for :func:`cache_dir`): the hash of the
    kernels this process imported and runs, like the cache directory (sources edited while a
    process runs do not change the code it has already imported). A sweep records it in every
    result and checkpoint, and reading the ~30 source files again took 0.6 ms per call. Dask
    workers import the sources on disk when they start: the dask backend compares their hash
    with this one and refuses to run if they differ (:mod:`biophys._dask`).
    """
    global _SOURCE_HASH
    if _SOURCE_HASH is None:
        _SOURCE_HASH = _hash_sources()
    return _SOURCE_HASH


def _hash_sources() -> str:
    """:func:`kernels_source_hash` computed from the files as they are now."""
    h = hashlib.sha256()
    root = kernels_dir()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    h.update(f"numba={numba.__version__};numpy={np.__version__};py={sys.version};"
             f"inline={INLINE_THRESHOLD}".encode())
    return h.hexdigest()[:16]


def cache_root() -> Path:
    """User cache root for biophys (not inside the package)."""
    env = os.environ.get("BIOPHYS_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "biophys"


_CACHE_DIR: Path | None = None


def cache_dir() -> Path:
    """The cache directory for the current kernel sources (created on first use)."""
    global _CACHE_DIR
    if _CACHE_DIR is None:
        d = cache_root() / f"numba-{numba.__version__}-{kernels_source_hash()}"
        d.mkdir(parents=True, exist_ok=True)
        _CACHE_DIR = d
    return _CACHE_DIR


@contextlib.contextmanager
def scoped_numba_cache() -> Iterator[Path]:
    """Point ``numba.config.CACHE_DIR`` at :func:`cache_dir` for the duration of the block."""
    d = cache_dir()
    old = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(d)
    try:
        yield d
    finally:
        numba.config.CACHE_DIR = old
