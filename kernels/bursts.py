'''Spike and burst accounting of the ensemble driver, shared by all its integrators.

Burst accounting (:func:`record_spike`, the ``B_*`` columns): a spike-free interval longer
than the burst gap (``F_GAP``) between two counted spikes, or from the end of the warm-up to
the first one, is a silent phase, so the next spike starts a burst, unless the run tests
silences against a plateau potential (``F_PLATEAU``, mV, the model's ``plateau_V``; NaN: no
test) and V is not below it there: the interval is then a plateau without counted spikes,
part of the burst under way. The test takes the time average of V over the interval's samples
below the spike threshold (``F_VTHR``), the sums the silent-phase potential uses
(:func:`accumulate_silent`, kept whenever the test is made): once V has fallen below the
threshold after a spike it stays below until the next spike, so these samples are the
interval's final, hyperpolarised part, and an interval without any stayed at or above the
threshold (above the plateau potential) throughout. The same definition as
:func:`biophys.analysis.bursts`; the interval after the last spike is judged by
:func:`biophys.metrics.burst_statistics` from the same sums.
'''

import math

from ._jit import jit

# columns of the per-cell burst accumulator (reduced by biophys.metrics.burst_statistics):
# spike count, last spike time (ms), burst starts (count, first, last, ms), the current burst
# (first spike, spike count, running flag, started-after-warm-up flag), completed bursts
# (summed duration, count, summed spikes); and, when I_SILENT is set (the engine sets it for
# a silent-phase metric or a plateau_V), the sum of V (mV x samples for the fixed steps,
# mV ms for the adaptive methods), weight (samples, or ms) and minimum (mV) of V below
# threshold since the last counted spike (PEND; from the end of the warm-up before the
# first), whose mean decides with F_PLATEAU
# whether a long interval was a silent phase, and which are moved into the SIL columns (the
# silent-phase potential) when the next spike ends a silent phase, dropped otherwise
(B_NSPK, B_LAST, B_NSTART, B_FIRST_START, B_LAST_START, B_CUR_FIRST, B_SUM_DUR, B_NDONE,
 B_SUM_SPK, B_CUR_N, B_IN_BURST, B_CUR_VALID,
 B_PEND_SUM, B_PEND_N, B_PEND_MIN, B_SIL_SUM, B_SIL_N, B_SIL_MIN) = range(18)
N_BURST = 18


@jit
def record_spike(g, ts, counted, spk_t, spk_n, burst, burst_gap, plateau_V):
    """Store spike time ``ts`` (ms) of cell ``g``; burst accounting when ``counted``.

    The interval since the previous counted spike (or since the end of the warm-up) is a
    silent phase when it is longer than ``burst_gap`` (ms) and, unless ``plateau_V`` (mV) is
    NaN, it has samples below threshold whose mean (the ``B_PEND_*`` sums) is at most
    ``plateau_V``; otherwise a longer interval is a depolarised plateau inside the burst under
    way.
    """
    n = spk_n[g]
    if n < spk_t.shape[1]:
        spk_t[g, n] = ts
    spk_n[g] = n + 1
    if not counted:
        return
    bu = burst[:, g]
    silence = ts - bu[B_LAST] > burst_gap
    if silence and plateau_V == plateau_V:  # the per-silence test (NaN: none)
        # not below plateau_V, or never below threshold: a depolarised plateau, the burst
        # goes on
        silence = bu[B_PEND_N] > 0.0 and bu[B_PEND_SUM] / bu[B_PEND_N] <= plateau_V
    if silence and bu[B_NSPK] > 0.0:
        # the interval since the previous counted spike was a silent phase
        bu[B_SIL_SUM] += bu[B_PEND_SUM]
        bu[B_SIL_N] += bu[B_PEND_N]
        bu[B_SIL_MIN] = min(bu[B_SIL_MIN], bu[B_PEND_MIN])
    bu[B_PEND_SUM] = 0.0
    bu[B_PEND_N] = 0.0
    bu[B_PEND_MIN] = math.inf
    bu[B_NSPK] += 1.0
    if silence:
        if bu[B_IN_BURST] > 0.0 and bu[B_CUR_VALID] > 0.0:
            bu[B_SUM_DUR] += bu[B_LAST] - bu[B_CUR_FIRST]
            bu[B_NDONE] += 1.0
            bu[B_SUM_SPK] += bu[B_CUR_N]
        bu[B_NSTART] += 1.0
        if bu[B_NSTART] == 1.0:
            bu[B_FIRST_START] = ts
        bu[B_LAST_START] = ts
        bu[B_CUR_FIRST] = ts
        bu[B_CUR_N] = 1.0
        bu[B_IN_BURST] = 1.0
        bu[B_CUR_VALID] = 1.0
    else:
        if bu[B_IN_BURST] == 0.0:
            # a burst already running when the warm-up ended: never counted
            bu[B_IN_BURST] = 1.0
            bu[B_CUR_VALID] = 0.0
            bu[B_CUR_FIRST] = ts
        bu[B_CUR_N] += 1.0
    bu[B_LAST] = ts


@jit
def accumulate_silent(Yb, c0, nb, v_thr, weight, burst):
    """Add V of the block's cells, where below ``v_thr`` (mV), with ``weight`` (one sample, or
    the step in ms) to the pending silent-phase sums of :data:`N_BURST` columns."""
    for c in range(nb):
        v = Yb[0, c]
        g = c0 + c
        if v < v_thr:
            burst[B_PEND_SUM, g] += weight * v
            burst[B_PEND_N, g] += weight
            if v < burst[B_PEND_MIN, g]:
                burst[B_PEND_MIN, g] = v


@jit
def record_crossings(Yb, vprev, c0, nb, t, dt, v_thr, counted, spk_t, spk_n, burst, burst_gap,
                     plateau_V):
    """Fixed-step spikes: record every upward crossing of ``v_thr`` (mV) by V (row 0 of ``Yb``)
    between the previous sample ``vprev`` (at ``t - dt``) and this one (at ``t``, ms), located
    by linear interpolation (burst accounting: :func:`record_spike`). The block integrator
    counts the crossings itself and calls this only in steps where some cell crossed: measured
    faster for small blocks than running the recorder in every step."""
    for c in range(nb):
        v = Yb[0, c]
        vp = vprev[c]
        if vp < v_thr and v >= v_thr:
            ts = t - dt + dt * (v_thr - vp) / (v - vp)
            record_spike(c0 + c, ts, counted, spk_t, spk_n, burst, burst_gap, plateau_V)
