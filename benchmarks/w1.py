"""Workload W1 (issue 7): the Hodgkin-Huxley 1952 axon, N cells with I_app spread evenly over
0..20 uA/cm^2, 1000 ms, spike counts only; its reference and the baselines it is measured
against.

Everything here is written independently of ``biophys`` (own equations, own integrators), so
it can serve as the reference for the code under test:

* :func:`reference_counts`: classic RK4 at dt = 0.005 ms (the issue's reference; LSODA at rtol
  1e-8 counts the same spikes on the subset ``bench_w1`` runs, asserted there), compiled with Numba,
  one cell per ``prange`` iteration, libm ``exp``. Cached under ``.benchmarks/`` (or
  ``$BIOPHYS_BENCH_CACHE``) keyed on a hash of this whole file's bytes and the arguments
  (regenerated automatically when either changes).
* :func:`numba_loop_counts`: the "straightforward Numba loop" baseline of the issue
  (Rush-Larsen, one cell per ``prange`` iteration, time loop inside, libm ``exp``).
* :func:`numpy_counts` (:func:`numpy_run`): a plain NumPy implementation vectorised across
  cells (Rush-Larsen).
* :func:`lsoda_counts`: scipy ``solve_ivp`` LSODA, one cell at a time.

The equations (modern sign convention, resting potential -65 mV, 6.3 degrees C) are those of
Hodgkin & Huxley (1952) J Physiol 117:500, eqs. 7-14 and 20-24.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import numba
import numpy as np
from numba import njit, prange

G_NA, G_K, G_L = 120.0, 36.0, 0.3  # mS/cm^2
E_NA, E_K, E_L = 50.0, -77.0, -54.387  # mV
C_M = 1.0  # uF/cm^2
V_REST = -65.0  # mV
THRESHOLD = 0.0  # mV, upward crossing = one spike
T_END = 1000.0  # ms
DT = 0.025  # ms, the fixed-step class
DT_REF = 0.005  # ms, the reference RK4 step

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("BIOPHYS_BENCH_CACHE", HERE.parent / ".benchmarks"))


def currents(n_cells: int) -> np.ndarray:
    """Applied currents of W1, uA/cm^2: evenly spaced over [0, 20]; a single cell gets the
    range's midpoint, 10 uA/cm^2, a firing cell (``np.linspace`` would give it 0, the resting
    one, whose run measures nothing of the spiking regime)."""
    if n_cells == 1:
        return np.array([10.0])
    return np.linspace(0.0, 20.0, n_cells)


@njit(cache=True, error_model="numpy")
def _rates(v):
    x = v + 40.0
    am = 1.0 if x == 0.0 else 0.1 * x / (1.0 - math.exp(-x / 10.0))
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    y = v + 55.0
    an = 0.1 if y == 0.0 else 0.01 * y / (1.0 - math.exp(-y / 10.0))
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


@njit(cache=True, error_model="numpy")
def _rhs(v, m, h, n, current):
    am, bm, ah, bh, an, bn = _rates(v)
    i_ion = (G_NA * m * m * m * h * (v - E_NA) + G_K * n * n * n * n * (v - E_K)
             + G_L * (v - E_L))
    return ((current - i_ion) / C_M, am * (1.0 - m) - bm * m, ah * (1.0 - h) - bh * h,
            an * (1.0 - n) - bn * n)


@njit(cache=True, error_model="numpy")
def resting_state():
    """Gates at rest (V = -65 mV)."""
    am, bm, ah, bh, an, bn = _rates(V_REST)
    return V_REST, am / (am + bm), ah / (ah + bh), an / (an + bn)


@njit(parallel=True, cache=True, error_model="numpy")
def _rk4_counts(current, t_end, dt, counts):
    n_steps = int(round(t_end / dt))
    for c in prange(current.shape[0]):
        v, m, h, n = resting_state()
        i_app = current[c]
        cnt = 0
        for _ in range(n_steps):
            k1 = _rhs(v, m, h, n, i_app)
            k2 = _rhs(v + 0.5 * dt * k1[0], m + 0.5 * dt * k1[1], h + 0.5 * dt * k1[2],
                      n + 0.5 * dt * k1[3], i_app)
            k3 = _rhs(v + 0.5 * dt * k2[0], m + 0.5 * dt * k2[1], h + 0.5 * dt * k2[2],
                      n + 0.5 * dt * k2[3], i_app)
            k4 = _rhs(v + dt * k3[0], m + dt * k3[1], h + dt * k3[2], n + dt * k3[3], i_app)
            vn = v + dt / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0])
            m += dt / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1])
            h += dt / 6.0 * (k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2])
            n += dt / 6.0 * (k1[3] + 2.0 * k2[3] + 2.0 * k3[3] + k4[3])
            if v < THRESHOLD <= vn:
                cnt += 1
            v = vn
        counts[c] = cnt


def rk4_counts(current: np.ndarray, t_end: float = T_END, dt: float = DT_REF) -> np.ndarray:
    """Spike counts by classic RK4 (uncached)."""
    counts = np.zeros(len(current), dtype=np.int64)
    _rk4_counts(np.ascontiguousarray(current, dtype=np.float64), float(t_end), float(dt), counts)
    return counts


def _reference_key() -> str:
    """Hash of this whole file's bytes: everything the reference depends on (equations,
    constants, integrator, :func:`currents`, :func:`rk4_counts`) is written here; the
    arguments are in the cache file's name."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def reference_counts(n_cells: int, t_end: float = T_END) -> np.ndarray:
    """W1 reference spike counts (RK4, dt = 0.005 ms), cached under :data:`CACHE`."""
    key = _reference_key()
    path = CACHE / f"w1_reference_{n_cells}_{t_end:g}_{key}.npy"
    if path.exists():
        return np.load(path)
    counts = rk4_counts(currents(n_cells), t_end)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(tmp, counts)
    os.replace(tmp, path)
    return counts


@njit(parallel=True, cache=True, error_model="numpy")
def _loop_counts(current, t_end, dt, counts):
    n_steps = int(round(t_end / dt))
    for c in prange(current.shape[0]):
        v, m, h, n = resting_state()
        i_app = current[c]
        cnt = 0
        for _ in range(n_steps):
            am, bm, ah, bh, an, bn = _rates(v)
            sm = am + bm
            sh = ah + bh
            sn = an + bn
            m = am / sm + (m - am / sm) * math.exp(-dt * sm)
            h = ah / sh + (h - ah / sh) * math.exp(-dt * sh)
            n = an / sn + (n - an / sn) * math.exp(-dt * sn)
            g_na = G_NA * m * m * m * h
            g_k = G_K * n * n * n * n
            g = g_na + g_k + G_L
            v_inf = (g_na * E_NA + g_k * E_K + G_L * E_L + i_app) / g
            vn = v_inf + (v - v_inf) * math.exp(-dt * g / C_M)
            if v < THRESHOLD <= vn:
                cnt += 1
            v = vn
        counts[c] = cnt


def numba_loop_counts(current: np.ndarray, t_end: float = T_END, dt: float = DT) -> np.ndarray:
    """Baseline: one cell per ``prange`` iteration, Rush-Larsen gates, exponential V step."""
    counts = np.zeros(len(current), dtype=np.int64)
    _loop_counts(np.ascontiguousarray(current, dtype=np.float64), float(t_end), float(dt), counts)
    return counts


def numpy_counts(current: np.ndarray, t_end: float = T_END, dt: float = DT) -> np.ndarray:
    """Baseline: plain NumPy, vectorised across cells, the same Rush-Larsen scheme."""
    return numpy_run(current, t_end, dt)[0]


def numpy_run(current: np.ndarray, t_end: float = T_END,
              dt: float = DT) -> tuple[np.ndarray, np.ndarray]:
    """The NumPy baseline's spike counts and final V (mV): the gates by Rush-Larsen with the
    rates at V(t), then V by the exponential step with the new gates (the C ceiling's
    scheme)."""
    i_app = np.asarray(current, dtype=np.float64)
    v0, m0, h0, n0 = resting_state()
    v = np.full(i_app.shape, v0)
    m = np.full(i_app.shape, m0)
    h = np.full(i_app.shape, h0)
    n = np.full(i_app.shape, n0)
    counts = np.zeros(i_app.shape, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(int(round(t_end / dt))):
            x = v + 40.0
            am = np.where(x == 0.0, 1.0, 0.1 * x / -np.expm1(-x / 10.0))
            bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
            ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
            bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
            y = v + 55.0
            an = np.where(y == 0.0, 0.1, 0.01 * y / -np.expm1(-y / 10.0))
            bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
            sm, sh, sn = am + bm, ah + bh, an + bn
            m = am / sm + (m - am / sm) * np.exp(-dt * sm)
            h = ah / sh + (h - ah / sh) * np.exp(-dt * sh)
            n = an / sn + (n - an / sn) * np.exp(-dt * sn)
            g_na = G_NA * m**3 * h
            g_k = G_K * n**4
            g = g_na + g_k + G_L
            v_inf = (g_na * E_NA + g_k * E_K + G_L * E_L + i_app) / g
            vn = v_inf + (v - v_inf) * np.exp(-dt * g / C_M)
            counts += (v < THRESHOLD) & (vn >= THRESHOLD)
            v = vn
    return counts, v


def lsoda_counts(current: np.ndarray, t_end: float = T_END, rtol: float = 1e-10,
                 atol: float = 1e-10) -> np.ndarray:
    """Spike counts by scipy's LSODA, one cell at a time (upward crossings located by events)."""
    from scipy.integrate import solve_ivp

    y0 = np.array(resting_state())
    out = np.zeros(len(current), dtype=np.int64)

    def up(t, y, i_app):
        return y[0] - THRESHOLD

    up.direction = 1.0
    for j, i_app in enumerate(np.asarray(current, dtype=float)):
        sol = solve_ivp(lambda t, y, i=i_app: _rhs(y[0], y[1], y[2], y[3], i), (0.0, t_end), y0,
                        method="LSODA", rtol=rtol, atol=atol, events=up, args=(i_app,),
                        max_step=0.5)
        out[j] = len(sol.t_events[0])
    return out


def agreement(counts: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """Fractions of cells whose count equals / is within one spike of the reference."""
    d = np.abs(np.asarray(counts) - np.asarray(reference))
    return {"exact": float(np.mean(d == 0)), "within_one": float(np.mean(d <= 1)),
            "max_abs_diff": int(d.max()) if d.size else 0}


#: The least agreement with the RK4 reference a W1 run must reach, as (field of
#: :func:`agreement`, fraction of cells); a benchmark falling short fails instead of
#: publishing its speed. The error-controlled methods and LSODA count every cell's spikes
#: exactly; second-order fixed steps at dt = 0.025 ms miss by more than one spike in at most
#: 6 of 10 000 cells (session 36: within one for 0.9994-0.9997); rl1, first order, is within
#: one for 0.967 of them. Methods not listed are held to :data:`MIN_AGREEMENT_FIXED_STEP`.
MIN_AGREEMENT = {"adaptive": ("exact", 1.0), "lsoda": ("exact", 1.0),
                 "rl1": ("within_one", 0.95)}
MIN_AGREEMENT_FIXED_STEP = ("within_one", 0.999)


def check_agreement(method: str, agreement_: dict[str, float]) -> None:
    """Raise ``AssertionError`` if ``agreement_`` (from :func:`agreement`) falls short of
    :data:`MIN_AGREEMENT` for ``method``."""
    field, least = MIN_AGREEMENT.get(method, MIN_AGREEMENT_FIXED_STEP)
    assert agreement_[field] >= least, (
        f"W1 {method}: {field} = {agreement_[field]:.4f} of the cells agree with the RK4 "
        f"reference, below the {least} this method reaches ({agreement_})")


def threads() -> int:
    """Numba threads available (at most 2 are used by the benchmarks)."""
    return min(2, numba.config.NUMBA_NUM_THREADS)
