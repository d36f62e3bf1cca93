"""Burst read-outs at the edges of their definitions, offline and online, on synthetic spike
trains and traces whose answers are worked out here by hand.

Each test was written against a mutant of ``biophys/analysis.py``, ``biophys/metrics.py`` or
``kernels/bursts.py`` that every other test passed (session 41 mutation review): a silence
is an interval *longer* than the gap and at or below ``plateau_V`` (``>`` and ``<=``, not
``>=`` and ``<``), depolarisation block is a mean *above* ``plateau_V``, silent-phase samples
are those strictly *below* the threshold, a burst under way at the end of the warm-up is never
measured (also when it ends before ``t_end``), the interval before the first spike is not a
silent phase (its potential is not in ``silent_phase_V``/``silent_phase_min_V``), spike times
are interpolated between samples, the spike rate is per second of the window after the warm-up
and the burst period and active phase are read out in s.

The online detector is driven here the way the fixed-step driver drives it
(:mod:`biophys.kernels.ensemble_source`: at every step ``record_crossings`` for a crossing
between the previous sample and this one, counted after the warm-up step, then, from the
warm-up step on, ``accumulate_silent`` with weight 1), on sampled synthetic traces, and its
accumulator is reduced by :func:`biophys.metrics.burst_statistics`, the read-out of a sweep.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from biophys import metrics
from biophys.analysis import KINDS, bursts, bursts_from_spike_times
from biophys.kernels import bursts as kb
from biophys.metrics import burst_statistics
from biophys.models import get_model


def _new_accumulator(t_warm):
    """A one-cell accumulator as :func:`biophys._engine.run` starts it."""
    b = np.zeros((kb.N_BURST, 1))
    b[kb.B_LAST] = t_warm
    b[kb.B_PEND_MIN] = math.inf
    b[kb.B_SIL_MIN] = math.inf
    return b


def _online_spikes(spike_times, t_warm, gap, plateau_V=math.nan):
    """The accumulator after ``record_spike`` of each (counted) spike time."""
    b = _new_accumulator(t_warm)
    spk_t = np.full((1, len(spike_times) + 1), np.nan)
    spk_n = np.zeros(1, np.int64)
    for ts in spike_times:
        kb.record_spike(0, float(ts), ts > t_warm, spk_t, spk_n, b, float(gap), plateau_V)
    return b


def _online_trace(V, dt, warm_steps, thr, gap, plateau_V=math.nan):
    """The fixed-step driver's spike and burst accounting on the samples ``V`` (at k * dt):
    accumulator, spike times."""
    b = _new_accumulator(warm_steps * dt)
    spk_t = np.full((1, 1000), np.nan)
    spk_n = np.zeros(1, np.int64)
    vprev = np.array([V[0]])
    Yb = np.zeros((1, 1))
    for k in range(V.size):
        Yb[0, 0] = V[k]
        if k > 0 and vprev[0] < thr <= V[k]:
            kb.record_crossings(Yb, vprev, 0, 1, k * dt, dt, thr, k > warm_steps, spk_t,
                                spk_n, b, float(gap), plateau_V)
        vprev[0] = V[k]
        if k >= warm_steps:
            kb.accumulate_silent(Yb, 0, 1, thr, 1.0, b)
    return b, spk_t[0, : spk_n[0]]


# ---------------------------------------------------------------------------------------------
# "longer than the gap": an interval of exactly the gap is not a silence
# ---------------------------------------------------------------------------------------------

def test_an_interval_of_exactly_the_gap_is_not_a_silence():
    """Spikes every 1000 ms from 1000 to 4000 in [0, 5000] with gap 1000 ms (all exact in
    binary): no interval is longer than the gap (before the first, between, after the last),
    so the cell fires continuously at 1 Hz, offline and online."""
    st = [1000.0, 2000.0, 3000.0, 4000.0]
    s = bursts_from_spike_times(st, 1000.0, 0.0, 5000.0)
    assert s.kind == "continuous" and s.plateau_fraction == 1.0 and s.n_bursts == 0
    assert s.intraburst_frequency == 1.0  # every interval is inside the burst
    assert s.spike_rate == 4 / 5.0
    # each end on its own: 1000 ms before the first spike, or after the last
    assert bursts_from_spike_times(st, 1000.0, 0.0, 4500.0).kind == "continuous"
    assert bursts_from_spike_times(st, 1000.0, 500.0, 5000.0).kind == "continuous"
    on = burst_statistics(_online_spikes(st, 0.0, 1000.0), 5000.0, 1000.0)
    assert KINDS[int(on["regime"][0])] == "continuous"
    assert on["plateau_fraction"][0] == 1.0 and on["n_bursts"][0] == 0
    # one more ms makes each of them a silence: single spikes 1 s apart
    s = bursts_from_spike_times([1001.0, 2002.0, 3003.0, 4004.0], 1000.0, 0.0, 5005.0)
    assert s.kind == "single spikes" and s.period == 1001.0 and s.n_bursts == 4



def test_period_and_its_spread_from_irregular_burst_starts():
    """Bursts of two spikes 50 ms apart starting at 2000, 5000, 9000 and 11000 ms (gap
    1000 ms, window [0, 13000]): intervals 3000, 4000, 2000 ms between starts, so the period
    is 3000 ms and its s.d. (population, over the three intervals) 1000 * sqrt(2/3) ms."""
    st = [f + d for f in (2000.0, 5000.0, 9000.0, 11000.0) for d in (0.0, 50.0)]
    s = bursts_from_spike_times(st, 1000.0, 0.0, 13000.0)
    assert s.kind == "bursting" and s.n_bursts == 4
    assert s.period == 3000.0
    assert s.period_std == pytest.approx(1000.0 * math.sqrt(2.0 / 3.0), rel=1e-12)
    assert s.active_phase == 50.0 and s.spikes_per_burst == 2.0
    assert s.plateau_fraction == pytest.approx(50.0 / 3000.0, rel=1e-12)
    assert s.silent_phase == pytest.approx((2950.0 + 3950.0 + 1950.0) / 3.0, rel=1e-12)
    on = burst_statistics(_online_spikes(st, 0.0, 1000.0), 13000.0, 1000.0)
    assert on["burst_period"][0] == 3000.0 and on["n_bursts"][0] == 4
    assert on["active_phase"][0] == 50.0 and on["spikes_per_burst"][0] == 2.0

# ---------------------------------------------------------------------------------------------
# "at or below plateau_V": a long interval whose samples below threshold average exactly
# plateau_V is a silence; a cell without spikes at exactly plateau_V is not in block
# ---------------------------------------------------------------------------------------------

THR, GAP = -20.0, 1000.0  # mV, ms
PV = -45.0  # plateau_V, mV


def _flat_with_spikes(spike_samples, n, base):
    """V = ``base`` at every sample (1 ms apart) but one sample at +10 mV per spike."""
    V = np.full(n + 1, base)
    V[list(spike_samples)] = 10.0
    return np.arange(n + 1, dtype=float), V


def test_long_intervals_at_exactly_plateau_V_are_silences():
    """Every sample below threshold is at -45 mV = plateau_V, so every interval longer than
    the gap is a silence: three bursts of three spikes (100 ms apart) starting 3000 ms
    apart, each followed by a silence, the last one by the 1800 ms to the end."""
    firsts = (2000, 5000, 8000)
    spikes = [f + 100 * i for f in firsts for i in range(3)]
    t, V = _flat_with_spikes(spikes, 10_000, PV)
    warm = 500
    # a crossing from -45 to +10 mV between samples k-1 and k lies at k - 1 + 25/55 ms
    frac = (THR - PV) / (10.0 - PV)
    s = bursts(t, V, THR, GAP, t_start=float(warm), plateau_V=PV)
    np.testing.assert_allclose(s.spike_times, np.array(spikes) - 1.0 + frac, rtol=0, atol=1e-9)
    assert s.kind == "bursting" and s.n_bursts == 3
    assert s.period == pytest.approx(3000.0, abs=1e-9)
    assert s.active_phase == pytest.approx(200.0, abs=1e-9)
    assert s.plateau_fraction == pytest.approx(200.0 / 3000.0, abs=1e-12)
    assert s.silent_V_mean == PV and s.silent_V_min == PV
    b, st = _online_trace(V, 1.0, warm, THR, GAP, plateau_V=PV)
    np.testing.assert_allclose(st, np.array(spikes) - 1.0 + frac, rtol=0, atol=1e-9)
    on = burst_statistics(b, 10_000.0, GAP, plateau_V=PV)
    assert KINDS[int(on["regime"][0])] == "bursting" and on["n_bursts"][0] == 3
    assert on["burst_period"][0] == pytest.approx(3000.0, abs=1e-9)
    assert on["active_phase"][0] == pytest.approx(200.0, abs=1e-9)
    assert on["spikes_per_burst"][0] == 3.0
    assert on["silent_phase_V"][0] == PV and on["silent_phase_min_V"][0] == PV
    # 1 mV lower plateau_V: every such interval is a plateau, the cell fires continuously
    s = bursts(t, V, THR, GAP, t_start=float(warm), plateau_V=PV - 1.0)
    b, _ = _online_trace(V, 1.0, warm, THR, GAP, plateau_V=PV - 1.0)
    on = burst_statistics(b, 10_000.0, GAP, plateau_V=PV - 1.0)
    assert s.kind == KINDS[int(on["regime"][0])] == "continuous"


def test_a_cell_without_spikes_at_exactly_plateau_V_is_silent_not_blocked():
    t = np.arange(0.0, 1001.0)
    s = bursts(t, np.full(t.size, PV), THR, 100.0, plateau_V=PV)
    assert (s.kind, s.plateau_fraction, s.silent_V_mean) == ("silent", 0.0, PV)
    b = _new_accumulator(0.0)
    b[kb.B_PEND_SUM], b[kb.B_PEND_N], b[kb.B_PEND_MIN] = PV * t.size, t.size, PV
    on = burst_statistics(b, 1000.0, 100.0, mean_V=np.array([PV]), plateau_V=PV)
    assert KINDS[int(on["regime"][0])] == "silent" and on["plateau_fraction"][0] == 0.0
    assert on["silent_phase_V"][0] == PV


# ---------------------------------------------------------------------------------------------
# the silent-phase potential: samples strictly below threshold, in silences between spikes
# ---------------------------------------------------------------------------------------------

def test_samples_at_threshold_are_not_in_the_silent_phase_potential():
    """At -60 mV but single-sample spikes (+10 mV) at 2000, 4000, 6000 ms, each followed by
    one sample at exactly the threshold: the silent phases are at -60 mV exactly (the
    samples at threshold are not below it)."""
    t, V = _flat_with_spikes((2000, 4000, 6000), 7000, -60.0)
    V[[2001, 4001, 6001]] = THR
    s = bursts(t, V, THR, GAP)
    assert s.kind == "single spikes" and s.silent_V_mean == -60.0
    b, _ = _online_trace(V, 1.0, 0, THR, GAP)
    on = burst_statistics(b, 7000.0, GAP)
    assert on["silent_phase_V"][0] == -60.0 and on["silent_phase_min_V"][0] == -60.0


def test_the_interval_before_the_first_spike_is_not_a_silent_phase():
    """After the warm-up (1000 ms) the cell sits at -80 mV until its first burst at 2500 ms
    (a silence, so that burst has a start) and at -60 mV in the silences between its three
    bursts (5 spikes 100 ms apart every 4000 ms; triangular spikes crossing -20 mV at
    half-integer ms, between the samples). The silent-phase potential is that of the two
    silences between bursts only: minimum -60 mV, mean that of their samples below threshold;
    the -80 mV before the first spike are not in it (they are no silence between two spikes)."""
    dt, warm, t_end = 1.0, 1000, 15_000
    firsts = 2500.5 + 4000.0 * np.arange(3)
    spikes = np.concatenate([f + 100.0 * np.arange(5) for f in firsts])
    pts = [(0.0, -80.0), (firsts[0] - 20.0, -80.0)]
    for f in firsts:
        if f > firsts[0]:
            pts.append((f - 11.0, -60.0))
        for s in f + 100.0 * np.arange(5):
            # -50 -> +10 -> -50 mV: crosses -20 mV upward at s exactly
            pts += [(s - 1.0, -50.0), (s + 1.0, 10.0), (s + 3.0, -50.0)]
        pts.append((f + 413.0, -60.0))
    pts.append((float(t_end), -60.0))
    tp, vp = np.array(pts).T
    t = np.arange(0.0, t_end + 0.5 * dt, dt)
    V = np.interp(t, tp, vp)
    # independent: the samples below threshold strictly between the last spike of a burst
    # and the first of the next
    sil = np.zeros(t.size, bool)
    for a, z in zip(spikes[4:-1:5], spikes[5::5], strict=True):
        sil |= (t > a) & (t < z)
    below = V[sil & (V < THR)]
    assert below.min() == -60.0 and -60.0 < below.mean() < -59.0

    s = bursts(t, V, THR, GAP, t_start=warm * dt)
    np.testing.assert_allclose(s.spike_times, spikes, rtol=0, atol=1e-9)
    assert s.kind == "bursting" and s.n_bursts == 3
    assert s.period == pytest.approx(4000.0, abs=1e-9)
    assert s.active_phase == pytest.approx(400.0, abs=1e-9)
    assert s.silent_V_min == -60.0
    assert s.silent_V_mean == pytest.approx(below.mean(), abs=1e-12)

    b, st = _online_trace(V, dt, warm, THR, GAP)
    np.testing.assert_allclose(st, spikes, rtol=0, atol=1e-9)  # interpolated crossings
    on = burst_statistics(b, float(t_end), GAP)
    assert KINDS[int(on["regime"][0])] == "bursting" and on["n_bursts"][0] == 3
    assert on["burst_period"][0] == pytest.approx(4000.0, abs=1e-9)
    assert on["active_phase"][0] == pytest.approx(400.0, abs=1e-9)
    assert on["spikes_per_burst"][0] == 5.0
    assert on["silent_phase_min_V"][0] == -60.0
    assert on["silent_phase_V"][0] == pytest.approx(below.mean(), abs=1e-12)


def test_a_silent_cell_reads_the_time_average_of_every_sample():
    """No spike: the silent-phase potential is the time average over the window's samples
    below the threshold (here all of them), each sample weighing one interval (the last as
    the one before it), as the driver's mean of its samples: V rising linearly from -70 to
    -60 mV in 11 equally spaced samples averages -65 mV (not -65.5, without the last
    sample)."""
    t = np.arange(0.0, 11.0)
    s = bursts(t, -70.0 + t, THR, GAP)
    assert s.kind == "silent"
    assert s.silent_V_mean == pytest.approx(-65.0, abs=1e-12) and s.silent_V_min == -70.0


# ---------------------------------------------------------------------------------------------
# a burst under way when the window opens is never measured, even if it ends inside it
# ---------------------------------------------------------------------------------------------

def test_a_burst_under_way_at_the_end_of_the_warm_up_is_not_measured():
    """Warm-up to 1000 ms; spikes at 950 (in the warm-up), 1050, 1150, 1250, then nothing to
    5000 ms: the burst was under way when the window opened (50 ms < gap after it) and ends
    with the silence to the end. It has no start, so nothing is measured: irregular, no
    burst, NaN active phase and spikes per burst, offline and online."""
    st = [950.0, 1050.0, 1150.0, 1250.0]
    s = bursts_from_spike_times(st, GAP, 1000.0, 5000.0)
    assert s.kind == "irregular" and s.n_spikes == 3 and s.n_bursts == 0
    assert math.isnan(s.active_phase) and math.isnan(s.spikes_per_burst)
    on = burst_statistics(_online_spikes(st, 1000.0, GAP), 5000.0, GAP)
    assert KINDS[int(on["regime"][0])] == "irregular"
    assert on["spike_count"][0] == 3 and on["n_bursts"][0] == 0
    assert math.isnan(on["active_phase"][0]) and math.isnan(on["spikes_per_burst"][0])


# ---------------------------------------------------------------------------------------------
# units of the sweep read-outs
# ---------------------------------------------------------------------------------------------

def test_sweep_read_outs_are_per_second_of_the_window_after_the_warm_up():
    """metrics.compute on an accumulator written here: 30 spikes after a 5 s warm-up of a
    20 s run are 2 Hz (30 spikes / 15 s); burst starts at 6000 and 12000 ms are a period of
    6 s; two completed bursts of 400 and 600 ms an active phase of 0.5 s."""
    m = get_model("hh1952")
    b = _new_accumulator(5000.0)
    b[kb.B_NSPK], b[kb.B_LAST] = 30.0, 19_990.0
    b[kb.B_NSTART], b[kb.B_FIRST_START], b[kb.B_LAST_START] = 2.0, 6000.0, 12_000.0
    b[kb.B_SUM_DUR], b[kb.B_NDONE], b[kb.B_SUM_SPK] = 1000.0, 2.0, 20.0
    b[kb.B_IN_BURST], b[kb.B_CUR_VALID], b[kb.B_CUR_FIRST], b[kb.B_CUR_N] = 1.0, 1.0, 19_000.0, 10.0
    raw = SimpleNamespace(n_steps=2000, dt=10.0, t_warm=5000.0, burst=b, obs=np.zeros((0, 3, 1)),
                          n_obs_samples=1501)
    plan = metrics.plan(m, ["spike_rate", "burst_period", "active_phase", "spikes_per_burst"])
    out = metrics.compute(plan, raw, 50.0)
    assert out["spike_rate"][0] == pytest.approx(2.0, rel=1e-12)
    assert out["burst_period"][0] == pytest.approx(6.0, rel=1e-12)
    assert out["active_phase"][0] == pytest.approx(0.5, rel=1e-12)
    assert out["spikes_per_burst"][0] == 10.0
    assert {s.name: s.units for s in plan.specs} == {
        "spike_rate": "Hz", "burst_period": "s", "active_phase": "s", "spikes_per_burst": "1"}


# ---------------------------------------------------------------------------------------------
# offline = online at the window's opening (found by the same review in the unmutated code)
# ---------------------------------------------------------------------------------------------

def test_a_spike_exactly_at_the_window_start_is_not_in_the_window():
    """A crossing located exactly at t_start (a sample at the threshold at the end of the
    warm-up) was counted offline (``time >= t_start``) but not online (spikes after the
    warm-up): one spike and "irregular" against none. Now none on both."""
    V = np.full(3001, -60.0)
    V[100] = THR  # at t = 100 ms = the end of the warm-up, coming from below
    t = np.arange(3001.0)
    s = bursts(t, V, THR, GAP, t_start=100.0)
    b, st = _online_trace(V, 1.0, 100, THR, GAP)
    on = burst_statistics(b, 3000.0, GAP)
    assert st.tolist() == [100.0] and on["spike_count"][0] == 0  # located, not counted
    assert s.n_spikes == 0 and s.kind == "silent"
    assert bursts(t, V, THR, GAP, t_start=99.5).n_spikes == 1  # inside a wider window


def test_a_silent_cell_held_above_threshold_has_no_silent_phase_potential_offline_either():
    """Online a cell without spikes sums only its samples below the threshold, so one held
    above it has NaN; offline averaged every sample (20 mV). And where the window opens on
    a spike's peak, offline counted the peak's samples into the resting potential."""
    t = np.arange(2001.0)
    held = np.where(t < 10.0, -65.0, 20.0)  # above THR from 10 ms, no crossing after 50 ms
    s = bursts(t, held, THR, GAP, t_start=50.0)
    b, _ = _online_trace(held, 1.0, 50, THR, GAP)
    on = burst_statistics(b, 2000.0, GAP)
    assert s.kind == "silent" and math.isnan(s.silent_V_mean) and math.isnan(s.silent_V_min)
    assert math.isnan(on["silent_phase_V"][0]) and math.isnan(on["silent_phase_min_V"][0])
    # the window opens on the falling half of a spike (10 mV, then 0 mV, then rest at -60)
    peak = np.full(2001, -60.0)
    peak[50], peak[51] = 10.0, 0.0
    s = bursts(t, peak, THR, GAP, t_start=50.0)
    b, _ = _online_trace(peak, 1.0, 50, THR, GAP)
    on = burst_statistics(b, 2000.0, GAP)
    assert s.silent_V_mean == -60.0 and s.silent_V_min == -60.0  # the samples below THR
    assert on["silent_phase_V"][0] == -60.0 and on["silent_phase_min_V"][0] == -60.0
