"""Build and call the C ceiling of W1 (``hh_ceiling.c``); ``None`` when no C compiler with
OpenMP is available. The shared library is built once into ``.benchmarks/``."""

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


def load():
    """The ``hh_counts`` C function, or None."""
    cc = shutil.which(os.environ.get("CC", "gcc"))
    if cc is None:
        return None
    key = hashlib.sha256(SRC.read_bytes() + " ".join(FLAGS).encode()).hexdigest()[:12]
    out = HERE.parent / ".benchmarks" / f"hh_ceiling_{key}.so"
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
