"""Where Numba's on-disk cache lives, and why it can never be stale.

Numba's own cache invalidation looks only at the source file of the decorated function, so an
edit to a callee in another file would silently reuse a stale machine-code cache. We therefore
place the cache in a directory *keyed on a hash of every kernel source file* (plus the Numba,
NumPy and Python versions): any edit to any kernel selects a fresh directory. The directory is
outside the package (``$BIOPHYS_CACHE_DIR``, else ``$XDG_CACHE_HOME/biophys``, else
``~/.cache/biophys``), so no ``.nbi``/``.nbc`` files are ever written into site-packages.

What else decides the machine code Numba caches is in the directory name too, but not in
:func:`kernels_source_hash` (which results and checkpoints record, and Dask workers must
match): the llvmlite version, Numba's code-generation settings (``NUMBA_OPT``,
``NUMBA_LOOP_VECTORIZE``, ``NUMBA_SLP_VECTORIZE``, ``NUMBA_ENABLE_AVX``, ``NUMBA_BOUNDSCHECK``,
SVML) and the target CPU (:func:`codegen_key`). Numba's index ignores those settings (code
compiled at ``NUMBA_OPT=0`` is loaded by later default runs), and it keeps the entries of every
CPU in one index file that it updates by read-modify-write, so two kinds of node filling a
shared cache at once could leave one CPU's entry naming the other's code.

The package's own Python sources, which shape results too, have their hash
(:func:`package_source_hash`), recorded with the kernels' in sweep results and checkpoints.

A cache directory that cannot be created or written is not used: Numba would silently fall
back to ``__pycache__`` next to the kernel sources, inside the package, where its per-file
check can serve stale code. The process then compiles into a private temporary directory
(removed at exit) and warns, naming ``BIOPHYS_CACHE_DIR``.

``numba.config.CACHE_DIR`` is set only while our kernels are imported (Numba fixes a function's
cache locator when it is decorated), so other libraries in the same process keep their own
cache configuration.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
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


_PACKAGE_HASH: str | None = None


def package_source_hash() -> str:
    """SHA-256 (first 16 hex digits) of the Python sources of the ``biophys`` package.

    Every ``*.py`` file under the package directory (``biophys/**/*.py``: the engine, metrics,
    stimuli, models, checks...; the kernels have :func:`kernels_source_hash`), by relative path
    and content. Code outside the kernels shapes results too (which metrics are reduced from
    the kernels' output and how, the arrays a run is given), so a sweep records it in every
    result and checkpoint: a checkpoint written by other Python code is refused.

    Read once per process, when :mod:`biophys.sweep` is imported: the sources this process
    imported (files edited while it runs do not change the code it has already imported).
    """
    global _PACKAGE_HASH
    if _PACKAGE_HASH is None:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.relative_to(root).parts:
                continue
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
        _PACKAGE_HASH = h.hexdigest()[:16]
    return _PACKAGE_HASH


def cache_root() -> Path:
    """User cache root for biophys (not inside the package), an absolute path.

    ``BIOPHYS_CACHE_DIR`` with ``~`` expanded (a quoted ``"~/cache"`` made a folder named
    ``~`` in the working directory) and made absolute (a relative one named another folder
    for every working directory); ``XDG_CACHE_HOME`` only if absolute, as its specification
    says; else ``~/.cache``.
    """
    env = os.environ.get("BIOPHYS_CACHE_DIR")
    if env:
        return Path(env).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "biophys"


def codegen_key() -> str:
    """First 8 hex digits of a SHA-256 of what decides the machine code besides the sources
    and versions of :func:`kernels_source_hash`: the llvmlite version, Numba's code-generation
    settings and the target (triple, CPU name and features as Numba's cache index has them,
    ``NUMBA_CPU_NAME``/``NUMBA_CPU_FEATURES`` included)."""
    import llvmlite
    from numba.core.registry import cpu_target

    c = numba.config
    parts = (llvmlite.__version__, str(c.OPT), c.LOOP_VECTORIZE, c.SLP_VECTORIZE, c.ENABLE_AVX,
             c.BOUNDSCHECK, c.USING_SVML, cpu_target.target_context.codegen().magic_tuple())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:8]


def _unusable(d: Path) -> str | None:
    """Why Numba could not cache in ``d`` (created if missing), or None: the test Numba makes
    (a temporary file in it) before it falls back to ``__pycache__`` inside the package."""
    try:
        d.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=d).close()
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return None


_CACHE_DIR: Path | None = None


def cache_dir() -> Path:
    """The cache directory for the current kernel sources, toolchain and target (created on
    first use; a private temporary one, with a warning, if that cannot be written)."""
    global _CACHE_DIR
    if _CACHE_DIR is None:
        name = f"numba-{numba.__version__}-{codegen_key()}-{kernels_source_hash()}"
        d = cache_root() / name
        problem = _unusable(d)
        if problem is not None:
            from ._warn import warn_user

            tmp = Path(tempfile.mkdtemp(prefix="biophys-cache-"))
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
            warn_user(f"the biophys cache directory {str(d)!r} cannot be written ({problem}); "
                      f"this process compiles into {str(tmp)!r}, removed at exit, and the next "
                      "compiles again: set BIOPHYS_CACHE_DIR to a writable directory",
                      RuntimeWarning)
            d = tmp / name
            d.mkdir()
        _CACHE_DIR = d
    return _CACHE_DIR


_PRIVATE_DIR: Path | None = None


def private_cache_dir() -> Path:
    """A cache directory of this process alone, removed at exit: for drivers whose kernel code
    has no source file to hash (:func:`biophys._compile.kernel_code_hash`), which no other
    process may load."""
    global _PRIVATE_DIR
    if _PRIVATE_DIR is None:
        tmp = Path(tempfile.mkdtemp(prefix="biophys-private-cache-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        _PRIVATE_DIR = tmp
    return _PRIVATE_DIR


@contextlib.contextmanager
def scoped_numba_cache(d: Path | None = None) -> Iterator[Path]:
    """Point ``numba.config.CACHE_DIR`` at ``d`` (default :func:`cache_dir`) for the duration
    of the block."""
    d = cache_dir() if d is None else d
    old = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(d)
    try:
        yield d
    finally:
        numba.config.CACHE_DIR = old
