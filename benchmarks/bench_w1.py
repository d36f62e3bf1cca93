"""Workload W1 (issue 7): HH 1952, N cells, I_app evenly over 0..20 uA/cm^2 (one cell: 10
uA/cm^2, see ``w1.currents``), 1000 ms, spike counts only.

Every benchmark stores ``cell_steps_per_s``, the *fixed-step-equivalent* throughput: N x 40 000
(the steps of 0.025 ms in 1000 ms) per second of wall time, whatever the method, so that
methods compare as wall times. ``adaptive`` takes fewer, longer steps (about 7 900 accepted
per W1 cell), so it also stores ``mean_steps_per_cell`` and ``accepted_steps_per_s`` (its
accepted steps per second of wall time). For N = 10 000 (any N in smoke mode) the agreement of
the spike counts with the RK4 reference (``exact`` and ``within_one``: fractions of cells) must
reach ``w1.MIN_AGREEMENT``. The baselines (plain NumPy, the straightforward Numba loop, the C
code, scipy LSODA on a subset of cells) run in the same process, so ``benchmarks/report.py``
can state every figure of this file as a ratio.
"""

import ceiling
import numpy as np
import pytest
import w1
from conftest import run

import biophys as bp
from biophys import _engine

HH = bp.model("hh1952")
SIZES = (1, 100, 1000, 10000)
THREADS = sorted({1, w1.threads()})
#: Smoke mode's run length, ms: long enough for every cell above about 2 uA/cm^2 to spike,
#: so that the counts' check against the reference means something.
SMOKE_T_END = 20.0


def _inputs(n):
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = w1.currents(n)
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    return P, Y0


def _record(benchmark, n, t_end, counts=None, method=None, full=True):
    """Store the throughput and, for N = 10 000 (any N in smoke mode), the agreement of the
    spike counts with the RK4 reference, which must reach ``w1.MIN_AGREEMENT``."""
    steps = n * round(t_end / w1.DT)
    benchmark.extra_info.update(n_cells=n, t_end_ms=t_end, cell_steps=steps)
    mean = benchmark.stats.stats.mean if benchmark.stats else None
    if mean:
        benchmark.extra_info["cell_steps_per_s"] = steps / mean
    if counts is not None and (n == 10000 or not full):
        agree = w1.agreement(counts, w1.reference_counts(n, t_end))
        if full:
            benchmark.extra_info.update(agree)
        w1.check_agreement(method, agree)


@pytest.mark.parametrize("threads", THREADS, indirect=True)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("method", ["staggered", "rl2ab", "rl2", "rl1", "adaptive"])
def test_w1_biophys(benchmark, full, method, n, threads):
    if not full and (n > 100 or threads > 1 or method in ("rl1", "rl2")):
        pytest.skip("smoke mode: small N, one thread, staggered, rl2ab and adaptive only")
    t_end = w1.T_END if full else SMOKE_T_END
    P, Y0 = _inputs(n)
    _engine.run(HH, P[:, :1], Y0[:, :1], t_end=0.05, dt=w1.DT, method=method)  # compile/load
    benchmark.group = f"W1 N={n}"
    benchmark.extra_info.update(method=method, threads=threads)
    r = run(benchmark, lambda: _engine.run(HH, P, Y0, t_end=t_end, dt=w1.DT, method=method),
            full=full, rounds=3 if n >= 1000 else 5)
    _record(benchmark, n, t_end, r.spike_count, method, full)
    if method == "adaptive":
        benchmark.extra_info["mean_steps_per_cell"] = float(np.mean(r.n_accepted))
        if benchmark.stats:
            benchmark.extra_info["accepted_steps_per_s"] = (
                float(np.sum(r.n_accepted)) / benchmark.stats.stats.mean)


@pytest.mark.parametrize("threads", THREADS, indirect=True)
@pytest.mark.parametrize("n", SIZES)
def test_w1_numba_loop(benchmark, full, n, threads):
    """Baseline: the straightforward Numba loop (one cell per prange iteration)."""
    if not full and (n > 100 or threads > 1):
        pytest.skip("smoke mode: small N, one thread")
    t_end = w1.T_END if full else SMOKE_T_END
    current = w1.currents(n)
    w1.numba_loop_counts(current[:2], 0.05)  # compile/load
    benchmark.group = f"W1 N={n}"
    benchmark.extra_info.update(method="numba_loop", threads=threads)
    counts = run(benchmark, lambda: w1.numba_loop_counts(current, t_end), full=full,
                 rounds=2 if n >= 1000 else 5)
    _record(benchmark, n, t_end, counts, "numba_loop", full)


@pytest.mark.parametrize("threads", THREADS, indirect=True)
@pytest.mark.parametrize("n", SIZES)
def test_w1_c_ceiling(benchmark, full, n, threads):
    """The C ceiling: hand-written C, SIMD across cells (libmvec exp), OpenMP blocks. Its name
    is the issue's: on the 2-vCPU Intel Xeons of sessions 28 and 45-51 it ran W1 faster than
    the driver, on the AMD Zen 4 of session 36 slower (libmvec's exp costs more there)."""
    if not full and (n > 100 or threads > 1):
        pytest.skip("smoke mode: small N, one thread")
    fn = ceiling.load()
    if fn is None:
        pytest.skip("no C compiler with OpenMP")
    t_end = w1.T_END if full else SMOKE_T_END
    current = w1.currents(n)
    benchmark.group = f"W1 N={n}"
    benchmark.extra_info.update(method="c_ceiling", threads=threads)
    counts = run(benchmark, lambda: ceiling.counts(fn, current, t_end, w1.DT, threads),
                 full=full, rounds=3 if n >= 1000 else 5)
    _record(benchmark, n, t_end, counts, "c_ceiling", full)


@pytest.mark.parametrize("n", (100, 10000))
def test_w1_numpy(benchmark, full, n):
    """Baseline: plain NumPy vectorised across cells (a shorter run, 50 ms: the rate is per
    step). Its counts must agree with the RK4 reference over that run as the fixed steps'
    must (the same scheme as ``staggered``), so a broken baseline fails instead of
    publishing a speed."""
    if not full and n > 100:
        pytest.skip("smoke mode: small N only")
    t_end = 50.0 if full else SMOKE_T_END
    current = w1.currents(n)
    benchmark.group = f"W1 N={n}"
    benchmark.extra_info.update(method="numpy", threads=1)
    counts = run(benchmark, lambda: w1.numpy_counts(current, t_end), full=full)
    _record(benchmark, n, t_end)
    agree = w1.agreement(counts, w1.reference_counts(n, t_end))
    if full:  # over its 50 ms, not W1's 1000 ms: kept apart from the other rows' fields
        benchmark.extra_info["agreement"] = agree
    w1.check_agreement("numpy", agree)


def test_w1_lsoda_subset(benchmark, full):
    """Baseline: scipy LSODA (rtol 1e-8), one cell at a time, on 8 cells of W1."""
    n_sub = 8 if full else 2
    t_end = w1.T_END if full else SMOKE_T_END
    current = w1.currents(10000)[np.linspace(0, 9999, n_sub).astype(int)]
    benchmark.group = "W1 LSODA subset"
    benchmark.extra_info.update(method="lsoda", threads=1)
    counts = run(benchmark, lambda: w1.lsoda_counts(current, t_end, rtol=1e-8, atol=1e-10),
                 full=full, rounds=1)
    _record(benchmark, n_sub, t_end)
    ref = w1.reference_counts(10000, t_end)[np.linspace(0, 9999, n_sub).astype(int)]
    agree = w1.agreement(counts, ref)
    if full:
        benchmark.extra_info.update(agree)
    w1.check_agreement("lsoda", agree)
