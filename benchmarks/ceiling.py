"""Build and call the C ceiling of W1 (``hh_ceiling.c``); ``None`` when no C compiler with
OpenMP is available. The shared library is built once into the benchmarks' cache directory
(``$BIOPHYS_BENCH_CACHE``, else ``.benchmarks/``, as for the W1 reference), keyed on the
source, the flags, the compiler's ``--version`` and the host CPU (name and features as LLVM
reports them): ``-march=native`` makes the library specific to the CPU it was built on."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SRC = HERE / "hh_ceiling.c"
FLAGS = ["-O3", "-ffast-math", "-march=native", "-mprefer-vector-width=512", "-fopenmp",
         "-shared", "-fPIC"]


def cache_dir() -> Path:
    """``$BIOPHYS_BENCH_CACHE`` if set, else ``.benchmarks/`` at the repository's root."""
    return Path(os.environ.get("BIOPHYS_BENCH_CACHE", HERE.parent / ".benchmarks"))


def compiler_version(cc: str) -> str:
    """``cc --version`` output ('' if it cannot be run)."""
    try:
        return subprocess.run([cc, "--version"], capture_output=True, text=True,
                              check=False).stdout
    except OSError:
        return ""


def host_cpu() -> str:
    """The host CPU as LLVM sees it (what ``-march=native`` compiles for): name and features."""
    import llvmlite.binding as llvm

    return f"{llvm.get_host_cpu_name()} {llvm.get_host_cpu_features().flatten()}"


def library_path(cc: str) -> Path:
    """Where the library built by ``cc`` for this CPU is cached."""
    key = "\n".join([SRC.read_bytes().hex(), " ".join(FLAGS), compiler_version(cc), host_cpu()])
    return cache_dir() / f"hh_ceiling_{hashlib.sha256(key.encode()).hexdigest()[:12]}.so"


def load():
    """The ``hh_counts`` C function, or None."""
    cc = shutil.which(os.environ.get("CC", "gcc"))
    if cc is None:
        return None
    out = library_path(cc)
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.so")
        try:
            subprocess.run([cc, *FLAGS, str(SRC), "-o", str(tmp), "-lm"], check=True,
                           capture_output=True)
        except (subprocess.CalledProcessError, OSError):
            return None
        os.replace(tmp, out)
    lib = ctypes.CDLL(str(out))
    fn = lib.hh_counts
    fn.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_double, ctypes.c_double,
                   ctypes.c_void_p, ctypes.c_int64]
    fn.restype = None
    return fn


def counts(fn, current: np.ndarray, t_end: float, dt: float, threads: int) -> np.ndarray:
    """Spike counts of W1 cells by the C ceiling with ``threads`` OpenMP threads (passed to the
    C function: ``OMP_NUM_THREADS`` is read only when the OpenMP runtime loads)."""
    cur = np.ascontiguousarray(current, dtype=np.float64)
    out = np.zeros(cur.shape, dtype=np.int64)
    fn(cur.ctypes.data, cur.size, float(t_end), float(dt), out.ctypes.data, int(threads))
    return out
